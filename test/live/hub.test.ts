import { afterEach, describe, expect, it } from 'vitest';
import { createLiveHub, type LiveHub, type LiveHubOptions } from '../../src/live/hub';
import { createMemoryWatchStore } from '../../src/live/memory-store';
import type { WatchStore } from '../../src/live/store';
import type { WatchSpec } from '../../src/live/watch';
import { encodeLiveCursor } from '../../src/live/cursor';
import { LiveError } from '../../src/live/errors';
import { createLiveMetrics } from '../../src/live/metrics';
import { Registry } from 'prom-client';
import { codeOf, collect, fakeSource, kinds, sleep, until, type FakeSource, type Rec } from '../helpers/live';

const I = 60;
const TASKS: WatchSpec = { entity: 'GroupCallTask', filter: { statuses: [1, 2] } };

let open: Array<{ hub: LiveHub<Rec>; store: WatchStore }> = [];

function setup(options: Partial<LiveHubOptions<Rec>> = {}, fake: FakeSource = fakeSource()) {
  const store = options.store ?? createMemoryWatchStore();
  const hub = createLiveHub<Rec>({ pollIntervalMs: I, ...options, store, source: options.source ?? fake.source });
  open.push({ hub, store });
  return { hub, fake, store };
}

afterEach(async () => {
  for (const { hub, store } of open) {
    await hub.close();
    await store.close();
  }
  open = [];
});

function syncError(f: () => unknown): LiveError {
  try {
    f();
  } catch (err) {
    return err as LiveError;
  }
  throw new Error('no error thrown');
}

describe('live hub: events', () => {
  it('INITIAL per record, then exactly one event per change, nothing when nothing changes', async () => {
    const { hub, fake } = setup();
    const sub = collect(hub.subscribe(TASKS));
    await sub.waitFor((e) => e.length === 3);
    expect(kinds(sub.events)).toEqual(['INITIAL:T:1', 'INITIAL:T:2', 'INITIAL:T:3']);
    expect(sub.events[0]!.record).toEqual({ taskId: 1, name: 'task 1', status: 1 });
    await sleep(4 * I);
    expect(sub.events).toHaveLength(3);

    fake.update('T:2', { status: 2 });
    await sub.waitFor((e) => e.length === 4);
    await sleep(4 * I);
    expect(sub.events).toHaveLength(4);
    expect(sub.events[3]).toMatchObject({ kind: 'UPDATED', id: 'T:2', record: { taskId: 2, status: 2 }, changedFields: ['status'] });

    fake.set('T:9', { taskId: 9, name: 'new', status: 1 });
    fake.remove('T:1');
    await sub.waitFor((e) => e.length === 6);
    expect(kinds(sub.events.slice(4))).toEqual(['ADDED:T:9', 'REMOVED:T:1']);
    expect(sub.events[5]!.record).toBeNull();
    expect(sub.events[5]!.previous).toEqual({ taskId: 1, name: 'task 1', status: 1 });
    expect(sub.events[3]!.previous).toBeNull();
    // Cursors move forward; INITIAL ones share the snapshot's position.
    expect(sub.events[0]!.cursor).toBe(sub.events[2]!.cursor);
    expect(new Set(sub.events.slice(3).map((e) => e.cursor)).size).toBe(3);
    await sub.stop();
  });

  it('events of one poll share one batch; INITIAL events share one', async () => {
    const { hub, fake } = setup();
    const sub = collect(hub.subscribe(TASKS));
    await sub.waitFor((e) => e.length === 3);
    fake.update('T:1', { status: 3 });
    fake.update('T:2', { status: 3 });
    await sub.waitFor((e) => e.length === 5);
    fake.update('T:3', { status: 3 });
    await sub.waitFor((e) => e.length === 6);
    const [i1, i2, , u1, u2, u3] = sub.events;
    expect(i1!.batch).toBe(i2!.batch);
    expect(u1!.batch).toBe(u2!.batch);
    expect(u3!.batch).not.toBe(u1!.batch);
    expect(u1!.batch.shared('ctx', () => ({ n: 1 }))).toBe(u2!.batch.shared('ctx', () => ({ n: 2 })));
    expect(u1!.observedAt).toBe(u1!.batch.observedAt);
    await sub.stop();
  });

  it('initial: false starts with live events only', async () => {
    const { hub, fake } = setup();
    const sub = collect(hub.subscribe(TASKS, { initial: false }));
    await sleep(3 * I);
    fake.update('T:3', { name: 'renamed' });
    await sub.waitFor((e) => e.length === 1);
    expect(sub.events[0]).toMatchObject({ kind: 'UPDATED', id: 'T:3', changedFields: ['name'] });
    await sub.stop();
  });

  it('maps changed fields when asked', async () => {
    const { hub, fake } = setup({ mapChangedFields: (entity, fields) => fields.map((f) => `${entity}.${f}`) });
    const sub = collect(hub.subscribe(TASKS));
    await sub.waitFor((e) => e.length === 3);
    fake.update('T:1', { status: 4 });
    await sub.waitFor((e) => e.length === 4);
    expect(sub.events[3]!.changedFields).toEqual(['GroupCallTask.status']);
    await sub.stop();
  });

  it('an ids watch keeps only its records', async () => {
    const { hub, fake } = setup();
    const sub = collect(hub.subscribe({ entity: 'GroupCallTask', ids: [{ line: 'GROUP_CALL', id: 'T:2', createdAt: 1_700_000_000_000 }] }));
    await sub.waitFor((e) => e.length === 1);
    expect(kinds(sub.events)).toEqual(['INITIAL:T:2']);
    fake.update('T:1', { status: 5 });
    fake.update('T:2', { status: 5 });
    await sub.waitFor((e) => e.length === 2);
    await sleep(3 * I);
    expect(kinds(sub.events)).toEqual(['INITIAL:T:2', 'UPDATED:T:2']);
    await sub.stop();
  });
});

describe('live hub: metrics', () => {
  it('counts subscriptions, watches, polls by outcome, upstream calls and events', async () => {
    const registry = new Registry();
    const { hub, fake } = setup({ metrics: createLiveMetrics(registry) });
    const value = async (name: string, labels: Record<string, string> = {}) =>
      (await registry.getSingleMetric(name)!.get()).values.find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x))?.value ?? 0;
    const sub = collect(hub.subscribe(TASKS));
    await sub.waitFor((e) => e.length === 3);
    fake.update('T:1', { status: 9 });
    await sub.waitFor((e) => e.length === 4);
    expect(await value('laaffic_live_subscriptions')).toBe(1);
    expect(await value('laaffic_live_watches')).toBe(1);
    expect(await value('laaffic_live_polls_total', { outcome: 'changed' })).toBe(1);
    expect(await value('laaffic_live_polls_total', { outcome: 'unchanged' })).toBeGreaterThanOrEqual(1);
    const calls = await value('laaffic_live_upstream_calls_total');
    expect(calls).toBeLessThanOrEqual(fake.calls);
    expect(calls).toBeGreaterThanOrEqual(fake.calls - 1); // one poll may be under way
    expect(await value('laaffic_live_events_total')).toBe(1);
    await sub.stop();
    expect(await value('laaffic_live_subscriptions')).toBe(0);
  });
});

describe('live hub: one poller per watch', () => {
  it('100 subscribers of one watch cost one poll per interval, and all hear every change', async () => {
    const { hub, fake } = setup();
    const subs = Array.from({ length: 100 }, () => collect(hub.subscribe({ entity: 'GroupCallTask', filter: { statuses: [2, 1, 1] } })));
    await until(() => subs.every((s) => s.events.length === 3), 5_000, 'INITIAL everywhere');
    expect(hub.stats()).toMatchObject({ subscriptions: 100, watches: 1, polling: 1 });
    const before = fake.calls;
    const t0 = Date.now();
    await sleep(10 * I);
    fake.update('T:1', { status: 2 });
    await until(() => subs.every((s) => s.events.length === 4), 5_000, 'the change everywhere');
    const intervals = (Date.now() - t0) / I;
    expect(fake.calls - before).toBeLessThanOrEqual(Math.ceil(intervals) + 1);
    expect(fake.calls - before).toBeGreaterThanOrEqual(Math.floor(intervals * 0.6));
    // One event object shared by all.
    expect(new Set(subs.map((s) => s.events[3])).size).toBe(1);
    await Promise.all(subs.map((s) => s.stop()));
  });

  it('two different watches are polled separately', async () => {
    const { hub, fake } = setup();
    const a = collect(hub.subscribe(TASKS));
    const b = collect(hub.subscribe({ entity: 'RecallFlow' }));
    await a.waitFor((e) => e.length === 3);
    await b.waitFor((e) => e.length === 3);
    expect(hub.stats().watches).toBe(2);
    await sleep(4 * I);
    const ha = hub.normalise(TASKS).hash;
    const hb = hub.normalise({ entity: 'RecallFlow' }).hash;
    expect(fake.callsOf(ha)).toBeGreaterThanOrEqual(3);
    expect(fake.callsOf(hb)).toBeGreaterThanOrEqual(3);
    await a.stop();
    await b.stop();
  });

  it('stops polling within one interval after the last subscriber leaves', async () => {
    const { hub, fake } = setup();
    const one = collect(hub.subscribe(TASKS));
    const two = collect(hub.subscribe(TASKS));
    await two.waitFor((e) => e.length === 3);
    await one.stop();
    await sleep(3 * I);
    const stillPolling = fake.calls;
    await sleep(2 * I);
    expect(fake.calls).toBeGreaterThan(stillPolling);
    await two.stop();
    await sleep(I + 10);
    const settled = fake.calls;
    await sleep(5 * I);
    expect(fake.calls - settled).toBe(0);
    expect(hub.stats()).toEqual({ subscriptions: 0, watches: 0, polling: 0 });
  });

  it('an abort signal ends the subscription (done) and frees its place', async () => {
    const { hub } = setup({ maxSubscriptions: 1 });
    const ac = new AbortController();
    const sub = collect(hub.subscribe(TASKS, { signal: ac.signal }));
    await sub.waitFor((e) => e.length === 3);
    ac.abort();
    await sub.waitForEnd();
    expect(sub.error).toBeUndefined();
    expect(hub.stats().subscriptions).toBe(0);
    const next = collect(hub.subscribe(TASKS));
    await next.waitFor((e) => e.length === 3);
    await next.stop();
  });
});

describe('live hub: failures', () => {
  it('refuses a watch past maxRecords with LIVE_WATCH_TOO_LARGE', async () => {
    const { hub } = setup({ maxRecords: 5 }, fakeSource(6));
    const sub = collect(hub.subscribe(TASKS));
    await sub.waitForEnd();
    expect(codeOf(sub.error)).toBe('LIVE_WATCH_TOO_LARGE');
    expect(sub.events).toEqual([]);
    const ids = Array.from({ length: 6 }, (_, i) => ({ line: 'GROUP_CALL' as const, id: `T:${i}`, createdAt: 1_700_000_000_000 }));
    expect(syncError(() => hub.subscribe({ entity: 'GroupCallTask', ids })).code).toBe('LIVE_WATCH_TOO_LARGE');
    await until(() => hub.stats().watches === 0, 1_000, 'the failed watch to go');
  });

  it('a watch that grows past maxRecords ends with LIVE_WATCH_TOO_LARGE', async () => {
    const { hub, fake } = setup({ maxRecords: 4 });
    const sub = collect(hub.subscribe(TASKS));
    await sub.waitFor((e) => e.length === 3);
    fake.set('T:4', { taskId: 4, name: '4', status: 1 });
    await sub.waitFor((e) => e.length === 4);
    fake.set('T:5', { taskId: 5, name: '5', status: 1 });
    await sub.waitForEnd();
    expect(codeOf(sub.error)).toBe('LIVE_WATCH_TOO_LARGE');
  });

  it('keeps the snapshot through failed polls, says nothing false, and ends after maxFailedPolls in a row', async () => {
    const { hub, fake } = setup({ maxFailedPolls: 3 });
    const sub = collect(hub.subscribe(TASKS));
    await sub.waitFor((e) => e.length === 3);
    const calls = fake.calls;
    fake.fail(2);
    await until(() => fake.calls >= calls + 2, 2_000, 'two failed polls');
    fake.update('T:1', { status: 7 });
    await sub.waitFor((e) => e.length === 4);
    // Diffed against the kept snapshot: one UPDATED, no REMOVED/ADDED storm.
    expect(kinds(sub.events.slice(3))).toEqual(['UPDATED:T:1']);

    const at = fake.calls;
    fake.fail(Infinity);
    await sub.waitForEnd(3_000);
    expect(fake.calls - at).toBe(3);
    expect(codeOf(sub.error)).toBe('LIVE_UPSTREAM_FAILED');
    expect((sub.error as LiveError).causeCode).toBe('UPSTREAM_UNAVAILABLE');
    expect((sub.error as LiveError).extensions).toEqual({ code: 'LIVE_UPSTREAM_FAILED', cause: 'UPSTREAM_UNAVAILABLE' });
    expect(sub.events).toHaveLength(4);
    await sleep(3 * I);
    expect(fake.calls - at).toBe(3);
    // A new subscriber starts the watch again.
    fake.heal();
    const again = collect(hub.subscribe(TASKS));
    await again.waitFor((e) => e.length === 3);
    await again.stop();
  });

  it('abandons a poll past pollTimeoutMs (its signal aborts) and counts it as failed', async () => {
    let aborted = 0;
    const hanging = (_w: unknown, { signal }: { signal: AbortSignal }) =>
      new Promise<never>(() => signal.addEventListener('abort', () => aborted++));
    const { hub } = setup({ source: hanging, pollTimeoutMs: 80, maxFailedPolls: 2 });
    const sub = collect(hub.subscribe(TASKS));
    await sub.waitForEnd(3_000);
    expect(codeOf(sub.error)).toBe('LIVE_UPSTREAM_FAILED');
    expect((sub.error as LiveError).causeCode).toBe('UPSTREAM_TIMEOUT');
    expect(aborted).toBe(2);
  });

  it('cuts off a slow consumer with LIVE_SLOW_CONSUMER, its queue bounded', async () => {
    const { hub, fake } = setup({ maxBuffered: 5 });
    const it = hub.subscribe(TASKS);
    for (let i = 0; i < 3; i++) expect((await it.next()).value.kind).toBe('INITIAL');
    const state = it as unknown as { buffered: number; isClosed: boolean };
    let peak = 0;
    let n = 0;
    while (!state.isClosed) {
      const buffered = state.buffered;
      fake.update('T:1', { status: 10 + n++ });
      await until(() => state.buffered > buffered || state.isClosed, 2_000, 'an event');
      peak = Math.max(peak, state.buffered);
    }
    // maxBuffered events of earlier polls may wait, plus the newest poll's: the seventh poll cuts it off.
    expect(n).toBe(7);
    expect(peak).toBe(6);
    expect(state.buffered).toBe(0); // dropped with the subscription
    await expect(it.next()).rejects.toMatchObject({ code: 'LIVE_SLOW_CONSUMER' });
    expect(await it.next()).toEqual({ done: true, value: undefined });
    expect(hub.stats().subscriptions).toBe(0);
  });

  it('limits subscriptions per process and per connection (LIVE_TOO_MANY_SUBSCRIPTIONS)', async () => {
    const { hub } = setup({ maxSubscriptions: 3, maxSubscriptionsPerConnection: 2 });
    const a = hub.subscribe(TASKS, { connectionId: 'c1' });
    hub.subscribe(TASKS, { connectionId: 'c1' });
    expect(syncError(() => hub.subscribe(TASKS, { connectionId: 'c1' })).code).toBe('LIVE_TOO_MANY_SUBSCRIPTIONS');
    hub.subscribe(TASKS, { connectionId: 'c2' });
    expect(syncError(() => hub.subscribe(TASKS, { connectionId: 'c3' })).code).toBe('LIVE_TOO_MANY_SUBSCRIPTIONS');
    await a.return!();
    const d = hub.subscribe(TASKS, { connectionId: 'c1' });
    expect(hub.stats().subscriptions).toBe(3);
    await d.return!();
  });

  it('ends every subscription with LIVE_SHUTTING_DOWN on close', async () => {
    const { hub } = setup();
    const sub = collect(hub.subscribe(TASKS));
    await sub.waitFor((e) => e.length === 3);
    await hub.close();
    await sub.waitForEnd();
    expect(codeOf(sub.error)).toBe('LIVE_SHUTTING_DOWN');
    expect(syncError(() => hub.subscribe(TASKS)).code).toBe('LIVE_SHUTTING_DOWN');
  });
});

describe('live hub: resuming with `after`', () => {
  it('replays the events after the cursor, then goes live', async () => {
    const { hub, fake } = setup();
    const first = collect(hub.subscribe(TASKS));
    await first.waitFor((e) => e.length === 3);
    for (const [n, id] of [[1, 'T:1'], [2, 'T:2'], [3, 'T:3']] as const) {
      fake.update(id, { status: 20 + n });
      await first.waitFor((e) => e.length === 3 + n);
    }
    await first.stop();
    const cursor = first.events[3]!.cursor;
    const resumed = collect(hub.subscribe(TASKS, { after: cursor }));
    await resumed.waitFor((e) => e.length === 2);
    expect(kinds(resumed.events)).toEqual(['UPDATED:T:2', 'UPDATED:T:3']);
    expect(resumed.events.map((e) => e.cursor)).toEqual(first.events.slice(4).map((e) => e.cursor));
    fake.update('T:1', { status: 99 });
    await resumed.waitFor((e) => e.length === 3);
    expect(resumed.events[2]).toMatchObject({ kind: 'UPDATED', id: 'T:1', record: { status: 99 } });
    // From the last cursor: nothing to replay, and no INITIAL.
    const current = collect(hub.subscribe(TASKS, { after: resumed.events[2]!.cursor }));
    await sleep(3 * I);
    expect(current.events).toEqual([]);
    await resumed.stop();
    await current.stop();
  });

  it('a live subscriber and a resumed one get the same events in the same order', async () => {
    const { hub, fake } = setup();
    const live = collect(hub.subscribe(TASKS));
    await live.waitFor((e) => e.length === 3);
    const resumed = collect(hub.subscribe(TASKS, { after: live.events[0]!.cursor }));
    for (let n = 0; n < 5; n++) {
      fake.update(`T:${(n % 3) + 1}`, { status: 30 + n });
      await live.waitFor((e) => e.length === 4 + n);
    }
    await resumed.waitFor((e) => e.length === 5);
    expect(resumed.events.map((e) => e.cursor)).toEqual(live.events.slice(3).map((e) => e.cursor));
    await live.stop();
    await resumed.stop();
  });

  it('restarts with INITIAL events when the cursor is too old (trimmed) or of a replaced stream', async () => {
    const { hub, fake } = setup({ replayEvents: 2 });
    const first = collect(hub.subscribe(TASKS));
    await first.waitFor((e) => e.length === 3);
    for (let n = 1; n <= 4; n++) {
      fake.update('T:1', { status: 40 + n });
      await first.waitFor((e) => e.length === 3 + n);
    }
    const old = collect(hub.subscribe(TASKS, { after: first.events[3]!.cursor }));
    await old.waitFor((e) => e.length === 3);
    expect(old.events.map((e) => e.kind)).toEqual(['INITIAL', 'INITIAL', 'INITIAL']);
    expect(old.events.find((e) => e.id === 'T:1')!.record).toMatchObject({ status: 44 });
    const w = hub.normalise(TASKS).hash;
    const replaced = collect(hub.subscribe(TASKS, { after: encodeLiveCursor({ watch: w, epoch: 'gone', id: '1-0' }) }));
    await replaced.waitFor((e) => e.length === 3);
    expect(replaced.events.every((e) => e.kind === 'INITIAL')).toBe(true);
    await Promise.all([first.stop(), old.stop(), replaced.stop()]);
  });

  it('refuses a malformed cursor or one of another watch with BAD_USER_INPUT, at once', async () => {
    const { hub } = setup();
    expect(syncError(() => hub.subscribe(TASKS, { after: 'nonsense!' })).code).toBe('BAD_USER_INPUT');
    const other = encodeLiveCursor({ watch: hub.normalise({ entity: 'RecallFlow' }).hash, epoch: 'e', id: '1-0' });
    expect(syncError(() => hub.subscribe(TASKS, { after: other })).code).toBe('BAD_USER_INPUT');
    expect(hub.stats().subscriptions).toBe(0);
  });
});
