/**
 * recall-flow.ts over real HTTP against the embedded simulator: every field compared with the
 * simulator's records, enum mapping, the global id round trip (one upstream call), nodes(ids:),
 * parentTask joined to the right task, and Query.recallFlows: page walks both ways, totals, the
 * parent-task filter, the default window and input errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowRecord, TaskRecord } from '../../src/simulator';
import { codes, ok, walk } from '../helpers/expect';
import {
  expectedFlow,
  expectedTask,
  FLOW_FIELDS,
  inWindow,
  TASK_FIELDS,
  windowFilter,
  windowOver,
  withoutId,
  type Conn,
  type Window,
} from '../helpers/records';
import { startStack, type Stack } from '../helpers/stack';

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

describe('Query.recallFlows', () => {
  const DAY = 86_400_000;
  const FLOWS_Q = `query($n: Int, $f: RecallFlowFilter, $after: String) { recallFlows(first: $n, after: $after, filter: $f) {
  totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { keyId taskId } } } }`;
  type FlowRow = { keyId: number; taskId: number };

  async function flowPage(vars: { n?: number; f?: Record<string, unknown>; after?: string | null }, s: Stack = stack) {
    return ok(await s.gql<{ recallFlows: Conn<FlowRow> }>(FLOWS_Q, vars)).recallFlows;
  }
  const keyIds = (c: Conn<FlowRow>) => c.edges.map((e) => e.node.keyId);

  describe('page walks over a fixed window', () => {
    const window = () => windowOver(flows, 100, 40);
    const expectedIds = (w: Window) => flows.filter((f) => inWindow(f.createdMs, w)).map((f) => f.keyId);

    it('recallFlows: first 7 / after walks the upstream list once, in order, one upstream call a page', async () => {
      const w = window();
      const expected = expectedIds(w);
      expect(expected.length).toBeGreaterThan(7 * 4);
      const r = await walk<{ keyId: number }>(stack, 'recallFlows', 'RecallFlowFilter', 'keyId', windowFilter(w), 'forward', 7);
      expect(r.nodes.map((n) => n.keyId)).toEqual(expected);
      expect(r.pages).toBe(Math.ceil(expected.length / 7));
      expect(r.totals).toEqual(Array(r.pages).fill(expected.length));
      expect(r.callsPerPage).toEqual(Array(r.pages).fill(1));
    });

    it('recallFlows: last 7 / before walks it back once, in order, the first page from one call', async () => {
      const w = window();
      const expected = expectedIds(w);
      const r = await walk<{ keyId: number }>(stack, 'recallFlows', 'RecallFlowFilter', 'keyId', windowFilter(w), 'backward', 7);
      expect(r.nodes.map((n) => n.keyId)).toEqual(expected);
      expect(r.pages).toBe(Math.ceil(expected.length / 7));
      expect(r.totals).toEqual(Array(r.pages).fill(expected.length));
      // A list of at most 100: the total-probing page already holds the tail.
      expect(r.callsPerPage[0]).toBe(1);
      for (const calls of r.callsPerPage) expect(calls).toBeLessThanOrEqual(2);
    });

    it('totalCount is the upstream total of the window', async () => {
      const fw = windowOver(flows, 500, 333);
      expect((await flowPage({ n: 1, f: windowFilter(fw) })).totalCount).toBe(flows.filter((f) => inWindow(f.createdMs, fw)).length);
    });
  });

  describe('filters', () => {
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
      const f = await flowPage({});
      const after = Date.now();
      const fb = bounds(flows, before, after);
      expect(f.totalCount).toBeGreaterThanOrEqual(fb.least);
      expect(f.totalCount).toBeLessThanOrEqual(fb.most);
      expect(keyIds(f)).toEqual(flows.slice(0, 20).map((r) => r.keyId));
    });
  });

  describe('bad input', () => {
    const ALIVE = '{ groupCallTasks(first: 1) { totalCount } }';

    type Case = [name: string, query: string, vars: () => Record<string, unknown>];
    const cases: Case[] = [
      ['first -5', '{ recallFlows(first: -5) { totalCount } }', () => ({})],
      ['last 101 on flows', '{ recallFlows(last: 101) { totalCount } }', () => ({})],
      ['malformed before', '{ recallFlows(last: 3, before: "%%%") { totalCount } }', () => ({})],
      ['createdFrom after createdTo (flows)', FLOWS_Q, () => ({ n: 5, f: { createdFrom: '2024-06-05T00:00:00Z', createdTo: '2024-06-04T00:00:00Z' } })],
      ['DateTime without offset (literal)', '{ recallFlows(first: 5, filter: { createdTo: "2024-06-04T14:49:36" }) { totalCount } }', () => ({})],
      ['DateTime on 30 February', FLOWS_Q, () => ({ n: 5, f: { createdFrom: '2024-02-30T00:00:00+08:00' } })],
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
  });
});
