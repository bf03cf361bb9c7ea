/**
 * RecallFlow.parentTask's per-request DataLoader. Keys are parent task ids carrying a hint (the
 * flow's created time); tasks seen anywhere in the request are primed in, so they cost nothing.
 * The batch reads merged windows, each by scan or by name search, whichever is cheaper.
 */
import DataLoader from 'dataloader';
import type { GroupCallTaskRecord } from '../../upstream';
import type { GatewayContext } from '../context';
import { chooseStrategy, mergeWindows, type JoinWindow, type ParentKey } from './join-plan';

export type ParentTaskLoader = DataLoader<ParentKey, GroupCallTaskRecord | null, number>;

const PAGE = 100;

export function createParentTaskLoader(ctx: GatewayContext): ParentTaskLoader {
  const loader: ParentTaskLoader = new DataLoader(
    async (keys) => {
      ctx.observeBatch('parentTask', keys.length);
      // Task lists this request is still fetching may hold the parents: wait for them first.
      if (ctx.taskLists.size > 0) await Promise.allSettled([...ctx.taskLists]);
      const unknown = keys.filter((k) => !ctx.knownTasks.has(k.taskId));
      const found = unknown.length > 0 ? await findParents(ctx, unknown, (r) => primeTask(ctx, r)) : new Map();
      return keys.map((k) => {
        const record = ctx.knownTasks.get(k.taskId) ?? found.get(k.taskId);
        if (!record) ctx.log.info({ taskId: k.taskId }, 'parent task not found upstream');
        return record ?? null;
      });
    },
    { cacheKeyFn: (k) => k.taskId },
  );
  return loader;
}

/** Makes a task the request already holds free for every later parentTask lookup. */
export function primeTask(ctx: GatewayContext, record: GroupCallTaskRecord): void {
  ctx.knownTasks.set(record.taskId, record);
  ctx.parentTasks.prime({ taskId: record.taskId, hint: record.createdAt, name: record.taskName }, record);
}

/** Registers a task list being fetched, so parent lookups in the same request wait for it. */
export function trackTaskList<T>(ctx: GatewayContext, list: Promise<T>): Promise<T> {
  const settled = list.then(
    () => undefined,
    () => undefined,
  );
  ctx.taskLists.add(settled);
  void settled.then(() => ctx.taskLists.delete(settled));
  return list;
}

async function findParents(
  ctx: GatewayContext,
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
  const windows = mergeWindows(keys, lookbackHours * 3_600_000, skewMinutes * 60_000);
  await Promise.all(windows.map((w) => readWindow(ctx, w, found, take)));
  return found;
}

async function readWindow(
  ctx: GatewayContext,
  w: JoinWindow,
  found: Map<number, GroupCallTaskRecord>,
  take: (records: GroupCallTaskRecord[]) => void,
): Promise<void> {
  const missing = () => w.keys.filter((k) => !found.has(k.taskId));
  const query = (current: number, extra: { search?: string } = {}) =>
    ctx.api.queryGroupCallTasks({ current, size: PAGE, from: w.from, to: w.to, ...extra }, ctx.call);

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
