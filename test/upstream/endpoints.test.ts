/**
 * The typed endpoints (createLaafficApi) over the real client against the simulator: what comes
 * back must equal the simulator's own data set for the same window and filter, so a wrong param
 * name (ignored by the upstream), a wrong zone or an off-by-one window would show.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { startSimulator, type FlowRecord, type Simulator, type TaskRecord } from '../../src/simulator';
import { createUpstream, type LaafficApi, type Upstream } from '../../src/upstream';
import { UpstreamClient } from '../../src/upstream/client';
import { createLaafficApi } from '../../src/upstream/endpoints';
import { productLine } from '../../src/upstream/lines';
import { UpstreamError } from '../../src/upstream/errors';
import { fromLocal, parseZone, type Zone } from '../../src/time';
import { expectedUpstreamFlow, expectedUpstreamTask } from '../helpers/records';

const TASKS = '/v3/voice/group/call/query';
const FLOWS = '/v3/voice/recallFlow/queryPage';
const NOW = Date.UTC(2025, 5, 1, 4, 0, 0);
const DAY = 86_400_000;

const sec = (ms: number) => Math.floor(ms / 1000) * 1000;

const inWindow = (ms: number, from: number, to: number) => ms >= sec(from) && ms <= sec(to);

interface Fixture {
  sim: Simulator;
  client: UpstreamClient;
  api: LaafficApi;
  zone: Zone;
}

async function fixture(timezone: string): Promise<Fixture> {
  const sim = await startSimulator({ port: 0, timezone, now: NOW, taskCount: 600, flowCount: 250 });
  const zone = parseZone(timezone);
  const client = new UpstreamClient({
    baseUrl: sim.url,
    apiKey: sim.apiKey,
    apiSecret: sim.apiSecret,
    connectTimeoutMs: 2_000,
    headersTimeoutMs: 5_000,
    bodyTimeoutMs: 5_000,
    callDeadlineMs: 5_000,
    retries: 2,
    retryBaseMs: 2,
    concurrency: 8,
    connections: 8,
    maxResponseBytes: 4_000_000,
  });
  return { sim, client, zone, api: createLaafficApi(client, zone, productLine('GROUP_CALL', { tasksPath: TASKS, recallFlowsPath: FLOWS })) };
}

async function allTaskPages(api: LaafficApi, q: Parameters<LaafficApi['queryGroupCallTasks']>[0]) {
  const first = await api.queryGroupCallTasks({ ...q, current: 1 });
  const records = [...first.records];
  for (let page = 2; (page - 1) * q.size < first.total; page++) {
    records.push(...(await api.queryGroupCallTasks({ ...q, current: page })).records);
  }
  return { total: first.total, records };
}

describe.each(['+08:00', 'America/New_York', '-05:30'])('zone %s', (timezone) => {
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture(timezone);
  });
  afterAll(async () => {
    await f.client.close();
    await f.sim.close();
  });
  beforeEach(() => f.sim.resetCounters());

  it('queryGroupCallTasks: a window returns exactly the data set records in it, newest first, typed', async () => {
    const from = NOW - 10 * DAY + 123;
    const to = NOW - 123;
    const expected = f.sim.dataset.tasks.filter((t) => inWindow(t.createdMs, from, to));
    expect(expected.length).toBeGreaterThan(100); // more than one page
    const page1 = await f.api.queryGroupCallTasks({ current: 1, size: 100, from, to });
    expect(page1.total).toBe(expected.length);
    expect(page1.records.map((r) => r.taskId)).toEqual(expected.slice(0, 100).map((t) => t.taskId));
    expect(page1.records).toEqual(expected.slice(0, 100).map(expectedUpstreamTask));
    const all = await allTaskPages(f.api, { current: 1, size: 100, from, to });
    expect(all.records.map((r) => r.taskId)).toEqual(expected.map((t) => t.taskId));
    expect(f.sim.counters.groupCallTasks).toBe(1 + Math.ceil(expected.length / 100));
  });

  it('createdAt is the epoch of createdTime in the zone (not UTC, not NaN)', async () => {
    const page = await f.api.queryGroupCallTasks({ current: 1, size: 50, from: NOW - 30 * DAY, to: NOW });
    expect(page.records.length).toBe(50);
    for (const r of page.records) {
      expect(Number.isFinite(r.createdAt)).toBe(true);
      expect(r.createdAt).toBe(fromLocal(r.createdTime, f.zone));
      const source = f.sim.dataset.tasks.find((t) => t.taskId === r.taskId)!;
      expect(r.createdAt).toBe(source.createdMs);
    }
  });

  it('the window is inclusive at both ends, truncated to the second', async () => {
    const t = f.sim.dataset.tasks[37]!;
    const page = await f.api.queryGroupCallTasks({ current: 1, size: 100, from: t.createdMs + 999, to: t.createdMs + 500 });
    const expected = f.sim.dataset.tasks.filter((x) => x.createdMs === t.createdMs);
    expect(page.records.map((r) => r.taskId).sort()).toEqual(expected.map((x) => x.taskId).sort());
    expect(page.records.map((r) => r.taskId)).toContain(t.taskId);
  });

  it('queryRecallFlows: a window returns exactly the data set flows in it, typed', async () => {
    const from = NOW - 20 * DAY;
    const to = NOW;
    const expected = f.sim.dataset.flows.filter((x) => inWindow(x.createdMs, from, to));
    expect(expected.length).toBeGreaterThan(0);
    const page = await f.api.queryRecallFlows({ current: 1, size: 100, from, to });
    expect(page.total).toBe(expected.length);
    expect(page.records).toEqual(expected.slice(0, 100).map(expectedUpstreamFlow));
    for (const r of page.records) expect(r.createdAt).toBe(fromLocal(r.createTime, f.zone));
  });
});

describe('filters map to the upstream params', () => {
  let f: Fixture;
  const from = NOW - 200 * DAY;
  const to = NOW;
  let windowTasks: TaskRecord[];
  let windowFlows: FlowRecord[];

  beforeAll(async () => {
    f = await fixture('+08:00');
    windowTasks = f.sim.dataset.tasks.filter((t) => inWindow(t.createdMs, from, to));
    windowFlows = f.sim.dataset.flows.filter((x) => inWindow(x.createdMs, from, to));
  });
  afterAll(async () => {
    await f.client.close();
    await f.sim.close();
  });

  const haystack = (t: TaskRecord) => `${t.taskName}\u0000${t.voiceFileName}\u0000${t.ttsText}`.toLowerCase();

  async function expectTasks(q: { statuses?: number[]; appId?: number; search?: string }, pred: (t: TaskRecord) => boolean) {
    const expected = windowTasks.filter(pred);
    const got = await allTaskPages(f.api, { current: 1, size: 100, from, to, ...q });
    expect(got.total).toBe(expected.length);
    expect(got.records.map((r) => r.taskId)).toEqual(expected.map((t) => t.taskId));
    return expected;
  }

  it('statuses → statusList (one, several, an unknown code 9)', async () => {
    const two = await expectTasks({ statuses: [2] }, (t) => t.status === 2);
    expect(two.length).toBeGreaterThan(0);
    expect(two.length).toBeLessThan(windowTasks.length);
    const several = await expectTasks({ statuses: [0, 3, 4] }, (t) => [0, 3, 4].includes(t.status));
    expect(several.length).toBeGreaterThan(0);
    const unknown = await expectTasks({ statuses: [9] }, (t) => t.status === 9);
    expect(unknown.length).toBeGreaterThan(0);
  });

  it('an empty statuses list means every status', async () => {
    await expectTasks({ statuses: [] }, () => true);
  });

  it('appId → idxAppId', async () => {
    const hits = await expectTasks({ appId: 102 }, (t) => t.appId === 102);
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.length).toBeLessThan(windowTasks.length);
    await expectTasks({ appId: 999 }, () => false);
  });

  it('search → searchCondition (name, voice file, TTS text; case-insensitive)', async () => {
    const renewal = await expectTasks({ search: 'RENEWAL' }, (t) => haystack(t).includes('renewal'));
    expect(renewal.length).toBeGreaterThan(0);
    expect(renewal.length).toBeLessThan(windowTasks.length);
    const cn = await expectTasks({ search: '春季促销' }, (t) => haystack(t).includes('春季促销'));
    expect(cn.length).toBeGreaterThan(0);
    // A term only in a voice file name.
    const wav = await expectTasks({ search: 'order_confirm' }, (t) => haystack(t).includes('order_confirm'));
    expect(wav.every((t) => !t.taskName.includes('order_confirm'))).toBe(true);
  });

  it('an empty search means no filter', async () => {
    await expectTasks({ search: '' }, () => true);
  });

  it('filters combine', async () => {
    await expectTasks(
      { statuses: [2, 4], appId: 101, search: 'a' },
      (t) => [2, 4].includes(t.status) && t.appId === 101 && haystack(t).includes('a'),
    );
  });

  it('recall flows: taskName as an exact parent id finds every flow of that parent', async () => {
    const counts = new Map<number, number>();
    for (const x of windowFlows) counts.set(x.taskId, (counts.get(x.taskId) ?? 0) + 1);
    const parentId = [...counts.entries()].find(([, n]) => n >= 2)![0];
    const id = String(parentId);
    const expected = windowFlows.filter((x) => String(x.taskId) === id || x.taskName.toLowerCase().includes(id));
    const page = await f.api.queryRecallFlows({ current: 1, size: 100, from, to, taskName: id });
    expect(page.total).toBe(expected.length);
    expect(page.records).toEqual(expected.map(expectedUpstreamFlow));
    const ofParent = page.records.filter((r) => r.taskId === parentId);
    expect(ofParent.length).toBe(counts.get(parentId));
    expect(page.total).toBeLessThan(windowFlows.length);
  });

  it('recall flows: taskName as a fuzzy parent name', async () => {
    const expected = windowFlows.filter((x) => x.taskName.toLowerCase().includes('reminder'));
    expect(expected.length).toBeGreaterThan(0);
    const page = await f.api.queryRecallFlows({ current: 1, size: 100, from, to, taskName: 'Reminder' });
    expect(page.total).toBe(expected.length);
    expect(page.records.map((r) => r.keyId)).toEqual(expected.slice(0, 100).map((x) => x.keyId));
  });

  it('recall flows: an empty taskName means no filter', async () => {
    const page = await f.api.queryRecallFlows({ current: 1, size: 10, from, to, taskName: '' });
    expect(page.total).toBe(windowFlows.length);
  });

  it('passes call options through (onAttempt counts attempts)', async () => {
    let attempts = 0;
    f.sim.queueFault('error-code', { code: -18 });
    await f.api.queryRecallFlows({ current: 1, size: 5, from, to }, { onAttempt: () => attempts++ });
    expect(attempts).toBe(2);
  });

  it('an upstream -22 (page size 101) surfaces as UPSTREAM_BAD_REQUEST', async () => {
    await expect(f.api.queryGroupCallTasks({ current: 1, size: 101, from, to })).rejects.toMatchObject({
      code: 'UPSTREAM_BAD_REQUEST',
    });
    await expect(f.api.queryRecallFlows({ current: 1, size: 10, from: NOW - 400 * DAY, to })).rejects.toBeInstanceOf(UpstreamError);
  });
});

describe('createUpstream (built from the configuration)', () => {
  let sim: Simulator;
  let upstream: Upstream;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0, timezone: 'Asia/Shanghai', now: NOW, taskCount: 300, flowCount: 100 });
    const config = loadConfig({ LAAFFIC_TIMEZONE: 'Asia/Shanghai', UPSTREAM_RETRY_BASE_MS: '2' });
    upstream = createUpstream(config.upstream, { baseUrl: sim.url, apiKey: sim.apiKey, apiSecret: sim.apiSecret });
  });
  afterAll(async () => {
    await upstream.client.close();
    await sim.close();
  });

  it('wires the configured paths and zone', async () => {
    const from = NOW - 30 * DAY;
    const tasks = await upstream.api.queryGroupCallTasks({ current: 1, size: 20, from, to: NOW });
    const expected = sim.dataset.tasks.filter((t) => inWindow(t.createdMs, from, NOW));
    expect(tasks.total).toBe(expected.length);
    expect(tasks.records).toEqual(expected.slice(0, 20).map(expectedUpstreamTask));
    const flows = await upstream.api.queryRecallFlows({ current: 1, size: 20, from, to: NOW });
    expect(flows.records).toEqual(
      sim.dataset.flows.filter((x) => inWindow(x.createdMs, from, NOW)).slice(0, 20).map(expectedUpstreamFlow),
    );
    expect(sim.counters).toEqual({ groupCallTasks: 1, recallFlows: 1 });
  });
});
