/**
 * The real UpstreamClient (real undici Pool) against the embedded simulator over loopback.
 * Attempt counts are read from the simulator's own counters, not from the client, so a client
 * that lies about its retries cannot pass.
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type EnvelopeMode, type Simulator } from '../../src/simulator';
import { UpstreamClient, type UpstreamClientOptions, type UpstreamEvent } from '../../src/upstream/client';
import { createLaafficApi } from '../../src/upstream/endpoints';
import { productLine } from '../../src/upstream/lines';
import { ClientClosedError, UpstreamError, type UpstreamErrorCode } from '../../src/upstream/errors';
import { parseZone, toLocal } from '../../src/time';

// ---------------------------------------------------------------------------------------------
// Suite-wide guards: no unhandled rejection, no secret in any error.

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
process.on('unhandledRejection', onUnhandled);

const SECRET = 'Sx7-top-secret-4f1c2e9a';
const WRONG_SECRET = 'Wq3-wrong-secret-b8d07c55';
/** Every error any test in this file saw, checked for leaks at the end. */
const seenErrors: unknown[] = [];

const TASKS = '/v3/voice/group/call/query';
const FLOWS = '/voice/recallFlow/queryPage';
const NOW = Date.UTC(2025, 5, 1, 4, 0, 0);
const DAY = 86_400_000;
const ZONE = parseZone('+08:00');

let sim: Simulator;
const clients: UpstreamClient[] = [];
const extraSims: Simulator[] = [];

beforeAll(async () => {
  sim = await startSimulator({ port: 0, apiSecret: SECRET, now: NOW, taskCount: 400, flowCount: 150 });
});

beforeEach(() => {
  sim.setFaults({});
  sim.setClockSkew(0);
  sim.resetCounters();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(extraSims.splice(0).map((s) => s.close()));
});

afterAll(async () => {
  await sim.close();
  // Give any stray rejection a chance to surface before the final check.
  await new Promise((r) => setTimeout(r, 20));
  process.off('unhandledRejection', onUnhandled);
  expect(unhandled).toEqual([]);
});

function makeClient(over: Partial<UpstreamClientOptions> = {}, target: Simulator = sim): UpstreamClient {
  const c = new UpstreamClient({
    baseUrl: target.url,
    apiKey: target.apiKey,
    apiSecret: target.apiSecret,
    connectTimeoutMs: 2_000,
    headersTimeoutMs: 5_000,
    bodyTimeoutMs: 5_000,
    callDeadlineMs: 5_000,
    retries: 3,
    retryBaseMs: 2,
    maxResponseBytes: 4_000_000,
    concurrency: 8,
    connections: 8,
    ...over,
  });
  clients.push(c);
  return c;
}

/** A valid list request over the last `days` days of the data set. */
function body(over: { current?: number; size?: number; days?: number; params?: Record<string, unknown> } = {}) {
  const days = over.days ?? 30;
  return {
    current: over.current ?? 1,
    size: over.size ?? 10,
    params: { strTime: toLocal(NOW - days * DAY, ZONE), endTime: toLocal(NOW, ZONE), ...over.params },
  };
}

const calls = (s: Simulator = sim) => s.counters.groupCallTasks + s.counters.recallFlows;

async function expectError(promise: Promise<unknown>, code: UpstreamErrorCode): Promise<UpstreamError> {
  let caught: unknown;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  seenErrors.push(caught);
  expect(caught).toBeInstanceOf(UpstreamError);
  expect((caught as UpstreamError).code).toBe(code);
  return caught as UpstreamError;
}

interface PageData {
  records: Array<Record<string, unknown>>;
  total: number;
}

// ---------------------------------------------------------------------------------------------

describe('success through every envelope mode', () => {
  const modes: EnvelopeMode[] = ['code', 'status', 'code-string', 'status-string', 'rotate'];

  it.each(modes)('envelope %s: data comes back, and a -22 is still a typed error', async (mode) => {
    const s = await startSimulator({ port: 0, envelope: mode, now: NOW, taskCount: 200, flowCount: 50 });
    extraSims.push(s);
    const c = makeClient({}, s);
    // Four calls so 'rotate' goes through all four styles.
    for (let i = 1; i <= 4; i++) {
      const data = (await c.post(TASKS, body({ current: i, size: 5 }))) as PageData;
      expect(data.total).toBeGreaterThan(20);
      expect(data.records).toHaveLength(5);
      expect(typeof data.records[0]!.taskId).toBe('number');
    }
    const flows = (await c.post(FLOWS, body({ size: 3 }))) as PageData;
    expect(flows.records.length).toBeGreaterThan(0);
    expect(flows.records[0]).toHaveProperty('keyId');
    const err = await expectError(c.post(TASKS, body({ size: 101 })), 'UPSTREAM_BAD_REQUEST');
    expect(err.upstreamCode).toBe(-22);
    expect(s.counters.groupCallTasks).toBe(5);
  });

  it('tolerates a trailing slash on the base URL', async () => {
    const c = makeClient({ baseUrl: `${sim.url}/` });
    const data = (await c.post(TASKS, body())) as PageData;
    expect(data.records).toHaveLength(10);
  });

  it('applies a base URL path prefix (the simulator knows no such route: a 404, not retried)', async () => {
    const c = makeClient({ baseUrl: `${sim.url}/prefix` });
    const err = await expectError(c.post(TASKS, body()), 'UPSTREAM_ERROR');
    expect(err.message).toContain('404');
    expect(calls()).toBe(0);
    expect(c.stats.attempts).toBe(1);
  });
});

describe('business error codes end to end', () => {
  it('-1: a wrong secret is UPSTREAM_UNAUTHENTICATED after exactly 1 attempt', async () => {
    const c = makeClient({ apiSecret: WRONG_SECRET });
    const err = await expectError(c.post(TASKS, body()), 'UPSTREAM_UNAUTHENTICATED');
    expect(err.upstreamCode).toBe(-1);
    expect(sim.counters.groupCallTasks).toBe(1);
    expect(c.stats.attempts).toBe(1);
    expect(c.stats.retries).toBe(0);
  });

  it('-1: a wrong key is UPSTREAM_UNAUTHENTICATED after exactly 1 attempt', async () => {
    const c = makeClient({ apiKey: 'not-the-key' });
    await expectError(c.post(FLOWS, body()), 'UPSTREAM_UNAUTHENTICATED');
    expect(sim.counters.recallFlows).toBe(1);
  });

  it('-2 is UPSTREAM_FORBIDDEN_IP, not retried', async () => {
    const c = makeClient();
    sim.queueFault('error-code', { code: -2 });
    const err = await expectError(c.post(TASKS, body()), 'UPSTREAM_FORBIDDEN_IP');
    expect(err.upstreamCode).toBe(-2);
    expect(calls()).toBe(1);
  });

  it('-22 for size 101 is UPSTREAM_BAD_REQUEST after 1 attempt, with the reason', async () => {
    const c = makeClient();
    const err = await expectError(c.post(TASKS, body({ size: 101 })), 'UPSTREAM_BAD_REQUEST');
    expect(err.upstreamCode).toBe(-22);
    expect(err.message).toContain('size');
    expect(calls()).toBe(1);
  });

  it('-22 for a window wider than the upstream allows, after 1 attempt', async () => {
    const s = await startSimulator({ port: 0, now: NOW, taskCount: 100, flowCount: 20, maxWindowDays: 7 });
    extraSims.push(s);
    const c = makeClient({}, s);
    await c.post(FLOWS, body({ days: 7 }));
    const err = await expectError(c.post(FLOWS, body({ days: 8 })), 'UPSTREAM_BAD_REQUEST');
    expect(err.message).toContain('7 days');
    expect(s.counters.recallFlows).toBe(2);
  });

  it('-22 for a missing strTime', async () => {
    const c = makeClient();
    await expectError(c.post(TASKS, { current: 1, size: 10, params: { endTime: toLocal(NOW, ZONE) } }), 'UPSTREAM_BAD_REQUEST');
    expect(calls()).toBe(1);
  });

  it('an unknown code (-99) is UPSTREAM_ERROR carrying the code, not retried', async () => {
    const c = makeClient();
    sim.queueFault('error-code', { code: -99 });
    const err = await expectError(c.post(TASKS, body()), 'UPSTREAM_ERROR');
    expect(err.upstreamCode).toBe(-99);
    expect(calls()).toBe(1);
  });
});

describe('retries per fault kind (counted by the simulator)', () => {
  it('-18 persistent: retries + 1 attempts, then UPSTREAM_UNAVAILABLE', async () => {
    const c = makeClient({ retries: 3 });
    const events: UpstreamEvent[] = [];
    c.onEvent((e) => events.push(e));
    sim.setFaults({ errorRate: 1, errorCode: -18 });
    const err = await expectError(c.post(TASKS, body()), 'UPSTREAM_UNAVAILABLE');
    expect(err.upstreamCode).toBe(-18);
    expect(sim.counters.groupCallTasks).toBe(4);
    expect(c.stats).toMatchObject({ calls: 1, attempts: 4, retries: 3 });
    expect(events.filter((e) => e.type === 'retry').map((e) => (e as { reason: string }).reason)).toEqual([
      'transient',
      'transient',
      'transient',
    ]);
  });

  it('-18 persistent with retries 1: exactly 2 attempts; with retries 0: exactly 1', async () => {
    sim.setFaults({ errorRate: 1 });
    await expectError(makeClient({ retries: 1 }).post(TASKS, body()), 'UPSTREAM_UNAVAILABLE');
    expect(calls()).toBe(2);
    sim.resetCounters();
    await expectError(makeClient({ retries: 0 }).post(TASKS, body()), 'UPSTREAM_UNAVAILABLE');
    expect(calls()).toBe(1);
  });

  it('one queued -18 then success: exactly 2 calls, and onAttempt sees both', async () => {
    const c = makeClient();
    sim.queueFault('error-code', { code: -18 });
    let attempts = 0;
    const data = (await c.post(TASKS, body(), { onAttempt: () => attempts++ })) as PageData;
    expect(data.records).toHaveLength(10);
    expect(sim.counters.groupCallTasks).toBe(2);
    expect(attempts).toBe(2);
  });

  it('HTTP 500 persistent: retries + 1 attempts, then UPSTREAM_UNAVAILABLE', async () => {
    const c = makeClient({ retries: 2 });
    sim.setFaults({ http500Rate: 1 });
    const err = await expectError(c.post(TASKS, body()), 'UPSTREAM_UNAVAILABLE');
    expect(err.message).toContain('500');
    expect(err.upstreamCode).toBeUndefined();
    expect(calls()).toBe(3);
  });

  it('one HTTP 500 (or 503) then success: exactly 2 calls', async () => {
    const c = makeClient();
    sim.queueFault('http-500');
    expect(((await c.post(TASKS, body())) as PageData).records).toHaveLength(10);
    expect(calls()).toBe(2);
    sim.resetCounters();
    sim.queueFault('http-500', { code: 503 });
    expect(((await c.post(FLOWS, body())) as PageData).records.length).toBeGreaterThan(0);
    expect(calls()).toBe(2);
  });

  it('dropped connection persistent: retries + 1 attempts, then UPSTREAM_UNAVAILABLE', async () => {
    const c = makeClient({ retries: 3 });
    sim.setFaults({ dropRate: 1 });
    await expectError(c.post(TASKS, body()), 'UPSTREAM_UNAVAILABLE');
    expect(calls()).toBe(4);
    expect(c.stats.attempts).toBe(4);
  });

  it('one dropped connection then success: exactly 2 calls', async () => {
    const c = makeClient();
    sim.queueFault('drop-connection');
    expect(((await c.post(TASKS, body())) as PageData).records).toHaveLength(10);
    expect(calls()).toBe(2);
  });

  it('a malformed body is UPSTREAM_INVALID_RESPONSE and is not retried', async () => {
    const c = makeClient();
    sim.setFaults({ malformedRate: 1 });
    await expectError(c.post(TASKS, body()), 'UPSTREAM_INVALID_RESPONSE');
    expect(calls()).toBe(1);
    expect(c.stats.retries).toBe(0);
  });

  it('an invalid record is UPSTREAM_INVALID_RESPONSE (validated by the endpoint layer), 1 call', async () => {
    const c = makeClient();
    const api = createLaafficApi(c, ZONE, productLine('GROUP_CALL', { tasksPath: TASKS, recallFlowsPath: FLOWS }));
    sim.queueFault('invalid-record', { endpoint: 'groupCallTasks' });
    const window = { current: 1, size: 10, from: NOW - 30 * DAY, to: NOW };
    const err = await expectError(api.queryGroupCallTasks(window), 'UPSTREAM_INVALID_RESPONSE');
    expect(err.message).toContain('taskId');
    expect(sim.counters.groupCallTasks).toBe(1);
    sim.queueFault('invalid-record', { endpoint: 'recallFlows' });
    expect((await expectError(api.queryRecallFlows(window), 'UPSTREAM_INVALID_RESPONSE')).message).toContain('keyId');
    expect(sim.counters.recallFlows).toBe(1);
  });

  it('an unknown route (HTTP 404) is UPSTREAM_ERROR, not retried', async () => {
    const c = makeClient();
    const err = await expectError(c.post('/v3/voice/nothing-here', body()), 'UPSTREAM_ERROR');
    expect(err.message).toContain('404');
    expect(c.stats.attempts).toBe(1);
  });

  it('connection refused: retried, then UPSTREAM_UNAVAILABLE', async () => {
    const port = await freePort();
    const c = makeClient({ baseUrl: `http://127.0.0.1:${port}`, retries: 2 });
    const err = await expectError(c.post(TASKS, body()), 'UPSTREAM_UNAVAILABLE');
    expect(c.stats.attempts).toBe(3);
    expect(err.message).not.toContain(String(port));
  });
});

describe('-16 timestamp expired', () => {
  it('a skewed upstream clock: exactly 2 calls (one fresh-signature retry), then UPSTREAM_TIMESTAMP_EXPIRED', async () => {
    const c = makeClient({ retries: 3 });
    const events: UpstreamEvent[] = [];
    c.onEvent((e) => events.push(e));
    sim.setClockSkew(600);
    const err = await expectError(c.post(TASKS, body()), 'UPSTREAM_TIMESTAMP_EXPIRED');
    expect(err.upstreamCode).toBe(-16);
    expect(calls()).toBe(2);
    expect(events.filter((e) => e.type === 'retry')).toEqual([
      { type: 'retry', path: TASKS, reason: 'timestamp', code: 'UPSTREAM_TIMESTAMP_EXPIRED' },
    ]);
    // The skew, not the client, was the problem.
    sim.setClockSkew(0);
    sim.resetCounters();
    await c.post(TASKS, body());
    expect(calls()).toBe(1);
  });

  it('a single queued -16 succeeds on the 2nd call', async () => {
    const c = makeClient({ retries: 0 });
    sim.queueFault('error-code', { code: -16 });
    expect(((await c.post(TASKS, body())) as PageData).records).toHaveLength(10);
    expect(calls()).toBe(2);
  });

  it('re-signs the retry with a fresh Timestamp: a stale first signature then succeeds', async () => {
    // The first attempt is signed 400 s in the past (the simulator allows 300 s): a genuine -16.
    // Only a retry that asks the clock again and re-signs can pass.
    const stamps: number[] = [];
    const c = makeClient({
      retries: 0,
      now: () => {
        const t = stamps.length === 0 ? Date.now() - 400_000 : Date.now();
        stamps.push(t);
        return t;
      },
    });
    expect(((await c.post(TASKS, body())) as PageData).records).toHaveLength(10);
    expect(calls()).toBe(2);
    expect(stamps).toHaveLength(2);
    expect(Math.floor(stamps[1]! / 1000)).not.toBe(Math.floor(stamps[0]! / 1000));
  });

  it('a client clock always stale: 2 calls, then UPSTREAM_TIMESTAMP_EXPIRED', async () => {
    const c = makeClient({ now: () => Date.now() - 400_000 });
    await expectError(c.post(FLOWS, body()), 'UPSTREAM_TIMESTAMP_EXPIRED');
    expect(calls()).toBe(2);
  });
});

describe('deadlines and timeouts', () => {
  it('the per-call deadline cuts a slow upstream: UPSTREAM_TIMEOUT within about the deadline, 1 call', async () => {
    const c = makeClient({ callDeadlineMs: 300, headersTimeoutMs: 10_000 });
    sim.queueFault('latency', { latencyMs: 3_000 });
    const started = performance.now();
    const err = await expectError(c.post(TASKS, body()), 'UPSTREAM_TIMEOUT');
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(280);
    expect(elapsed).toBeLessThan(1_200);
    expect(err.message).toContain('deadline');
    expect(calls()).toBe(1);
  });

  it('the deadline also bounds retries and backoff', async () => {
    // -18 forever with a long backoff: the deadline, not the retry budget, ends the call.
    const c = makeClient({ callDeadlineMs: 300, retries: 10, retryBaseMs: 4_000, random: () => 0.99 });
    sim.setFaults({ errorRate: 1 });
    const started = performance.now();
    await expectError(c.post(TASKS, body()), 'UPSTREAM_TIMEOUT');
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(280);
    expect(elapsed).toBeLessThan(1_200);
    expect(calls()).toBe(1);
  });

  it('headersTimeout ends each slow attempt; attempts are retried, then UPSTREAM_TIMEOUT', async () => {
    // undici runs its parser timeouts on ~0.5 s "fast timers", so a 150 ms headersTimeout fires
    // after 0.5..1 s; still far below the 5 s latency two attempts would otherwise wait for.
    const c = makeClient({ headersTimeoutMs: 150, callDeadlineMs: 20_000, retries: 1 });
    sim.setFaults({ latencyMs: 5_000 });
    const started = performance.now();
    const err = await expectError(c.post(TASKS, body()), 'UPSTREAM_TIMEOUT');
    const elapsed = performance.now() - started;
    expect(err.retryable).toBe(true);
    expect(err.message).not.toContain('deadline');
    expect(calls()).toBe(2);
    expect(c.stats.retries).toBe(1);
    expect(elapsed).toBeGreaterThanOrEqual(280);
    expect(elapsed).toBeLessThan(3_000);
  });

  it('a slow attempt within headersTimeout still succeeds', async () => {
    const c = makeClient({ headersTimeoutMs: 1_000 });
    sim.queueFault('latency', { latencyMs: 100 });
    expect(((await c.post(TASKS, body())) as PageData).records).toHaveLength(10);
    expect(calls()).toBe(1);
  });

  it("a caller's own signal gives that caller UPSTREAM_TIMEOUT without cancelling a coalesced caller", async () => {
    const c = makeClient();
    sim.queueFault('latency', { latencyMs: 300 });
    const b = body();
    const started = performance.now();
    const patient = c.post(TASKS, b);
    const hasty = c.post(TASKS, b, { signal: AbortSignal.timeout(80) });
    await expectError(hasty, 'UPSTREAM_TIMEOUT');
    expect(performance.now() - started).toBeLessThan(280);
    expect(((await patient) as PageData).records).toHaveLength(10);
    expect(calls()).toBe(1);
  });

  it('a call that fails after its only caller gave up rejects nobody unhandled', async () => {
    const c = makeClient();
    sim.queueFault('error-code', { code: -22, latencyMs: 150 });
    await expectError(c.post(TASKS, body(), { signal: AbortSignal.timeout(30) }), 'UPSTREAM_TIMEOUT');
    // Let the shared call settle (as a -22) with no caller left.
    await new Promise((r) => setTimeout(r, 250));
    expect(calls()).toBe(1);
    expect(unhandled).toEqual([]);
  });

  it('an already aborted signal rejects at once', async () => {
    const c = makeClient();
    const ac = new AbortController();
    ac.abort();
    await expectError(c.post(TASKS, body(), { signal: ac.signal }), 'UPSTREAM_TIMEOUT');
  });
});

describe('concurrency limit', () => {
  async function inFlightProfile(concurrency: number) {
    const c = makeClient({ concurrency, connections: 8 });
    const spans: Array<[number, number]> = [];
    c.onEvent((e) => {
      if (e.type === 'attempt') spans.push([performance.now() - e.durationMs, performance.now()]);
    });
    sim.setFaults({ latencyMs: 200 });
    const started = performance.now();
    const all = Promise.all([1, 2, 3, 4, 5, 6].map((current) => c.post(TASKS, body({ current, size: 2 }))));
    await new Promise((r) => setTimeout(r, 100));
    const atFirstWave = calls();
    await new Promise((r) => setTimeout(r, 200));
    const atSecondWave = calls();
    const results = (await all) as PageData[];
    const elapsed = performance.now() - started;
    // Most attempts in flight at once, from the attempt spans.
    let maxOverlap = 0;
    for (const [s] of spans) maxOverlap = Math.max(maxOverlap, spans.filter(([a, b]) => a <= s + 1 && b > s + 1).length);
    return { atFirstWave, atSecondWave, elapsed, maxOverlap, results };
  }

  it('concurrency 2: at most 2 calls in flight, the rest queue', async () => {
    const p = await inFlightProfile(2);
    expect(p.results.every((r) => r.records.length === 2)).toBe(true);
    expect(p.atFirstWave).toBe(2);
    expect(p.atSecondWave).toBe(4);
    expect(calls()).toBe(6);
    expect(p.maxOverlap).toBe(2);
    expect(p.elapsed).toBeGreaterThanOrEqual(580);
  });

  it('concurrency 6: all 6 in flight at once (the measurement can see parallelism)', async () => {
    const p = await inFlightProfile(6);
    expect(p.atFirstWave).toBe(6);
    expect(p.maxOverlap).toBe(6);
    expect(p.elapsed).toBeLessThan(580);
  });
});

describe('coalescing identical calls in flight', () => {
  it('N identical concurrent calls → 1 upstream call, stats.coalesced = N − 1, same result for all', async () => {
    const c = makeClient();
    const events: UpstreamEvent[] = [];
    c.onEvent((e) => events.push(e));
    sim.setFaults({ latencyMs: 100 });
    const N = 5;
    const results = await Promise.all(Array.from({ length: N }, () => c.post(TASKS, body())));
    expect(sim.counters.groupCallTasks).toBe(1);
    expect(c.stats.coalesced).toBe(N - 1);
    expect(c.stats.calls).toBe(1);
    expect(events.filter((e) => e.type === 'coalesced')).toHaveLength(N - 1);
    for (const r of results) expect(r).toEqual(results[0]);
    expect((results[0] as PageData).records).toHaveLength(10);
  });

  it('a caller that joined a call which then runs out of its deadline tries once on its own', async () => {
    const c = makeClient({ callDeadlineMs: 400, retries: 0 });
    sim.queueFault('latency', { latencyMs: 1_500 });
    const first = c.post(TASKS, body());
    const firstSettled = first.then(
      () => 'ok',
      (e: unknown) => (e instanceof UpstreamError ? e.code : 'other'),
    );
    await new Promise((r) => setTimeout(r, 150));
    const joined = c.post(TASKS, body());
    expect(c.stats.coalesced).toBe(1);
    expect(await firstSettled).toBe('UPSTREAM_TIMEOUT');
    const data = (await joined) as PageData;
    expect(data.records).toHaveLength(10);
    expect(sim.counters.groupCallTasks).toBe(2);
  });

  it('several joiners of a call that timed out share one fresh call', async () => {
    const c = makeClient({ callDeadlineMs: 400, retries: 0 });
    sim.queueFault('latency', { latencyMs: 1_500 });
    const first = c.post(TASKS, body()).catch((e: unknown) => (e instanceof UpstreamError ? e.code : 'other'));
    await new Promise((r) => setTimeout(r, 150));
    const joiners = [1, 2, 3].map(() => c.post(TASKS, body()));
    expect(await first).toBe('UPSTREAM_TIMEOUT');
    for (const j of joiners) expect(((await j) as PageData).records).toHaveLength(10);
    expect(sim.counters.groupCallTasks).toBe(2);
  });

  it('different bodies, or the same body on another path, are not coalesced', async () => {
    const c = makeClient();
    sim.setFaults({ latencyMs: 100 });
    await Promise.all([
      c.post(TASKS, body({ current: 1 })),
      c.post(TASKS, body({ current: 2 })),
      c.post(TASKS, body({ current: 1, size: 11 })),
      c.post(FLOWS, body({ current: 1 })),
    ]);
    expect(sim.counters.groupCallTasks).toBe(3);
    expect(sim.counters.recallFlows).toBe(1);
    expect(c.stats.coalesced).toBe(0);
  });

  it('is not a cache: the same call after the first settled goes upstream again', async () => {
    const c = makeClient();
    await c.post(TASKS, body());
    await c.post(TASKS, body());
    expect(calls()).toBe(2);
    expect(c.stats.coalesced).toBe(0);
  });

  it('a shared failure reaches every caller as the same typed error, from 1 call', async () => {
    const c = makeClient();
    sim.queueFault('error-code', { code: -22, latencyMs: 100 });
    const all = Array.from({ length: 4 }, () => c.post(TASKS, body()));
    for (const p of all) await expectError(p, 'UPSTREAM_BAD_REQUEST');
    expect(calls()).toBe(1);
    expect(c.stats.coalesced).toBe(3);
  });
});

describe('cancellation when every caller gives up', () => {
  const outcomes = (c: UpstreamClient) => {
    const seen: string[] = [];
    c.onEvent((e) => {
      if (e.type === 'attempt') seen.push(e.outcome);
    });
    return seen;
  };

  it('the last caller to give up cancels the attempt on the wire and frees its concurrency slot', async () => {
    const c = makeClient({ concurrency: 1, retries: 0 });
    const seen = outcomes(c);
    sim.queueFault('latency', { latencyMs: 1_500 });
    const gone = new AbortController();
    const started = performance.now();
    const first = c.post(TASKS, body(), { signal: gone.signal });
    setTimeout(() => gone.abort(), 100);
    await expectError(first, 'UPSTREAM_TIMEOUT');
    // The only slot is free again long before the slow answer would have come.
    const next = (await c.post(TASKS, body({ current: 2 }))) as PageData;
    expect(next.records).toHaveLength(10);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(seen).toEqual(['CANCELLED', 'ok']);
  });

  it('a shared call goes on while one caller still waits, and is cancelled when the last one leaves', async () => {
    const c = makeClient({ retries: 0 });
    const seen = outcomes(c);
    sim.queueFault('latency', { latencyMs: 400 });
    const a = new AbortController();
    const b = new AbortController();
    const first = c.post(TASKS, body(), { signal: a.signal });
    const second = c.post(TASKS, body(), { signal: b.signal });
    a.abort();
    await expectError(first, 'UPSTREAM_TIMEOUT');
    const data = (await second) as PageData;
    expect(data.records).toHaveLength(10);
    expect(seen).toEqual(['ok']);
    expect(calls()).toBe(1);

    sim.queueFault('latency', { latencyMs: 1_000 });
    const c1 = new AbortController();
    const c2 = new AbortController();
    const p1 = c.post(TASKS, body({ current: 3 }), { signal: c1.signal });
    const p2 = c.post(TASKS, body({ current: 3 }), { signal: c2.signal });
    const p3 = c.post(TASKS, body({ current: 3 }), { signal: AbortSignal.abort() });
    c1.abort();
    setTimeout(() => c2.abort(), 50);
    const settled = await Promise.allSettled([p1, p2, p3]);
    expect(settled.map((r) => (r.status === 'rejected' && r.reason instanceof UpstreamError ? r.reason.code : r.status))).toEqual([
      'UPSTREAM_TIMEOUT',
      'UPSTREAM_TIMEOUT',
      'UPSTREAM_TIMEOUT',
    ]);
    await new Promise((r) => setTimeout(r, 50));
    expect(seen).toEqual(['ok', 'CANCELLED']);
  });

  it("a caller whose client went away (its signal's reason a ClientClosedError) gets that error, not UPSTREAM_TIMEOUT", async () => {
    const c = makeClient({ retries: 0 });
    const seen = outcomes(c);
    sim.queueFault('latency', { latencyMs: 1_000 });
    const gone = new AbortController();
    const timedOut = new AbortController();
    const closed = c.post(TASKS, body(), { signal: gone.signal });
    const late = c.post(TASKS, body(), { signal: timedOut.signal });
    gone.abort(new ClientClosedError());
    timedOut.abort();
    const [a, b] = await Promise.allSettled([closed, late]);
    expect(a.status === 'rejected' && a.reason).toBeInstanceOf(ClientClosedError);
    expect((a as PromiseRejectedResult).reason.code).toBe('CLIENT_CLOSED_REQUEST');
    expect(b.status === 'rejected' && b.reason instanceof UpstreamError && b.reason.code).toBe('UPSTREAM_TIMEOUT');
    // Already gone before the call: the same.
    const before = new AbortController();
    before.abort(new ClientClosedError());
    await expect(c.post(TASKS, body({ current: 2 }), { signal: before.signal })).rejects.toBeInstanceOf(ClientClosedError);
    await new Promise((r) => setTimeout(r, 50));
    // The attempt nobody waited for is CANCELLED in the metrics, never an upstream error.
    expect(seen.filter((o) => o !== 'CANCELLED')).toEqual([]);
  });

  it('a caller without a signal keeps the call alive whoever else leaves', async () => {
    const c = makeClient({ retries: 0 });
    const seen = outcomes(c);
    sim.queueFault('latency', { latencyMs: 300 });
    const gone = new AbortController();
    const patient = c.post(TASKS, body());
    const impatient = c.post(TASKS, body(), { signal: gone.signal });
    gone.abort();
    await expectError(impatient, 'UPSTREAM_TIMEOUT');
    expect(((await patient) as PageData).records).toHaveLength(10);
    expect(seen).toEqual(['ok']);
  });
});

describe('the secret never leaks', () => {
  it('is absent from every error kind, its message, String() and JSON', async () => {
    const errors: unknown[] = [];
    const collect = async (p: Promise<unknown>) => {
      try {
        await p;
      } catch (err) {
        errors.push(err);
      }
    };
    const good = makeClient({ retries: 1 });
    const wrong = makeClient({ apiSecret: WRONG_SECRET, retries: 1 });
    await collect(wrong.post(TASKS, body()));
    for (const code of [-1, -2, -16, -18, -22, -99]) {
      sim.queueFault('error-code', { code });
      sim.queueFault('error-code', { code });
      await collect(good.post(TASKS, body()));
    }
    for (const kind of ['http-500', 'malformed-body', 'drop-connection'] as const) {
      sim.queueFault(kind);
      sim.queueFault(kind);
      await collect(good.post(TASKS, body()));
    }
    sim.queueFault('latency', { latencyMs: 3_000 });
    await collect(makeClient({ callDeadlineMs: 100 }).post(TASKS, body()));
    sim.queueFault('latency', { latencyMs: 3_000 });
    await collect(makeClient({ headersTimeoutMs: 100, retries: 0 }).post(TASKS, body()));
    expect(errors.length).toBe(12);
    seenErrors.push(...errors);
    for (const err of errors) expect(err).toBeInstanceOf(UpstreamError);
  });

  it('no error seen anywhere in this file carries the secret, the wrong secret or the URL', () => {
    expect(seenErrors.length).toBeGreaterThan(20);
    for (const err of seenErrors) {
      const e = err as UpstreamError;
      const texts = [e.message, String(e), JSON.stringify(e), e.stack ?? ''];
      for (const t of texts) {
        expect(t).not.toContain(SECRET);
        expect(t).not.toContain(WRONG_SECRET);
        expect(t).not.toContain(sim.url);
      }
    }
  });

  it('no unhandled rejection happened during the suite so far', async () => {
    await new Promise((r) => setTimeout(r, 10));
    expect(unhandled).toEqual([]);
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
