/**
 * RecallFlow over real HTTP against the embedded simulator: every field compared with the
 * simulator's records, enum mapping, the global id round trip (one upstream call), nodes(ids:),
 * and parentTask joined to the right task.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

type FlowNode = ReturnType<typeof expectedFlow> & { id: string };

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

const LIST = `query($f: RecallFlowFilter, $n: Int) { recallFlows(first: $n, filter: $f) { totalCount edges { node { ${FLOW_FIELDS} } } } }`;

async function listFlows(w: Window, n = 100) {
  return ok(await stack.gql<{ recallFlows: Conn<FlowNode> }>(LIST, { f: windowFilter(w), n })).recallFlows;
}

async function flowNode(f: FlowRecord) {
  const conn = await listFlows({ from: f.createdMs, to: f.createdMs });
  return conn.edges.map((e) => e.node).find((n) => n.keyId === f.keyId);
}

describe('RecallFlow fields', () => {
  it('serves every field of every flow in a window exactly as the simulator has it', async () => {
    const w = windowOver(flows, 300, 50);
    const expected = flows.filter((f) => inWindow(f.createdMs, w));
    expect(expected.length).toBeGreaterThanOrEqual(50);
    expect(expected.length).toBeLessThanOrEqual(100);
    const conn = await listFlows(w);
    expect(conn.totalCount).toBe(expected.length);
    expect(conn.edges.map((e) => withoutId(e.node))).toEqual(expected.map((f) => expectedFlow(f, offset)));
  });

  it('converts createdAt to an ISO instant with the account offset, equal to the local time', async () => {
    const f = flows[77]!;
    const node = (await flowNode(f))!;
    expect(node.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
    expect(node.createdAt.slice(0, 19).replace('T', ' ')).toBe(f.createTime);
    expect(Date.parse(node.createdAt)).toBe(f.createdMs);
  });

  it('maps every status and recall type; unknown status codes are UNKNOWN', async () => {
    const samples = new Map<number, FlowRecord>();
    for (let s = 0; s <= 4; s++) {
      const f = flows.find((x) => x.status === s);
      if (f) samples.set(f.keyId, f);
    }
    for (const t of [0, 1]) {
      const f = flows.find((x) => x.recallType === t);
      if (f) samples.set(f.keyId, f);
    }
    const unknown = flows.filter((f) => ![0, 1, 2, 3, 4].includes(f.status));
    expect(unknown.length).toBeGreaterThan(0);
    for (const f of unknown) samples.set(f.keyId, f);
    const statuses = new Set<string>();
    const types = new Set<string>();
    for (const f of samples.values()) {
      const node = await flowNode(f);
      expect(node && withoutId(node)).toEqual(expectedFlow(f, offset));
      statuses.add(node!.status);
      types.add(node!.recallType);
    }
    expect([...statuses].sort()).toEqual(['CANCELLED', 'COMPLETED', 'EXECUTION_EXCEPTION', 'IN_PROGRESS', 'PENDING', 'UNKNOWN']);
    expect([...types].sort()).toEqual(['ALL', 'FAILED_ONLY']);
  });
});

describe('global ids', () => {
  it('node(id:) gives the same flow back with exactly one upstream call', async () => {
    const conn = await listFlows(windowOver(flows, 500, 10));
    for (const edge of conn.edges.slice(0, 3)) {
      stack.resetCalls();
      const data = ok(
        await stack.gql(`query($id: ID!) { node(id: $id) { __typename id ... on RecallFlow { ${FLOW_FIELDS} } } }`, { id: edge.node.id }),
      );
      expect(data.node).toEqual({ __typename: 'RecallFlow', ...edge.node });
      expect(stack.calls()).toEqual({ tasks: 0, flows: 1 });
    }
  });

  it('nodes(ids:) resolves several flows in the order asked, repeats included', async () => {
    const conn = await listFlows(windowOver(flows, 700, 10));
    const ids = [conn.edges[3]!.node.id, conn.edges[0]!.node.id, conn.edges[3]!.node.id];
    const data = ok(await stack.gql(`query($ids: [ID!]!) { nodes(ids: $ids) { id ... on RecallFlow { keyId } } }`, { ids }));
    expect(data.nodes).toEqual([3, 0, 3].map((i) => ({ id: conn.edges[i]!.node.id, keyId: conn.edges[i]!.node.keyId })));
  });
});

describe('RecallFlow.parentTask', () => {
  const PARENTS = `query($f: RecallFlowFilter, $n: Int) { recallFlows(first: $n, filter: $f) { edges { node { keyId taskId parentTask { ${TASK_FIELDS} } } } } }`;
  type Row = { keyId: number; taskId: number; parentTask: (ReturnType<typeof expectedTask> & { id: string }) | null };
  const byId = () => new Map(tasks.map((t) => [t.taskId, t]));

  it('is the task the flow names, with every field right, for flows spread over the data set', async () => {
    const tasksById = byId();
    for (const start of [40, 900, 1500]) {
      const w = windowOver(flows, start, 4);
      const data = ok(await stack.gql<{ recallFlows: Conn<Row> }>(PARENTS, { f: windowFilter(w), n: 10 }));
      const rows = data.recallFlows.edges.map((e) => e.node);
      expect(rows.length).toBeGreaterThanOrEqual(4);
      for (const row of rows) {
        const parent = tasksById.get(row.taskId)!;
        expect(row.parentTask).not.toBeNull();
        expect(withoutId(row.parentTask!)).toEqual(expectedTask(parent, offset));
      }
    }
  });

  it("is right for a page of busy-hour flows, and the parent's id refetches that task", async () => {
    const tasksById = byId();
    const { busyHour } = stack.sim.dataset;
    const busy = flows.filter((f) => tasksById.get(f.taskId)!.createdMs >= busyHour.start && tasksById.get(f.taskId)!.createdMs < busyHour.end);
    const w = windowOver(busy, 0, 30);
    const data = ok(await stack.gql<{ recallFlows: Conn<Row> }>(PARENTS, { f: windowFilter(w), n: 30 }));
    const rows = data.recallFlows.edges.map((e) => e.node);
    expect(rows).toHaveLength(30);
    for (const row of rows) expect(row.parentTask && withoutId(row.parentTask)).toEqual(expectedTask(tasksById.get(row.taskId)!, offset));
    const parent = rows[0]!.parentTask!;
    const again = ok(await stack.gql(`query($id: ID!) { node(id: $id) { ... on GroupCallTask { taskId name } } }`, { id: parent.id }));
    expect(again.node).toEqual({ taskId: parent.taskId, name: parent.name });
  });
});
