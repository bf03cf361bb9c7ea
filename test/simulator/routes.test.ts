/**
 * The simulator's paths for both product lines (src/simulator/routes.ts) over real HTTP: the AI
 * Agent task list and its taskType rule, one id sequence growing with creation time across the
 * lines, the recall-flow path mapping (faithful and legacy), the detail endpoints and their node
 * rule, and faults, envelopes and counters on the new paths.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ENDPOINTS,
  generateDataset,
  startSimulator,
  type FlowRecord,
  type LineData,
  type Simulator,
} from '../../src/simulator';
import { parseZone, toLocal } from '../../src/time';
import {
  AGENT_FLOWS,
  AGENT_TASKS,
  ALL,
  body,
  call,
  control,
  DETAIL,
  detail,
  DETAIL_V3,
  FLOWS_V3,
  NOW,
  nowSeconds,
  query,
  TASKS,
  unwrap,
} from '../helpers/upstream-client';

const HOUR = 3_600_000;
const DAY = 86_400_000;
const MINUTE = 60_000;

let faithful: Simulator;
let legacy: Simulator;
beforeAll(async () => {
  [faithful, legacy] = await Promise.all([
    startSimulator({ now: NOW, productLines: true, envelope: 'code' }),
    startSimulator({ now: NOW, productLines: false, envelope: 'code' }),
  ]);
});
afterAll(() => Promise.all([faithful.close(), legacy.close()]));

const agentOf = (sim: Simulator) => sim.dataset.lines.aiAgent;
const groupOf = (sim: Simulator) => sim.dataset.lines.groupCall;
const local = (ms: number) => toLocal(ms, faithful.dataset.zone);
const inRange = (ms: number, r: { start: number; end: number }) => ms >= r.start && ms < r.end;
const ids = (records: Array<{ taskId: number }>) => records.map((r) => r.taskId);
/** Every task of a line, listed or not. */
const everyTask = (l: LineData) => [...new Map([...l.tasks, ...l.childTasks].map((t) => [t.taskId, t])).values()];

type WireTask = { taskId: number; taskType?: number; scriptId?: number; createdTime: string; status: number; taskName: string };
type WireFlow = { keyId: number; taskId: number; createTime: string };

describe('the data set: two product lines', () => {
  it('keeps the group-call line as it was and adds the AI Agent line', () => {
    const gc = groupOf(legacy);
    expect(legacy.dataset.tasks).toBe(gc.tasks);
    expect(gc.tasks).toHaveLength(6000);
    expect(gc.flows).toHaveLength(1800);
    expect(gc.childrenListed).toBe(false);
    expect(gc.tasks.every((t) => t.flowKeyId === undefined)).toBe(true);
    const agent = agentOf(legacy);
    expect(agent.flows).toHaveLength(500);
    expect(agent.tasks.filter((t) => t.flowKeyId === undefined)).toHaveLength(1500);
    expect(agent.tasks.length).toBe(1500 + agent.childTasks.length);
    for (const t of agent.tasks) {
      expect(t.taskType).toBe(3);
      expect(t.scriptId).toBeGreaterThan(0);
      expect(t.line).toBe('aiAgent');
    }
    // The faithful view lists the group-call child tasks too; nothing else differs.
    const fgc = groupOf(faithful);
    expect(fgc.tasks).toHaveLength(6000 + fgc.childTasks.length);
    expect(fgc.tasks.filter((t) => t.flowKeyId === undefined)).toEqual(gc.tasks);
    expect(fgc.flows).toEqual(gc.flows);
    expect(agentOf(faithful).tasks).toEqual(agent.tasks);
  });

  it('draws task ids of both lines, child tasks included, from one sequence growing with creation time', () => {
    const all = [...everyTask(groupOf(faithful)), ...everyTask(agentOf(faithful))].sort((a, b) => a.taskId - b.taskId);
    expect(new Set(all.map((t) => t.taskId)).size).toBe(all.length);
    for (let i = 1; i < all.length; i++) expect(all[i]!.createdMs).toBeGreaterThanOrEqual(all[i - 1]!.createdMs);
    // The lines really interleave.
    const lineChanges = all.filter((t, i) => i > 0 && t.line !== all[i - 1]!.line).length;
    expect(lineChanges).toBeGreaterThan(500);
    const flows = [...groupOf(faithful).flows, ...agentOf(faithful).flows].sort((a, b) => a.keyId - b.keyId);
    expect(new Set(flows.map((f) => f.keyId)).size).toBe(flows.length);
    for (let i = 1; i < flows.length; i++) expect(flows[i]!.createdMs).toBeGreaterThanOrEqual(flows[i - 1]!.createdMs);
    const nodeIds = flows.flatMap((f) => f.nodeKeyIds);
    expect(new Set(nodeIds).size).toBe(nodeIds.length);
  });

  it('has an AI Agent busy hour with >= 120 tasks, each with exactly one flow, and no child task', () => {
    const { agentBusyHour, busyHour } = faithful.dataset;
    const agent = agentOf(faithful);
    expect(agent.busyHour).toEqual(agentBusyHour);
    expect(agentBusyHour.end - agentBusyHour.start).toBe(HOUR);
    expect(local(agentBusyHour.start)).toMatch(/:00:00$/);
    expect(NOW - agentBusyHour.start).toBeGreaterThanOrEqual(3 * DAY);
    expect(NOW - agentBusyHour.start).toBeLessThanOrEqual(10 * DAY);
    expect(local(agentBusyHour.start).slice(0, 10)).not.toBe(local(busyHour.start).slice(0, 10));
    const busy = agent.tasks.filter((t) => inRange(t.createdMs, agentBusyHour));
    expect(busy.length).toBeGreaterThanOrEqual(120);
    for (const t of busy) {
      expect(t.flowKeyId).toBeUndefined();
      expect(agent.flows.filter((f) => f.taskId === t.taskId)).toHaveLength(1);
    }
  });

  it('keeps the group-call busy hour and the quiet days clean in the faithful view too', () => {
    const gc = groupOf(faithful);
    const busy = gc.tasks.filter((t) => inRange(t.createdMs, faithful.dataset.busyHour));
    expect(busy.length).toBeGreaterThanOrEqual(150);
    for (const t of busy) expect(gc.flows.filter((f) => f.taskId === t.taskId)).toHaveLength(1);
    for (const day of faithful.dataset.quietDays) {
      for (const l of [gc, agentOf(faithful)]) {
        expect(l.tasks.filter((t) => inRange(t.createdMs, day))).toHaveLength(0);
        expect(l.flows.filter((f) => inRange(f.createdMs, day))).toHaveLength(0);
      }
    }
  });

  it('runs node k of every flow as a child task of its line, k × recallInterval after the flow', () => {
    for (const l of [groupOf(faithful), agentOf(faithful)]) {
      const byId = new Map(everyTask(l).map((t) => [t.taskId, t]));
      let exact = 0;
      let nodes = 0;
      for (const f of l.flows) {
        const parent = byId.get(f.taskId)!;
        expect(parent.line).toBe(l.line);
        expect(f.nodeTaskIds).toHaveLength(f.finishNum);
        f.nodeTaskIds.forEach((id, i) => {
          const child = byId.get(id)!;
          const k = i + 1;
          expect(child).toMatchObject({ line: l.line, flowKeyId: f.keyId, node: k, status: 2 });
          expect(child.taskType).toBe(parent.taskType);
          expect(child.callNum).toBe(child.numCnt);
          expect(child.createdMs).toBeGreaterThanOrEqual(f.createdMs + k * f.recallInterval * MINUTE);
          expect(child.createdMs).toBeLessThan(NOW);
          if (i > 0) expect(child.taskId).toBeGreaterThan(byId.get(f.nodeTaskIds[i - 1]!)!.taskId);
          nodes++;
          if (child.createdMs === f.createdMs + k * f.recallInterval * MINUTE) exact++;
        });
      }
      expect(nodes).toBeGreaterThan(l.line === 'groupCall' ? 3000 : 800);
      // Only the few pushed out of a busy hour or a quiet day start later.
      expect(exact / nodes).toBeGreaterThan(0.95);
    }
  });

  it('is deterministic for a seed and now, the AI Agent line too', () => {
    const zone = parseZone('+08:00');
    const a = generateDataset({ seed: 5, now: NOW, zone, listGroupCallChildren: true });
    const b = generateDataset({ seed: 5, now: NOW, zone, listGroupCallChildren: true });
    expect(b.lines.aiAgent.tasks.slice(0, 40)).toEqual(a.lines.aiAgent.tasks.slice(0, 40));
    expect(b.lines.aiAgent.flows.slice(-40)).toEqual(a.lines.aiAgent.flows.slice(-40));
    expect(b.tasks.slice(0, 40)).toEqual(a.tasks.slice(0, 40));
    expect(b.agentBusyHour).toEqual(a.agentBusyHour);
    const other = generateDataset({ seed: 6, now: NOW, zone });
    expect(other.lines.aiAgent.tasks.slice(0, 5)).not.toEqual(a.lines.aiAgent.tasks.slice(0, 5));
  });
});

describe('the AI Agent task list', () => {
  it.each<[string, Record<string, unknown>]>([
    ['without taskType', {}],
    ['with taskType 1', { taskType: 1 }],
    ['with taskType 2', { taskType: 2 }],
    ['with taskType "3" as a string', { taskType: '3' }],
    ['with taskType null', { taskType: null }],
  ])('answers -22 naming taskType %s', async (_what, extra) => {
    const res = await query(faithful, AGENT_TASKS, body({ ...ALL, ...extra }));
    expect(res.code).toBe(-22);
    expect(res.data).toBeNull();
    expect(res.message).toContain('taskType');
  });

  it('lists the AI Agent tasks, child tasks included, newest first, with taskType 3', async () => {
    const res = await query<WireTask>(faithful, AGENT_TASKS, body({ ...ALL, taskType: 3 }, 1, 100));
    expect(res.code).toBe(0);
    const agent = agentOf(faithful);
    expect(res.data!.total).toBe(agent.tasks.length);
    expect(ids(res.data!.records)).toEqual(ids(agent.tasks.slice(0, 100)));
    for (const r of res.data!.records) expect(r.taskType).toBe(3);
    const filtered = await query(faithful, AGENT_TASKS, body({ ...ALL, taskType: 3, statusList: [2], searchCondition: 'AI Agent' }, 1, 1));
    expect(filtered.data!.total).toBe(agent.tasks.filter((t) => t.status === 2 && t.taskName.toLowerCase().includes('ai agent')).length);
    // Served the same way whatever the recall-flow mapping.
    const same = await query<WireTask>(legacy, AGENT_TASKS, body({ ...ALL, taskType: 3 }, 1, 5));
    expect(ids(same.data!.records)).toEqual(ids(agent.tasks.slice(0, 5)));
  });

  it('and the group-call list has no task of the AI Agent line', async () => {
    const agentIds = new Set(everyTask(agentOf(faithful)).map((t) => t.taskId));
    const res = await query<WireTask>(faithful, TASKS, body(ALL, 1, 100));
    expect(res.data!.total).toBe(faithful.dataset.tasks.length);
    expect(res.data!.records.some((r) => agentIds.has(r.taskId))).toBe(false);
  });
});

/** Finds a flow's parent the way a client must: list the line's tasks created up to 1 h before it. */
async function parentOverHttp(sim: Simulator, path: string, flow: WireFlow, extra: Record<string, unknown> = {}) {
  const created = Date.parse(`${flow.createTime.replace(' ', 'T')}+08:00`);
  const params = { strTime: local(created - HOUR), endTime: flow.createTime, ...extra };
  for (let page = 1; ; page++) {
    const res = await query<WireTask>(sim, path, body(params, page, 100));
    expect(res.code).toBe(0);
    const found = res.data!.records.find((r) => r.taskId === flow.taskId);
    if (found || page >= res.data!.pages) return found;
  }
}

describe('recall-flow lists: faithful mapping (productLines)', () => {
  const window = { strTime: '2025-08-05 00:00:00', endTime: '2025-08-20 12:00:00' };
  const inWindow = (f: FlowRecord) => local(f.createdMs) >= window.strTime && local(f.createdMs) <= window.endTime;

  it('serves the AI Agent flows at /voice/recallFlow/queryPage, their parents in the AI Agent list', async () => {
    const res = await query<WireFlow>(faithful, AGENT_FLOWS, body(window, 1, 100));
    const expected = agentOf(faithful).flows.filter(inWindow);
    expect(res.data!.total).toBe(expected.length);
    expect(res.data!.records.map((r) => r.keyId)).toEqual(expected.slice(0, 100).map((f) => f.keyId));
    for (const flow of res.data!.records.slice(0, 8)) {
      expect(await parentOverHttp(faithful, AGENT_TASKS, flow, { taskType: 3 })).toBeDefined();
      expect(await parentOverHttp(faithful, TASKS, flow)).toBeUndefined();
    }
  });

  it('serves the group-call flows at /v3/voice/recallFlow/queryPage, their parents in the group-call list', async () => {
    const res = await query<WireFlow>(faithful, FLOWS_V3, body(window, 1, 100));
    const expected = groupOf(faithful).flows.filter(inWindow);
    expect(res.data!.total).toBe(expected.length);
    expect(res.data!.records.map((r) => r.keyId)).toEqual(expected.slice(0, 100).map((f) => f.keyId));
    for (const flow of res.data!.records.slice(0, 8)) {
      expect(await parentOverHttp(faithful, TASKS, flow)).toBeDefined();
      expect(await parentOverHttp(faithful, AGENT_TASKS, flow, { taskType: 3 })).toBeUndefined();
    }
  });

  it('finds each AI Agent flow by its parent id (taskName), only in its own line', async () => {
    const flow = agentOf(faithful).flows[10]!;
    const own = await query<WireFlow>(faithful, AGENT_FLOWS, body({ ...ALL, taskName: String(flow.taskId) }));
    expect(own.data!.records.map((r) => r.taskId)).toContain(flow.taskId);
    const other = await query<WireFlow>(faithful, FLOWS_V3, body({ ...ALL, taskName: String(flow.taskId) }));
    expect(other.data!.records.filter((r) => r.taskId === flow.taskId)).toHaveLength(0);
  });
});

describe('recall-flow lists: legacy mapping (the default)', () => {
  it('serves the same group-call flows at both paths, as before', async () => {
    expect(legacy.productLines).toBe(false);
    const a = await query<WireFlow>(legacy, AGENT_FLOWS, body(ALL, 3, 100));
    const b = await query<WireFlow>(legacy, FLOWS_V3, body(ALL, 3, 100));
    expect(a.data!.total).toBe(1800);
    expect(a.data!.records).toEqual(b.data!.records);
    expect(a.data!.records.map((r) => r.keyId)).toEqual(legacy.dataset.flows.slice(200, 300).map((f) => f.keyId));
    for (const flow of a.data!.records.slice(0, 5)) expect(await parentOverHttp(legacy, TASKS, flow)).toBeDefined();
  });

  it('serves group-call details at both detail paths; child tasks are unlisted but named', async () => {
    const flow = legacy.dataset.flows.find((f) => f.finishNum >= 2)!;
    const a = await detail(legacy, DETAIL, flow.keyId);
    const b = await detail(legacy, DETAIL_V3, flow.keyId);
    expect(a.code).toBe(0);
    expect(a.data).toEqual(b.data);
    const childId = a.data!.nodeList[0]!.taskId!;
    expect(groupOf(legacy).childTasks.map((t) => t.taskId)).toContain(childId);
    const child = groupOf(legacy).childTasks.find((t) => t.taskId === childId)!;
    const listed = await query<WireTask>(legacy, TASKS, body({ strTime: child.createdTime, endTime: child.createdTime }));
    expect(ids(listed.data!.records)).not.toContain(childId);
    const agentFlow = agentOf(legacy).flows[0]!;
    expect((await detail(legacy, DETAIL, agentFlow.keyId)).code).toBe(-22);
  });
});

describe('recall-flow detail', () => {
  const agentFlow = (pred: (f: FlowRecord) => boolean) => agentOf(faithful).flows.find(pred)!;

  it('lists the started nodes with their child tasks, then the next one without a taskId (in progress)', async () => {
    const flow = agentFlow((f) => f.status === 1 && f.finishNum >= 1 && f.finishNum < f.recallNum);
    const res = await detail(faithful, DETAIL, flow.keyId);
    expect(res.code).toBe(0);
    expect(Object.keys(res.data!).sort()).toEqual(['keyId', 'nodeList', 'recallInterval', 'recallNum', 'recallType', 'status']);
    expect(res.data).toMatchObject({
      keyId: flow.keyId,
      recallInterval: flow.recallInterval,
      recallNum: flow.recallNum,
      recallType: flow.recallType,
      status: 1,
    });
    const nodes = res.data!.nodeList;
    expect(nodes).toHaveLength(flow.finishNum + 1);
    const parent = agentOf(faithful).tasks.find((t) => t.taskId === flow.taskId)!;
    for (const [i, node] of nodes.entries()) {
      expect(node.keyId).toBe(flow.nodeKeyIds[i]);
      expect(node.scriptId).toBe(parent.scriptId);
      expect(node).not.toHaveProperty('voiceFileId');
    }
    const last = nodes.at(-1)!;
    expect(last.nodeStatus).toBe(0);
    expect(last).not.toHaveProperty('taskId');
    // Each started node's child task is in the AI Agent list, created k × recallInterval after the flow.
    for (const [i, node] of nodes.slice(0, -1).entries()) {
      expect(node.nodeStatus).toBe(2);
      const at = local(flow.createdMs + (i + 1) * flow.recallInterval * MINUTE);
      const listed = await query<WireTask>(faithful, AGENT_TASKS, body({ strTime: flow.createTime, endTime: at, taskType: 3 }, 1, 100));
      const child = listed.data!.records.find((r) => r.taskId === node.taskId);
      expect(child).toMatchObject({ createdTime: at, taskType: 3, status: 2 });
      expect(node.taskId!).toBeGreaterThan(flow.taskId);
    }
  });

  it('lists every node of a completed flow, and one unstarted node of a pending one', async () => {
    const done = agentFlow((f) => f.status === 2 && f.recallNum >= 3);
    const full = await detail(faithful, DETAIL, done.keyId);
    expect(full.data!.nodeList.map((n) => [n.nodeStatus, n.taskId])).toEqual(done.nodeTaskIds.map((id) => [2, id]));
    expect(full.data!.nodeList).toHaveLength(done.recallNum);
    const pending = agentFlow((f) => f.status === 0);
    const one = await detail(faithful, DETAIL, pending.keyId);
    expect(one.data!.nodeList).toEqual([{ keyId: pending.nodeKeyIds[0], nodeStatus: 0, scriptId: expect.any(Number) }]);
  });

  it('marks the node after the last finished one of a cancelled or failed flow with its status', async () => {
    for (const status of [3, 4]) {
      const flow = agentOf(faithful).flows.find((f) => f.status === status && f.finishNum < f.recallNum)!;
      const nodes = (await detail(faithful, DETAIL, flow.keyId)).data!.nodeList;
      expect(nodes).toHaveLength(flow.finishNum + 1);
      expect(nodes.at(-1)).toMatchObject({ nodeStatus: status });
      expect(nodes.at(-1)).not.toHaveProperty('taskId');
    }
  });

  it('gives group-call nodes voice settings, and their child tasks are in the group-call list (faithful)', async () => {
    const flow = groupOf(faithful).flows.find((f) => f.finishNum >= 1)!;
    const res = await detail(faithful, DETAIL_V3, flow.keyId);
    const node = res.data!.nodeList[0]!;
    for (const key of ['source', 'voiceFileId', 'uploadName', 'text', 'lan', 'speakingRate', 'ssmlGender', 'accent', 'hangUpSms', 'smsContent']) {
      expect(node).toHaveProperty(key);
    }
    expect(node).not.toHaveProperty('scriptId');
    const child = groupOf(faithful).tasks.find((t) => t.taskId === node.taskId)!;
    const listed = await query<WireTask>(faithful, TASKS, body({ strTime: child.createdTime, endTime: child.createdTime }));
    expect(ids(listed.data!.records)).toContain(node.taskId);
  });

  it.each<[string, unknown]>([
    ['an unknown keyId', 123],
    ['a missing keyId', undefined],
    ['a null keyId', null],
    ['a keyId as a string', '880100'],
    ['a fractional keyId', 1.5],
  ])('answers -22 for %s', async (_what, keyId) => {
    const res = await detail(faithful, DETAIL, keyId);
    expect(res.code).toBe(-22);
    expect(res.data).toBeNull();
    expect(res.message).toContain('keyId');
  });

  it("answers -22 for a flow of the other line", async () => {
    expect((await detail(faithful, DETAIL_V3, agentOf(faithful).flows[0]!.keyId)).code).toBe(-22);
    expect((await detail(faithful, DETAIL, faithful.dataset.flows[0]!.keyId)).code).toBe(-22);
  });

  it('checks the signature and the timestamp like the lists', async () => {
    const keyId = agentOf(faithful).flows[0]!.keyId;
    expect((await detail(faithful, DETAIL, keyId, { sign: 'nope' })).code).toBe(-1);
    expect((await detail(faithful, DETAIL, keyId, { timestamp: nowSeconds() - 3600 })).code).toBe(-16);
    const raw = await call(faithful, DETAIL, null, { rawBody: '{"keyId":' });
    expect(unwrap(raw.text).code).toBe(-22);
  });
});

describe('faults, envelopes and counters on the new endpoints', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ now: NOW, productLines: true, taskCount: 400, flowCount: 120, agentTaskCount: 300, agentFlowCount: 100 });
  });
  afterAll(() => sim.close());
  const agentKey = () => sim.dataset.lines.aiAgent.flows[0]!.keyId;
  const groupKey = () => sim.dataset.flows[0]!.keyId;
  const agentPage = body({ ...ALL, taskType: 3 }, 1, 5);

  it('filter configured faults by the new endpoint names', async () => {
    sim.setFaults({ errorRate: 1, endpoint: 'agentTasks' });
    expect((await query(sim, AGENT_TASKS, agentPage)).code).toBe(-18);
    expect((await query(sim, TASKS, body(ALL, 1, 5))).code).toBe(0);
    sim.setFaults({ errorRate: 1, errorCode: -2, endpoint: 'details' });
    expect((await detail(sim, DETAIL, agentKey())).code).toBe(-2);
    expect((await detail(sim, DETAIL_V3, groupKey())).code).toBe(-2);
    expect((await query(sim, AGENT_FLOWS, body(ALL, 1, 5))).code).toBe(0);
    sim.setFaults({ errorRate: 1, endpoint: 'v3Flows' });
    expect((await query(sim, FLOWS_V3, body(ALL, 1, 5))).code).toBe(-18);
    expect((await query(sim, AGENT_FLOWS, body(ALL, 1, 5))).code).toBe(0);
    sim.setFaults({ errorRate: 1, endpoint: 'agentFlows' });
    expect((await query(sim, AGENT_FLOWS, body(ALL, 1, 5))).code).toBe(-18);
    expect((await query(sim, FLOWS_V3, body(ALL, 1, 5))).code).toBe(0);
    sim.setFaults({});
  });

  it('accepts the new names over HTTP and refuses unknown ones', async () => {
    for (const endpoint of ENDPOINTS) {
      expect((await control(sim, 'POST', '/__sim/faults', { errorRate: 0, endpoint })).status).toBe(200);
    }
    const bad = await control(sim, 'POST', '/__sim/faults', { errorRate: 1, endpoint: 'nope' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toContain('agentDetails');
    await control(sim, 'POST', '/__sim/faults', {});
  });

  it('queue one-shot faults for a detail endpoint, and take x-sim-fault headers there', async () => {
    sim.queueFault('invalid-record', { endpoint: 'agentDetails' });
    expect((await detail(sim, DETAIL_V3, groupKey())).data!.keyId).toBe(groupKey());
    const corrupt = await detail<Record<string, unknown>>(sim, DETAIL, agentKey());
    expect(corrupt.code).toBe(0);
    expect(corrupt.data!.keyId).toBe('abc');
    expect((await detail(sim, DETAIL, agentKey())).data!.keyId).toBe(agentKey());
    sim.queueFault('malformed-body', { endpoint: 'agentTasks' });
    const malformed = await call(sim, AGENT_TASKS, agentPage);
    expect(() => JSON.parse(malformed.text)).toThrow();
    const http = await call(sim, DETAIL, { keyId: agentKey() }, { headers: { 'x-sim-fault': 'http-500', 'x-sim-fault-code': '503' } });
    expect(http.status).toBe(503);
    sim.queueFault('invalid-record', { endpoint: 'agentTasks' });
    expect((await query<Record<string, unknown>>(sim, AGENT_TASKS, agentPage)).data!.records[0]!.taskId).toBe('abc');
    expect(() => sim.queueFault('latency', { endpoint: 'nope' as never })).toThrow(/endpoint/);
  });

  it('rotate the envelope variants on the detail and AI Agent endpoints', async () => {
    const styles = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const res = i % 2 ? await detail(sim, DETAIL, agentKey()) : await query(sim, AGENT_TASKS, agentPage);
      expect(res.code).toBe(0);
      styles.add(res.style);
    }
    expect(styles).toEqual(new Set(['code', 'status', 'code-string', 'status-string']));
    const failed = new Set<string>();
    for (let i = 0; i < 4; i++) failed.add((await detail(sim, DETAIL, -1)).style);
    expect(failed.size).toBe(4);
  });

  it('count every call per endpoint name, and keep the original pair', async () => {
    sim.resetCounters();
    await query(sim, TASKS, body(ALL, 1, 1));
    await query(sim, AGENT_TASKS, agentPage);
    await query(sim, AGENT_TASKS, body(ALL, 1, 1)); // a -22 counts too
    await query(sim, AGENT_FLOWS, body(ALL, 1, 1));
    await query(sim, FLOWS_V3, body(ALL, 1, 1));
    await detail(sim, DETAIL, agentKey());
    await detail(sim, DETAIL_V3, groupKey());
    await detail(sim, DETAIL_V3, groupKey(), { sign: 'x' });
    const expected = {
      groupCallTasks: 1,
      agentTasks: 2,
      recallFlows: 2,
      v3Flows: 1,
      groupCallFlows: 1,
      agentFlows: 1,
      details: 3,
      v3Details: 2,
      groupCallDetails: 2,
      agentDetails: 1,
    };
    expect(sim.endpointCounters).toEqual(expected);
    expect(sim.counters).toEqual({ groupCallTasks: 1, recallFlows: 2 });
    expect((await control(sim, 'GET', '/__sim/counters')).body).toEqual(expected);
    expect((await control(sim, 'POST', '/__sim/counters/reset')).body).toEqual(Object.fromEntries(ENDPOINTS.map((e) => [e, 0])));
    expect(sim.counters).toEqual({ groupCallTasks: 0, recallFlows: 0 });
  });

  it('count the un-prefixed paths under the group-call names in the legacy mapping', async () => {
    legacy.resetCounters();
    await query(legacy, AGENT_FLOWS, body(ALL, 1, 1));
    await detail(legacy, DETAIL, legacy.dataset.flows[0]!.keyId);
    expect(legacy.endpointCounters).toMatchObject({ recallFlows: 1, groupCallFlows: 1, agentFlows: 0, v3Flows: 0, details: 1, groupCallDetails: 1, agentDetails: 0 });
    expect(legacy.counters).toEqual({ groupCallTasks: 0, recallFlows: 1 });
  });

  it('describe both lines in /__sim/info', async () => {
    const info = (await control(sim, 'GET', '/__sim/info')).body;
    expect(info).toMatchObject({
      productLines: true,
      taskCount: sim.dataset.tasks.length,
      agentTaskCount: sim.dataset.lines.aiAgent.tasks.length,
      agentFlowCount: 100,
      agentBusyHour: sim.dataset.agentBusyHour,
      busyHour: sim.dataset.busyHour,
    });
    expect(info.lines.aiAgent.paths).toEqual([
      { path: AGENT_TASKS, kind: 'agentTasks' },
      { path: AGENT_FLOWS, kind: 'flows' },
      { path: DETAIL, kind: 'detail' },
    ]);
    expect(info.lines.groupCall.childTasksListed).toBe(true);
    expect(info.live).toMatchObject({ running: false, ticks: 0 });
  });
});
