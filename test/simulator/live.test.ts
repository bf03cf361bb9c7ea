/**
 * Live mode over real HTTP: ticks move tasks through the campaign statuses with growing counts,
 * start recall-flow nodes as child tasks and complete flows, make new tasks and flows appear,
 * leave old windows alone, and repeat exactly for a seed; the record controls change a record at
 * once; the timer ticks on its own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator';
import { toLocal } from '../../src/time';
import {
  AGENT_FLOWS,
  AGENT_TASKS,
  body,
  control,
  DETAIL,
  detail,
  DETAIL_V3,
  FLOWS_V3,
  NOW,
  query,
  TASKS,
} from '../helpers/upstream-client';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const SMALL: SimulatorOptions = {
  now: NOW,
  envelope: 'code',
  productLines: true,
  taskCount: 800,
  flowCount: 300,
  agentTaskCount: 400,
  agentFlowCount: 150,
};

type WireTask = { taskId: number; status: number; callNum: number; success: number; fail: number; numCnt: number; rate: string; createdTime: string };
type WireFlow = { keyId: number; taskId: number; finishNum: number; status: number; recallNum: number; createTime: string };

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator(SMALL);
});
afterAll(() => sim.close());

const local = (ms: number) => toLocal(ms, sim.dataset.zone);
const tick = async (s: Simulator, steps = 1) => {
  const res = await control(s, 'POST', '/__sim/live/tick', { steps });
  expect(res.status).toBe(200);
  return res.body;
};

/** The task as the line's list serves it (a window of its creation second). */
async function listed(s: Simulator, path: string, taskId: number, createdTime: string): Promise<WireTask | undefined> {
  const extra = path === AGENT_TASKS ? { taskType: 3 } : {};
  const res = await query<WireTask>(s, path, body({ strTime: createdTime, endTime: createdTime, ...extra }));
  return res.data!.records.find((r) => r.taskId === taskId);
}

describe('live mode: ticks', () => {
  it('move a new task WAITING_TO_SUBMIT → SUBMITTING → CALLING → FINISHED with growing counts', async () => {
    const added = await control(sim, 'POST', '/__sim/records/add-task', { line: 'groupCall', task: { numCnt: 500, taskName: 'live 测试' } });
    expect(added.status).toBe(200);
    const task = added.body.task as WireTask;
    expect(task).toMatchObject({ status: 0, callNum: 0, rate: '0', numCnt: 500, createdTime: local(sim.clock()) });
    const seen: WireTask[] = [task];
    for (let i = 0; i < 60 && seen.at(-1)!.status !== 2; i++) {
      await tick(sim);
      seen.push((await listed(sim, TASKS, task.taskId, task.createdTime))!);
    }
    const statuses = seen.map((t) => t.status).filter((s, i, all) => i === 0 || s !== all[i - 1]);
    expect(statuses).toEqual([0, 6, 1, 2]);
    for (let i = 1; i < seen.length; i++) {
      const [a, b] = [seen[i - 1]!, seen[i]!];
      expect(b.callNum).toBeGreaterThanOrEqual(a.callNum);
      expect(b.success).toBeGreaterThanOrEqual(a.success);
      expect(b.fail).toBeGreaterThanOrEqual(a.fail);
      expect(Number(b.rate)).toBeGreaterThanOrEqual(Number(a.rate));
      expect(b.success + b.fail).toBeLessThanOrEqual(b.callNum);
    }
    expect(seen.filter((t) => t.status === 1).length).toBeGreaterThanOrEqual(3);
    expect(seen.at(-1)).toMatchObject({ status: 2, callNum: 500, rate: '100' });
    // Finished: it moves no more.
    await tick(sim, 5);
    expect(await listed(sim, TASKS, task.taskId, task.createdTime)).toEqual(seen.at(-1));
  });

  it('start each node at k × recallInterval as a child task, then complete the flow', async () => {
    const parent = (await control(sim, 'POST', '/__sim/records/add-task', { line: 'aiAgent', task: { numCnt: 40 } })).body.task as WireTask;
    await tick(sim);
    const added = await control(sim, 'POST', '/__sim/records/add-flow', {
      line: 'aiAgent',
      taskId: parent.taskId,
      flow: { recallInterval: 5, recallNum: 2, recallType: 0 },
    });
    expect(added.status).toBe(200);
    const flow = added.body.flow as WireFlow;
    expect(added.body.detail.nodeList).toEqual([{ keyId: expect.any(Number), nodeStatus: 0, scriptId: 3001 }]);
    const createdMs = sim.clock();

    await tick(sim, 4);
    expect((await detail(sim, DETAIL, flow.keyId)).data!.nodeList[0]).not.toHaveProperty('taskId');
    await tick(sim); // 5 minutes after the flow: node 1 starts
    const started = (await detail(sim, DETAIL, flow.keyId)).data!;
    expect(started.status).toBe(1);
    // The running node only: the one after it is not listed while this one runs.
    expect(started.nodeList).toHaveLength(1);
    const node1 = started.nodeList[0]!;
    expect(node1.nodeStatus).toBe(1);
    const child1 = (await listed(sim, AGENT_TASKS, node1.taskId!, local(createdMs + 5 * MINUTE)))!;
    expect(child1).toMatchObject({ status: 0, numCnt: 40, taskType: 3 });
    expect(child1.taskId).toBeGreaterThan(parent.taskId);

    let final = started;
    for (let i = 0; i < 80 && final.status !== 2; i++) {
      await tick(sim);
      final = (await detail(sim, DETAIL, flow.keyId)).data!;
    }
    expect(final.status).toBe(2);
    expect(final.nodeList.map((n) => n.nodeStatus)).toEqual([2, 2]);
    const [n1, n2] = final.nodeList;
    expect(n1!.taskId).toBe(node1.taskId);
    expect(n2!.taskId).toBeGreaterThan(n1!.taskId!);
    const listedFlow = await query<WireFlow>(sim, AGENT_FLOWS, body({ strTime: flow.createTime, endTime: flow.createTime }));
    expect(listedFlow.data!.records.find((r) => r.keyId === flow.keyId)).toMatchObject({ status: 2, finishNum: 2, recallNum: 2 });
    const child2 = sim.dataset.lines.aiAgent.tasks.find((t) => t.taskId === n2!.taskId)!;
    expect(child2.createdMs).toBeGreaterThanOrEqual(createdMs + 10 * MINUTE);
    expect(child2.status).toBe(2);
  });

  it('make new tasks and flows appear at the clock in both lines, ids growing with time', async () => {
    const own = await startSimulator(SMALL);
    try {
      const state = await tick(own, 180);
      expect(state).toMatchObject({ ticks: 180, now: NOW + 180 * MINUTE, nowLocal: toLocal(NOW + 180 * MINUTE, own.dataset.zone) });
      for (const [line, tasksPath, flowsPath] of [
        ['groupCall', TASKS, FLOWS_V3],
        ['aiAgent', AGENT_TASKS, AGENT_FLOWS],
      ] as const) {
        const window = { strTime: toLocal(NOW, own.dataset.zone), endTime: toLocal(own.clock(), own.dataset.zone) };
        const extra = line === 'aiAgent' ? { taskType: 3 } : {};
        const tasks = await query<WireTask>(own, tasksPath, body({ ...window, ...extra }));
        expect(tasks.data!.total).toBeGreaterThan(line === 'groupCall' ? 15 : 4);
        const records = tasks.data!.records;
        for (let i = 1; i < records.length; i++) expect(records[i - 1]!.taskId).toBeGreaterThan(records[i]!.taskId);
        const newest = own.dataset.lines[line].tasks[0]!;
        expect(newest.createdMs).toBeGreaterThan(NOW);
        expect((newest.createdMs - NOW) % MINUTE).toBe(0);
        const flows = await query<WireFlow>(own, flowsPath, body(window));
        expect(flows.data!.total).toBeGreaterThan(0);
        const lineTaskIds = new Set([...own.dataset.lines[line].tasks].map((t) => t.taskId));
        for (const f of flows.data!.records) expect(lineTaskIds.has(f.taskId)).toBe(true);
      }
    } finally {
      await own.close();
    }
  });

  it('leave windows older than the horizon exactly as they were', async () => {
    const own = await startSimulator({ ...SMALL, live: { horizonHours: 72 } });
    try {
      const old = { strTime: toLocal(NOW - 60 * 24 * HOUR, own.dataset.zone), endTime: toLocal(NOW - 72 * HOUR - 1000, own.dataset.zone) };
      const snapshot = async () =>
        Promise.all([
          query(own, TASKS, body(old, 1, 100)),
          query(own, AGENT_TASKS, body({ ...old, taskType: 3 }, 1, 100)),
          query(own, AGENT_FLOWS, body(old, 1, 100)),
          query(own, FLOWS_V3, body(old, 2, 100)),
        ]);
      const before = await snapshot();
      expect(before[0].data!.total).toBeGreaterThan(100);
      const recentIds = own.dataset.tasks.filter((t) => t.createdMs > NOW - 72 * HOUR).map((t) => t.taskId);
      const recentBefore = JSON.stringify(own.dataset.tasks.filter((t) => recentIds.includes(t.taskId)));
      expect(own.liveState().runningTasks).toBeGreaterThan(0);
      await tick(own, 120);
      expect(await snapshot()).toEqual(before);
      // ...while the recent ones moved.
      expect(JSON.stringify(own.dataset.tasks.filter((t) => recentIds.includes(t.taskId)))).not.toBe(recentBefore);
    } finally {
      await own.close();
    }
  });

  it('repeat exactly for a seed and a number of ticks, however the ticks are asked for', async () => {
    const [a, b, c] = await Promise.all([startSimulator(SMALL), startSimulator(SMALL), startSimulator({ ...SMALL, seed: 9 })]);
    try {
      a.tick(90);
      for (let i = 0; i < 3; i++) await tick(b, 30);
      c.tick(90);
      for (const line of ['groupCall', 'aiAgent'] as const) {
        expect(b.dataset.lines[line].tasks).toEqual(a.dataset.lines[line].tasks);
        expect(b.dataset.lines[line].flows).toEqual(a.dataset.lines[line].flows);
        expect(b.dataset.lines[line].childTasks).toEqual(a.dataset.lines[line].childTasks);
      }
      expect(b.liveState()).toEqual(a.liveState());
      const res = [
        await query(a, TASKS, body({ strTime: toLocal(NOW - HOUR, a.dataset.zone), endTime: toLocal(a.clock(), a.dataset.zone) })),
        await query(b, TASKS, body({ strTime: toLocal(NOW - HOUR, b.dataset.zone), endTime: toLocal(b.clock(), b.dataset.zone) })),
      ];
      expect(res[1]!.data).toEqual(res[0]!.data);
      expect(c.dataset.tasks.slice(0, 10)).not.toEqual(a.dataset.tasks.slice(0, 10));
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });
});

describe('record controls', () => {
  it('change a task at once and answer the new record', async () => {
    const old = sim.dataset.tasks[300]!;
    const res = await control(sim, 'POST', '/__sim/records/task', { line: 'groupCall', taskId: old.taskId, patch: { status: 1, callNum: 10, numCnt: 40, scriptId: null } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      line: 'groupCall',
      task: expect.objectContaining({ taskId: old.taskId, status: 1, callNum: 10, numCnt: 40, rate: '25', createdTime: old.createdTime }),
    });
    expect(res.body.task).not.toHaveProperty('scriptId');
    expect(await listed(sim, TASKS, old.taskId, old.createdTime)).toEqual(res.body.task);
    // A task patched into a moving status moves with the ticks.
    await tick(sim, 3);
    expect((await listed(sim, TASKS, old.taskId, old.createdTime))!.callNum).toBeGreaterThan(10);
    const updated = sim.updateTask('groupCall', old.taskId, { status: 4 });
    expect(updated.status).toBe(4);
    await tick(sim, 2);
    expect((await listed(sim, TASKS, old.taskId, old.createdTime))!.status).toBe(4);
  });

  it('change a flow at once; its nodes follow', async () => {
    // An old flow: outside the live horizon, so no tick has started a node of it.
    const flow = sim.dataset.lines.aiAgent.flows.find((f) => f.status === 1 && f.finishNum + 2 <= f.recallNum && f.createdMs < NOW - 7 * 24 * HOUR)!;
    const cancelled = await control(sim, 'POST', '/__sim/records/flow', { line: 'aiAgent', keyId: flow.keyId, patch: { status: 3 } });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.flow).toMatchObject({ keyId: flow.keyId, status: 3, finishNum: flow.finishNum });
    expect(cancelled.body.detail.nodeList.at(-1)).toMatchObject({ nodeStatus: 3 });
    const more = await control(sim, 'POST', '/__sim/records/flow', {
      line: 'aiAgent',
      keyId: flow.keyId,
      patch: { status: 1, finishNum: flow.finishNum + 1 },
    });
    const nodes = more.body.detail.nodeList as Array<{ taskId?: number; nodeStatus: number }>;
    expect(nodes).toHaveLength(flow.finishNum + 2);
    expect(nodes.slice(0, -1).every((n) => n.nodeStatus === 2 && n.taskId !== undefined)).toBe(true);
    const newChild = sim.dataset.lines.aiAgent.tasks.find((t) => t.taskId === nodes.at(-2)!.taskId)!;
    expect(newChild).toMatchObject({ flowKeyId: flow.keyId, node: flow.finishNum + 1, createdMs: sim.clock(), status: 2 });
    const listedFlow = await query<WireFlow>(sim, AGENT_FLOWS, body({ strTime: flow.createTime, endTime: flow.createTime }));
    expect(listedFlow.data!.records.find((r) => r.keyId === flow.keyId)).toMatchObject({ status: 1, finishNum: flow.finishNum + 1 });
  });

  it('add a group-call flow whose finished nodes get child tasks', async () => {
    const parent = sim.dataset.tasks[5]!;
    const res = await control(sim, 'POST', '/__sim/records/add-flow', { line: 'groupCall', taskId: parent.taskId, flow: { recallNum: 3, finishNum: 2, status: 1 } });
    expect(res.status).toBe(200);
    expect(res.body.flow).toMatchObject({ taskId: parent.taskId, taskName: parent.taskName, recallNum: 3, finishNum: 2, status: 1, createTime: local(sim.clock()) });
    expect(res.body.detail.nodeList.map((n: { nodeStatus: number }) => n.nodeStatus)).toEqual([2, 2, 0]);
    expect((await detail(sim, DETAIL_V3, res.body.flow.keyId)).data).toEqual(res.body.detail);
  });

  it.each<[string, string, unknown, number, string]>([
    ['an unknown line', '/__sim/records/task', { line: 'ivr', taskId: 1, patch: {} }, 400, 'line'],
    ['an unknown task', '/__sim/records/task', { line: 'groupCall', taskId: 1, patch: { status: 1 } }, 404, 'no task'],
    ['a task of the other line', '/__sim/records/task', { line: 'aiAgent', taskId: -1, patch: {} }, 404, 'aiAgent'],
    ['an unknown field', '/__sim/records/task', { line: 'groupCall', taskId: 1, patch: { createdTime: 'x' } }, 400, 'createdTime'],
    ['a mistyped field', '/__sim/records/task', { line: 'groupCall', taskId: 1, patch: { callNum: -1 } }, 400, 'callNum'],
    ['a missing taskId', '/__sim/records/task', { line: 'groupCall', patch: {} }, 400, 'taskId'],
    ['an unknown flow', '/__sim/records/flow', { line: 'groupCall', keyId: 1, patch: { status: 2 } }, 404, 'recall flow'],
    ['finishNum above recallNum', '/__sim/records/add-flow', { line: 'groupCall', taskId: 1, flow: { recallNum: 1, finishNum: 2 } }, 400, 'finishNum'],
    ['a null in a new task', '/__sim/records/add-task', { line: 'groupCall', task: { scriptId: null } }, 400, 'scriptId'],
    ['zero steps', '/__sim/live/tick', { steps: 0 }, 400, 'steps'],
    ['a body that is not JSON', '/__sim/live/tick', '{', 400, 'JSON'],
  ])('refuse %s', async (_what, path, json, status, mentioned) => {
    const res = await control<{ error: string }>(sim, 'POST', path, json);
    expect(res.status).toBe(status);
    expect(res.body.error).toContain(mentioned);
  });

  it('report the live state, and are neither counted nor signed', async () => {
    sim.resetCounters();
    const state = (await control(sim, 'GET', '/__sim/live')).body;
    expect(state).toEqual(sim.liveState());
    expect(state).toMatchObject({ running: false, tickMs: 0, stepMs: 60_000, horizonHours: 6, now: sim.clock() });
    expect((await control(sim, 'GET', '/__sim/live/tick')).status).toBe(405);
    expect((await control(sim, 'GET', '/__sim/records/task')).status).toBe(405);
    expect(Object.values(sim.endpointCounters).every((n) => n === 0)).toBe(true);
  });
});

describe('the live timer', () => {
  it('ticks on its own every tickMs, stepping tickMs of simulated time, until closed', async () => {
    const timed = await startSimulator({ ...SMALL, live: { tickMs: 40 } });
    let ticks: number;
    try {
      await new Promise((r) => setTimeout(r, 400));
      const state = timed.liveState();
      expect(state.running).toBe(true);
      expect(state.stepMs).toBe(40);
      expect(state.ticks).toBeGreaterThanOrEqual(3);
      expect(state.now).toBe(timed.dataset.now + state.ticks * 40);
    } finally {
      await timed.close();
      ticks = timed.liveState().ticks;
    }
    await new Promise((r) => setTimeout(r, 150));
    expect(timed.liveState()).toMatchObject({ ticks, running: false });
  });
});
