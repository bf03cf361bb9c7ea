/**
 * The upstream ListSource against the embedded simulator, driven through a hub: what it lists,
 * what it costs, and the events a changing upstream produces.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { createLiveHub, type LiveHub } from '../../src/live/hub';
import { createMemoryWatchStore } from '../../src/live/memory-store';
import { normaliseWatch } from '../../src/live/watch';
import { createUpstreamListSource, type LiveRecord } from '../../src/live/upstream-source';
import { startSimulator, type Simulator } from '../../src/simulator';
import { createUpstream, type GroupCallTaskRecord, type Upstream } from '../../src/upstream';
import { codeOf, collect } from '../helpers/live';

const DAY = 86_400_000;
let sim: Simulator;
let upstream: Upstream;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, taskCount: 250, flowCount: 60, agentTaskCount: 40, agentFlowCount: 10 });
  const config = loadConfig({ LAAFFIC_TIMEZONE: sim.timezone, UPSTREAM_RETRY_BASE_MS: '2' });
  upstream = createUpstream(config.upstream, { baseUrl: sim.url, apiKey: sim.apiKey, apiSecret: sim.apiSecret });
});
afterAll(async () => {
  await upstream.client.close();
  await sim.close();
});

const source = () => createUpstreamListSource({ lines: upstream.lines, defaultWindowMs: 30 * DAY });
const signal = new AbortController().signal;

describe('upstream ListSource', () => {
  /** The upstream's own totals for a window, per line, with the same end the source pins. */
  async function totals(from: number): Promise<number[]> {
    const to = Math.floor(Date.now() / 1000) * 1000 - 1000;
    return Promise.all([...upstream.lines.values()].map(async (api) => (await api.queryGroupCallTasks({ current: 1, size: 1, from, to })).total));
  }

  it('lists a whole window of every watched line, newest first, in pages of 100', async () => {
    const from = Date.now() - 300 * DAY;
    const watch = normaliseWatch({ entity: 'GroupCallTask', filter: { createdFrom: from } });
    const expected = await totals(Math.ceil(from / 1000) * 1000);
    const sum = expected.reduce((a, b) => a + b, 0);
    const result = await source()(watch, { signal, limit: 10_001 });
    expect(result.records).toHaveLength(sum);
    expect(result.total).toBe(sum);
    expect(result.upstreamCalls).toBe(expected.reduce((n, t) => n + Math.max(1, Math.ceil(t / 100)), 0));
    expect(new Set(result.records.map((r) => r.id)).size).toBe(sum);
    expect(result.records.filter((r) => r.id.startsWith('AI_AGENT:'))).toHaveLength(expected[1]!);
    expect(result.records.every((r) => r.id === `${r.record.product}:${r.record.taskId}`)).toBe(true);
    const times = result.records.map((r) => r.record.createdAt);
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('stops after the first pages when the totals are past the limit', async () => {
    const from = Date.now() - 300 * DAY;
    const watch = normaliseWatch({ entity: 'GroupCallTask', filter: { createdFrom: from } });
    const result = await source()(watch, { signal, limit: 51 });
    expect(result.upstreamCalls).toBe(2);
    expect(result.total).toBe((await totals(Math.ceil(from / 1000) * 1000)).reduce((a, b) => a + b, 0));
  });

  it('an ids watch reads its narrow windows only', async () => {
    const some = sim.dataset.tasks.slice(0, 3);
    const watch = normaliseWatch({
      entity: 'GroupCallTask',
      ids: some.map((t) => ({ line: 'GROUP_CALL' as const, id: `GROUP_CALL:${t.taskId}`, createdAt: t.createdMs })),
    });
    const result = await source()(watch, { signal, limit: 4 });
    expect(result.upstreamCalls).toBeLessThanOrEqual(3);
    for (const t of some) expect(result.records.map((r) => r.id)).toContain(`GROUP_CALL:${t.taskId}`);
  });

  it('through a hub: INITIAL, then ADDED and UPDATED as the upstream changes; too large refused', async () => {
    const store = createMemoryWatchStore();
    const hub: LiveHub<LiveRecord> = createLiveHub({ store, source: source(), pollIntervalMs: 100, maxRecords: 100 });
    try {
      const recent = collect(hub.subscribe({ entity: 'GroupCallTask', filter: { createdFrom: Date.now() - 60_000 } }));
      const added = sim.addTask({ createdMs: Date.now() - 5_000, status: 0 });
      await recent.waitFor((e) => e.some((x) => x.id === `GROUP_CALL:${added.taskId}`));
      const first = recent.events.find((x) => x.id === `GROUP_CALL:${added.taskId}`)!;
      expect(['INITIAL', 'ADDED']).toContain(first.kind);
      const n = recent.events.length;
      sim.updateTask('groupCall', added.taskId, { status: 2, callNum: 7 });
      await recent.waitFor((e) => e.length > n);
      expect(recent.events[n]).toMatchObject({ kind: 'UPDATED', id: `GROUP_CALL:${added.taskId}` });
      expect(recent.events[n]!.changedFields).toEqual(expect.arrayContaining(['status', 'callNum']));
      expect((recent.events[n]!.record as GroupCallTaskRecord).status).toBe(2);
      await recent.stop();

      const everything = collect(hub.subscribe({ entity: 'GroupCallTask', filter: { createdFrom: Date.now() - 300 * DAY } }));
      await everything.waitForEnd();
      expect(codeOf(everything.error)).toBe('LIVE_WATCH_TOO_LARGE');
    } finally {
      await hub.close();
      await store.close();
    }
  });
});
