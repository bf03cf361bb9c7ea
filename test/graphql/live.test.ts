/**
 * Live updates through the schema (Subscription.groupCallTaskChanges / recallFlowChanges), end to
 * end: the real simulator, an in-process gateway, and both transports on loopback (GraphQL over
 * SSE and graphql-ws), usually subscribed side by side to the same watch, which must give both the
 * same events. Each test watches its own tasks (a unique name tag in `filter.search`), so the
 * simulator's other records (and its random new ones) never enter a watch.
 * The simulator moves records only when a test says so (`sim.tick`, `sim.updateTask`, …).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FlowInput, TaskInput, TaskRecord } from '../../src/simulator';
import { sleep, sseSubscribe, subscriber, until, wsConnect, type ResultStream, type Subscriber } from '../helpers/live-transports';
import { startStack, type Stack } from '../helpers/stack';

/** LIVE_POLL_INTERVAL_MS. */
const I = 300;
/** What the issue allows between a change upstream and its event: one interval + 1 s. */
const SLA = I + 1_000;
const MAX_RECORDS = 50;
const MAX_FAILED_POLLS = 3;

let stack: Stack;
const openers: Subscriber[] = [];

beforeAll(async () => {
  stack = await startStack({
    env: {
      LIVE_POLL_INTERVAL_MS: String(I),
      LIVE_MAX_RECORDS: String(MAX_RECORDS),
      LIVE_MAX_FAILED_POLLS: String(MAX_FAILED_POLLS),
    },
  });
});
afterEach(async () => {
  stack.sim.setFaults({});
  await Promise.all(openers.splice(0).map((o) => o.close()));
  // Every subscription of a test is gone once its clients are (nothing leaks into the next test).
  await until(() => stack.gateway.live.stats().subscriptions === 0, 3_000, 'the hub to drop every subscription');
  // …and forgets their watches within an interval (no poll for nobody).
  await until(() => stack.gateway.live.stats().watches === 0, 2 * I, 'the hub to forget every watch');
});
afterAll(() => stack?.close());

const TASK_CHANGES = /* GraphQL */ `
  subscription Tasks($filter: GroupCallTaskFilter, $ids: [ID!], $initial: Boolean, $after: String) {
    groupCallTaskChanges(filter: $filter, ids: $ids, initial: $initial, after: $after) {
      kind
      id
      changedFields
      observedAt
      cursor
      task { id taskId name status calledCount callProgress }
    }
  }
`;

const FLOW_CHANGES = /* GraphQL */ `
  subscription Flows($filter: RecallFlowFilter) {
    recallFlowChanges(filter: $filter) {
      kind
      id
      changedFields
      cursor
      flow { id keyId status recallIntervalMinutes parentTask { taskId name } }
    }
  }
`;

const since = new Date(Date.now() - 3_600_000).toISOString();
/** A watch of the tasks named with `tag` (created in the last hour). */
const tagged = (tag: string, extra: Record<string, unknown> = {}) => ({ search: tag, createdFrom: since, ...extra });

/** Tasks named `<tag>-<i>`, calling (they move on every tick), created a few seconds ago. */
function addTasks(tag: string, n: number, input: Partial<TaskInput> = {}): TaskRecord[] {
  return Array.from({ length: n }, (_, i) =>
    stack.sim.addTask({ taskName: `${tag}-${i}`, status: 1, numCnt: 1_000, createdMs: Date.now() - 10_000, ...input } as TaskInput),
  );
}

/** The tasks' global ids, as a list query gives them (taskId → id). */
async function globalIds(tag: string): Promise<Map<number, string>> {
  const res = await stack.gql(`query($f: GroupCallTaskFilter) { groupCallTasks(first: 100, filter: $f) { edges { node { id taskId } } } }`, { f: tagged(tag) });
  expect(res.errors).toBeUndefined();
  return new Map(res.data.groupCallTasks.edges.map((e: any) => [e.node.taskId, e.node.id]));
}

async function open(transport: 'sse' | 'ws', query: string, variables: Record<string, unknown>): Promise<ResultStream> {
  const o = subscriber(stack.gateway.url, transport);
  openers.push(o);
  return o.subscribe(query, variables);
}

/** One subscriber per transport, same watch. */
const both = (query: string, variables: Record<string, unknown>) => Promise.all([open('sse', query, variables), open('ws', query, variables)]);

const taskEvents = (s: ResultStream) => s.items('groupCallTaskChanges');
const flowEvents = (s: ResultStream) => s.items('recallFlowChanges');

/** Waits for `n` events on every stream; answers how long the slowest took. */
async function expectEvents(streams: ResultStream[], n: number, events = taskEvents, timeoutMs = SLA + 2_000): Promise<number> {
  const t0 = Date.now();
  await Promise.all(streams.map((s) => s.waitFor(() => events(s).length >= n, timeoutMs, `${n} events`)));
  const took = Date.now() - t0;
  for (const s of streams) {
    expect(s.errors()).toEqual([]);
    expect(events(s)).toHaveLength(n);
  }
  return took;
}

/** Both transports carried the same events (kinds, ids, cursors, changed fields, records). */
function expectSameEvents(a: ResultStream, b: ResultStream, events = taskEvents) {
  expect(events(a)).toEqual(events(b));
}

const codes = (s: ResultStream) => s.errors().map((e) => e.extensions?.code);

describe('Subscription.groupCallTaskChanges', () => {
  it('one INITIAL per task, then one UPDATED per change (within an interval + 1 s), and nothing when nothing changes', async () => {
    const tasks = addTasks('LTupdZ', 3);
    const ids = await globalIds('LTupdZ');
    const streams = await both(TASK_CHANGES, { filter: tagged('LTupdZ') });
    await expectEvents(streams, 3);
    for (const s of streams) {
      const initial = taskEvents(s);
      expect(initial.map((e) => e.kind)).toEqual(['INITIAL', 'INITIAL', 'INITIAL']);
      expect(new Set(initial.map((e) => e.id))).toEqual(new Set(ids.values()));
      for (const e of initial) {
        expect(e.changedFields).toEqual([]);
        expect(e.task.id).toBe(e.id);
        expect(e.task.name).toMatch(/^LTupdZ-\d$/);
        expect(typeof e.cursor).toBe('string');
        expect(Number.isNaN(Date.parse(e.observedAt))).toBe(false);
      }
    }

    // A status change: exactly one UPDATED, naming the GraphQL field.
    stack.sim.updateTask('groupCall', tasks[0]!.taskId, { status: 5 });
    expect(await expectEvents(streams, 4)).toBeLessThanOrEqual(SLA);
    for (const s of streams) {
      const e = taskEvents(s)[3];
      expect(e).toMatchObject({ kind: 'UPDATED', id: ids.get(tasks[0]!.taskId), changedFields: ['status'], task: { status: 'PAUSED' } });
    }

    // A tick: the two tasks still calling dial numbers; one UPDATED each.
    stack.sim.tick(1);
    expect(await expectEvents(streams, 6)).toBeLessThanOrEqual(SLA);
    for (const s of streams) {
      const updated = taskEvents(s).slice(4);
      expect(updated.map((e) => e.kind)).toEqual(['UPDATED', 'UPDATED']);
      expect(new Set(updated.map((e) => e.id))).toEqual(new Set([ids.get(tasks[1]!.taskId), ids.get(tasks[2]!.taskId)]));
      for (const e of updated) {
        expect(e.changedFields).toEqual(expect.arrayContaining(['calledCount', 'callProgress']));
        expect(e.changedFields).not.toContain('status');
        expect(e.changedFields).not.toContain('callNum'); // GraphQL names, never upstream ones
        expect(e.task.calledCount).toBeGreaterThan(0);
        expect(e.task.callProgress).toBeCloseTo(e.task.calledCount / 1_000);
      }
      // Events of one poll share its time, later than the INITIAL ones'.
      expect(updated[0].observedAt).toBe(updated[1].observedAt);
    }

    // Nothing changes: nothing is sent.
    await sleep(3 * I + 100);
    for (const s of streams) {
      expect(taskEvents(s)).toHaveLength(6);
      expect(s.ended).toBe(false);
    }
    expectSameEvents(streams[0]!, streams[1]!);
    // Cursors are positions: each event's is its own (the INITIAL ones share the snapshot's).
    const cursors = taskEvents(streams[0]!).map((e) => e.cursor);
    expect(new Set(cursors.slice(3)).size).toBe(3);
  });

  it('ADDED when a task enters an open window, REMOVED when one leaves the filter or the upstream', async () => {
    const tasks = addTasks('LTaddZ', 2);
    const streams = await both(TASK_CHANGES, { filter: tagged('LTaddZ', { statuses: ['CALLING'] }) });
    await expectEvents(streams, 2);

    // Created now: the watch's window end is open (it follows the clock, a second behind).
    const added = stack.sim.addTask({ taskName: 'LTaddZ-new', status: 1, numCnt: 50 });
    await expectEvents(streams, 3, taskEvents, SLA + 2_000);
    const [newId] = [...(await globalIds('LTaddZ')).entries()].filter(([taskId]) => taskId === added.taskId).map(([, id]) => id);
    for (const s of streams) expect(taskEvents(s)[2]).toMatchObject({ kind: 'ADDED', id: newId, changedFields: [], task: { name: 'LTaddZ-new', status: 'CALLING' } });

    // Leaves the filter (no longer CALLING): REMOVED, with its id and no task.
    const ids = await globalIds('LTaddZ');
    stack.sim.updateTask('groupCall', tasks[0]!.taskId, { status: 4 });
    await expectEvents(streams, 4);
    for (const s of streams) expect(taskEvents(s)[3]).toMatchObject({ kind: 'REMOVED', id: ids.get(tasks[0]!.taskId), task: null, changedFields: [] });

    // Comes back under the filter: ADDED again.
    stack.sim.updateTask('groupCall', tasks[0]!.taskId, { status: 1 });
    await expectEvents(streams, 5);
    for (const s of streams) expect(taskEvents(s)[4]).toMatchObject({ kind: 'ADDED', id: ids.get(tasks[0]!.taskId), task: { status: 'CALLING' } });

    // Gone upstream altogether: REMOVED.
    stack.sim.removeTask(tasks[1]!.taskId);
    await expectEvents(streams, 6);
    for (const s of streams) expect(taskEvents(s)[5]).toMatchObject({ kind: 'REMOVED', id: ids.get(tasks[1]!.taskId), task: null });
    expectSameEvents(streams[0]!, streams[1]!);
  });

  it('initial: false sends only what changes', async () => {
    const tasks = addTasks('LTnoinitZ', 2, { status: 2, callNum: 1_000 });
    const streams = await both(TASK_CHANGES, { filter: tagged('LTnoinitZ'), initial: false });
    await sleep(3 * I);
    for (const s of streams) expect(s.results).toEqual([]);
    stack.sim.updateTask('groupCall', tasks[1]!.taskId, { taskName: 'LTnoinitZ-renamed' });
    await expectEvents(streams, 1);
    for (const s of streams) expect(taskEvents(s)[0]).toMatchObject({ kind: 'UPDATED', changedFields: ['name'], task: { name: 'LTnoinitZ-renamed' } });
  });

  it('`after` resumes exactly after a cursor: the events missed, then live (across transports)', async () => {
    const tasks = addTasks('LTafterZ', 2, { status: 2, callNum: 1_000 });
    const watch = { filter: tagged('LTafterZ') };
    // The anchor keeps the watch polled while the others are away, and is the reference stream.
    const anchor = await open('sse', TASK_CHANGES, watch);
    const [a, b] = await both(TASK_CHANGES, watch);
    await expectEvents([anchor, a!, b!], 2);

    stack.sim.updateTask('groupCall', tasks[0]!.taskId, { taskName: 'LTafterZ-one' });
    await expectEvents([anchor, a!, b!], 3);
    const resumeAt = taskEvents(a!)[2].cursor;
    expect(taskEvents(b!)[2].cursor).toBe(resumeAt);
    await Promise.all([a!.stop(), b!.stop()]);

    // Missed while away: two changes in two polls.
    stack.sim.updateTask('groupCall', tasks[1]!.taskId, { taskName: 'LTafterZ-two' });
    await expectEvents([anchor], 4);
    stack.sim.updateTask('groupCall', tasks[0]!.taskId, { status: 5 });
    await expectEvents([anchor], 5);
    const missed = taskEvents(anchor).slice(3);

    // Back on the other transport each, from the cursor: exactly the missed events, no INITIAL.
    const [a2, b2] = await Promise.all([open('ws', TASK_CHANGES, { ...watch, after: resumeAt }), open('sse', TASK_CHANGES, { ...watch, after: resumeAt })]);
    await expectEvents([a2!, b2!], 2);
    for (const s of [a2!, b2!]) expect(taskEvents(s)).toEqual(missed);

    // Then live.
    stack.sim.updateTask('groupCall', tasks[1]!.taskId, { status: 4 });
    await expectEvents([anchor], 6);
    await expectEvents([a2!, b2!], 3);
    for (const s of [a2!, b2!]) expect(taskEvents(s)[2]).toEqual(taskEvents(anchor)[5]);

    // Resuming at the newest cursor: nothing to replay, nothing sent until the next change.
    const latest = await open('ws', TASK_CHANGES, { ...watch, after: taskEvents(anchor)[5].cursor });
    await sleep(2 * I);
    expect(latest.results).toEqual([]);
  });

  it('a malformed `after`, one of another watch, ids of another type, filter with ids, empty ids: coded BAD_USER_INPUT', async () => {
    addTasks('LTbadZ', 1);
    const first = await open('ws', TASK_CHANGES, { filter: tagged('LTbadZ') });
    await expectEvents([first], 1);
    const otherWatchCursor = taskEvents(first)[0].cursor;
    const flowList = await stack.gql(`{ recallFlows(first: 1) { edges { node { id } } } }`);
    const flowId = flowList.data.recallFlows.edges[0].node.id;
    const [taskId] = (await globalIds('LTbadZ')).values();

    const cases: Array<[string, Record<string, unknown>]> = [
      ['a malformed cursor', { filter: tagged('LTbadZ'), after: 'not-a-cursor!' }],
      ['a cursor that decodes to nothing', { filter: tagged('LTbadZ'), after: Buffer.from('{"w":1}').toString('base64url') }],
      ['a cursor of another watch', { filter: tagged('LTbadZ', { statuses: ['FINISHED'] }), after: otherWatchCursor }],
      ['a RecallFlow id in a task watch', { ids: [flowId] }],
      ['an id that is no global id', { ids: ['nope'] }],
      ['filter and ids', { filter: tagged('LTbadZ'), ids: [taskId] }],
      ['empty ids', { ids: [] }],
    ];
    for (const transport of ['sse', 'ws'] as const) {
      for (const [what, variables] of cases) {
        const s = await open(transport, TASK_CHANGES, variables);
        await s.waitForEnd(3_000);
        expect(codes(s), `${what} over ${transport}`).toEqual(['BAD_USER_INPUT']);
        expect(s.errors()[0]!.message).not.toMatch(/Unexpected error/);
        expect(taskEvents(s)).toEqual([]);
        expect(s.completed, `${what} over ${transport}: the stream completes`).toBe(true);
      }
    }
    expect(stack.gateway.live.stats().subscriptions).toBe(1);
  });

  it('an ids watch (global ids from a list query) follows exactly those tasks', async () => {
    const tasks = addTasks('LTidsZ', 3, { status: 2, callNum: 1_000 });
    const ids = await globalIds('LTidsZ');
    const watched = [ids.get(tasks[0]!.taskId)!, ids.get(tasks[2]!.taskId)!];
    const streams = await both(TASK_CHANGES, { ids: watched });
    await expectEvents(streams, 2);
    for (const s of streams) {
      expect(taskEvents(s).map((e) => e.kind)).toEqual(['INITIAL', 'INITIAL']);
      expect(new Set(taskEvents(s).map((e) => e.id))).toEqual(new Set(watched));
    }
    // A task next to them (same seconds) but not watched: nothing.
    stack.sim.updateTask('groupCall', tasks[1]!.taskId, { status: 5 });
    await sleep(3 * I);
    for (const s of streams) expect(taskEvents(s)).toHaveLength(2);
    stack.sim.updateTask('groupCall', tasks[2]!.taskId, { status: 4 });
    await expectEvents(streams, 3);
    for (const s of streams) expect(taskEvents(s)[2]).toMatchObject({ kind: 'UPDATED', id: watched[1], changedFields: ['status'], task: { status: 'CANCELLED' } });
    stack.sim.removeTask(tasks[0]!.taskId);
    await expectEvents(streams, 4);
    for (const s of streams) expect(taskEvents(s)[3]).toMatchObject({ kind: 'REMOVED', id: watched[0], task: null });
    expectSameEvents(streams[0]!, streams[1]!);
  });

  it(`a watch larger than LIVE_MAX_RECORDS (${MAX_RECORDS}) ends with LIVE_WATCH_TOO_LARGE; more ids than that are refused at once`, async () => {
    const month = new Date(Date.now() - 30 * 86_400_000).toISOString();
    const streams = await both(TASK_CHANGES, { filter: { createdFrom: month } });
    for (const s of streams) {
      await s.waitForEnd(SLA + 2_000);
      expect(codes(s)).toEqual(['LIVE_WATCH_TOO_LARGE']);
      expect(s.errors()[0]!.message).toMatch(/more than 50 records/);
      expect(taskEvents(s)).toEqual([]);
      expect(s.completed).toBe(true);
    }
    const list = await stack.gql(`{ groupCallTasks(first: ${MAX_RECORDS + 1}) { edges { node { id } } } }`);
    const many = list.data.groupCallTasks.edges.map((e: any) => e.node.id);
    expect(many).toHaveLength(MAX_RECORDS + 1);
    const refused = await both(TASK_CHANGES, { ids: many });
    for (const s of refused) {
      await s.waitForEnd(2_000);
      expect(codes(s)).toEqual(['LIVE_WATCH_TOO_LARGE']);
    }
  });
});

describe('Subscription.recallFlowChanges', () => {
  it('flows with their parent tasks: one poll’s events cost a bounded number of task calls, never one per event', async () => {
    const K = 8;
    const parents = addTasks('LTflowZ', K, { status: 2, callNum: 1_000 });
    const flows = parents.map((p) => stack.sim.addFlow({ taskId: p.taskId, status: 0, recallNum: 3, createdMs: Date.now() - 5_000 } as FlowInput));
    stack.resetCalls();
    const streams = await both(FLOW_CHANGES, { filter: { parentTask: 'LTflowZ', createdFrom: since } });
    await expectEvents(streams, K, flowEvents);
    for (const s of streams) {
      for (const e of flowEvents(s)) {
        expect(e.kind).toBe('INITIAL');
        const parent = parents.find((p) => p.taskId === e.flow.parentTask.taskId);
        expect(e.flow.parentTask.name).toBe(parent?.taskName);
      }
    }
    // Both subscribers' INITIAL events: their parents asked together.
    expect(stack.sim.endpointCounters.groupCallTasks).toBeLessThanOrEqual(2);

    stack.resetCalls();
    for (const f of flows) stack.sim.updateFlow('groupCall', f.keyId, { recallInterval: 30 });
    await expectEvents(streams, 2 * K, flowEvents);
    const polled = stack.sim.endpointCounters.recallFlows;
    const taskCalls = stack.sim.endpointCounters.groupCallTasks;
    for (const s of streams) {
      const updated = flowEvents(s).slice(K);
      expect(updated.map((e) => e.kind)).toEqual(Array(K).fill('UPDATED'));
      expect(new Set(updated.map((e) => e.flow.keyId))).toEqual(new Set(flows.map((f) => f.keyId)));
      for (const e of updated) {
        expect(e.changedFields).toEqual(['recallIntervalMinutes']);
        expect(e.flow.recallIntervalMinutes).toBe(30);
        expect(e.flow.parentTask.name).toMatch(/^LTflowZ-\d$/);
      }
    }
    expect(polled).toBeGreaterThanOrEqual(1);
    // 2 × K events of one poll, their parents in one batch: at most a couple of task-list calls.
    expect(taskCalls).toBeGreaterThanOrEqual(1);
    expect(taskCalls).toBeLessThanOrEqual(2);
    expectSameEvents(streams[0]!, streams[1]!, flowEvents);
  });
});

describe('one watch, many subscribers', () => {
  it('100 subscribers on one process: one poll per interval; the last one gone, polling stops within an interval', async () => {
    const tasks = addTasks('LTmanyZ', 2);
    const watch = { filter: tagged('LTmanyZ') };
    const sses = await Promise.all(Array.from({ length: 50 }, () => sseSubscribe(stack.gateway.url, { query: TASK_CHANGES, variables: watch })));
    const conns = await Promise.all([0, 1].map(() => wsConnect(stack.gateway.url)));
    const wss = conns.flatMap((c) => Array.from({ length: 25 }, () => c.subscribe({ query: TASK_CHANGES, variables: watch })));
    const all = [...sses, ...wss];
    openers.push({ subscribe: () => Promise.reject(new Error('unused')), close: async () => void (await Promise.all([...sses.map((s) => s.stop()), ...conns.map((c) => c.close())])) });
    await expectEvents(all, 2, taskEvents, 10_000);
    expect(stack.gateway.live.stats()).toMatchObject({ subscriptions: 100, watches: 1, polling: 1 });

    stack.resetCalls();
    const t0 = Date.now();
    await sleep(5 * I);
    const polls = stack.sim.endpointCounters.groupCallTasks;
    const intervals = (Date.now() - t0) / I;
    expect(polls).toBeLessThanOrEqual(Math.ceil(intervals) + 1);
    expect(polls).toBeGreaterThanOrEqual(Math.floor(intervals) - 1);

    stack.sim.tick(1);
    await expectEvents(all, 4, taskEvents, SLA + 2_000);
    const reference = taskEvents(all[0]!);
    for (const s of all) expect(taskEvents(s)).toEqual(reference);
    expect(new Set(reference.slice(2).map((e) => e.task.taskId))).toEqual(new Set(tasks.map((t) => t.taskId)));

    // Everyone leaves: the hub forgets them, and the upstream hears nothing more.
    await Promise.all(sses.map((s) => s.stop()));
    await Promise.all(conns.map((c) => c.close()));
    await until(() => stack.gateway.live.stats().subscriptions === 0, 2 * I, 'the subscriptions to be dropped');
    await sleep(I + 100);
    expect(stack.gateway.live.stats()).toEqual({ subscriptions: 0, watches: 0, polling: 0 });
    const after = stack.sim.endpointCounters.groupCallTasks;
    await sleep(3 * I);
    expect(stack.sim.endpointCounters.groupCallTasks).toBe(after);
  });
});

describe('upstream failures', () => {
  it(`failing polls send nothing false; after ${MAX_FAILED_POLLS} the stream ends with LIVE_UPSTREAM_FAILED; other watches carry on`, async () => {
    const tasks = addTasks('LTfailZ', 2);
    stack.sim.addFlow({ taskId: tasks[0]!.taskId, status: 3, createdMs: Date.now() - 5_000 } as FlowInput);
    const flowStreams = await both(FLOW_CHANGES, { filter: { parentTask: 'LTfailZ', createdFrom: since } });
    const taskStreams = await both(TASK_CHANGES, { filter: tagged('LTfailZ') });
    await expectEvents(flowStreams, 1, flowEvents);
    await expectEvents(taskStreams, 2);

    // A failed poll or two: the snapshot is kept, nothing is said (no REMOVED of what could not be read).
    stack.sim.setFaults({ http500Rate: 1, endpoint: 'recallFlows' });
    await until(() => stack.sim.endpointCounters.recallFlows >= 1, 2_000, 'a failing poll');
    stack.resetCalls();
    await until(() => stack.sim.endpointCounters.recallFlows >= 1, 2 * I + 500, 'another failing poll');
    stack.sim.setFaults({});
    await sleep(2 * I);
    for (const s of flowStreams) {
      expect(flowEvents(s)).toHaveLength(1);
      expect(s.errors()).toEqual([]);
      expect(s.ended).toBe(false);
    }

    // Failing for good: the flow watch ends with a coded error; the task watch is untouched.
    stack.sim.setFaults({ errorRate: 1, endpoint: 'recallFlows' });
    stack.sim.tick(1);
    for (const s of flowStreams) {
      await s.waitForEnd(MAX_FAILED_POLLS * I + 5_000);
      expect(flowEvents(s)).toHaveLength(1);
      expect(codes(s)).toEqual(['LIVE_UPSTREAM_FAILED']);
      expect(s.errors()[0]!.extensions?.cause).toEqual(expect.any(String));
      expect(s.errors()[0]!.message).not.toMatch(/127\.0\.0\.1|http:/);
      expect(s.completed).toBe(true);
    }
    await expectEvents(taskStreams, 4);
    for (const s of taskStreams) expect(taskEvents(s).slice(2).map((e) => e.kind)).toEqual(['UPDATED', 'UPDATED']);
    stack.sim.updateTask('groupCall', tasks[1]!.taskId, { status: 5 });
    await expectEvents(taskStreams, 5);
  });
});
