/** join/join-plan.ts, pure: merged parent windows, and scan versus name search by calls left. */
import { describe, expect, it } from 'vitest';
import { chooseStrategy, mergeWindows, type ParentKey } from '../../../src/graphql/join/join-plan';

const H = 3_600_000;
const key = (taskId: number, hint: number, name = `task ${taskId}`): ParentKey => ({ taskId, hint, name });

describe('mergeWindows', () => {
  it('gives each key the window [hint - lookback, hint + skew]', () => {
    const [w] = mergeWindows([key(1, 100 * H)], 24 * H, 5 * 60_000);
    expect(w).toEqual({ from: 76 * H, to: 100 * H + 300_000, keys: [key(1, 100 * H)] });
  });

  it('merges overlapping windows and keeps far ones apart', () => {
    const keys = [key(1, 100 * H), key(2, 110 * H), key(3, 1000 * H), key(4, 101 * H)];
    const windows = mergeWindows(keys, 24 * H, 0);
    expect(windows).toHaveLength(2);
    expect(windows[0]!.keys.map((k) => k.taskId)).toEqual([1, 4, 2]);
    expect(windows[0]!.from).toBe(76 * H);
    expect(windows[0]!.to).toBe(110 * H);
    expect(windows[1]!.keys.map((k) => k.taskId)).toEqual([3]);
  });

  it('never makes a window longer than the upstream serves: merging stops there, a long own window is cut', () => {
    // Parents a day apart, 10 days in all: one window of 10 days, or 4-day windows at most.
    const keys = Array.from({ length: 10 }, (_, i) => key(i, (100 + 24 * i) * H));
    expect(mergeWindows(keys, 24 * H, 0)).toHaveLength(1);
    const capped = mergeWindows(keys, 24 * H, 0, 96 * H);
    expect(capped.length).toBeGreaterThan(1);
    for (const w of capped) expect(w.to - w.from).toBeLessThanOrEqual(96 * H);
    expect(capped.flatMap((w) => w.keys.map((k) => k.taskId)).sort((a, b) => a - b)).toEqual(keys.map((k) => k.taskId));
    const own = mergeWindows([{ ...key(1, 0), window: { from: 0, to: 1000 * H } }], 24 * H, 0, 96 * H);
    expect(own).toEqual([{ from: 0, to: 96 * H, keys: [expect.objectContaining({ taskId: 1 })] }]);
  });

  it('returns no window for no keys', () => {
    expect(mergeWindows([], H, 0)).toEqual([]);
  });
});

describe('chooseStrategy', () => {
  const missing = (n: number, distinctNames = n) => Array.from({ length: n }, (_, i) => key(i, 0, `name ${i % distinctNames}`));

  it('scans when the remaining pages are fewer than the names to search', () => {
    // 215 tasks: 2 more pages vs 40 searches.
    expect(chooseStrategy(215, 1, missing(40))).toBe('scan');
  });

  it('searches when few parents hide in a long window', () => {
    // 5,000 tasks: 49 more pages vs 3 searches.
    expect(chooseStrategy(5_000, 1, missing(3))).toBe('search');
  });

  it('counts distinct names, not keys', () => {
    // 10 more pages vs 12 keys sharing 4 names.
    expect(chooseStrategy(1_100, 1, missing(12, 4))).toBe('search');
    expect(chooseStrategy(1_100, 1, missing(12, 12))).toBe('scan');
  });

  it('prefers the scan on a tie (it also primes every task it reads)', () => {
    expect(chooseStrategy(300, 1, missing(2))).toBe('scan');
  });

  it('scans when a parent has no name to search for', () => {
    expect(chooseStrategy(10_000, 1, [key(1, 0, '')])).toBe('scan');
  });
});
