/**
 * request-join.ts, against an in-memory upstream that counts its calls: one RequestJoin per
 * request (kept on the context, copies of the context included), known tasks cost nothing,
 * parent lookups wait for the task lists in flight, and a page of tasks' flows is one batch.
 */
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createGatewayContext, type GatewayContext } from '../../../src/graphql/context';
import { requestJoin, RequestJoin } from '../../../src/graphql/join/request-join';
import type { GroupCallTaskRecord, LaafficApi, RecallFlowRecord } from '../../../src/upstream';
import { parseZone } from '../../../src/time';

const H = 3_600_000;
const T0 = Date.UTC(2024, 5, 4, 6);

const task = (taskId: number, createdAt: number): GroupCallTaskRecord => ({
  product: 'GROUP_CALL',
  taskId,
  taskName: `task ${taskId}`,
  status: 2,
  rate: null,
  numCnt: 10,
  callNum: 10,
  success: 8,
  fail: 2,
  createdTime: '',
  createdAt,
  scriptId: null,
  taskType: 1,
});

const flow = (keyId: number, parent: GroupCallTaskRecord, createdAt: number): RecallFlowRecord => ({
  product: 'GROUP_CALL',
  keyId,
  taskId: parent.taskId,
  taskName: parent.taskName,
  createTime: '',
  createdAt,
  recallType: 0,
  recallInterval: 30,
  recallNum: 2,
  finishNum: 0,
  status: 0,
});

/** An upstream of a few records, newest first, counting its calls. */
function upstream(tasks: GroupCallTaskRecord[], flows: RecallFlowRecord[]) {
  const calls = { tasks: 0, flows: 0 };
  const page = <T extends { createdAt: number }>(all: T[], q: { current: number; size: number; from: number; to: number }, keep: (r: T) => boolean) => {
    const hits = all.filter((r) => r.createdAt >= q.from && r.createdAt <= q.to && keep(r)).sort((a, b) => b.createdAt - a.createdAt);
    return { records: hits.slice((q.current - 1) * q.size, q.current * q.size), total: hits.length };
  };
  const api: LaafficApi = {
    line: 'GROUP_CALL',
    async queryRecallFlowDetail() {
      throw new Error('not used here');
    },
    async queryGroupCallTasks(q) {
      calls.tasks++;
      return page(tasks, q, (t) => q.search === undefined || t.taskName.includes(q.search));
    },
    async queryRecallFlows(q) {
      calls.flows++;
      return page(flows, q, (f) => q.taskName === undefined || String(f.taskId) === q.taskName || f.taskName.includes(q.taskName));
    },
  };
  return { api, calls };
}

const contexts: GatewayContext[] = [];
afterEach(() => {
  for (const ctx of contexts.splice(0)) ctx.dispose();
});

function context(api: LaafficApi): GatewayContext {
  const ctx = createGatewayContext({
    lines: new Map([[api.line, api]]),
    settings: { zone: parseZone('+08:00'), defaultWindowDays: 30, join: { lookbackHours: 24, skewMinutes: 5 }, requestDeadlineMs: 10_000 },
    log: pino({ level: 'silent' }),
  });
  contexts.push(ctx);
  return ctx;
}

const parent = task(7, T0);
const other = task(8, T0 - 2 * H);
const child = flow(70, parent, T0 + H);

describe('requestJoin(ctx)', () => {
  it('is one RequestJoin per request, the same for a copy of the context (as yoga makes)', () => {
    const { api } = upstream([], []);
    const ctx = context(api);
    const join = requestJoin(ctx);
    expect(join).toBeInstanceOf(RequestJoin);
    expect(requestJoin(ctx)).toBe(join);
    expect(requestJoin({ ...ctx })).toBe(join);
    expect(requestJoin(Object.assign({ request: 'yoga' }, ctx))).toBe(join);
    expect(requestJoin(context(api))).not.toBe(join);
  });
});

describe('RequestJoin.parentOf', () => {
  it('a task the request has seen costs no upstream call', async () => {
    const { api, calls } = upstream([parent, other], [child]);
    const join = requestJoin(context(api));
    join.sawTasks([other, parent]);
    await expect(join.parentOf(child)).resolves.toBe(parent);
    expect(calls).toEqual({ tasks: 0, flows: 0 });
  });

  it('an unknown parent is read upstream once, then known', async () => {
    const { api, calls } = upstream([parent, other], [child]);
    const join = requestJoin(context(api));
    await expect(join.parentOf(child)).resolves.toEqual(parent);
    expect(calls).toEqual({ tasks: 1, flows: 0 });
    expect(join.knownTask('GROUP_CALL', other.taskId)).toEqual(other);
    await expect(join.parentOf(child)).resolves.toEqual(parent);
    expect(calls).toEqual({ tasks: 1, flows: 0 });
  });

  it('waits for the task lists in flight before calling upstream, and finds the parent there', async () => {
    const { api, calls } = upstream([parent], [child]);
    const join = requestJoin(context(api));
    let deliver!: (list: GroupCallTaskRecord[]) => void;
    const list = join.taskList(new Promise<GroupCallTaskRecord[]>((resolve) => (deliver = resolve)), (tasks) => tasks);
    const found = join.parentOf(child);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(join.taskListsInFlight()).toBeDefined();
    deliver([parent]);
    await expect(list).resolves.toEqual([parent]);
    await expect(found).resolves.toBe(parent);
    expect(calls).toEqual({ tasks: 0, flows: 0 });
    expect(join.taskListsInFlight()).toBeUndefined();
  });

  it('a failed task list does not hold the lookup: the parent is read upstream', async () => {
    const { api, calls } = upstream([parent], [child]);
    const join = requestJoin(context(api));
    const list = join.taskList(Promise.reject(new Error('upstream down')), (tasks: GroupCallTaskRecord[]) => tasks);
    await expect(list).rejects.toThrow('upstream down');
    await expect(join.parentOf(child)).resolves.toEqual(parent);
    expect(calls).toEqual({ tasks: 1, flows: 0 });
  });
});

describe('RequestJoin.recallFlowsOf', () => {
  it("batches a page of tasks' flows into one scan of the union window", async () => {
    const flows = [flow(1, parent, T0 + H), flow(2, parent, T0 + 2 * H), flow(3, other, T0 - H)];
    const { api, calls } = upstream([parent, other], flows);
    const join = requestJoin(context(api));
    const to = Math.floor((T0 + 3 * H) / 1000);
    const [a, b] = await Promise.all([
      join.recallFlowsOf(parent, { from: parent.createdAt / 1000, to }),
      join.recallFlowsOf(other, { from: other.createdAt / 1000, to }),
    ]);
    expect(a.map((f) => f.keyId)).toEqual([2, 1]);
    expect(b.map((f) => f.keyId)).toEqual([3]);
    expect(calls).toEqual({ tasks: 0, flows: 1 });
  });
});
