/**
 * Query.groupCallTasks / Query.recallFlows end to end over real HTTP against the embedded
 * simulator: page walks both ways, totals, filters, the default and the pinned window, input
 * errors, and upstream failures mapped to error codes at the failing field's path.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalID, flowLocalId, taskLocalId } from '../../src/graphql/paging/global-id';
import type { FlowRecord, Simulator, TaskRecord } from '../../src/simulator';
import { startStack, type Stack } from '../helpers/stack';
import { codes, inWindow, ok, TASK_STATUS, walk, windowFilter, windowOver, type Conn, type Window } from './helpers';

const DAY = 86_400_000;
const b64 = (text: string) => Buffer.from(text).toString('base64url');

let stack: Stack;
let tasks: TaskRecord[];
let flows: FlowRecord[];

beforeAll(async () => {
  stack = await startStack();
  tasks = stack.sim.dataset.tasks;
  flows = stack.sim.dataset.flows;
});
afterAll(() => stack.close());

const TASKS_Q = `query($n: Int, $f: GroupCallTaskFilter, $after: String) { groupCallTasks(first: $n, after: $after, filter: $f) {
  totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { taskId status } } } }`;
const FLOWS_Q = `query($n: Int, $f: RecallFlowFilter, $after: String) { recallFlows(first: $n, after: $after, filter: $f) {
  totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { keyId taskId } } } }`;

type TaskRow = { taskId: number; status: string };
type FlowRow = { keyId: number; taskId: number };

async function taskPage(vars: { n?: number; f?: Record<string, unknown>; after?: string | null }, s: Stack = stack) {
  return ok(await s.gql<{ groupCallTasks: Conn<TaskRow> }>(TASKS_Q, vars)).groupCallTasks;
}
async function flowPage(vars: { n?: number; f?: Record<string, unknown>; after?: string | null }, s: Stack = stack) {
  return ok(await s.gql<{ recallFlows: Conn<FlowRow> }>(FLOWS_Q, vars)).recallFlows;
}
const taskIds = (c: Conn<TaskRow>) => c.edges.map((e) => e.node.taskId);
const keyIds = (c: Conn<FlowRow>) => c.edges.map((e) => e.node.keyId);

describe('page walks over a fixed window', () => {
  const lists = [
    {
      name: 'groupCallTasks',
      field: 'groupCallTasks' as const,
      filterType: 'GroupCallTaskFilter' as const,
      selection: 'taskId',
      window: () => windowOver(tasks, 200, 45),
      expected: (w: Window) => tasks.filter((t) => inWindow(t.createdMs, w)).map((t) => t.taskId),
      id: (n: { taskId?: number; keyId?: number }) => n.taskId,
    },
    {
      name: 'recallFlows',
      field: 'recallFlows' as const,
      filterType: 'RecallFlowFilter' as const,
      selection: 'keyId',
      window: () => windowOver(flows, 100, 40),
      expected: (w: Window) => flows.filter((f) => inWindow(f.createdMs, w)).map((f) => f.keyId),
      id: (n: { taskId?: number; keyId?: number }) => n.keyId,
    },
  ];

  for (const l of lists) {
    it(`${l.name}: first 7 / after walks the upstream list once, in order, one upstream call a page`, async () => {
      const w = l.window();
      const expected = l.expected(w);
      expect(expected.length).toBeGreaterThan(7 * 4);
      const r = await walk<{ taskId?: number; keyId?: number }>(stack, l.field, l.filterType, l.selection, windowFilter(w), 'forward', 7);
      expect(r.nodes.map(l.id)).toEqual(expected);
      expect(r.pages).toBe(Math.ceil(expected.length / 7));
      expect(r.totals).toEqual(Array(r.pages).fill(expected.length));
      expect(r.callsPerPage).toEqual(Array(r.pages).fill(1));
    });

    it(`${l.name}: last 7 / before walks it back once, in order, the first page from one call`, async () => {
      const w = l.window();
      const expected = l.expected(w);
      const r = await walk<{ taskId?: number; keyId?: number }>(stack, l.field, l.filterType, l.selection, windowFilter(w), 'backward', 7);
      expect(r.nodes.map(l.id)).toEqual(expected);
      expect(r.pages).toBe(Math.ceil(expected.length / 7));
      expect(r.totals).toEqual(Array(r.pages).fill(expected.length));
      // A list of at most 100: the total-probing page already holds the tail.
      expect(r.callsPerPage[0]).toBe(1);
      for (const calls of r.callsPerPage) expect(calls).toBeLessThanOrEqual(2);
    });
  }

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
    const fw = windowOver(flows, 500, 333);
    expect((await flowPage({ n: 1, f: windowFilter(fw) })).totalCount).toBe(flows.filter((f) => inWindow(f.createdMs, fw)).length);
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

  it('recallFlows parentTask: exactly a parent task id', async () => {
    const counts = new Map<number, number>();
    for (const f of flows) counts.set(f.taskId, (counts.get(f.taskId) ?? 0) + 1);
    const parent = tasks.find((t) => (counts.get(t.taskId) ?? 0) >= 2)!;
    const w = { from: parent.createdMs, to: stack.sim.dataset.now };
    const id = String(parent.taskId);
    const expected = flows.filter((f) => inWindow(f.createdMs, w) && (f.taskId === parent.taskId || f.taskName.toLowerCase().includes(id)));
    expect(expected.filter((f) => f.taskId === parent.taskId)).toHaveLength(counts.get(parent.taskId)!);
    const c = await flowPage({ n: 100, f: { ...windowFilter(w), parentTask: id } });
    expect(keyIds(c)).toEqual(expected.map((f) => f.keyId));
    expect(c.totalCount).toBe(expected.length);
  });

  it('recallFlows parentTask: a fuzzy parent task name', async () => {
    const w = windowOver(flows, 0, 600);
    const expected = flows.filter((f) => inWindow(f.createdMs, w) && f.taskName.includes('春季促销'));
    expect(expected.length).toBeGreaterThan(0);
    const c = await flowPage({ n: 100, f: { ...windowFilter(w), parentTask: '春季促销' } });
    expect(c.totalCount).toBe(expected.length);
    expect(keyIds(c)).toEqual(expected.slice(0, 100).map((f) => f.keyId));
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
    const f = await flowPage({});
    const after = Date.now();
    const tb = bounds(tasks, before, after);
    expect(t.totalCount).toBeGreaterThanOrEqual(tb.least);
    expect(t.totalCount).toBeLessThanOrEqual(tb.most);
    // A window a few days shorter or longer would hold dozens of tasks fewer or more.
    expect(tasks.filter((r) => r.createdMs >= before - 27 * DAY).length).toBeLessThan(tb.least);
    expect(tasks.filter((r) => r.createdMs >= after - 33 * DAY).length).toBeGreaterThan(tb.most);
    expect(taskIds(t)).toEqual(tasks.slice(0, 20).map((r) => r.taskId));
    const fb = bounds(flows, before, after);
    expect(f.totalCount).toBeGreaterThanOrEqual(fb.least);
    expect(f.totalCount).toBeLessThanOrEqual(fb.most);
    expect(keyIds(f)).toEqual(flows.slice(0, 20).map((r) => r.keyId));
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

  it('a window wider than the upstream allows surfaces as UPSTREAM_BAD_REQUEST at the field', async () => {
    const res = await stack.gql(TASKS_Q, { n: 5, f: { createdFrom: '2015-01-01T00:00:00Z' } });
    expect(res.data).toBeNull();
    expect(res.errors?.map((e) => [e.path, e.extensions?.code, e.extensions?.upstreamCode])).toEqual([[['groupCallTasks'], 'UPSTREAM_BAD_REQUEST', -22]]);
    expect(res.errors![0]!.message).toMatch(/366 days/);
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
  const forgedTask = () => encodeGlobalID('GroupCallTask', taskLocalId({ taskId: 1, created: Math.floor(tasks[20]!.createdMs / 1000) }));
  const forgedFlow = () => encodeGlobalID('RecallFlow', flowLocalId({ keyId: 1, taskId: 2, created: Math.floor(flows[20]!.createdMs / 1000) }));
  const w = () => windowOver(tasks, 100, 50);

  type Case = [name: string, query: string, vars: () => Record<string, unknown>];
  const cases: Case[] = [
    ['first 0', '{ groupCallTasks(first: 0) { totalCount } }', () => ({})],
    ['first 101', '{ groupCallTasks(first: 101) { totalCount } }', () => ({})],
    ['last -1', '{ groupCallTasks(last: -1) { totalCount } }', () => ({})],
    ['first -5', '{ recallFlows(first: -5) { totalCount } }', () => ({})],
    ['last 101 on flows', '{ recallFlows(last: 101) { totalCount } }', () => ({})],
    ['garbage cursor', TASKS_Q, () => ({ n: 5, after: 'not-a-cursor!' })],
    ['base64url of text', TASKS_Q, () => ({ n: 5, after: b64('hello') })],
    ['JSON array cursor', TASKS_Q, () => ({ n: 5, after: b64('[1,2,3]') })],
    ['negative offset cursor', TASKS_Q, () => ({ n: 5, after: b64(JSON.stringify({ o: -3, f: 1, t: 2, h: 'x' })) })],
    ['huge cursor', TASKS_Q, () => ({ n: 5, after: 'A'.repeat(50_000) })],
    ['malformed before', '{ recallFlows(last: 3, before: "%%%") { totalCount } }', () => ({})],
    ['cursor of a forged filter', TASKS_Q, () => ({ n: 5, after: b64(JSON.stringify({ o: 3, f: 1, t: 2, h: 'forged' })) })],
    [
      'createdFrom after createdTo (tasks)',
      TASKS_Q,
      () => ({ n: 5, f: { createdFrom: '2024-06-04T14:49:37+08:00', createdTo: '2024-06-04T14:49:36+08:00' } }),
    ],
    ['createdFrom after createdTo (flows)', FLOWS_Q, () => ({ n: 5, f: { createdFrom: '2024-06-05T00:00:00Z', createdTo: '2024-06-04T00:00:00Z' } })],
    ['UNKNOWN as a statuses value (variable)', TASKS_Q, () => ({ n: 5, f: { ...windowFilter(w()), statuses: ['UNKNOWN'] } })],
    ['UNKNOWN as a statuses value (literal)', '{ groupCallTasks(first: 5, filter: { statuses: [CALLING, UNKNOWN] }) { totalCount } }', () => ({})],
    ['DateTime without offset (variable)', TASKS_Q, () => ({ n: 5, f: { createdFrom: '2024-06-04T14:49:36' } })],
    ['DateTime without offset (literal)', '{ recallFlows(first: 5, filter: { createdTo: "2024-06-04T14:49:36" }) { totalCount } }', () => ({})],
    ['DateTime not a date', TASKS_Q, () => ({ n: 5, f: { createdTo: 'yesterday' } })],
    ['DateTime with an impossible month', TASKS_Q, () => ({ n: 5, f: { createdTo: '2024-13-04T14:49:36Z' } })],
    ['DateTime on 30 February', FLOWS_Q, () => ({ n: 5, f: { createdFrom: '2024-02-30T00:00:00+08:00' } })],
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

  it.each<[string, () => string, number]>([
    ['garbage', () => 'garbage!!', 0],
    ['base64url of nonsense', () => b64('nonsense'), 0],
    ['unknown type', () => b64('Query:1.2'), 0],
    ['task id with a flow-shaped local id', () => b64('GroupCallTask:1.2.3'), 0],
    ['forged task id, plausible time', forgedTask, 1],
    ['forged flow id, plausible time', forgedFlow, 1],
    ['forged task id, implausible time', () => encodeGlobalID('GroupCallTask', taskLocalId({ taskId: 1, created: 5 })), 0],
  ])('node(id:) with a %s id → null or BAD_USER_INPUT, never INTERNAL', async (_name, id, calls) => {
    stack.resetCalls();
    const res = await stack.gql('query($id: ID!) { node(id: $id) { id } }', { id: id() });
    expect(res.status).toBe(200);
    expect(res.data).toEqual({ node: null });
    for (const code of codes(res)) expect(code).toBe('BAD_USER_INPUT');
    const c = stack.calls();
    expect(c.tasks + c.flows).toBe(calls);
    expect(ok(await stack.gql(ALIVE)).groupCallTasks.totalCount).toBeGreaterThan(0);
  });

  it('garbage ids are errors at the node path; forged ones are plain nulls', async () => {
    const res = await stack.gql('query($a: ID!, $b: ID!) { a: node(id: $a) { id } b: node(id: $b) { id } }', { a: 'garbage!!', b: forgedTask() });
    expect(res.data).toEqual({ a: null, b: null });
    expect(res.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['a'], 'BAD_USER_INPUT']]);
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

describe('upstream failures (own simulator)', () => {
  let faulty: Stack;
  let sim: Simulator;
  let taskId: string;
  let flowId: string;
  let flowWindow: Record<string, string>;
  let flowTotal: number;
  let taskWindow: Record<string, string>;
  const seen: unknown[] = [];

  beforeAll(async () => {
    faulty = await startStack();
    sim = faulty.sim;
    const t = sim.dataset.tasks[40]!;
    const f = sim.dataset.flows[40]!;
    taskId = encodeGlobalID('GroupCallTask', taskLocalId({ taskId: t.taskId, created: t.createdMs / 1000 }));
    flowId = encodeGlobalID('RecallFlow', flowLocalId({ keyId: f.keyId, taskId: f.taskId, created: f.createdMs / 1000 }));
    const fw = windowOver(sim.dataset.flows, 10, 20);
    flowWindow = windowFilter(fw);
    flowTotal = sim.dataset.flows.filter((x) => inWindow(x.createdMs, fw)).length;
    taskWindow = windowFilter(windowOver(sim.dataset.tasks, 10, 20));
  });
  afterEach(() => {
    sim.setFaults({});
    sim.setClockSkew(0);
  });
  afterAll(() => faulty.close());


  const retried = () => 1 + faulty.config.upstream.retries;
  type Case = { name: string; arrange: () => void; code: string; upstreamCode?: number; calls: () => number };
  const cases: Case[] = [
    { name: '-1', arrange: () => sim.queueFault('error-code', { code: -1, endpoint: 'groupCallTasks' }), code: 'UPSTREAM_UNAUTHENTICATED', upstreamCode: -1, calls: () => 1 },
    { name: '-2', arrange: () => sim.queueFault('error-code', { code: -2, endpoint: 'groupCallTasks' }), code: 'UPSTREAM_FORBIDDEN_IP', upstreamCode: -2, calls: () => 1 },
    { name: '-22', arrange: () => sim.queueFault('error-code', { code: -22, endpoint: 'groupCallTasks' }), code: 'UPSTREAM_BAD_REQUEST', upstreamCode: -22, calls: () => 1 },
    {
      name: '-18, persistent',
      arrange: () => sim.setFaults({ errorRate: 1, errorCode: -18, endpoint: 'groupCallTasks' }),
      code: 'UPSTREAM_UNAVAILABLE',
      upstreamCode: -18,
      calls: retried,
    },
    { name: 'unknown code -99', arrange: () => sim.queueFault('error-code', { code: -99, endpoint: 'groupCallTasks' }), code: 'UPSTREAM_ERROR', upstreamCode: -99, calls: () => 1 },
    { name: 'malformed body', arrange: () => sim.queueFault('malformed-body', { endpoint: 'groupCallTasks' }), code: 'UPSTREAM_INVALID_RESPONSE', calls: () => 1 },
    { name: 'invalid record', arrange: () => sim.queueFault('invalid-record', { endpoint: 'groupCallTasks' }), code: 'UPSTREAM_INVALID_RESPONSE', calls: () => 1 },
    { name: 'HTTP 500, persistent', arrange: () => sim.setFaults({ http500Rate: 1, endpoint: 'groupCallTasks' }), code: 'UPSTREAM_UNAVAILABLE', calls: retried },
    { name: 'dropped connections, persistent', arrange: () => sim.setFaults({ dropRate: 1, endpoint: 'groupCallTasks' }), code: 'UPSTREAM_UNAVAILABLE', calls: retried },
  ];

  it.each(cases)('$name → $code at the failing field; the sibling field still has its data', async ({ arrange, code, upstreamCode, calls }) => {
    arrange();
    faulty.resetCalls();
    const res = await faulty.gql(
      `query($id: ID!, $f: RecallFlowFilter) { failing: node(id: $id) { id ... on GroupCallTask { taskId } } sibling: recallFlows(first: 3, filter: $f) { totalCount edges { node { keyId } } } }`,
      { id: taskId, f: flowWindow },
    );
    seen.push(res);
    expect(res.status).toBe(200);
    expect(res.data?.failing).toBeNull();
    expect(res.data?.sibling.totalCount).toBe(flowTotal);
    expect(res.data?.sibling.edges).toHaveLength(3);
    expect(res.errors).toHaveLength(1);
    const [error] = res.errors!;
    expect(error!.path).toEqual(['failing']);
    expect(error!.extensions?.code).toBe(code);
    expect(error!.extensions?.upstreamCode).toBe(upstreamCode);
    expect(faulty.calls()).toEqual({ tasks: calls(), flows: 1 });
  });

  it('clock skew of 600 s → -16, retried once with a fresh timestamp, then UPSTREAM_TIMESTAMP_EXPIRED', async () => {
    sim.setClockSkew(600);
    faulty.resetCalls();
    const res = await faulty.gql(`query($id: ID!) { failing: node(id: $id) { id } }`, { id: taskId });
    seen.push(res);
    expect(res.data).toEqual({ failing: null });
    expect(res.errors?.map((e) => [e.path, e.extensions?.code, e.extensions?.upstreamCode])).toEqual([[['failing'], 'UPSTREAM_TIMESTAMP_EXPIRED', -16]]);
    expect(faulty.calls()).toEqual({ tasks: 2, flows: 0 });
  });

  it('a failing list field is null at its path (non-null: the whole data is null)', async () => {
    sim.queueFault('error-code', { code: -2, endpoint: 'groupCallTasks' });
    const res = await faulty.gql(`query($f: GroupCallTaskFilter) { groupCallTasks(first: 3, filter: $f) { totalCount } }`, { f: taskWindow });
    seen.push(res);
    expect(res.data).toBeNull();
    expect(res.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['groupCallTasks'], 'UPSTREAM_FORBIDDEN_IP']]);
  });

  it('the flows endpoint failing: the flow node is null, the task list beside it is served', async () => {
    sim.queueFault('error-code', { code: -99, endpoint: 'recallFlows' });
    const res = await faulty.gql(
      `query($id: ID!, $f: GroupCallTaskFilter) { failing: node(id: $id) { id } sibling: groupCallTasks(first: 2, filter: $f) { edges { node { taskId } } } }`,
      { id: flowId, f: taskWindow },
    );
    seen.push(res);
    expect(res.data?.failing).toBeNull();
    expect(res.data?.sibling.edges).toHaveLength(2);
    expect(res.errors?.map((e) => [e.path, e.extensions?.code, e.extensions?.upstreamCode])).toEqual([[['failing'], 'UPSTREAM_ERROR', -99]]);
  });

  it('parents failing to load: each parentTask is null with an error at its path, the flows are served', async () => {
    sim.setFaults({ errorRate: 1, errorCode: -1, endpoint: 'groupCallTasks' });
    const res = await faulty.gql(
      `query($f: RecallFlowFilter) { recallFlows(first: 3, filter: $f) { edges { node { keyId parentTask { taskId } } } } }`,
      { f: flowWindow },
    );
    seen.push(res);
    const edges = res.data?.recallFlows.edges as Array<{ node: { keyId: number; parentTask: null } }>;
    expect(edges).toHaveLength(3);
    for (const e of edges) expect(e.node.parentTask).toBeNull();
    const fw = { from: Date.parse(flowWindow.createdFrom!), to: Date.parse(flowWindow.createdTo!) };
    expect(edges.map((e) => e.node.keyId)).toEqual(sim.dataset.flows.filter((f) => inWindow(f.createdMs, fw)).slice(0, 3).map((f) => f.keyId));
    // One error per failed field; graphql-js reports them in completion order.
    const errors = (res.errors ?? []).map((e) => [e.path, e.extensions?.code]).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    expect(errors).toEqual([0, 1, 2].map((i) => [['recallFlows', 'edges', i, 'node', 'parentTask'], 'UPSTREAM_UNAUTHENTICATED']));
  });

  it('after the faults clear, the same query is served again', async () => {
    const res = await faulty.gql(`query($id: ID!) { node(id: $id) { ... on GroupCallTask { taskId } } }`, { id: taskId });
    expect(res.errors).toBeUndefined();
    expect(res.data?.node.taskId).toBe(sim.dataset.tasks[40]!.taskId);
  });

  it('no error any client saw names the secret, the key, the simulator or a stack frame', () => {
    const text = JSON.stringify(seen);
    expect(seen.length).toBeGreaterThan(10);
    expect(text).not.toContain(sim.apiSecret);
    expect(text).not.toContain(sim.apiKey);
    expect(text).not.toContain(sim.url);
    expect(text).not.toContain(new URL(sim.url).host);
    expect(text).not.toMatch(/\bat\s+\S+\s*\(|file:\/\/|\.ts:\d+|node_modules/);
    for (const res of seen as Array<{ errors?: Array<Record<string, unknown>> }>) {
      // Nothing beyond the spec's keys (no stack, no internals); graphql-jit omits `locations` on
      // some errors (e.g. node(id:)), which the spec allows.
      for (const e of res.errors ?? []) {
        const keys = Object.keys(e).sort();
        expect(keys.filter((k) => k !== 'locations'), JSON.stringify(e)).toEqual(['extensions', 'message', 'path']);
      }
    }
  });
});
