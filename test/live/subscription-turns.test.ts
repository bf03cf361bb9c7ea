/**
 * Delivery lets the event loop turn: subscribers whose consumers never wait (every event already
 * queued, a socket with room) must not hold the process for the whole fan-out of a poll, or timers
 * (the lease's renewal), sockets and Redis replies wait behind it and a busy replica looks dead.
 */
import { describe, expect, it } from 'vitest';
import { LiveBatch, type LiveEvent } from '../../src/live/events';
import { Subscription, TURN_BUDGET_MS } from '../../src/live/subscription';

const batch = new LiveBatch('p1', 1);
const ev = (i: number): LiveEvent<number> => ({
  kind: 'UPDATED',
  id: `T:${i}`,
  record: i,
  previous: null,
  changedFields: ['status'],
  observedAt: 1,
  cursor: `c-${i}`,
  batch,
});

/** Burns CPU like a GraphQL execution and a write per event would. */
function work(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // busy
  }
}

describe('Subscription: the event loop keeps turning during a fan-out', () => {
  it('100 consumers draining 50 queued events each (0.2 ms per event): timers run within the budget, every event arrives in order', async () => {
    const subs = Array.from({ length: 100 }, () => new Subscription<number>(1_000, () => {}));
    for (const s of subs) s.begin([], null);
    for (let i = 0; i < 50; i++) for (const s of subs) s.push(ev(i), { epoch: 'E', id: `${i + 1}-0` });

    // A timer that must keep ticking, as the lease's renewal does.
    const gaps: number[] = [];
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      gaps.push(now - last);
      last = now;
    }, 1);
    const received = subs.map(() => [] as number[]);
    const started = performance.now();
    await Promise.all(
      subs.map(async (s, k) => {
        for (let i = 0; i < 50; i++) {
          const { value } = await s.next();
          work(0.2);
          received[k]!.push(value!.record as number);
        }
      }),
    );
    const took = performance.now() - started;
    clearInterval(timer);
    for (const r of received) expect(r).toEqual(Array.from({ length: 50 }, (_, i) => i));
    // 5,000 events at 0.2 ms: about a second of work. Without turns the timer would not fire once
    // before the end; with them its longest wait is about one budget (plus one event, plus a shared machine's slack).
    expect(took).toBeGreaterThan(500);
    expect(gaps.length).toBeGreaterThan(10);
    expect(Math.max(...gaps)).toBeLessThan(TURN_BUDGET_MS + 230);
  });
});
