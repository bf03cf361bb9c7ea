/**
 * GroupCallTask over real HTTP against the embedded simulator: every field compared with the
 * simulator's own records, DateTime and enum mapping, the global id round trip (one upstream
 * call), nodes(ids:), and the task's recall flows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalID, flowLocalId, taskLocalId } from '../../src/graphql/paging/global-id';
import type { FlowRecord, TaskRecord } from '../../src/simulator';
import { startStack, type Stack } from '../helpers/stack';
import {
  expectedFlow,
  expectedTask,
  FLOW_FIELDS,
  inWindow,
  ok,
  TASK_FIELDS,
  windowFilter,
  windowOver,
  withoutId,
  type Conn,
  type Window,
} from './helpers';

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

  it('nodes(ids:) resolves tasks and flows in order, and null for a well-formed id of no record', async () => {
    const conn = await listTasks(windowOver(tasks, 1500, 10));
    const [a, b] = [conn.edges[0]!.node, conn.edges[5]!.node];
    const flow = flows[100]!;
    const flowId = ok(
      await stack.gql(`query($f: RecallFlowFilter) { recallFlows(first: 10, filter: $f) { edges { node { id keyId } } } }`, {
        f: windowFilter({ from: flow.createdMs, to: flow.createdMs }),
      }),
    ).recallFlows.edges.find((e: { node: { keyId: number } }) => e.node.keyId === flow.keyId).node.id;
    const ghost = encodeGlobalID('GroupCallTask', taskLocalId({ taskId: 1, created: Math.floor(tasks[10]!.createdMs / 1000) }));
    const data = ok(
      await stack.gql(
        `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id ... on GroupCallTask { taskId name } ... on RecallFlow { keyId taskId } } }`,
        { ids: [b.id, flowId, ghost, a.id] },
      ),
    );
    expect(data.nodes).toEqual([
      { __typename: 'GroupCallTask', id: b.id, taskId: b.taskId, name: b.name },
      { __typename: 'RecallFlow', id: flowId, keyId: flow.keyId, taskId: flow.taskId },
      null,
      { __typename: 'GroupCallTask', id: a.id, taskId: a.taskId, name: a.name },
    ]);
  });

  it('a flow id is not a task: node(id:) with a flow id gives a RecallFlow', async () => {
    const f = flows[50]!;
    const id = encodeGlobalID('RecallFlow', flowLocalId({ keyId: f.keyId, taskId: f.taskId, created: f.createdMs / 1000 }));
    const data = ok(await stack.gql(`query($id: ID!) { node(id: $id) { __typename ... on GroupCallTask { taskId } ... on RecallFlow { keyId } } }`, { id }));
    expect(data.node).toEqual({ __typename: 'RecallFlow', keyId: f.keyId });
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
