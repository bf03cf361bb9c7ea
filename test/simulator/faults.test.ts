import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ENDPOINTS, startSimulator, type Simulator } from '../../src/simulator';
import { toLocal } from '../../src/time';
import { ALL, body, call, control as simControl, FLOWS, NOW, query, TASKS } from '../helpers/upstream-client';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ now: NOW, taskCount: 800, flowCount: 300 });
});
afterAll(() => sim.close());
afterEach(() => {
  sim.setFaults({});
  sim.resetCounters();
});

const page = body(ALL, 1, 5);

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await fn();
  return [value, performance.now() - start];
}

describe('faults', () => {
  it('latency delays the answer measurably, once when queued', async () => {
    sim.queueFault('latency', { latencyMs: 400 });
    const [slow, slowMs] = await timed(() => query(sim, TASKS, page));
    expect(slow.code).toBe(0);
    expect(slowMs).toBeGreaterThanOrEqual(380);
    const [, fastMs] = await timed(() => query(sim, TASKS, page));
    expect(fastMs).toBeLessThan(300);
  });

  it('latency from the fault config applies to every request until cleared', async () => {
    sim.setFaults({ latencyMs: 400 });
    for (let i = 0; i < 2; i++) {
      const [res, ms] = await timed(() => query(sim, FLOWS, page));
      expect(res.code).toBe(0);
      expect(ms).toBeGreaterThanOrEqual(380);
    }
    sim.setFaults({});
    const [, ms] = await timed(() => query(sim, FLOWS, page));
    expect(ms).toBeLessThan(300);
  });

  it('error-code answers -18 by default, or the queued code', async () => {
    sim.queueFault('error-code');
    const res = await query(sim, TASKS, page);
    expect(res).toMatchObject({ code: -18, message: 'system error', data: null });
    sim.queueFault('error-code', { code: -2 });
    expect((await query(sim, TASKS, page)).code).toBe(-2);
    expect((await query(sim, TASKS, page)).code).toBe(0);
  });

  it('http-500 answers a 5xx with a non-JSON body', async () => {
    sim.queueFault('http-500');
    const res = await call(sim, TASKS, page);
    expect(res.status).toBe(500);
    expect(() => JSON.parse(res.text)).toThrow();
    sim.queueFault('http-500', { code: 503 });
    expect((await call(sim, TASKS, page)).status).toBe(503);
  });

  it('malformed-body answers HTTP 200 with a body that is not JSON', async () => {
    sim.queueFault('malformed-body');
    const res = await call(sim, FLOWS, page);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('application/json');
    expect(() => JSON.parse(res.text)).toThrow();
  });

  it('invalid-record mistypes the first record of a success envelope', async () => {
    sim.queueFault('invalid-record', { endpoint: 'groupCallTasks' });
    const tasks = await query<Record<string, unknown>>(sim, TASKS, page);
    expect(tasks.code).toBe(0);
    expect(tasks.data!.records[0]!.taskId).toBe('abc');
    expect(typeof tasks.data!.records[1]!.taskId).toBe('number');
    sim.queueFault('invalid-record');
    const flows = await query<Record<string, unknown>>(sim, FLOWS, page);
    expect(flows.data!.records[0]!.keyId).toBe('abc');
    // The cached records are untouched.
    const again = await query<Record<string, unknown>>(sim, TASKS, page);
    expect(again.data!.records[0]!.taskId).toBe(sim.dataset.tasks[0]!.taskId);
  });

  it('drop-connection destroys the socket without an answer', async () => {
    sim.queueFault('drop-connection');
    await expect(call(sim, TASKS, page)).rejects.toThrow(/socket|closed|ECONNRESET/i);
    expect((await query(sim, TASKS, page)).code).toBe(0);
  });

  it('a queued fault waits for its endpoint and is consumed once', async () => {
    sim.queueFault('error-code', { endpoint: 'recallFlows' });
    expect((await query(sim, TASKS, page)).code).toBe(0);
    expect((await query(sim, FLOWS, page)).code).toBe(-18);
    expect((await query(sim, FLOWS, page)).code).toBe(0);
  });

  it('x-sim-fault asks for a fault on one request', async () => {
    const res = await query(sim, TASKS, page, { headers: { 'x-sim-fault': 'error-code' } });
    expect(res.code).toBe(-18);
    const coded = await query(sim, TASKS, page, { headers: { 'x-sim-fault': 'error-code', 'x-sim-fault-code': '-2' } });
    expect(coded.code).toBe(-2);
    const [, ms] = await timed(() => query(sim, TASKS, page, { headers: { 'x-sim-fault': 'latency', 'x-sim-latency-ms': '120' } }));
    expect(ms).toBeGreaterThanOrEqual(100);
    expect((await call(sim, TASKS, page, { headers: { 'x-sim-fault': 'meteor' } })).status).toBe(400);
  });

  it('draws configured rates from a seeded PRNG, repeatably, on the chosen endpoint only', async () => {
    const run = async () => {
      sim.setFaults({ errorRate: 0.5, endpoint: 'groupCallTasks' });
      const codes: number[] = [];
      for (let i = 0; i < 20; i++) codes.push((await query(sim, TASKS, page)).code);
      return codes;
    };
    const first = await run();
    expect(first).toContain(0);
    expect(first).toContain(-18);
    expect(await run()).toEqual(first);
    expect((await query(sim, FLOWS, page)).code).toBe(0);
  });

  it('rates of 1 always fault; errorCode changes the code', async () => {
    sim.setFaults({ errorRate: 1, errorCode: -2 });
    expect((await query(sim, FLOWS, page)).code).toBe(-2);
    sim.setFaults({ http500Rate: 1 });
    expect((await call(sim, FLOWS, page)).status).toBe(500);
    expect(() => sim.setFaults({ errorRate: 2 })).toThrow(/errorRate/);
  });

  it('close() does not wait for a delayed answer', async () => {
    const other = await startSimulator({ now: NOW, taskCount: 50, flowCount: 10 });
    other.queueFault('latency', { latencyMs: 10_000 });
    const pending = call(other, TASKS, page);
    await new Promise((r) => setTimeout(r, 50));
    const [, ms] = await timed(() => other.close());
    expect(ms).toBeLessThan(1000);
    await expect(pending).rejects.toThrow();
  });
});

describe('counters', () => {
  it('count every request per endpoint, faulted or failed, and reset', async () => {
    await query(sim, TASKS, page);
    await query(sim, TASKS, page, { sign: 'bad' });
    sim.queueFault('drop-connection');
    await call(sim, FLOWS, page).catch(() => undefined);
    await query(sim, '/v3/voice/recallFlow/queryPage', page);
    await call(sim, '/nowhere', page);
    expect(sim.counters).toEqual({ groupCallTasks: 2, recallFlows: 2 });
    const live = sim.counters;
    sim.resetCounters();
    expect(live).toEqual({ groupCallTasks: 0, recallFlows: 0 });
  });
});

describe('control endpoints', () => {
  const control = (method: 'GET' | 'POST', path: string, json?: unknown) => simControl(sim, method, path, json);

  it('report and reset counters without counting themselves', async () => {
    await query(sim, TASKS, page);
    const zero = Object.fromEntries(ENDPOINTS.map((e) => [e, 0]));
    expect((await control('GET', '/__sim/counters')).body).toEqual({ ...zero, groupCallTasks: 1 });
    expect((await control('POST', '/__sim/counters/reset')).body).toEqual(zero);
    expect(sim.counters).toEqual({ groupCallTasks: 0, recallFlows: 0 });
  });

  it('replace the fault config, and {} clears it', async () => {
    const set = await control('POST', '/__sim/faults', { errorRate: 1 });
    expect(set).toEqual({ status: 200, body: { errorRate: 1 } });
    expect((await query(sim, TASKS, page)).code).toBe(-18);
    expect((await control('POST', '/__sim/faults', {})).status).toBe(200);
    expect((await query(sim, TASKS, page)).code).toBe(0);
    const bad = await control('POST', '/__sim/faults', { latency: 5 });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toContain('latency');
  });

  it('describe the simulator without its secret', async () => {
    const info = await control('GET', '/__sim/info');
    expect(info.body).toMatchObject({
      apiKey: sim.apiKey,
      timezone: '+08:00',
      taskCount: sim.dataset.tasks.length,
      flowCount: sim.dataset.flows.length,
      busyHour: sim.dataset.busyHour,
    });
    expect(JSON.stringify(info.body)).not.toContain(sim.apiSecret);
    expect((await control('GET', '/__sim/nothing')).status).toBe(404);
    expect((await control('POST', '/__sim/info')).status).toBe(405);
    expect(sim.counters).toEqual({ groupCallTasks: 0, recallFlows: 0 });
  });
});

describe('data changes', () => {
  it('addTask creates a task now with the highest id; removeTask drops it', async () => {
    // One id sequence over both lines, unlisted child tasks included.
    const all = Object.values(sim.dataset.lines).flatMap((l) => [...l.tasks, ...l.childTasks]);
    const maxId = Math.max(...all.map((t) => t.taskId));
    const task = sim.addTask({ taskName: '临时任务 test', status: 1 });
    expect(task.taskId).toBe(maxId + 1);
    expect(Math.abs(task.createdMs - Date.now())).toBeLessThan(2000);
    const zone = sim.dataset.zone;
    const window = { strTime: toLocal(Date.now() - 60_000, zone), endTime: toLocal(Date.now() + 60_000, zone) };
    const found = await query<{ taskId: number; taskName: string; taskType?: number }>(sim, TASKS, body(window));
    expect(found.data!.records).toEqual([expect.objectContaining({ taskId: task.taskId, taskName: '临时任务 test', status: 1, taskType: 1 })]);

    const flow = sim.addFlow({ taskId: task.taskId });
    expect(flow.taskName).toBe('临时任务 test');
    const flows = await query<{ keyId: number }>(sim, FLOWS, body({ ...window, taskName: String(task.taskId) }));
    expect(flows.data!.records.map((r) => r.keyId)).toEqual([flow.keyId]);

    expect(sim.removeTask(task.taskId)).toBe(true);
    expect(sim.removeTask(task.taskId)).toBe(false);
    expect((await query(sim, TASKS, body(window))).data!.total).toBe(0);
    // Its flow stays, orphaned, as a parent that can no longer be found.
    expect((await query(sim, FLOWS, body(window))).data!.total).toBe(1);
  });

  it('addTask at a given time lands in order inside the data set', async () => {
    const t = sim.dataset.tasks[100]!;
    const added = sim.addTask({ createdMs: t.createdMs, scriptId: undefined, taskType: undefined });
    try {
      const res = await query<Record<string, unknown>>(sim, TASKS, body({ strTime: t.createdTime, endTime: t.createdTime }));
      expect(res.data!.records[0]).toMatchObject({ taskId: added.taskId, createdTime: t.createdTime });
      expect(res.data!.records[0]).not.toHaveProperty('scriptId');
      expect(res.data!.records[0]).not.toHaveProperty('taskType');
    } finally {
      sim.removeTask(added.taskId);
    }
  });
});
