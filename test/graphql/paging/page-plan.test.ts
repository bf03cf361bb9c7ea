/**
 * paging/page-plan.ts: the fewest upstream page calls for a Relay window (offset, limit), by table, by
 * exhaustive check of the "one call whenever a size fits" rule, and by a property that slices a
 * simulated page-numbered list.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_PAGE_SIZE, planPages, sliceWindow, type PageCall } from '../../../src/graphql/paging/page-plan';

/** Serves `items` the way the upstream does: page `current` (1-based) of `size` records. */
const serve = <T>(items: T[], c: PageCall): T[] => items.slice((c.current - 1) * c.size, c.current * c.size);

/** Whether some size in [limit, 100] puts offset and offset + limit - 1 on the same page. */
const someSizeFits = (offset: number, limit: number) => {
  for (let s = limit; s <= MAX_PAGE_SIZE; s++) if (Math.floor(offset / s) === Math.floor((offset + limit - 1) / s)) return true;
  return false;
};

describe('planPages', () => {
  it.each<[number, number, PageCall[], number]>([
    [0, 20, [{ current: 1, size: 20 }], 0],
    [20, 20, [{ current: 2, size: 20 }], 0],
    [7, 7, [{ current: 2, size: 7 }], 0],
    [14, 7, [{ current: 3, size: 7 }], 0],
    [0, 1, [{ current: 1, size: 1 }], 0],
    [12345, 1, [{ current: 12346, size: 1 }], 0],
    // size 10..14 split the window; 15 holds 0..14
    [5, 10, [{ current: 1, size: 15 }], 5],
    // 95..104: sizes 10..14 split it, 15 puts it on page 7 (90..104)
    [95, 10, [{ current: 7, size: 15 }], 5],
    // 99..100: size 2 splits it (98..99 | 100..101), size 3 holds it (99..101)
    [99, 2, [{ current: 34, size: 3 }], 0],
    // 95..100: sizes 6..12 split it, 13 holds it on page 8 (91..103)
    [95, 6, [{ current: 8, size: 13 }], 4],
    [190, 20, [{ current: 10, size: 21 }], 1],
    [250, 60, [{ current: 5, size: 62 }], 2],
    [150, 51, [{ current: 3, size: 67 }], 16],
    [99, 51, [{ current: 2, size: 75 }], 24],
    [0, 100, [{ current: 1, size: 100 }], 0],
    [100, 100, [{ current: 2, size: 100 }], 0],
    // no size in [limit, 100] fits: two consecutive pages of size `limit`
    [1, 100, [{ current: 1, size: 100 }, { current: 2, size: 100 }], 1],
    [50, 100, [{ current: 1, size: 100 }, { current: 2, size: 100 }], 50],
    [250, 100, [{ current: 3, size: 100 }, { current: 4, size: 100 }], 50],
    [30, 80, [{ current: 1, size: 80 }, { current: 2, size: 80 }], 30],
    [50, 70, [{ current: 1, size: 70 }, { current: 2, size: 70 }], 50],
  ])('(offset %i, limit %i) → %j, skip %i', (offset, limit, calls, skip) => {
    expect(planPages(offset, limit)).toEqual({ calls, skip });
  });

  it('never plans more than 2 calls, and plans 1 exactly when some size in [limit, 100] fits', () => {
    for (let limit = 1; limit <= MAX_PAGE_SIZE; limit++) {
      for (let offset = 0; offset <= 1000; offset++) {
        const { calls, skip } = planPages(offset, limit);
        const fits = someSizeFits(offset, limit);
        if (calls.length !== (fits ? 1 : 2)) expect({ offset, limit, calls }).toEqual({ offset, limit, calls: fits ? 'one call' : 'two calls' });
        for (const c of calls) {
          if (!(c.size >= limit && c.size <= MAX_PAGE_SIZE && Number.isInteger(c.current) && c.current >= 1)) {
            expect({ offset, limit, call: c }).toBe('a page call with size in [limit, 100] and current >= 1');
          }
        }
        // The window starts at `skip` inside the planned pages and ends inside them too.
        const first = calls[0]!;
        if ((first.current - 1) * first.size + skip !== offset || skip + limit > calls.reduce((n, c) => n + c.size, 0)) {
          expect({ offset, limit, calls, skip }).toBe('a plan covering the window');
        }
      }
    }
  });

  it('takes the smallest fitting size (fewest surplus records)', () => {
    // 5..14: size 10 splits (0..9 | 10..19); 11..14 split too; 15 is the first to fit.
    expect(planPages(5, 10).calls[0]!.size).toBe(15);
    for (let s = 10; s < 15; s++) expect(Math.floor(5 / s)).not.toBe(Math.floor(14 / s));
  });

  it('refuses offsets and limits outside the domain', () => {
    for (const [o, l] of [
      [-1, 5],
      [1.5, 5],
      [0, 0],
      [0, 101],
      [0, 2.5],
      [Number.NaN, 5],
    ] as const) {
      expect(() => planPages(o, l)).toThrow(RangeError);
    }
  });
});

describe('sliceWindow over a simulated page-numbered list', () => {
  it('returns exactly items.slice(offset, offset + limit) for any total, offset and limit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 1100 }), fc.integer({ min: 1, max: 100 }), (total, offset, limit) => {
        const items = Array.from({ length: total }, (_, i) => i);
        const plan = planPages(offset, limit);
        expect(plan.calls.length).toBeLessThanOrEqual(2);
        const pages = plan.calls.map((c) => serve(items, c));
        expect(sliceWindow(plan, pages, limit)).toEqual(items.slice(offset, offset + limit));
      }),
      { numRuns: 2000 },
    );
  });

  it('handles a short last page and a window past the end', () => {
    const items = Array.from({ length: 23 }, (_, i) => `r${i}`);
    const plan = planPages(20, 7); // 20..26 → size 7 splits (14..20 | 21..27); size 9: page 3 = 18..26
    expect(plan).toEqual({ calls: [{ current: 3, size: 9 }], skip: 2 });
    expect(sliceWindow(plan, plan.calls.map((c) => serve(items, c)), 7)).toEqual(['r20', 'r21', 'r22']);
    const past = planPages(30, 5);
    expect(sliceWindow(past, past.calls.map((c) => serve(items, c)), 5)).toEqual([]);
  });
});
