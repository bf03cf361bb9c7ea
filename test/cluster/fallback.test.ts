/**
 * Redis unreachable: replicas poll locally (the mode gauge says so), no subscription is dropped,
 * and they share again once Redis is back. The restart uses a redis-server of this test's own,
 * never the shared one.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { WatchSpec } from '../../src/live';
import { collect, fakeSource, kinds, sleep, until, type Collector, type Rec } from '../helpers/live';
import { deleteKeys, freePort, releaseRedis, spawnRedis, testPrefix, type SpawnedRedis } from '../helpers/redis';
import { startReplica, type Replica } from '../helpers/replica';

const I = 150;
const TASKS: WatchSpec = { entity: 'GroupCallTask' };

let replicas: Replica[] = [];
let own: SpawnedRedis | null = null;
afterEach(async () => {
  await Promise.all(replicas.map((r) => r.close()));
  replicas = [];
  await own?.stop();
  own = null;
});
afterAll(releaseRedis);

describe('live cluster: Redis unavailable', () => {
  it('with no Redis answering, a replica polls locally, says so, and serves its subscribers', async () => {
    const fake = fakeSource();
    const port = await freePort();
    const r = await startReplica('lonely', `redis://127.0.0.1:${port}`, testPrefix(), fake, { pollIntervalMs: I, connectWaitMs: 300 });
    replicas.push(r);
    expect(r.cluster.mode).toBe('local');
    expect(await r.mode()).toBe(0);
    const sub = collect(r.hub.subscribe(TASKS));
    await sub.waitFor((e) => e.length === 3);
    fake.update('T:1', { status: 3 });
    await sub.waitFor((e) => e.length === 4);
    expect(kinds(sub.events.slice(3))).toEqual(['UPDATED:T:1']);
    expect(r.polls.length).toBeGreaterThan(0);
  });

  it('Redis dies: every replica polls locally, nobody loses an event; Redis is back: shared again', async () => {
    own = await spawnRedis();
    const prefix = testPrefix();
    const fake = fakeSource();
    replicas = await Promise.all(['a', 'b'].map((n) => startReplica(n, own!.url, prefix, fake, { pollIntervalMs: I })));
    for (const r of replicas) expect(await r.mode()).toBe(1);
    const subs: Collector<Rec>[] = replicas.flatMap((r) => [collect(r.hub.subscribe(TASKS)), collect(r.hub.subscribe(TASKS))]);
    await until(() => subs.every((s) => s.events.length === 3), 5_000, 'INITIAL everywhere');
    fake.update('T:1', { status: 1001 });
    await until(() => subs.every((s) => s.events.length === 4), 5_000, 'change 1');
    expect(replicas.filter((r) => r.hub.stats().polling > 0)).toHaveLength(1);

    // Redis dies.
    await own.kill();
    await until(() => replicas.every((r) => r.cluster.mode === 'local'), 5_000, 'local mode');
    for (const r of replicas) expect(await r.mode()).toBe(0);
    const counts = replicas.map((r) => r.polls.length);
    await until(() => replicas.every((r, i) => r.polls.length >= counts[i]! + 2), 5_000, 'local polls on every replica');
    fake.update('T:1', { status: 1002 });
    await until(() => subs.every((s) => s.events.length === 5), 5_000, 'change 2 (local)');

    // Redis is back (empty: no persistence).
    await own.restart();
    await until(() => replicas.every((r) => r.cluster.mode === 'cluster'), 10_000, 'cluster mode again');
    for (const r of replicas) expect(await r.mode()).toBe(1);
    await until(() => replicas.filter((r) => r.hub.stats().polling > 0).length === 1, 5_000, 'one poller again');
    await sleep(2 * I);
    fake.update('T:1', { status: 1003 });
    await until(() => subs.every((s) => s.events.length === 6), 5_000, 'change 3 (shared again)');
    const t0 = Date.now();
    await sleep(6 * I);
    const shared = replicas.flatMap((r) => r.polls).filter((t) => t >= t0);
    expect(shared.length).toBeLessThanOrEqual(7);

    for (const s of subs) {
      expect(s.error).toBeUndefined();
      expect(s.done).toBe(false);
      expect(s.events.map((e) => `${e.kind}:${e.id}:${(e.record as Rec | null)?.status}`)).toEqual([
        'INITIAL:T:1:1',
        'INITIAL:T:2:1',
        'INITIAL:T:3:1',
        'UPDATED:T:1:1001',
        'UPDATED:T:1:1002',
        'UPDATED:T:1:1003',
      ]);
    }
    await deleteKeys(own.url, prefix);
  });
});
