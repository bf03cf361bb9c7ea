/**
 * The join, measured by the simulator's exact call counters: busy-hour flows, flows spread over
 * months, tasks and flows listed together, and a parent missing upstream.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalID, flowLocalId } from '../../../src/graphql/paging/global-id';
import type { FlowRecord, TaskRecord } from '../../../src/simulator';
import { startStack, type Stack } from '../../helpers/stack';

const iso = (ms: number) => new Date(ms).toISOString();

let stack: Stack;
let tasksById: Map<number, TaskRecord>;

beforeAll(async () => {
  stack = await startStack();
  tasksById = new Map(stack.sim.dataset.tasks.map((t) => [t.taskId, t]));
});
afterAll(() => stack.close());

const PARENT = 'parentTask { taskId name createdAt numberCount }';

function expectParent(flow: { taskId: number; parentTask: any }) {
  const task = tasksById.get(flow.taskId)!;
  expect(flow.parentTask).not.toBeNull();
  expect(flow.parentTask.taskId).toBe(task.taskId);
  expect(flow.parentTask.name).toBe(task.taskName);
  expect(flow.parentTask.numberCount).toBe(task.numCnt);
  expect(Date.parse(flow.parentTask.createdAt)).toBe(task.createdMs);
}

describe('RecallFlow.parentTask', () => {
  it('joins 100 busy-hour flows with 1 flow call and at most 3 task calls', async () => {
    const { busyHour, flows } = stack.sim.dataset;
    const busyTaskIds = new Set(
      stack.sim.dataset.tasks.filter((t) => t.createdMs >= busyHour.start && t.createdMs < busyHour.end).map((t) => t.taskId),
    );
    // The oldest 100 flows of busy-hour parents bound the window we list.
    const busyFlows = flows.filter((f) => busyTaskIds.has(f.taskId)).sort((a, b) => a.createdMs - b.createdMs);
    const window = busyFlows.slice(0, 100);
    const from = window[0]!.createdMs;
    const to = window[window.length - 1]!.createdMs;
    const expected = flows.filter((f) => f.createdMs >= from && f.createdMs <= to);
    expect(expected.length).toBeGreaterThanOrEqual(100);

    stack.resetCalls();
    const res = await stack.gql(
      `query($f: RecallFlowFilter) { recallFlows(first: 100, filter: $f) { edges { node { keyId taskId ${PARENT} } } } }`,
      { f: { createdFrom: iso(from), createdTo: iso(to) } },
    );
    expect(res.errors).toBeUndefined();
    const got = res.data.recallFlows.edges.map((e: any) => e.node);
    expect(got).toHaveLength(100);
    expect(got.filter((f: any) => busyTaskIds.has(f.taskId)).length).toBeGreaterThanOrEqual(90);
    for (const f of got) expectParent(f);
    const calls = stack.calls();
    expect(calls.flows).toBe(1);
    expect(calls.tasks).toBeLessThanOrEqual(3);
  });

  it('joins 20 flows spread over months with no more task calls than distinct parents, fewer when windows are shared', async () => {
    const all = [...stack.sim.dataset.flows].sort((a, b) => a.createdMs - b.createdMs);
    // Ten far-apart flows, each with a neighbour created within a few hours (a shared window).
    const picked: FlowRecord[] = [];
    const step = Math.floor(all.length / 10);
    for (let i = 0; i < 10; i++) {
      const f = all[i * step]!;
      const neighbour = all.find((g) => g.taskId !== f.taskId && g.createdMs > f.createdMs && g.createdMs - f.createdMs < 6 * 3_600_000);
      picked.push(f);
      if (neighbour) picked.push(neighbour);
    }
    const distinctParents = new Set(picked.map((f) => f.taskId)).size;
    const ids = picked.map((f) =>
      encodeGlobalID('RecallFlow', flowLocalId({ keyId: f.keyId, taskId: f.taskId, created: Math.floor(f.createdMs / 1000) })),
    );

    stack.resetCalls();
    const res = await stack.gql(`query($ids: [ID!]!) { nodes(ids: $ids) { ... on RecallFlow { keyId taskId ${PARENT} } } }`, { ids });
    expect(res.errors).toBeUndefined();
    expect(res.data.nodes.map((n: any) => n.keyId)).toEqual(picked.map((f) => f.keyId));
    for (const f of res.data.nodes) expectParent(f);
    const calls = stack.calls();
    expect(calls.flows).toBe(picked.length); // one call per node refetch
    expect(calls.tasks).toBeLessThanOrEqual(distinctParents);
    expect(picked.length).toBeGreaterThan(12);
    expect(calls.tasks).toBeLessThan(distinctParents);
  });

  it('costs no task call when the parents are among the tasks listed in the same query', async () => {
    const { flows } = stack.sim.dataset;
    // 30 consecutive flows whose parents and the flows themselves fit in one page of 100 tasks
    // (the list also holds the flows' child tasks, the recall attempts).
    const span = (slice: typeof flows) => {
      const from = Math.min(...slice.map((f) => tasksById.get(f.taskId)!.createdMs));
      const to = slice[0]!.createdMs;
      return { from, to, tasks: stack.sim.dataset.tasks.filter((t) => t.createdMs >= from && t.createdMs <= to) };
    };
    // The data follow the clock: where 30 such flows do not exist today, fewer consecutive ones do.
    let recent: typeof flows = [];
    for (const n of [30, 20, 10, 5]) {
      const start = Array.from({ length: flows.length - n }, (_, i) => i).find((i) => span(flows.slice(i, i + n)).tasks.length <= 100);
      if (start !== undefined) {
        recent = flows.slice(start, start + n);
        break;
      }
    }
    expect(recent.length).toBeGreaterThanOrEqual(5);
    const { from, to, tasks: tasksInWindow } = span(recent);

    stack.resetCalls();
    const res = await stack.gql(
      `query($f: RecallFlowFilter, $t: GroupCallTaskFilter) {
        recallFlows(first: 100, filter: $f) { edges { node { keyId taskId ${PARENT} } } }
        groupCallTasks(first: 100, filter: $t) { totalCount edges { node { taskId } } }
      }`,
      { f: { createdFrom: iso(recent[recent.length - 1]!.createdMs), createdTo: iso(to) }, t: { createdFrom: iso(from), createdTo: iso(to) } },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.groupCallTasks.totalCount).toBe(tasksInWindow.length);
    for (const f of res.data.recallFlows.edges.map((e: any) => e.node)) expectParent(f);
    expect(stack.calls()).toEqual({ flows: 1, tasks: 1 });
  });
});

describe('a parent missing upstream', () => {
  let own: Stack;
  beforeAll(async () => {
    own = await startStack();
  });
  afterAll(() => own.close());

  it('resolves parentTask to null without an error and keeps the rest', async () => {
    const flows = own.sim.dataset.flows.slice(0, 5);
    const gone = flows[0]!.taskId;
    expect(own.sim.removeTask(gone)).toBe(true);
    const res = await own.gql(
      `query($f: RecallFlowFilter) { recallFlows(first: 5, filter: $f) { edges { node { keyId taskId parentTask { taskId name } } } } }`,
      { f: { createdFrom: iso(flows[4]!.createdMs), createdTo: iso(flows[0]!.createdMs) } },
    );
    expect(res.errors).toBeUndefined();
    const nodes = res.data.recallFlows.edges.map((e: any) => e.node);
    expect(nodes.map((n: any) => n.keyId)).toEqual(flows.map((f) => f.keyId));
    for (const n of nodes) {
      if (n.taskId === gone) expect(n.parentTask).toBeNull();
      else expect(n.parentTask.taskId).toBe(n.taskId);
    }
    expect(own.logs.some((l) => l.includes('parent task not found') && l.includes(String(gone)))).toBe(true);
  });
});

describe('GroupCallTask.recallFlows', () => {
  it('batches a page of tasks asking for their flows into far fewer calls than one per task', async () => {
    const { tasks, flows } = stack.sim.dataset;
    const page = tasks.slice(0, 100);
    const from = page[page.length - 1]!.createdMs;
    const to = page[0]!.createdMs;
    stack.resetCalls();
    const res = await stack.gql(
      `query($t: GroupCallTaskFilter) { groupCallTasks(first: 100, filter: $t) { edges { node { taskId recallFlows(first: 10) { totalCount edges { node { keyId taskId } } } } } } }`,
      { t: { createdFrom: iso(from), createdTo: iso(to) } },
    );
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    const got = res.data.groupCallTasks.edges.map((e: any) => e.node);
    expect(got.map((t: any) => t.taskId)).toEqual(page.map((t) => t.taskId));
    for (const t of got) {
      const own = flows.filter((f) => f.taskId === t.taskId && f.createdMs <= Date.now());
      expect(t.recallFlows.totalCount).toBe(own.length);
      expect(t.recallFlows.edges.map((e: any) => e.node.keyId)).toEqual(own.slice(0, 10).map((f) => f.keyId));
    }
    const calls = stack.calls();
    expect(calls.tasks).toBe(1);
    expect(calls.flows).toBeLessThanOrEqual(5);
  });
});
