/**
 * RecallFlow.parentTask's per-request DataLoader (built by RequestJoin, which owns it). Keys are
 * parent task ids carrying a hint (the flow's created time); tasks the request has already
 * received are primed in by the join state, so they cost nothing. A batch first waits for the
 * task lists still in flight, then reads merged windows, each by scan or by name search,
 * whichever is cheaper.
 */
import DataLoader from 'dataloader';
import type { GroupCallTaskRecord, LaafficApi } from '../../upstream';
import type { GatewayContext } from '../context';
import { chooseStrategy, mergeWindows, type JoinWindow, type ParentKey } from './join-plan';

export type ParentTaskLoader = DataLoader<ParentKey, GroupCallTaskRecord | null, number>;

/** What the loader reads and feeds of the request's join state (see request-join.ts). */
export interface KnownTasks {
  /** A task the request already holds. */
  knownTask(taskId: number): GroupCallTaskRecord | undefined;
  /** Settles once every task list in flight has; undefined when none is. */
  taskListsInFlight(): Promise<unknown> | undefined;
  /** Records a task the request has received. */
  sawTask(record: GroupCallTaskRecord): void;
}

const PAGE = 100;

/** The loader of one product line: it searches that line's task list only. */
export function createParentTaskLoader(ctx: GatewayContext, api: LaafficApi, tasks: KnownTasks): ParentTaskLoader {
  return new DataLoader(
    async (keys) => {
      ctx.observeBatch('parentTask', keys.length);
      // Task lists this request is still fetching may hold the parents: wait for them first.
      const inFlight = tasks.taskListsInFlight();
      if (inFlight) await inFlight;
      const unknown = keys.filter((k) => !tasks.knownTask(k.taskId));
      const found = unknown.length > 0 ? await findParents(ctx, api, unknown, (r) => tasks.sawTask(r)) : new Map();
      return keys.map((k) => {
        const record = tasks.knownTask(k.taskId) ?? found.get(k.taskId);
        if (!record) ctx.log.info({ taskId: k.taskId, product: api.line }, k.window ? 'attempt task not found upstream' : 'parent task not found upstream');
        return record ?? null;
      });
    },
    { cacheKeyFn: (k) => k.taskId },
  );
}

/** The loader key of a task's own record (to prime it). */
export const parentKeyOf = (record: GroupCallTaskRecord): ParentKey => ({
  taskId: record.taskId,
  hint: record.createdAt,
  name: record.taskName,
});

async function findParents(
  ctx: GatewayContext,
  api: LaafficApi,
  keys: readonly ParentKey[],
  seen: (record: GroupCallTaskRecord) => void,
): Promise<Map<number, GroupCallTaskRecord>> {
  const wanted = new Set(keys.map((k) => k.taskId));
  const found = new Map<number, GroupCallTaskRecord>();
  const take = (records: GroupCallTaskRecord[]) => {
    for (const r of records) {
      seen(r);
      if (wanted.has(r.taskId)) found.set(r.taskId, r);
    }
  };
  const { lookbackHours, skewMinutes } = ctx.settings.join;
  const maxDays = ctx.settings.maxWindowDays;
  const windows = mergeWindows(keys, lookbackHours * 3_600_000, skewMinutes * 60_000, maxDays === undefined ? Infinity : maxDays * 86_400_000);
  await Promise.all(windows.map((w) => readWindow(ctx, api, w, found, take)));
  return found;
}

async function readWindow(
  ctx: GatewayContext,
  api: LaafficApi,
  w: JoinWindow,
  found: Map<number, GroupCallTaskRecord>,
  take: (records: GroupCallTaskRecord[]) => void,
): Promise<void> {
  const missing = () => w.keys.filter((k) => !found.has(k.taskId));
  const query = (current: number, extra: { search?: string } = {}) =>
    api.queryGroupCallTasks({ current, size: PAGE, from: w.from, to: w.to, ...extra }, ctx.call);

  if (missing().length === 0) return;
  const first = await query(1);
  take(first.records);
  if (missing().length === 0) return;

  if (chooseStrategy(first.total, 1, missing(), PAGE) === 'scan') {
    const pages = Math.ceil(first.total / PAGE);
    // Sequential on purpose: each page may complete the window and save the rest.
    for (let p = 2; p <= pages && missing().length > 0; p++) take((await query(p)).records);
    return;
  }
  const byName = new Map<string, ParentKey[]>();
  for (const k of missing()) byName.set(k.name, [...(byName.get(k.name) ?? []), k]);
  await Promise.all(
    [...byName.keys()].map(async (name) => {
      for (let p = 1; ; p++) {
        const page = await query(p, { search: name });
        take(page.records);
        const stillMissing = (byName.get(name) ?? []).some((k) => !found.has(k.taskId));
        if (!stillMissing || p * PAGE >= page.total) return;
      }
    }),
  );
}
