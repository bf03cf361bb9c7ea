import { describe, expect, it } from 'vitest';
import { LiveError } from '../../src/live/errors';
import { LiveBatch, type LiveEvent } from '../../src/live/events';
import { Subscription } from '../../src/live/subscription';

const batch = new LiveBatch('p1', 1);
const ev = (id: string, kind: LiveEvent<number>['kind'] = 'UPDATED'): LiveEvent<number> => ({
  kind,
  id,
  record: 1,
  previous: null,
  changedFields: [],
  observedAt: 1,
  cursor: `c-${id}`,
  batch,
});
const at = (id: string) => ({ epoch: 'E', id });

function make(maxBuffered = 3, signal?: AbortSignal) {
  const cleaned: unknown[] = [];
  const sub = new Subscription<number>(maxBuffered, (s) => cleaned.push(s), signal);
  return { sub, cleaned };
}

const ids = async (sub: Subscription<number>, n: number) => {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push((await sub.next()).value!.id);
  return out;
};

describe('Subscription', () => {
  it('delivers its head first (even one still being read), then live events, skipping what the head covered', async () => {
    const { sub } = make(10);
    let resolve!: (e: LiveEvent<number>[]) => void;
    sub.begin(new Promise((r) => (resolve = r)), at('5-0'));
    sub.push(ev('old'), at('4-0'));
    sub.push(ev('live1'), at('6-0'));
    const first = sub.next();
    resolve([ev('r1'), ev('r2')]);
    expect((await first).value!.id).toBe('r1');
    expect(await ids(sub, 2)).toEqual(['r2', 'live1']);
    const waiting = sub.next();
    sub.push(ev('live2'), at('7-0'));
    expect((await waiting).value!.id).toBe('live2');
  });

  it('ends with its error after the queued events; cleanup runs once', async () => {
    const { sub, cleaned } = make(10);
    sub.begin([ev('i', 'INITIAL')]);
    sub.push(ev('a'), at('1-0'));
    sub.fail(new LiveError('LIVE_UPSTREAM_FAILED', 'x'));
    sub.fail(new LiveError('LIVE_WATCH_TOO_LARGE', 'y'));
    expect(await ids(sub, 2)).toEqual(['i', 'a']);
    await expect(sub.next()).rejects.toMatchObject({ code: 'LIVE_UPSTREAM_FAILED' });
    expect(await sub.next()).toEqual({ done: true, value: undefined });
    await sub.return();
    expect(cleaned).toHaveLength(1);
  });

  it('past maxBuffered waiting events of earlier polls: LIVE_SLOW_CONSUMER at once, the queue dropped', async () => {
    const { sub, cleaned } = make(3);
    sub.begin([]);
    // Four polls of one event each: three wait; the fourth poll's event is the one that may wait.
    for (let i = 1; i <= 4; i++) sub.push({ ...ev(`e${i}`), batch: new LiveBatch(`p${i}`, i) }, at(`${i}-0`));
    expect(sub.isClosed).toBe(false);
    sub.push({ ...ev('e5'), batch: new LiveBatch('p5', 5) }, at('5-0'));
    expect(sub.buffered).toBe(0);
    expect(sub.isClosed).toBe(true);
    expect(cleaned).toHaveLength(1);
    await expect(sub.next()).rejects.toMatchObject({ code: 'LIVE_SLOW_CONSUMER' });
    sub.push(ev('late'), at('9-0'));
    expect(await sub.next()).toEqual({ done: true, value: undefined });
  });

  it('one poll larger than maxBuffered is no slow consumer: a reader that keeps up gets all of it', async () => {
    const { sub } = make(3);
    sub.begin([]);
    for (let i = 1; i <= 10; i++) sub.push(ev(`big${i}`), at(`1-${i}`));
    expect(sub.isClosed).toBe(false);
    expect(await ids(sub, 10)).toEqual(Array.from({ length: 10 }, (_, i) => `big${i + 1}`));
    // The same poll waiting whole when the next comes: that one is a slow consumer.
    for (let i = 1; i <= 4; i++) sub.push(ev(`next${i}`), at(`2-${i}`));
    sub.push({ ...ev('later'), batch: new LiveBatch('p2', 2) }, at('3-0'));
    expect(sub.isClosed).toBe(true);
  });

  it('return() and an aborted signal end it quietly, waking a pending next()', async () => {
    const ac = new AbortController();
    const { sub, cleaned } = make(3, ac.signal);
    sub.begin([]);
    const pending = sub.next();
    ac.abort();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(cleaned).toHaveLength(1);
    const other = make(3);
    other.sub.begin([ev('x')]);
    expect(await other.sub.return()).toEqual({ done: true, value: undefined });
    expect(await other.sub.next()).toEqual({ done: true, value: undefined });
    const already = new AbortController();
    already.abort();
    expect(make(3, already.signal).sub.isClosed).toBe(true);
  });
});

describe('LiveBatch', () => {
  it('memoises one value per key for the whole batch', () => {
    const b = new LiveBatch('p', 5);
    let made = 0;
    const one = b.shared('ctx', () => ({ n: ++made }));
    expect(b.shared('ctx', () => ({ n: ++made }))).toBe(one);
    expect(b.shared('other', () => ++made)).toBe(2);
    expect(new LiveBatch('q', 5).shared('ctx', () => 'fresh')).toBe('fresh');
  });
});
