/**
 * group-call-task.ts over real HTTP against the embedded simulator: every field compared with the
 * simulator's own records, DateTime and enum mapping, the global id round trip (one upstream
 * call), the task's recall flows, and Query.groupCallTasks: page walks both ways, totals, filters,
 * the default and the pinned window, cursors of another filter and input errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalID, taskLocalId } from '../../src/graphql/paging/global-id';
import type { FlowRecord, TaskRecord } from '../../src/simulator';
import { codes, ok, walk } from '../helpers/expect';
import {
  expectedFlow,
  expectedTask,
  FLOW_FIELDS,
  inWindow,
  TASK_FIELDS,
  TASK_STATUS,
  windowFilter,
  windowOver,
  withoutId,
  type Conn,
  type Window,
} from '../helpers/records';
import { startStack, type Stack } from '../helpers/stack';

type TaskNode = ReturnType<typeof expectedTask> & { id: string };

let stack: Stack;
let tasks: TaskRecord[];
let flows: FlowRecord[];
let offset: string;

beforeAll(async () => {
  stack = await startStack();
  tasks = stack.sim.dataset.tasks;
  flows = stack.sim.dataset.flows;
  offset = stack.sim.timezone;
});
afterAll(() => stack.close());

const LIST = `query($f: GroupCallTaskFilter, $n: Int) { groupCallTasks(first: $n, filter: $f) { totalCount edges { node { ${TASK_FIELDS} } } } }`;

async function listTasks(w: Window, n = 100) {
  const data = ok(await stack.gql<{ groupCallTasks: Conn<TaskNode> }>(LIST, { f: windowFilter(w), n }));
  return data.groupCallTasks;
}

/** The tasks created in the record's second, as the gateway lists them. */
async function tasksAt(t: { createdMs: number }) {
  return (await listTasks({ from: t.createdMs, to: t.createdMs })).edges.map((e) => e.node);
}

const flowsOf = (taskId: number) => flows.filter((f) => f.taskId === taskId);

describe('GroupCallTask fields', () => {
  it('serves every field of every task in a window exactly as the simulator has it', async () => {
    const w = windowOver(tasks, 600, 60);
    const expected = tasks.filter((t) => inWindow(t.createdMs, w));
    expect(expected.length).toBeGreaterThanOrEqual(60);
    expect(expected.length).toBeLessThanOrEqual(100);
    const conn = await listTasks(w);
    expect(conn.totalCount).toBe(expected.length);
    expect(conn.edges.map((e) => withoutId(e.node))).toEqual(expected.map((t) => expectedTask(t, offset)));
  });

  it('converts createdAt to an ISO instant with the account offset, equal to the local time', async () => {
    const t = tasks[321]!;
    const node = (await tasksAt(t)).find((n) => n.taskId === t.taskId)!;
    expect(node.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
    expect(node.createdAt.slice(0, 19).replace('T', ' ')).toBe(t.createdTime);
    expect(Date.parse(node.createdAt)).toBe(t.createdMs);
  });

  it('maps every status, type and absent field; unknown status codes are UNKNOWN', async () => {
    const samples = new Map<number, TaskRecord>();
    const add = (t: TaskRecord | undefined) => t && samples.set(t.taskId, t);
    for (let s = 0; s <= 6; s++) add(tasks.find((t) => t.status === s));
    const unknown = tasks.filter((t) => ![0, 1, 2, 3, 4, 5, 6].includes(t.status));
    expect(unknown.length).toBeGreaterThan(0);
    unknown.forEach(add);
    for (const type of [1, 2, 3]) add(tasks.find((t) => t.taskType === type));
    add(tasks.find((t) => t.taskType === undefined));
    add(tasks.find((t) => t.scriptId === undefined));
    add(tasks.find((t) => t.callNum > 0 && t.callNum < t.numCnt));
    const seenStatuses = new Set<string>();
    const seenTypes = new Set<string | null>();
    for (const t of samples.values()) {
      const node = (await tasksAt(t)).find((n) => n.taskId === t.taskId);
      expect(node && withoutId(node)).toEqual(expectedTask(t, offset));
      seenStatuses.add(node!.status);
      seenTypes.add(node!.type);
    }
    expect([...seenStatuses].sort()).toEqual(
      ['CALLING', 'CANCELLED', 'FINISHED', 'PAUSED', 'SUBMISSION_FAILED', 'SUBMITTING', 'UNKNOWN', 'WAITING_TO_SUBMIT'],
    );
    expect(seenTypes).toEqual(new Set(['IVR', 'AI', 'AI_AGENT', null]));
  });
});

describe('global ids', () => {
  it('node(id:) gives the same task back with exactly one upstream call', async () => {
    const conn = await listTasks(windowOver(tasks, 1000, 20));
    for (const edge of conn.edges.slice(0, 3)) {
      stack.resetCalls();
      const data = ok(
        await stack.gql(`query($id: ID!) { node(id: $id) { __typename id ... on GroupCallTask { ${TASK_FIELDS} } } }`, { id: edge.node.id }),
      );
      expect(data.node).toEqual({ __typename: 'GroupCallTask', ...edge.node });
      expect(stack.calls()).toEqual({ tasks: 1, flows: 0 });
    }
  });

  it('ids are opaque and distinct', async () => {
    const conn = await listTasks(windowOver(tasks, 1000, 20));
    const ids = conn.edges.map((e) => e.node.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const [i, id] of ids.entries()) {
      expect(id).toMatch(/^[A-Za-z0-9_=-]+$/);
      expect(id).not.toContain(String(conn.edges[i]!.node.taskId));
    }
  });
});

describe('GroupCallTask.recallFlows', () => {
  const TASK_FLOWS = `query($f: GroupCallTaskFilter, $n: Int) { groupCallTasks(first: 20, filter: $f) { edges { node { id taskId
    recallFlows(first: $n) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { ${FLOW_FIELDS} } } } } } } }`;
  type FlowNode = ReturnType<typeof expectedFlow> & { id: string };
  type Row = { id: string; taskId: number; recallFlows: Conn<FlowNode> };

  it("equals the simulator's flows of each task in the busy hour (one flow each), newest first", async () => {
    const { busyHour } = stack.sim.dataset;
    const busy = tasks.filter((t) => t.createdMs >= busyHour.start && t.createdMs < busyHour.end);
    const w = windowOver(busy, 0, 20);
    const data = ok(await stack.gql<{ groupCallTasks: Conn<Row> }>(TASK_FLOWS, { f: windowFilter(w), n: 5 }));
    const rows = data.groupCallTasks.edges.map((e) => e.node);
    expect(rows.length).toBeGreaterThanOrEqual(20);
    for (const row of rows) {
      const expected = flowsOf(row.taskId);
      expect(expected).toHaveLength(1);
      expect(row.recallFlows.totalCount).toBe(1);
      expect(row.recallFlows.edges.map((e) => withoutId(e.node))).toEqual(expected.map((f) => expectedFlow(f, offset)));
    }
  });

  it('pages through a task with several flows, each once, in order', async () => {
    const counts = new Map<number, number>();
    for (const f of flows) counts.set(f.taskId, (counts.get(f.taskId) ?? 0) + 1);
    const many = tasks.filter((t) => (counts.get(t.taskId) ?? 0) >= 3).slice(0, 3);
    expect(many.length).toBeGreaterThan(0);
    for (const t of many) {
      const expected = flowsOf(t.taskId).map((f) => f.keyId);
      const first = ok(await stack.gql<{ groupCallTasks: Conn<Row> }>(TASK_FLOWS, { f: windowFilter({ from: t.createdMs, to: t.createdMs }), n: 2 }));
      const row = first.groupCallTasks.edges.find((e) => e.node.taskId === t.taskId)!.node;
      expect(row.recallFlows.totalCount).toBe(expected.length);
      expect(row.recallFlows.pageInfo.hasPreviousPage).toBe(false);
      const seen = row.recallFlows.edges.map((e) => e.node.keyId);
      let conn = row.recallFlows;
      while (conn.pageInfo.hasNextPage) {
        const next = ok(
          await stack.gql(`query($id: ID!, $c: String) { node(id: $id) { ... on GroupCallTask { recallFlows(first: 2, after: $c) {
            totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { keyId } } } } } }`, {
            id: row.id,
            c: conn.pageInfo.endCursor,
          }),
        );
        conn = next.node.recallFlows;
        expect(conn.pageInfo.hasPreviousPage).toBe(true);
        seen.push(...conn.edges.map((e) => e.node.keyId));
      }
      expect(seen).toEqual(expected);
    }
  });

  it('is empty for a task without flows', async () => {
    const withFlows = new Set(flows.map((f) => f.taskId));
    const t = tasks.find((x, i) => i > 50 && !withFlows.has(x.taskId))!;
    const data = ok(await stack.gql<{ groupCallTasks: Conn<Row> }>(TASK_FLOWS, { f: windowFilter({ from: t.createdMs, to: t.createdMs }), n: 5 }));
    const row = data.groupCallTasks.edges.find((e) => e.node.taskId === t.taskId)!.node;
    expect(row.recallFlows).toMatchObject({ totalCount: 0, edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: false } });
  });
});

describe('records the upstream adds later (own simulator)', () => {
  let mutable: Stack;
  beforeAll(async () => {
    mutable = await startStack();
  });
  afterAll(() => mutable.close());

  it('serves zero-number tasks, unknown codes and absent fields without failing', async () => {
    const day = mutable.sim.dataset.quietDays[0]!;
    const at = day.start + 10 * 3_600_000;
    const zero = mutable.sim.addTask({ createdMs: at, numCnt: 0, callNum: 0, status: 42, taskType: undefined, scriptId: undefined, taskName: '零号任务' });
    const odd = mutable.sim.addTask({ createdMs: at + 1000, numCnt: 8, callNum: 3, status: 5, taskType: 7, scriptId: 1234, rate: '37.5' });
    const flow = mutable.sim.addFlow({ taskId: zero.taskId, createdMs: at + 60_000, recallType: 5, status: 8 });
    type Row = TaskNode & { recallFlows: Conn<ReturnType<typeof expectedFlow> & { id: string }> };
    const data = ok(
      await mutable.gql<{ groupCallTasks: Conn<Row> }>(
        `query($f: GroupCallTaskFilter) { groupCallTasks(first: 10, filter: $f) { totalCount edges { node { ${TASK_FIELDS}
          recallFlows { totalCount edges { node { ${FLOW_FIELDS} } } } } } } }`,
        { f: windowFilter({ from: day.start, to: day.end - 1000 }) },
      ),
    );
    const o = mutable.sim.timezone;
    expect(data.groupCallTasks.totalCount).toBe(2);
    const [first, second] = data.groupCallTasks.edges.map((e) => e.node) as [Row, Row];
    expect(withoutId({ ...second, recallFlows: undefined })).toEqual({ ...expectedTask(zero, o), recallFlows: undefined });
    expect(second).toMatchObject({ status: 'UNKNOWN', type: null, scriptId: null, callProgress: 0, rate: '0' });
    expect(withoutId({ ...first, recallFlows: undefined })).toEqual({ ...expectedTask(odd, o), recallFlows: undefined });
    expect(first).toMatchObject({ status: 'PAUSED', type: 'UNKNOWN', scriptId: 1234, callProgress: 0.375, rate: '37.5' });
    expect(second.recallFlows.edges.map((e) => withoutId(e.node))).toEqual([expectedFlow(flow, o)]);
    expect(second.recallFlows.edges[0]!.node).toMatchObject({ recallType: 'UNKNOWN', status: 'UNKNOWN' });
    expect(first.recallFlows.totalCount).toBe(0);
  });

  it('lists a task created in this second without error, and without flows yet', async () => {
    const t = mutable.sim.addTask({ taskName: 'just now' });
    const id = encodeGlobalID('GroupCallTask', taskLocalId({ taskId: t.taskId, created: t.createdMs / 1000 }));
    const data = ok(await mutable.gql(`query($id: ID!) { node(id: $id) { ... on GroupCallTask { taskId recallFlows { totalCount edges { cursor } } } } }`, { id }));
    expect(data.node).toEqual({ taskId: t.taskId, recallFlows: { totalCount: 0, edges: [] } });
  });
});

describe('Query.groupCallTasks', () => {
  const DAY = 86_400_000;
  const b64 = (text: string) => Buffer.from(text).toString('base64url');
  const TASKS_Q = `query($n: Int, $f: GroupCallTaskFilter, $after: String) { groupCallTasks(first: $n, after: $after, filter: $f) {
  totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { taskId status } } } }`;
  const FLOWS_Q = `query($n: Int, $f: RecallFlowFilter, $after: String) { recallFlows(first: $n, after: $after, filter: $f) {
  totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { keyId taskId } } } }`;
  type TaskRow = { taskId: number; status: string };

  async function taskPage(vars: { n?: number; f?: Record<string, unknown>; after?: string | null }, s: Stack = stack) {
    return ok(await s.gql<{ groupCallTasks: Conn<TaskRow> }>(TASKS_Q, vars)).groupCallTasks;
  }
  const taskIds = (c: Conn<TaskRow>) => c.edges.map((e) => e.node.taskId);

  describe('page walks over a fixed window', () => {
    const window = () => windowOver(tasks, 200, 45);
    const expectedIds = (w: Window) => tasks.filter((t) => inWindow(t.createdMs, w)).map((t) => t.taskId);

    it('groupCallTasks: first 7 / after walks the upstream list once, in order, one upstream call a page', async () => {
      const w = window();
      const expected = expectedIds(w);
      expect(expected.length).toBeGreaterThan(7 * 4);
      const r = await walk<{ taskId: number }>(stack, 'groupCallTasks', 'GroupCallTaskFilter', 'taskId', windowFilter(w), 'forward', 7);
      expect(r.nodes.map((n) => n.taskId)).toEqual(expected);
      expect(r.pages).toBe(Math.ceil(expected.length / 7));
      expect(r.totals).toEqual(Array(r.pages).fill(expected.length));
      expect(r.callsPerPage).toEqual(Array(r.pages).fill(1));
    });

    it('groupCallTasks: last 7 / before walks it back once, in order, the first page from one call', async () => {
      const w = window();
      const expected = expectedIds(w);
      const r = await walk<{ taskId: number }>(stack, 'groupCallTasks', 'GroupCallTaskFilter', 'taskId', windowFilter(w), 'backward', 7);
      expect(r.nodes.map((n) => n.taskId)).toEqual(expected);
      expect(r.pages).toBe(Math.ceil(expected.length / 7));
      expect(r.totals).toEqual(Array(r.pages).fill(expected.length));
      // A list of at most 100: the total-probing page already holds the tail.
      expect(r.callsPerPage[0]).toBe(1);
      for (const calls of r.callsPerPage) expect(calls).toBeLessThanOrEqual(2);
    });

    it('last 7 without before on a list over 100 costs exactly one extra upstream call', async () => {
      const w = windowOver(tasks, 0, 250);
      const expected = tasks.filter((t) => inWindow(t.createdMs, w)).map((t) => t.taskId);
      stack.resetCalls();
      const data = ok(
        await stack.gql(`query($f: GroupCallTaskFilter) { groupCallTasks(last: 7, filter: $f) { totalCount pageInfo { hasNextPage hasPreviousPage } edges { node { taskId } } } }`, {
          f: windowFilter(w),
        }),
      );
      expect(data.groupCallTasks.edges.map((e: { node: TaskRow }) => e.node.taskId)).toEqual(expected.slice(-7));
      expect(data.groupCallTasks.totalCount).toBe(expected.length);
      expect(data.groupCallTasks.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true });
      expect(stack.calls()).toEqual({ tasks: 2, flows: 0 });
    });

    it('totalCount is the upstream total of the window', async () => {
      const w = windowOver(tasks, 3000, 777);
      const expected = tasks.filter((t) => inWindow(t.createdMs, w));
      expect((await taskPage({ n: 1, f: windowFilter(w) })).totalCount).toBe(expected.length);
    });

    it('an empty window: no edges, no pages, totalCount 0', async () => {
      const day = stack.sim.dataset.quietDays[1]!;
      const c = await taskPage({ n: 5, f: windowFilter({ from: day.start, to: day.end - 1000 }) });
      expect(c).toEqual({ totalCount: 0, pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null }, edges: [] });
    });
  });

  describe('filters', () => {
    const wide = () => windowOver(tasks, 100, 1500);
    const haystack = (t: TaskRecord) => `${t.taskName}\u0000${t.voiceFileName}\u0000${t.ttsText}`.toLowerCase();

    async function expectTasks(f: Record<string, unknown>, expected: TaskRecord[]) {
      const c = await taskPage({ n: 100, f });
      expect(c.totalCount).toBe(expected.length);
      expect(taskIds(c)).toEqual(expected.slice(0, 100).map((t) => t.taskId));
      return c;
    }

    it('statuses: only those statuses, all of them', async () => {
      const w = wide();
      const expected = tasks.filter((t) => inWindow(t.createdMs, w) && (t.status === 1 || t.status === 5));
      expect(expected.length).toBeGreaterThan(0);
      const c = await expectTasks({ ...windowFilter(w), statuses: ['PAUSED', 'CALLING'] }, expected);
      expect(new Set(c.edges.map((e) => e.node.status))).toEqual(new Set(['CALLING', 'PAUSED']));
      for (const e of c.edges) expect([TASK_STATUS[1], TASK_STATUS[5]]).toContain(e.node.status);
    });

    it('an empty statuses list means every status', async () => {
      const w = windowOver(tasks, 100, 60);
      await expectTasks({ ...windowFilter(w), statuses: [] }, tasks.filter((t) => inWindow(t.createdMs, w)));
    });

    it('search: a Chinese substring over name, voice file and TTS text', async () => {
      const w = wide();
      const expected = tasks.filter((t) => inWindow(t.createdMs, w) && haystack(t).includes('会员'));
      expect(expected.some((t) => !t.taskName.includes('会员'))).toBe(true); // some match by TTS text only
      await expectTasks({ ...windowFilter(w), search: '会员' }, expected);
    });

    it('search: case-insensitive Latin text', async () => {
      const w = wide();
      await expectTasks({ ...windowFilter(w), search: 'SURVEY' }, tasks.filter((t) => inWindow(t.createdMs, w) && haystack(t).includes('survey')));
    });

    it('appId, and every filter at once', async () => {
      const w = wide();
      await expectTasks({ ...windowFilter(w), appId: 102 }, tasks.filter((t) => inWindow(t.createdMs, w) && t.appId === 102));
      const all = tasks.filter((t) => inWindow(t.createdMs, w) && t.appId === 101 && t.status === 2 && haystack(t).includes('promo'));
      expect(all.length).toBeGreaterThan(0);
      await expectTasks({ ...windowFilter(w), appId: 101, statuses: ['FINISHED'], search: 'promo' }, all);
    });
  });

  describe('default window', () => {
    /** Records the gateway's default window can hold: ends the second before now, 30 days long. */
    function bounds<T extends { createdMs: number }>(records: T[], before: number, after: number) {
      const from = (ms: number) => (Math.floor(ms / 1000) - 1) * 1000 - 30 * DAY;
      const count = (start: number) => records.filter((r) => r.createdMs >= start).length;
      return { most: count(from(before)), least: count(from(after)) };
    }

    it('without createdFrom/createdTo, lists the last 30 days, newest first', async () => {
      const before = Date.now();
      const t = await taskPage({});
      const after = Date.now();
      const tb = bounds(tasks, before, after);
      expect(t.totalCount).toBeGreaterThanOrEqual(tb.least);
      expect(t.totalCount).toBeLessThanOrEqual(tb.most);
      // A window a few days shorter or longer would hold dozens of tasks fewer or more.
      expect(tasks.filter((r) => r.createdMs >= before - 27 * DAY).length).toBeLessThan(tb.least);
      expect(tasks.filter((r) => r.createdMs >= after - 33 * DAY).length).toBeGreaterThan(tb.most);
      expect(taskIds(t)).toEqual(tasks.slice(0, 20).map((r) => r.taskId));
    });

    it('createdTo alone: the 30 days before it', async () => {
      const to = tasks[2000]!.createdMs;
      const expected = tasks.filter((t) => t.createdMs <= to && t.createdMs >= to - 30 * DAY);
      const c = await taskPage({ n: 3, f: { createdTo: new Date(to).toISOString() } });
      expect(c.totalCount).toBe(expected.length);
      expect(taskIds(c)).toEqual(expected.slice(0, 3).map((t) => t.taskId));
    });
  });

  describe('explicit windows', () => {
    it('createdFrom alone: from it up to now', async () => {
      const from = tasks[30]!.createdMs;
      const expected = tasks.filter((t) => t.createdMs >= from);
      const c = await taskPage({ n: 100, f: { createdFrom: new Date(from).toISOString() } });
      expect(c.totalCount).toBe(expected.length);
      expect(taskIds(c)).toEqual(expected.map((t) => t.taskId));
    });

    it('a window wider than the upstream allows (LAAFFIC_MAX_WINDOW_DAYS, 366) is BAD_USER_INPUT at the field, with no upstream call', async () => {
      // It used to reach the upstream and come back as its -22 (UPSTREAM_BAD_REQUEST).
      stack.resetCalls();
      const res = await stack.gql(TASKS_Q, { n: 5, f: { createdFrom: '2015-01-01T00:00:00Z' } });
      expect(res.data).toBeNull();
      expect(res.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['groupCallTasks'], 'BAD_USER_INPUT']]);
      expect(res.errors![0]!.message).toMatch(/at most 366 days \(LAAFFIC_MAX_WINDOW_DAYS\)/);
      expect(stack.calls()).toEqual({ tasks: 0, flows: 0 });
    });
  });

  describe('cursors and filters', () => {
    it('a cursor used with another filter is BAD_USER_INPUT', async () => {
      const w = windowOver(tasks, 100, 200);
      const calling = await taskPage({ n: 5, f: { ...windowFilter(w), statuses: ['CALLING'] } });
      const cursor = calling.pageInfo.endCursor!;
      for (const f of [windowFilter(w), { ...windowFilter(w), statuses: ['CALLING', 'PAUSED'] }, { ...windowFilter(w), statuses: ['CALLING'], appId: 101 }]) {
        const res = await stack.gql(TASKS_Q, { n: 5, f, after: cursor });
        expect(res.data).toBeNull();
        expect(codes(res)).toEqual(['BAD_USER_INPUT']);
        expect(res.errors![0]!.path).toEqual(['groupCallTasks']);
      }
      // The same filter, even spelled in another order, still accepts it.
      const next = await taskPage({ n: 5, f: { statuses: ['CALLING'], ...windowFilter(w) }, after: cursor });
      expect(next.pageInfo.hasPreviousPage).toBe(true);
      // A task list's cursor is not a flow list's.
      const res = await stack.gql(FLOWS_Q, { n: 5, f: windowFilter(w), after: (await taskPage({ n: 1, f: windowFilter(w) })).pageInfo.endCursor });
      expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    });
  });

  describe('bad input', () => {
    const ALIVE = '{ groupCallTasks(first: 1) { totalCount } }';
    const w = () => windowOver(tasks, 100, 50);

    type Case = [name: string, query: string, vars: () => Record<string, unknown>];
    const cases: Case[] = [
      ['first 0', '{ groupCallTasks(first: 0) { totalCount } }', () => ({})],
      ['first 101', '{ groupCallTasks(first: 101) { totalCount } }', () => ({})],
      ['last -1', '{ groupCallTasks(last: -1) { totalCount } }', () => ({})],
      ['garbage cursor', TASKS_Q, () => ({ n: 5, after: 'not-a-cursor!' })],
      ['base64url of text', TASKS_Q, () => ({ n: 5, after: b64('hello') })],
      ['JSON array cursor', TASKS_Q, () => ({ n: 5, after: b64('[1,2,3]') })],
      ['negative offset cursor', TASKS_Q, () => ({ n: 5, after: b64(JSON.stringify({ o: -3, f: 1, t: 2, h: 'x' })) })],
      ['huge cursor', TASKS_Q, () => ({ n: 5, after: 'A'.repeat(50_000) })],
      ['cursor of a forged filter', TASKS_Q, () => ({ n: 5, after: b64(JSON.stringify({ o: 3, f: 1, t: 2, h: 'forged' })) })],
      [
        'createdFrom after createdTo (tasks)',
        TASKS_Q,
        () => ({ n: 5, f: { createdFrom: '2024-06-04T14:49:37+08:00', createdTo: '2024-06-04T14:49:36+08:00' } }),
      ],
      ['UNKNOWN as a statuses value (variable)', TASKS_Q, () => ({ n: 5, f: { ...windowFilter(w()), statuses: ['UNKNOWN'] } })],
      ['UNKNOWN as a statuses value (literal)', '{ groupCallTasks(first: 5, filter: { statuses: [CALLING, UNKNOWN] }) { totalCount } }', () => ({})],
      ['DateTime without offset (variable)', TASKS_Q, () => ({ n: 5, f: { createdFrom: '2024-06-04T14:49:36' } })],
      ['DateTime not a date', TASKS_Q, () => ({ n: 5, f: { createdTo: 'yesterday' } })],
      ['DateTime with an impossible month', TASKS_Q, () => ({ n: 5, f: { createdTo: '2024-13-04T14:49:36Z' } })],
      ['search over 200 characters', TASKS_Q, () => ({ n: 5, f: { search: '会'.repeat(201) } })],
      ['appId over 32 bits (variable)', TASKS_Q, () => ({ n: 5, f: { appId: 8_589_934_592 } })],
      ['page size of the wrong type (variable)', TASKS_Q, () => ({ n: 'five' })],
    ];

    it.each(cases)('%s → BAD_USER_INPUT, no upstream call, server still answering', async (_name, query, vars) => {
      stack.resetCalls();
      const res = await stack.gql(query, vars());
      expect(res.errors?.length).toBeGreaterThan(0);
      expect(new Set(codes(res))).toEqual(new Set(['BAD_USER_INPUT']));
      expect(res.data ?? null).toBeNull();
      expect(stack.calls()).toEqual({ tasks: 0, flows: 0 });
      expect(ok(await stack.gql(ALIVE)).groupCallTasks.totalCount).toBeGreaterThan(0);
    });

    it('a cursor from another filter (a real one) → BAD_USER_INPUT', async () => {
      const cursor = (await taskPage({ n: 3, f: { ...windowFilter(w()), search: '会员' } })).pageInfo.endCursor;
      const res = await stack.gql(TASKS_Q, { n: 3, f: { ...windowFilter(w()), search: '会' }, after: cursor });
      expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    });
  });

  describe('pinned window (own simulator)', () => {
    let mutable: Stack;
    beforeAll(async () => {
      mutable = await startStack();
    });
    afterAll(() => mutable.close());

    it('a task created after page 1 does not shift page 2', async () => {
      const snapshot = mutable.sim.dataset.tasks.map((t) => t.taskId);
      const page1 = await taskPage({ n: 7 }, mutable);
      expect(taskIds(page1)).toEqual(snapshot.slice(0, 7));
      const added = mutable.sim.addTask({ taskName: 'created between two pages' });
      const page2 = await taskPage({ n: 7, after: page1.pageInfo.endCursor }, mutable);
      expect(taskIds(page2)).toEqual(snapshot.slice(7, 14));
      expect(taskIds(page2)).not.toContain(added.taskId);
      expect(taskIds(page2).filter((id) => taskIds(page1).includes(id))).toEqual([]);
      expect(page2.totalCount).toBe(page1.totalCount);
      expect(page2.pageInfo.hasPreviousPage).toBe(true);
    });
  });
});
