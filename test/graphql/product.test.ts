/**
 * Both product lines end to end (real HTTP, the simulator serving both lines as the provider maps
 * them): merged lists equal the simulator's merged lists forward and backward, per-line filters,
 * ids carrying their line, joins and attempts searched in the record's own line, upstream call
 * counts (the simulator's per-endpoint counters), bad input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalID, taskLocalId } from '../../src/graphql/paging/global-id';
import type { FlowRecord, TaskRecord } from '../../src/simulator';
import { startStack, type Stack } from '../helpers/stack';
import { codes } from '../helpers/expect';
import { FLOW_STATUS, TASK_STATUS } from '../helpers/records';

let stack: Stack;
let single: Stack;
/** A stack whose data a test changes. */
let own: Stack;
const iso = (ms: number) => new Date(ms).toISOString();
const H = 3_600_000;
const DAY = 24 * H;

beforeAll(async () => {
  [stack, single, own] = await Promise.all([
    startStack({ env: { LAAFFIC_PRODUCTS: 'GROUP_CALL,AI_AGENT' } }),
    startStack({ env: { LAAFFIC_PRODUCTS: 'GROUP_CALL' } }),
    startStack({ env: { LAAFFIC_PRODUCTS: 'GROUP_CALL,AI_AGENT' } }),
  ]);
});
afterAll(async () => {
  await Promise.all([stack?.close(), single?.close(), own?.close()]);
});

const lines = () => stack.sim.dataset.lines;
const newest = <T extends { createdMs: number }>(id: (r: T) => number) => (a: T, b: T) => b.createdMs - a.createdMs || id(b) - id(a);
const inWindow = (ms: number, from: number, to: number) => ms >= Math.ceil(from / 1000) * 1000 && ms <= Math.floor(to / 1000) * 1000;

function mergedTasks(from: number, to: number): Array<TaskRecord & { product: string }> {
  const tag = (product: string) => (t: TaskRecord) => ({ ...t, product });
  return [
    ...lines().groupCall.tasks.filter((t) => inWindow(t.createdMs, from, to)).map(tag('GROUP_CALL')),
    ...lines().aiAgent.tasks.filter((t) => inWindow(t.createdMs, from, to)).map(tag('AI_AGENT')),
  ].sort(newest((t) => t.taskId));
}

function mergedFlows(from: number, to: number): Array<FlowRecord & { product: string }> {
  const tag = (product: string) => (f: FlowRecord) => ({ ...f, product });
  return [
    ...lines().groupCall.flows.filter((f) => inWindow(f.createdMs, from, to)).map(tag('GROUP_CALL')),
    ...lines().aiAgent.flows.filter((f) => inWindow(f.createdMs, from, to)).map(tag('AI_AGENT')),
  ].sort(newest((f) => f.keyId));
}

const counters = () => ({ ...stack.sim.endpointCounters });
function spent(before: Record<string, number>) {
  const now = stack.sim.endpointCounters as unknown as Record<string, number>;
  return {
    groupCallTasks: now.groupCallTasks! - before.groupCallTasks!,
    agentTasks: now.agentTasks! - before.agentTasks!,
    groupCallFlows: now.v3Flows! - before.v3Flows!,
    agentFlows: now.agentFlows! - before.agentFlows!,
    groupCallDetails: now.v3Details! - before.v3Details!,
    agentDetails: now.agentDetails! - before.agentDetails!,
  };
}

const TASKS = /* GraphQL */ `
  query($first: Int, $after: String, $last: Int, $before: String, $f: GroupCallTaskFilter) {
    groupCallTasks(first: $first, after: $after, last: $last, before: $before, filter: $f) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { id taskId product name status type } }
    }
  }`;

const FLOWS = /* GraphQL */ `
  query($first: Int, $after: String, $last: Int, $before: String, $f: RecallFlowFilter) {
    recallFlows(first: $first, after: $after, last: $last, before: $before, filter: $f) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { id keyId taskId product } }
    }
  }`;

async function walk(query: string, field: 'groupCallTasks' | 'recallFlows', f: Record<string, unknown>, size: number, backward = false) {
  const seen: Array<Record<string, any>> = [];
  let cursor: string | undefined;
  let total: number | undefined;
  for (let page = 0; page < 500; page++) {
    const vars = backward ? { last: size, before: cursor, f } : { first: size, after: cursor, f };
    const res = await stack.gql(query, vars);
    expect(res.errors).toBeUndefined();
    const c = res.data[field];
    total = c.totalCount;
    const nodes = c.edges.map((e: any) => e.node);
    if (backward) seen.unshift(...nodes);
    else seen.push(...nodes);
    const more = backward ? c.pageInfo.hasPreviousPage : c.pageInfo.hasNextPage;
    if (!more) return { seen, total };
    cursor = backward ? c.pageInfo.startCursor : c.pageInfo.endCursor;
  }
  throw new Error('walk did not end');
}

describe('merged lists (no products: every line served, newest first)', () => {
  const window = () => {
    const to = stack.sim.dataset.now - 20 * DAY;
    return { from: to - 4 * DAY, to };
  };

  it('tasks: a forward walk and a backward walk both equal the simulator merged list, nothing twice, nothing missing', async () => {
    const { from, to } = window();
    const expected = mergedTasks(from, to);
    expect(new Set(expected.map((t) => t.product)).size).toBe(2);
    const f = { createdFrom: iso(from), createdTo: iso(to) };
    const fwd = await walk(TASKS, 'groupCallTasks', f, 37);
    const back = await walk(TASKS, 'groupCallTasks', f, 41, true);
    const want = expected.map((t) => [t.product, t.taskId]);
    expect(fwd.seen.map((n) => [n.product, n.taskId])).toEqual(want);
    expect(back.seen.map((n) => [n.product, n.taskId])).toEqual(want);
    expect(fwd.total).toBe(expected.length);
    // Each line's records carry their own line's fields.
    const agent = fwd.seen.find((n) => n.product === 'AI_AGENT')!;
    expect(agent.type).toBe('AI_AGENT');
  });

  it('flows: forward and backward walks equal the simulator merged list', async () => {
    const to = stack.sim.dataset.now - DAY;
    const from = to - 60 * DAY;
    const expected = mergedFlows(from, to);
    expect(new Set(expected.map((f) => f.product)).size).toBe(2);
    const f = { createdFrom: iso(from), createdTo: iso(to) };
    const want = expected.map((x) => [x.product, x.keyId]);
    expect((await walk(FLOWS, 'recallFlows', f, 100)).seen.map((n) => [n.product, n.keyId])).toEqual(want);
    expect((await walk(FLOWS, 'recallFlows', f, 33, true)).seen.map((n) => [n.product, n.keyId])).toEqual(want);
  });

  it('a page costs one call per line; totalCount is the sum of the lines', async () => {
    const { from, to } = window();
    const before = counters();
    const res = await stack.gql(TASKS, { first: 20, f: { createdFrom: iso(from), createdTo: iso(to) } });
    expect(res.errors).toBeUndefined();
    expect(spent(before)).toMatchObject({ groupCallTasks: 1, agentTasks: 1 });
    expect(res.data.groupCallTasks.totalCount).toBe(mergedTasks(from, to).length);
    const next = counters();
    const page2 = await stack.gql(TASKS, { first: 20, after: res.data.groupCallTasks.pageInfo.endCursor, f: { createdFrom: iso(from), createdTo: iso(to) } });
    expect(page2.errors).toBeUndefined();
    expect(spent(next)).toMatchObject({ groupCallTasks: 1, agentTasks: 1 });
  });

  it('`last` without a cursor learns each line total once: at most 2 calls per line', async () => {
    const { from, to } = window();
    const before = counters();
    const res = await stack.gql(TASKS, { last: 30, f: { createdFrom: iso(from), createdTo: iso(to) } });
    expect(res.errors).toBeUndefined();
    const s = spent(before);
    expect(s.groupCallTasks).toBeLessThanOrEqual(2);
    expect(s.agentTasks).toBeLessThanOrEqual(2);
    expect(res.data.groupCallTasks.edges.map((e: any) => e.node.taskId)).toEqual(mergedTasks(from, to).slice(-30).map((t) => t.taskId));
  });
});

describe('one line selected (filter.products)', () => {
  it('AI_AGENT only: that line alone, one call a page, the AI Agent task list asked with taskType 3', async () => {
    const to = stack.sim.dataset.now - 20 * DAY;
    const from = to - 10 * DAY;
    const f = { createdFrom: iso(from), createdTo: iso(to), products: ['AI_AGENT'] };
    const before = counters();
    const res = await stack.gql(TASKS, { first: 50, f });
    expect(res.errors).toBeUndefined();
    expect(spent(before)).toMatchObject({ groupCallTasks: 0, agentTasks: 1 });
    const expected = lines().aiAgent.tasks.filter((t) => inWindow(t.createdMs, from, to));
    expect(res.data.groupCallTasks.totalCount).toBe(expected.length);
    expect(res.data.groupCallTasks.edges.map((e: any) => [e.node.product, e.node.taskId])).toEqual(
      expected.slice(0, 50).map((t) => ['AI_AGENT', t.taskId]),
    );
    const walked = await walk(TASKS, 'groupCallTasks', f, 100);
    expect(walked.seen.map((n) => n.taskId)).toEqual(expected.map((t) => t.taskId));
  });

  it('GROUP_CALL only: the single-line list (its cursors, one call a page), as a one-line gateway serves it', async () => {
    const to = stack.sim.dataset.now - 20 * DAY;
    const from = to - 10 * DAY;
    const window = { createdFrom: iso(from), createdTo: iso(to) };
    const before = counters();
    const res = await stack.gql(TASKS, { first: 30, f: { ...window, products: ['GROUP_CALL'] } });
    expect(res.errors).toBeUndefined();
    expect(spent(before)).toMatchObject({ groupCallTasks: 1, agentTasks: 0 });
    const expected = lines().groupCall.tasks.filter((t) => inWindow(t.createdMs, from, to));
    expect(res.data.groupCallTasks.totalCount).toBe(expected.length);
    expect(res.data.groupCallTasks.edges.map((e: any) => [e.node.product, e.node.taskId])).toEqual(expected.slice(0, 30).map((t) => ['GROUP_CALL', t.taskId]));
    // A single-line cursor (an offset), as the one-line gateway hands out.
    const cursor = JSON.parse(Buffer.from(res.data.groupCallTasks.pageInfo.endCursor, 'base64url').toString());
    expect(cursor).toMatchObject({ o: 29 });
    const one = await single.gql(TASKS, { first: 30, f: window });
    const oneCursor = JSON.parse(Buffer.from(one.data.groupCallTasks.pageInfo.endCursor, 'base64url').toString());
    expect(Object.keys(oneCursor).sort()).toEqual(Object.keys(cursor).sort());
  });

  it('recall flows of one line: products on RecallFlowFilter', async () => {
    const before = counters();
    const res = await stack.gql(FLOWS, { first: 100, f: { products: ['AI_AGENT'] } });
    expect(res.errors).toBeUndefined();
    expect(spent(before)).toMatchObject({ groupCallFlows: 0, agentFlows: 1 });
    expect(res.data.recallFlows.edges.every((e: any) => e.node.product === 'AI_AGENT')).toBe(true);
  });
});

const JOIN = /* GraphQL */ `
  query($f: RecallFlowFilter) {
    recallFlows(first: 100, filter: $f) {
      edges { node { keyId taskId product parentTask { taskId product name } } }
    }
  }`;

describe('the join, by line', () => {
  it('100 AI Agent flows of one busy hour: 1 call for the flows, at most 3 for their parents, all in the AI Agent line', async () => {
    const busy = stack.sim.dataset.agentBusyHour;
    const before = counters();
    const res = await stack.gql(JOIN, { f: { createdFrom: iso(busy.start), createdTo: iso(busy.end + H), products: ['AI_AGENT'] } });
    expect(res.errors).toBeUndefined();
    const nodes = res.data.recallFlows.edges.map((e: any) => e.node);
    expect(nodes).toHaveLength(100);
    const parents = new Map(lines().aiAgent.tasks.map((t) => [t.taskId, t]));
    for (const n of nodes) {
      expect(n.parentTask).toEqual({ taskId: n.taskId, product: 'AI_AGENT', name: parents.get(n.taskId)!.taskName });
    }
    const s = spent(before);
    expect(s.agentFlows).toBe(1);
    expect(s.agentTasks).toBeGreaterThanOrEqual(1);
    expect(s.agentTasks).toBeLessThanOrEqual(3);
    expect(s.groupCallTasks).toBe(0);
  });

  it('a merged page holding both lines: at most 2 calls for the flows and 3 per line for the parents', async () => {
    // A busy hour of both lines at once, on a day with nothing else: 50 tasks of each line, each
    // with one flow a few minutes after it.
    const { sim } = own;
    const day = sim.dataset.quietDays[0]!;
    const hour = day.start + 10 * H;
    for (let i = 0; i < 100; i++) {
      const line = i % 2 === 0 ? 'groupCall' : 'aiAgent';
      const task = sim.addTask({ line, createdMs: hour + i * 30_000, taskType: line === 'aiAgent' ? 3 : 1 });
      sim.addFlow({ taskId: task.taskId, createdMs: hour + i * 30_000 + 5 * 60_000 });
    }
    own.resetCalls();
    const before = { ...sim.endpointCounters } as Record<string, number>;
    const res = await own.gql(JOIN, { f: { createdFrom: iso(hour), createdTo: iso(hour + 2 * H) } });
    expect(res.errors).toBeUndefined();
    const nodes = res.data.recallFlows.edges.map((e: any) => e.node);
    expect(nodes).toHaveLength(100);
    expect(nodes.filter((n: any) => n.product === 'AI_AGENT')).toHaveLength(50);
    for (const n of nodes) {
      expect(n.parentTask).not.toBeNull();
      expect(n.parentTask.product).toBe(n.product);
      expect(n.parentTask.taskId).toBe(n.taskId);
    }
    const after = sim.endpointCounters as unknown as Record<string, number>;
    const d = (k: string) => after[k]! - before[k]!;
    expect(d('v3Flows') + d('agentFlows')).toBeLessThanOrEqual(2);
    expect(d('groupCallTasks')).toBeGreaterThanOrEqual(1);
    expect(d('groupCallTasks')).toBeLessThanOrEqual(3);
    expect(d('agentTasks')).toBeGreaterThanOrEqual(1);
    expect(d('agentTasks')).toBeLessThanOrEqual(3);
  });

  it('GroupCallTask.recallFlows searches the task own line', async () => {
    const flow = lines().aiAgent.flows[5]!;
    const parent = lines().aiAgent.tasks.find((t) => t.taskId === flow.taskId)!;
    const id = encodeGlobalID('GroupCallTask', taskLocalId({ line: 'AI_AGENT', taskId: parent.taskId, created: parent.createdMs / 1000 }));
    const before = counters();
    const res = await stack.gql(`query($id: ID!) { node(id: $id) { ... on GroupCallTask { product taskId recallFlows(first: 10) { edges { node { keyId product } } } } } }`, { id });
    expect(res.errors).toBeUndefined();
    expect(res.data.node.product).toBe('AI_AGENT');
    const own = lines().aiAgent.flows.filter((f) => f.taskId === parent.taskId).map((f) => f.keyId);
    expect(res.data.node.recallFlows.edges.map((e: any) => e.node.keyId).sort()).toEqual(own.sort());
    expect(res.data.node.recallFlows.edges.every((e: any) => e.node.product === 'AI_AGENT')).toBe(true);
    const s = spent(before);
    expect(s).toMatchObject({ agentTasks: 1, groupCallTasks: 0, groupCallFlows: 0 });
    expect(s.agentFlows).toBeGreaterThanOrEqual(1);
  });
});

describe('ids carry their line', () => {
  it('an AI Agent task id refetches with one call to the AI Agent list', async () => {
    const t = lines().aiAgent.tasks[40]!;
    const list = await stack.gql(TASKS, { first: 1, f: { createdFrom: iso(t.createdMs), createdTo: iso(t.createdMs), products: ['AI_AGENT'] } });
    const id = list.data.groupCallTasks.edges[0].node.id;
    const before = counters();
    const res = await stack.gql(`query($id: ID!) { node(id: $id) { id ... on GroupCallTask { taskId product } } }`, { id });
    expect(res.data.node).toEqual({ id, taskId: t.taskId, product: 'AI_AGENT' });
    expect(spent(before)).toMatchObject({ agentTasks: 1, groupCallTasks: 0 });
  });

  it('ids issued before the second line (no line part) resolve as the group-call line', async () => {
    const t = lines().groupCall.tasks[40]!;
    const old = Buffer.from(`GroupCallTask:${t.taskId}.${t.createdMs / 1000}`).toString('base64url');
    const res = await stack.gql(`query($id: ID!) { node(id: $id) { id ... on GroupCallTask { taskId product } } }`, { id: old });
    expect(res.data.node).toEqual({ id: old, taskId: t.taskId, product: 'GROUP_CALL' });
  });

  it('an id or a products filter naming an unserved line, or an id naming an unknown line, is BAD_USER_INPUT without a call', async () => {
    const t = lines().aiAgent.tasks[3]!;
    const agentId = encodeGlobalID('GroupCallTask', taskLocalId({ line: 'AI_AGENT', taskId: t.taskId, created: t.createdMs / 1000 }));
    single.resetCalls();
    const byId = await single.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: agentId });
    expect(codes(byId)).toEqual(['BAD_USER_INPUT']);
    expect(byId.errors![0]!.message).toMatch(/AI_AGENT.*not served/);
    const byFilter = await single.gql(TASKS, { first: 5, f: { products: ['AI_AGENT'] } });
    expect(codes(byFilter)).toEqual(['BAD_USER_INPUT']);
    expect(single.calls()).toEqual({ tasks: 0, flows: 0 });
    const unknown = Buffer.from(`GroupCallTask:IVR.${t.taskId}.${t.createdMs / 1000}`).toString('base64url');
    expect(codes(await stack.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: unknown }))).toEqual(['BAD_USER_INPUT']);
  });

  it('a cursor of a merged list is refused by a one-line list, and the other way round', async () => {
    const merged = await stack.gql(TASKS, { first: 2 });
    const one = await stack.gql(TASKS, { first: 2, f: { products: ['GROUP_CALL'] } });
    const a = await stack.gql(TASKS, { first: 2, after: merged.data.groupCallTasks.pageInfo.endCursor, f: { products: ['GROUP_CALL'] } });
    const b = await stack.gql(TASKS, { first: 2, after: one.data.groupCallTasks.pageInfo.endCursor });
    expect(codes(a)).toEqual(['BAD_USER_INPUT']);
    expect(codes(b)).toEqual(['BAD_USER_INPUT']);
  });
});

const ATTEMPTS = /* GraphQL */ `
  query($f: RecallFlowFilter) {
    recallFlows(first: 100, filter: $f) {
      edges { node { keyId product recallAttempts finishedAttempts attempts { keyId status taskId task { taskId product name status } } } }
    }
  }`;

describe('attempts (the line detail endpoint, child tasks joined through the planner)', () => {
  it.each([
    ['AI_AGENT', 'aiAgent', 'agentBusyHour'],
    ['GROUP_CALL', 'groupCall', 'busyHour'],
  ] as const)('100 %s flows of the busy hour: one detail call per flow, their child tasks in a few calls', async (product, line, hour) => {
    const busy = stack.sim.dataset[hour];
    const before = counters();
    const res = await stack.gql(ATTEMPTS, { f: { createdFrom: iso(busy.start), createdTo: iso(busy.end + H), products: [product] } });
    expect(res.errors).toBeUndefined();
    const nodes = res.data.recallFlows.edges.map((e: any) => e.node);
    expect(nodes).toHaveLength(100);
    const tasks = new Map(lines()[line].tasks.map((t) => [t.taskId, t]));
    let attempts = 0;
    let withTask = 0;
    for (const n of nodes) {
      const detail = stack.sim.flowDetail(line, n.keyId)!;
      expect(n.attempts.map((a: any) => [a.keyId, a.status, a.taskId])).toEqual(
        detail.nodeList.map((x) => [x.keyId, FLOW_STATUS[x.nodeStatus], x.taskId ?? null]),
      );
      for (const a of n.attempts) {
        attempts++;
        if (a.taskId === null) {
          expect(a.task).toBeNull();
          continue;
        }
        withTask++;
        const t = tasks.get(a.taskId)!;
        expect(a.task).toEqual({ taskId: t.taskId, product, name: t.taskName, status: TASK_STATUS[t.status] });
      }
    }
    expect(withTask).toBeGreaterThan(50);
    const s = spent(before);
    const details = product === 'AI_AGENT' ? s.agentDetails : s.groupCallDetails;
    const taskCalls = product === 'AI_AGENT' ? s.agentTasks : s.groupCallTasks;
    expect(details).toBe(100);
    // Naive: 1 + 100 detail calls + one search per attempt with a task (`withTask`).
    expect(taskCalls).toBeLessThanOrEqual(8);
    console.info(`attempts of 100 ${product} busy-hour flows: 1 flow call + ${details} detail calls + ${taskCalls} task calls (${attempts} attempts, ${withTask} with a task; naive ${1 + 100 + withTask})`);
  });

  it('a detail that fails for one flow makes only that flow attempts an error with a code', async () => {
    const busy = stack.sim.dataset.agentBusyHour;
    stack.sim.queueFault('error-code', { endpoint: 'agentDetails', code: -18 });
    const res = await stack.gql(ATTEMPTS, { f: { createdFrom: iso(busy.start), createdTo: iso(busy.end + H), products: ['AI_AGENT'] } });
    const nodes = res.data.recallFlows.edges.map((e: any) => e.node);
    expect(nodes).toHaveLength(100);
    const failed = nodes.filter((n: any) => n.attempts === null);
    // -18 is retried by the client; the queued fault is consumed once, so the retry succeeds and nothing fails.
    expect(failed.length).toBeLessThanOrEqual(1);
    stack.sim.queueFault('error-code', { endpoint: 'agentDetails', code: -22 });
    const again = await stack.gql(ATTEMPTS, { f: { createdFrom: iso(busy.start), createdTo: iso(busy.end + H), products: ['AI_AGENT'] } });
    const broken = again.data.recallFlows.edges.map((e: any) => e.node).filter((n: any) => n.attempts === null);
    expect(broken).toHaveLength(1);
    expect(again.errors).toHaveLength(1);
    expect(again.errors![0]!.path).toEqual(['recallFlows', 'edges', expect.any(Number), 'node', 'attempts']);
    expect(again.errors![0]!.extensions!.code).toBe('UPSTREAM_BAD_REQUEST');
    expect(again.data.recallFlows.edges.filter((e: any) => e.node.attempts !== null)).toHaveLength(99);
  });

  it('costs one upstream call per flow in the cost limit: 100 flows with attempts pass, a nested list of them does not', async () => {
    const ok = await stack.gql(`{ recallFlows(first: 100) { edges { node { attempts { task { name } } } } } }`);
    expect(ok.errors).toBeUndefined();
    const tooMuch = await stack.gql(`{ groupCallTasks(first: 100) { edges { node { recallFlows(first: 100) { edges { node { attempts { keyId } } } } } } } }`);
    expect(codes(tooMuch)).toEqual(['QUERY_TOO_COSTLY']);
  });
});
