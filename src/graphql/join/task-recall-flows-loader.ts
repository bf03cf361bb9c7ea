/**
 * GroupCallTask.recallFlows' per-request DataLoader (built by RequestJoin, which owns it): all
 * flows of each task inside the pinned window `[task created, to]`. A batch is served by one scan
 * of the union window when that costs fewer calls than one exact parent-id search per task; the
 * connection is then sliced in memory.
 */
import DataLoader from 'dataloader';
import type { LaafficApi, RecallFlowRecord } from '../../upstream';
import type { GatewayContext } from '../context';

export interface TaskFlowsKey {
  taskId: number;
  /** Window, epoch seconds, inclusive. */
  from: number;
  to: number;
}

export type TaskRecallFlowsLoader = DataLoader<TaskFlowsKey, RecallFlowRecord[], string>;

const PAGE = 100;

/** The loader of one product line: a task's flows are listed in the task's own line. */
export function createTaskRecallFlowsLoader(ctx: GatewayContext, api: LaafficApi): TaskRecallFlowsLoader {
  return new DataLoader(
    async (keys) => {
      ctx.observeBatch('taskRecallFlows', keys.length);
      // Keys pinned to different ends are different lists; batch each group on its own.
      const groups = new Map<number, TaskFlowsKey[]>();
      for (const k of keys) groups.set(k.to, [...(groups.get(k.to) ?? []), k]);
      const results = new Map<string, RecallFlowRecord[]>();
      await Promise.all([...groups.values()].map((group) => loadGroup(ctx, api, group, results)));
      return keys.map((k) => results.get(keyOf(k)) ?? []);
    },
    { cacheKeyFn: keyOf },
  );
}

function keyOf(k: TaskFlowsKey): string {
  return `${k.taskId}|${k.from}|${k.to}`;
}

async function loadGroup(ctx: GatewayContext, api: LaafficApi, keys: TaskFlowsKey[], out: Map<string, RecallFlowRecord[]>): Promise<void> {
  const to = keys[0]!.to * 1000;
  const byTask = (records: RecallFlowRecord[], k: TaskFlowsKey) =>
    records.filter((r) => r.taskId === k.taskId && r.createdAt >= k.from * 1000 && r.createdAt <= k.to * 1000);

  if (keys.length > 1) {
    const from = Math.min(...keys.map((k) => k.from)) * 1000;
    const scan = (current: number) => api.queryRecallFlows({ current, size: PAGE, from, to }, ctx.call);
    const first = await scan(1);
    const pages = Math.ceil(first.total / PAGE);
    if (pages - 1 < keys.length) {
      const rest = await Promise.all(Array.from({ length: Math.max(0, pages - 1) }, (_, i) => scan(i + 2)));
      const all = [first, ...rest].flatMap((p) => p.records);
      for (const k of keys) out.set(keyOf(k), byTask(all, k));
      return;
    }
  }
  await Promise.all(
    keys.map(async (k) => {
      const records: RecallFlowRecord[] = [];
      for (let current = 1; ; current++) {
        const page = await api.queryRecallFlows(
          { current, size: PAGE, from: k.from * 1000, to: k.to * 1000, taskName: String(k.taskId) },
          ctx.call,
        );
        records.push(...page.records);
        if (current * PAGE >= page.total || page.records.length === 0) break;
      }
      out.set(keyOf(k), byTask(records, k));
    }),
  );
}
