/**
 * Three replicas (three hubs in one process, each with its own Redis connections, one key prefix)
 * sharing watches through a real Redis.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { WatchSpec } from '../../src/live';
import { collect, fakeSource, kinds, sleep, until, type Collector, type Rec } from '../helpers/live';
import { deleteKeys, redisUrl, releaseRedis, testPrefix } from '../helpers/redis';
import { startReplica, type Replica } from '../helpers/replica';

const I = 200;
const TASKS: WatchSpec = { entity: 'GroupCallTask', filter: { statuses: [1] } };

let replicas: Replica[] = [];
let prefix = '';
afterEach(async () => {
  await Promise.all(replicas.map((r) => r.close()));
  replicas = [];
  await deleteKeys(await redisUrl(), prefix);
});
afterAll(releaseRedis);

async function three(fake = fakeSource()) {
  prefix = testPrefix();
  const url = await redisUrl();
  replicas = await Promise.all(['a', 'b', 'c'].map((n) => startReplica(n, url, prefix, fake, { pollIntervalMs: I })));
  for (const r of replicas) expect(r.cluster.mode).toBe('cluster');
  return { fake, replicas };
}

const polling = () => replicas.filter((r) => r.hub.stats().polling > 0);
const allPolls = () => replicas.flatMap((r) => r.polls).sort((a, b) => a - b);

/** Polls cluster-wide in [from, to): at most one per interval (plus one for the edges). */
function expectOnePollPerInterval(from: number, to: number) {
  const polls = allPolls().filter((t) => t >= from && t < to);
  expect(polls.length).toBeLessThanOrEqual(Math.ceil((to - from) / I) + 1);
  expect(polls.length).toBeGreaterThanOrEqual(Math.floor((to - from) / I / 2));
}

describe('live cluster: three replicas', () => {
  it('one poller cluster-wide; every subscriber gets every event once, in order', async () => {
    const { fake } = await three();
    const subs: Collector<Rec>[] = replicas.flatMap((r) => [collect(r.hub.subscribe(TASKS)), collect(r.hub.subscribe(TASKS))]);
    await until(() => subs.every((s) => s.events.length === 3), 5_000, 'INITIAL everywhere');
    await until(() => polling().length === 1, 3_000, 'one poller');
    const t0 = Date.now();
    for (let n = 1; n <= 5; n++) {
      fake.update(`T:${(n % 3) + 1}`, { status: 10 + n });
      if (n === 3) fake.set('T:9', { taskId: 9, name: 'nine', status: 1 });
      await until(() => subs.every((s) => s.events.length >= 3 + n + (n >= 3 ? 1 : 0)), 5_000, `change ${n} everywhere`);
    }
    await sleep(3 * I);
    const t1 = Date.now();
    expect(polling()).toHaveLength(1);
    expectOnePollPerInterval(t0, t1);
    const reference = subs[0]!.events.slice(3);
    expect(kinds(reference)).toEqual(['UPDATED:T:2', 'UPDATED:T:3', 'UPDATED:T:1', 'ADDED:T:9', 'UPDATED:T:2', 'UPDATED:T:3']);
    for (const s of subs) {
      expect(s.events.slice(3).map((e) => [e.kind, e.id, e.cursor, e.record])).toEqual(reference.map((e) => [e.kind, e.id, e.cursor, e.record]));
      expect(s.error).toBeUndefined();
    }
  });

  it('a subscriber joining on another replica gets its INITIAL events with no upstream call', async () => {
    const { fake } = await three();
    const first = collect(replicas[0]!.hub.subscribe(TASKS));
    await first.waitFor((e) => e.length === 3);
    fake.update('T:2', { name: 'changed' });
    await first.waitFor((e) => e.length === 4);
    const other = replicas.find((r) => r.hub.stats().polling === 0)!;
    expect(other.polls).toHaveLength(0);
    const joined = collect(other.hub.subscribe(TASKS));
    await joined.waitFor((e) => e.length === 3, 3_000);
    expect(other.polls).toHaveLength(0);
    expect(joined.events.map((e) => [e.kind, e.id, e.record])).toEqual([
      ['INITIAL', 'T:1', { taskId: 1, name: 'task 1', status: 1 }],
      ['INITIAL', 'T:2', { taskId: 2, name: 'changed', status: 1 }],
      ['INITIAL', 'T:3', { taskId: 3, name: 'task 3', status: 1 }],
    ]);
    // Its cursor resumes on any replica.
    fake.update('T:3', { status: 5 });
    await joined.waitFor((e) => e.length === 4);
    const resumed = collect(replicas[2]!.hub.subscribe(TASKS, { after: joined.events[0]!.cursor }));
    await resumed.waitFor((e) => e.length === 1);
    expect(resumed.events[0]!.cursor).toBe(joined.events[3]!.cursor);
  });

  it('when the lease holder dies, another replica takes over within two intervals', async () => {
    const { fake } = await three();
    const subs = replicas.map((r) => collect(r.hub.subscribe(TASKS)));
    await until(() => subs.every((s) => s.events.length === 3), 5_000, 'INITIAL everywhere');
    await until(() => polling().length === 1, 3_000, 'one poller');
    const holder = polling()[0]!;
    await sleep(2 * I);
    await holder.kill();
    const killedAt = Date.now();
    const others = replicas.filter((r) => r !== holder);
    await until(() => others.some((r) => r.polls.some((t) => t > killedAt)), 5_000, 'a take-over');
    const takeover = Math.min(...others.flatMap((r) => r.polls.filter((t) => t > killedAt))) - killedAt;
    expect(takeover).toBeLessThanOrEqual(2 * I + 100);
    fake.update('T:1', { status: 7 });
    const alive = subs.filter((_, i) => replicas[i] !== holder);
    await until(() => alive.every((s) => s.events.length === 4), 5_000, 'the change after the take-over');
    for (const s of alive) expect(kinds(s.events.slice(3))).toEqual(['UPDATED:T:1']);
    expect(others.filter((r) => r.hub.stats().polling > 0)).toHaveLength(1);
  });

  it('a watch that fails ends every subscriber on every replica with the coded error', async () => {
    const { fake } = await three();
    const subs = replicas.map((r) => collect(r.hub.subscribe(TASKS)));
    await until(() => subs.every((s) => s.events.length === 3), 5_000, 'INITIAL everywhere');
    const before = allPolls().length;
    fake.fail(Infinity);
    await until(() => subs.every((s) => s.done), 5_000, 'the end everywhere');
    for (const s of subs) {
      expect(s.error).toMatchObject({ code: 'LIVE_UPSTREAM_FAILED', causeCode: 'UPSTREAM_UNAVAILABLE' });
      expect(s.events).toHaveLength(3);
    }
    expect(allPolls().length - before).toBe(3);
    await sleep(3 * I);
    expect(allPolls().length - before).toBe(3);
  });

  it('stops polling everywhere within an interval of the last subscriber leaving any replica', async () => {
    await three();
    const a = collect(replicas[0]!.hub.subscribe(TASKS));
    const b = collect(replicas[1]!.hub.subscribe(TASKS));
    await until(() => a.events.length === 3 && b.events.length === 3, 5_000, 'INITIAL');
    await until(() => polling().length === 1, 3_000, 'one poller');
    // The holder's own subscriber leaves first: it keeps polling for the other replica's.
    const holderIndex = replicas.findIndex((r) => r.hub.stats().polling > 0);
    const [mine, theirs] = holderIndex === 0 ? [a, b] : [b, a];
    await mine.stop();
    await sleep(3 * I);
    const before = allPolls().length;
    await sleep(3 * I);
    expect(allPolls().length).toBeGreaterThan(before);
    await theirs.stop();
    await sleep(I + I / 2);
    const settled = allPolls().length;
    await sleep(4 * I);
    expect(allPolls().length).toBe(settled);
    for (const r of replicas) expect(r.hub.stats()).toEqual({ subscriptions: 0, watches: 0, polling: 0 });
  });
});
