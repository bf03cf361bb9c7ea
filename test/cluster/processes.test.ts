/**
 * The cluster as it runs: three gateway PROCESSES (`node --import tsx src/main.ts`, what `npm start`
 * runs) sharing a redis-server of this file's own (it is killed and restarted here; never the
 * shared 127.0.0.1:6379) under a key prefix of its own, all pointed at ONE simulator (in this
 * process, live mode ticked by the test), with 300 subscribers on one watch: 100 per replica, half
 * over graphql-ws, half over graphql-sse. The steps build on each other:
 *   1. one poll per interval cluster-wide (the simulator's own counter), every event to every
 *      subscriber once and in order, and what they end up knowing is what the upstream holds;
 *   2. `kill -9` of the replica that polls: another takes over within two intervals, and the dead
 *      one's subscribers resume on the others with `after` and get exactly what they missed;
 *   3. Redis killed: each replica polls locally (laaffic_cluster_mode 0, logged, /readiness 200,
 *      queries answered, no subscription dropped); Redis back: mode 1 and one poller again;
 *   4. teardown: every process ends, every key is deleted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Redis from 'ioredis';
import { startSimulator, type Simulator } from '../../src/simulator';
import { watchKeys } from '../../src/cluster';
import { deleteKeys, listKeys, pings, spawnRedis, testPrefix, type SpawnedRedis } from '../helpers/redis';
import {
  CallSampler,
  ClientPool,
  clusterModeOf,
  compareStreamIds,
  cursorParts,
  key,
  logLines,
  pollsOf,
  sleep,
  startReplicas,
  stateOf,
  TASK_LIST,
  until,
  type ChangeEvent,
  type GatewayReplica,
  type Subscriber,
  type TaskFields,
} from './process-cluster';

const I = 400;
const PER_REPLICA = 100;
const FIRST_TASKS = 12;
/** Scheduling allowance on top of the design's bounds: two cores shared by three gateways, Redis, the simulator and 300 clients. */
const SLACK_MS = 250;

let own: SpawnedRedis | undefined;
let sim: Simulator | undefined;
let replicas: GatewayReplica[] = [];
let sampler: CallSampler | undefined;
const pool = new ClientPool();
let prefix = '';
let subs: Subscriber[] = [];
/** The window every subscriber watches: fixed, in the past, so only the test's tasks are in it. */
let filter: { createdFrom: string; createdTo: string };
let windowStart = 0;
let added = 0;

const iso = (ms: number) => new Date(ms).toISOString();
const alive = () => replicas.filter((r) => !r.down);
const live = () => subs.filter((s) => !s.done);

/** A task in the watched window (status 0: the ticks make it run). */
function addTask(): number {
  const numCnt = 600 + ((added * 397) % 2_400);
  const task = sim!.addTask({ line: 'groupCall', createdMs: windowStart + 1_000 * ++added, numCnt, taskName: `live-${added}` });
  return task.taskId;
}

/** One live-mode tick (every running task moves), every third with a new task; then two intervals. */
async function drive(ticks: number): Promise<void> {
  for (let k = 1; k <= ticks; k++) {
    sim!.tick();
    if (k % 3 === 0) addTask();
    await sleep(2 * I);
  }
}

/** Waits until no subscriber has received anything for 3 intervals (every poll's events delivered). */
async function settle(timeoutMs = 15_000): Promise<void> {
  const lastArrival = () => Math.max(0, ...subs.flatMap((s) => (s.events.length ? [s.events.at(-1)!.receivedAt] : [])));
  await until(() => Date.now() - lastArrival() > 3 * I, timeoutMs, 'the subscribers to go quiet');
}

async function gql<T>(replica: GatewayReplica, query: string, variables: Record<string, unknown>): Promise<T> {
  const res = await fetch(`${replica.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await res.json()) as { data?: T; errors?: unknown };
  if (!body.data) throw new Error(`query failed: ${JSON.stringify(body.errors)}`);
  return body.data;
}

/** What the upstream holds in the watched window now, as the subscribers select it. */
async function truth(replica: GatewayReplica): Promise<Map<string, TaskFields>> {
  const data = await gql<{ groupCallTasks: { edges: Array<{ node: TaskFields & { id: string } }> } }>(replica, TASK_LIST, { filter });
  return new Map(data.groupCallTasks.edges.map(({ node: { id, ...fields } }) => [id, fields]));
}

/** The replica whose poll counter grows (exactly one must). */
async function poller(): Promise<GatewayReplica> {
  const before = await Promise.all(alive().map(pollsOf));
  await sleep(3 * I);
  const after = await Promise.all(alive().map(pollsOf));
  const growing = alive().filter((_, i) => after[i]! > before[i]!);
  expect(growing.map((r) => r.name), 'replicas polling').toHaveLength(1);
  return growing[0]!;
}

/** At most one upstream call per interval in [from, to) (plus one for the edges), and never two pollers at once. */
function expectOnePollPerInterval(from: number, to: number): number[] {
  const calls = sampler!.between(from, to);
  const allowed = Math.ceil((to - from) / I) + 1;
  expect(calls.length, `upstream calls in ${to - from} ms (interval ${I} ms)`).toBeLessThanOrEqual(allowed);
  expect(calls.length, 'polls happened at all').toBeGreaterThanOrEqual(Math.floor((to - from) / I / 2));
  return calls;
}

/** Non-INITIAL events strictly ordered by stream position, none twice. */
function expectInOrder(events: readonly ChangeEvent[]): void {
  const changes = events.filter((e) => e.kind !== 'INITIAL');
  for (let i = 1; i < changes.length; i++) {
    const [a, b] = [cursorParts(changes[i - 1]!.cursor), cursorParts(changes[i]!.cursor)];
    if (a.epoch === b.epoch) expect(compareStreamIds(b.id, a.id), `event ${i} after event ${i - 1}`).toBeGreaterThan(0);
  }
  expect(new Set(changes.map((e) => e.cursor)).size).toBe(changes.length);
}

function expectKnowsTruth(s: Subscriber, expected: Map<string, TaskFields>): void {
  expect(s.error, `${s.name} error`).toBeUndefined();
  expect(s.done, `${s.name} ended`).toBe(false);
  expect(Object.fromEntries(stateOf(s.events)), `${s.name} knows the upstream's records`).toEqual(Object.fromEntries(expected));
}

async function stopEverything(): Promise<void> {
  sampler?.stop();
  await pool.dispose();
  await Promise.all(replicas.map((r) => r.process.stop(3_000)));
  if (own) {
    if (await pings(own.port)) await deleteKeys(own.url, prefix).catch(() => 0);
    await own.stop();
  }
  await sim?.close();
}

beforeAll(async () => {
  try {
    own = await spawnRedis();
    prefix = testPrefix();
    sim = await startSimulator({ productLines: true, live: { stepMs: 1_000 }, taskCount: 2_000, flowCount: 600 });
    windowStart = Math.floor(Date.now() / 1000) * 1000 - 20 * 60_000;
    filter = { createdFrom: iso(windowStart), createdTo: iso(windowStart + 5 * 60_000) };
    for (let i = 0; i < FIRST_TASKS; i++) addTask();
    replicas = await startReplicas(['a', 'b', 'c'], { sim, redisUrl: own.url, prefix, pollIntervalMs: I });
    sampler = new CallSampler(sim);
  } catch (err) {
    await stopEverything();
    throw err;
  }
}, 90_000);

afterAll(stopEverything, 30_000);

describe('live cluster: three gateway processes, Redis and the simulator', () => {
  it('300 subscribers on one watch: one poll per interval cluster-wide, every event to every subscriber once and in order', async () => {
    subs = replicas.flatMap((r) => pool.subscribeMany(r, PER_REPLICA, { filter }));
    await until(() => subs.every((s) => s.events.length >= FIRST_TASKS || s.done), 30_000, 'INITIAL events everywhere');
    for (const s of subs) {
      expect(s.error, s.name).toBeUndefined();
      expect(s.events.map((e) => e.kind)).toEqual(Array(FIRST_TASKS).fill('INITIAL'));
    }

    // The key layout of one watch, with the TTLs the README documents.
    const watch = cursorParts(subs[0]!.events[0]!.cursor).watch;
    const k = watchKeys(prefix, watch);
    expect(await listKeys(own!.url, prefix)).toEqual([k.events, k.lease, k.snapshot, k.subscribers].sort());
    const redis = new Redis(own!.url);
    try {
      const [lease, snap, events, subsTtl] = await Promise.all([k.lease, k.snapshot, k.events, k.subscribers].map((x) => redis.pttl(x)));
      expect(lease).toBeGreaterThan(0);
      expect(lease).toBeLessThanOrEqual(1.5 * I);
      expect(snap).toBeGreaterThan(12 * I);
      expect(snap).toBeLessThanOrEqual(60_000);
      expect(events).toBeGreaterThan(12 * I);
      expect(subsTtl).toBeGreaterThan(0);
      expect(subsTtl).toBeLessThanOrEqual(3 * I);
      // Each replica publishes its subscriber count (every interval).
      const counts = async () => Object.values(await redis.hgetall(k.subscribers)).map((v) => Number(v.split('|')[0]));
      await until(async () => (await counts()).join() === [PER_REPLICA, PER_REPLICA, PER_REPLICA].join(), 5_000, 'the subscriber registry');
    } finally {
      redis.disconnect();
    }

    await poller();
    const t0 = Date.now();
    await drive(10);
    await settle();
    const t1 = Date.now();
    const calls = expectOnePollPerInterval(t0, t1);
    console.log(`steady: ${calls.length} upstream calls in ${t1 - t0} ms (interval ${I} ms) for ${subs.length} subscribers on 3 processes`);

    const reference = subs[0]!.events;
    const changes = reference.filter((e) => e.kind !== 'INITIAL');
    expect(changes.filter((e) => e.kind === 'UPDATED').length).toBeGreaterThan(10);
    expect(changes.filter((e) => e.kind === 'ADDED')).toHaveLength(3);
    expectInOrder(reference);
    const initialSet = (events: ChangeEvent[]) => events.filter((e) => e.kind === 'INITIAL').map(key).sort();
    for (const s of subs) {
      expect(s.events.filter((e) => e.kind !== 'INITIAL').map(key), `${s.name}: the same events as ${subs[0]!.name}`).toEqual(changes.map(key));
      expect(initialSet(s.events)).toEqual(initialSet(reference));
    }
    const expected = await truth(replicas[0]!);
    expect(expected.size).toBe(FIRST_TASKS + 3);
    for (const s of subs) expectKnowsTruth(s, expected);
  }, 90_000);

  it('kill -9 of the polling replica: another polls within two intervals; its subscribers resume elsewhere with `after` and miss nothing', async () => {
    const victim = await poller();
    const survivors = alive().filter((r) => r !== victim);
    const watch = cursorParts(subs[0]!.events[0]!.cursor).watch;
    const leaseKey = watchKeys(prefix, watch).lease;
    const redis = new Redis(own!.url);
    const leaseBefore = await redis.get(leaseKey);
    expect(leaseBefore).toBeTruthy();
    const orphans = subs.filter((s) => s.replica === victim);

    const killedAt = Date.now();
    victim.process.child.kill('SIGKILL');
    victim.down = true;
    expect(await victim.process.exited).toBe('SIGKILL');
    await until(() => orphans.every((s) => s.done), 10_000, "the dead replica's subscribers to see it");

    // The take-over: the lease lapses (1.5 intervals at most after the last renewal) and a survivor,
    // trying every half interval, takes it and polls at once (the cadence is overdue).
    await until(() => sampler!.between(killedAt + 50, Infinity).length > 0, 10_000, 'a poll after the kill');
    const resumedAfter = sampler!.between(killedAt + 50, Infinity)[0]! - killedAt;
    console.log(`take-over: first poll ${resumedAfter} ms after kill -9 (interval ${I} ms)`);
    expect(resumedAfter).toBeLessThanOrEqual(2 * I + SLACK_MS);
    const leaseAfter = await redis.get(leaseKey);
    redis.disconnect();
    expect(leaseAfter).toBeTruthy();
    expect(leaseAfter).not.toBe(leaseBefore);

    // Changes while the orphans are away, then they come back, on the survivors, with `after`.
    const t0 = Date.now();
    await drive(3);
    const byTransport = (t: 'ws' | 'sse', n: number) => orphans.filter((s) => s.transport === t).filter((_, i) => i % 2 === n);
    const resumed: Array<[Subscriber, Subscriber]> = [];
    for (const [n, target] of survivors.entries()) {
      for (const t of ['ws', 'sse'] as const) {
        const from = byTransport(t, n);
        const again = pool.subscribeMany(target, from.length, (i) => ({ filter, after: from[i]!.lastCursor() }), { transports: [t], namePrefix: `${target.name}-resumed` });
        from.forEach((s, i) => resumed.push([s, again[i]!]));
      }
    }
    expect(resumed).toHaveLength(PER_REPLICA);
    await drive(3);
    await settle();
    const t1 = Date.now();
    expectOnePollPerInterval(t0, t1);
    await poller();

    const reference = subs.find((s) => s.replica === survivors[0])!;
    expectInOrder(reference.events);
    const expected = await truth(survivors[0]!);
    expect(Object.fromEntries(stateOf(reference.events))).toEqual(Object.fromEntries(expected));
    for (const [before, after] of resumed) {
      expect(after.error, after.name).toBeUndefined();
      expect(after.events.length, `${after.name} got what it missed`).toBeGreaterThan(0);
      expect(after.events.every((e) => e.kind !== 'INITIAL'), `${after.name}: a replay, not a restart`).toBe(true);
      expect([...before.events, ...after.events].map(key), `${before.name} + ${after.name}`).toEqual(reference.events.map(key));
    }
    for (const s of subs.filter((x) => x.replica !== victim)) expect(s.events.map(key), s.name).toEqual(reference.events.map(key));
    // From here on, a resumed subscriber stands for its client's whole history.
    for (const [before, after] of resumed) after.events.unshift(...before.events);
    subs = [...subs.filter((s) => s.replica !== victim), ...resumed.map(([, r]) => r)];
  }, 90_000);

  it('Redis dies: each replica polls locally (mode 0, logged, /readiness 200, queries answered, a new replica starts); Redis back: mode 1, one poller again, nobody dropped', async () => {
    const before = alive();
    expect(await Promise.all(before.map(clusterModeOf))).toEqual([1, 1]);
    await own!.kill();
    const downAt = Date.now();
    await until(async () => (await Promise.all(before.map(clusterModeOf))).every((m) => m === 0), 10_000, 'laaffic_cluster_mode 0');
    console.log(`Redis down: laaffic_cluster_mode 0 on both replicas ${Date.now() - downAt} ms after the kill`);
    // Logged (the log lines reach this process a little after the metric changed).
    for (const r of before) {
      await until(() => logLines(r, 'cluster: Redis unreachable').length > 0, 5_000, `${r.name} to log the fallback`);
      await until(() => logLines(r, 'live: watches poll locally').length > 0, 5_000, `${r.name} to log local polling`);
    }
    // A replica started now starts (in local mode) and serves.
    const [late] = await startReplicas(['d'], { sim: sim!, redisUrl: own!.url, prefix, pollIntervalMs: I });
    replicas.push(late!);
    expect(await clusterModeOf(late!)).toBe(0);
    await until(() => logLines(late!, 'cluster: starting without Redis').length > 0, 5_000, 'the new replica to log its local start');
    const lateSubs = pool.subscribeMany(late!, 20, { filter });
    for (const r of alive()) {
      const started = Date.now();
      const res = await fetch(`${r.url}/readiness`, { signal: AbortSignal.timeout(5_000) });
      expect(res.status, `${r.name} /readiness`).toBe(200);
      expect(Date.now() - started).toBeLessThan(2_000);
    }
    await until(() => lateSubs.every((s) => s.events.length >= added || s.done), 10_000, "the new replica's INITIAL events");
    subs.push(...lateSubs);

    // Every replica polls its own watches now.
    const counts = await Promise.all(alive().map(pollsOf));
    await drive(3);
    const after = await Promise.all(alive().map(pollsOf));
    alive().forEach((r, i) => expect(after[i]!, `${r.name} polls locally`).toBeGreaterThan(counts[i]!));
    await settle();
    const local = await truth(before[1]!);
    for (const s of subs) expectKnowsTruth(s, local);

    // Redis back (empty: no persistence).
    await own!.restart();
    const upAt = Date.now();
    await until(async () => (await Promise.all(alive().map(clusterModeOf))).every((m) => m === 1), 15_000, 'laaffic_cluster_mode 1');
    console.log(`Redis back: laaffic_cluster_mode 1 on the three replicas ${Date.now() - upAt} ms after the restart`);
    for (const r of alive()) await until(() => logLines(r, 'cluster: Redis reachable').length > 0, 5_000, `${r.name} to log the return`);
    await sleep(3 * I);
    await poller();
    const t0 = Date.now();
    await drive(3);
    await settle();
    expectOnePollPerInterval(t0, Date.now());
    const shared = await truth(before[0]!);
    for (const s of subs) expectKnowsTruth(s, shared);
    expect(subs).toHaveLength(3 * PER_REPLICA + 20);
    // Within one replica, every subscriber heard the same events (across replicas the streams of
    // the outage differed: each polled its own).
    for (const r of alive()) {
      const group = subs.filter((s) => s.replica === r);
      const tail = (s: Subscriber) => s.events.filter((e) => e.receivedAt > upAt).map(key);
      for (const s of group) expect(tail(s), s.name).toEqual(tail(group[0]!));
    }
  }, 90_000);

  it('SIGTERM of the polling replica: its subscribers end with LIVE_SHUTTING_DOWN and resume elsewhere; the lease is released, not left to lapse', async () => {
    const leaving = await poller();
    const staying = alive().filter((r) => r !== leaving);
    const theirs = subs.filter((s) => s.replica === leaving);
    const stoppedAt = Date.now();
    expect(await leaving.process.stop(10_000)).toBe(0);
    leaving.down = true;
    const exitMs = Date.now() - stoppedAt;
    await until(() => theirs.every((s) => s.done), 5_000, 'the subscribers of the stopped replica to end');
    // The released lease is taken on a survivor's next tick (half an interval), and the cadence kept.
    await until(() => sampler!.between(stoppedAt + 50, Infinity).length > 0, 5_000, 'a poll after the stop');
    const resumedAfter = sampler!.between(stoppedAt + 50, Infinity)[0]! - stoppedAt;
    console.log(`SIGTERM: exit ${exitMs} ms, first poll elsewhere ${resumedAfter} ms after it (interval ${I} ms)`);
    expect(resumedAfter).toBeLessThanOrEqual(I + I / 2 + SLACK_MS);
    const codes = theirs.map((s) => {
      const errors = s.error as Array<{ extensions?: { code?: string } }> | { code?: number } | undefined;
      return Array.isArray(errors) ? errors[0]?.extensions?.code : `close ${(errors as { code?: number } | undefined)?.code}`;
    });
    expect(new Set(codes), 'how their streams ended').toEqual(new Set(['LIVE_SHUTTING_DOWN']));

    const again = theirs.map((s, i) => {
      const [r] = pool.subscribeMany(staying[i % staying.length]!, 1, { filter, after: s.lastCursor() }, { transports: [s.transport], namePrefix: `${s.name}-again` });
      return [s, r!] as const;
    });
    await drive(3);
    await settle();
    const reference = subs.find((s) => s.replica === staying[0] && !s.done)!;
    const expected = await truth(staying[0]!);
    for (const [before, after] of again) {
      expect(after.error, after.name).toBeUndefined();
      expect(after.events.every((e) => e.kind !== 'INITIAL'), `${after.name}: a replay, not a restart`).toBe(true);
      expect(Object.fromEntries(stateOf([...before.events, ...after.events])), after.name).toEqual(Object.fromEntries(expected));
      // Exactly what a subscriber that never left heard after the resumed one's last cursor (by
      // stream position, not by arrival time: a replay arrives whenever the client reconnects).
      const from = reference.events.map((e) => e.cursor).lastIndexOf(before.lastCursor()!);
      expect(from, `${after.name}: its last cursor is in the stream`).toBeGreaterThanOrEqual(0);
      expect(after.events.map(key), after.name).toEqual(reference.events.slice(from + 1).map(key));
    }
  }, 60_000);

  it('teardown: every gateway process ends, every key is deleted, the redis-server stops', async () => {
    await pool.dispose();
    const codes = await Promise.all(alive().map((r) => r.process.stop(5_000)));
    expect(codes).toEqual(alive().map(() => 0));
    for (const r of replicas) expect(r.process.child.exitCode ?? r.process.child.signalCode, r.name).not.toBeNull();
    expect(await deleteKeys(own!.url, prefix)).toBeGreaterThan(0);
    expect(await listKeys(own!.url, prefix)).toEqual([]);
    await own!.stop();
    expect(await pings(own!.port)).toBe(false);
  }, 30_000);
});
