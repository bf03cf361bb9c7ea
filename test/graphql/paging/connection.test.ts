/**
 * paging/connection.ts, pure: Relay first/after/last/before over an in-memory page-numbered list, with
 * every upstream page call recorded, pageInfo at both ends, and what `last` costs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PAGE_SIZE,
  resolveConnection,
  resolveWindow,
  type ConnectionArgs,
  type FetchPage,
  type ListWindow,
} from '../../../src/graphql/paging/connection';
import { decodeCursor, encodeCursor } from '../../../src/graphql/paging/cursor';
import { InputError } from '../../../src/graphql/errors';

const FP = 'fingerprint1';
const WINDOW: ListWindow = { from: 1_000_000, to: 2_000_000, filter: FP };

/** An upstream list of `total` records served as pages, recording each call. */
function list(total: number) {
  const items = Array.from({ length: total }, (_, i) => `r${i}`);
  const calls: Array<{ current: number; size: number; window: ListWindow }> = [];
  const fetchPage: FetchPage<string> = async (current, size, window) => {
    calls.push({ current, size, window });
    if (size < 1 || size > 100) throw new Error(`size out of range: ${size}`);
    return { records: items.slice((current - 1) * size, current * size), total };
  };
  return { items, calls, fetchPage };
}

const cursorAt = (offset: number, w: ListWindow = WINDOW) => encodeCursor({ offset, from: w.from, to: w.to, filter: w.filter });

async function page(l: ReturnType<typeof list>, args: ConnectionArgs, totals = new Map<string, number>()) {
  const resolved = resolveWindow(args, { createdFrom: WINDOW.from * 1000, createdTo: WINDOW.to * 1000, defaultWindowSeconds: 0, now: 0 }, FP);
  const c = await resolveConnection(args, resolved, l.fetchPage, totals);
  return { ...c, nodes: c.edges.map((e) => e.node), offsets: c.edges.map((e) => decodeCursor(e.cursor, 'after').offset) };
}

async function rejects(p: Promise<unknown> | (() => unknown)) {
  let thrown: unknown;
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(InputError);
  expect((thrown as InputError).code).toBe('BAD_USER_INPUT');
}

describe('forward: first / after', () => {
  it('first page: records 0..6, hasNextPage, no previous page, one call', async () => {
    const l = list(30);
    const c = await page(l, { first: 7 });
    expect(c.nodes).toEqual(l.items.slice(0, 7));
    expect(c.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false, startCursor: c.edges[0]!.cursor, endCursor: c.edges[6]!.cursor });
    expect(c.totalCount).toBe(30);
    expect(l.calls.map(({ current, size }) => ({ current, size }))).toEqual([{ current: 1, size: 7 }]);
    expect(l.calls[0]!.window).toEqual(WINDOW);
  });

  it('walks to the end with after = endCursor, each record once, pageInfo right at both ends', async () => {
    const l = list(30);
    const seen: string[] = [];
    let after: string | null = null;
    for (let i = 0; ; i++) {
      const c = await page(l, { first: 7, after });
      seen.push(...c.nodes);
      expect(c.pageInfo.hasPreviousPage).toBe(i > 0);
      if (!c.pageInfo.hasNextPage) {
        expect(i).toBe(4);
        expect(c.nodes).toEqual(['r28', 'r29']);
        break;
      }
      after = c.pageInfo.endCursor;
    }
    expect(seen).toEqual(l.items);
    expect(l.calls).toHaveLength(5);
  });

  it('after the last record: empty page, hasPreviousPage, null cursors', async () => {
    const l = list(10);
    const c = await page(l, { first: 5, after: cursorAt(9) });
    expect(c.nodes).toEqual([]);
    expect(c.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true, startCursor: null, endCursor: null });
    expect(c.totalCount).toBe(10);
  });

  it(`defaults to ${DEFAULT_PAGE_SIZE} records when neither first nor last is given`, async () => {
    const l = list(50);
    const c = await page(l, {});
    expect(c.nodes).toEqual(l.items.slice(0, DEFAULT_PAGE_SIZE));
    expect(c.pageInfo.hasNextPage).toBe(true);
  });

  it('first with before: the first records before the cursor', async () => {
    const l = list(30);
    const c = await page(l, { first: 5, before: cursorAt(3) });
    expect(c.nodes).toEqual(['r0', 'r1', 'r2']);
    expect(c.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
  });

  it('cursors carry the offset, the pinned window and the filter fingerprint', async () => {
    const l = list(30);
    const c = await page(l, { first: 3, after: cursorAt(10) });
    expect(c.edges.map((e) => decodeCursor(e.cursor, 'after'))).toEqual([11, 12, 13].map((offset) => ({ offset, ...WINDOW })));
  });

  it('an empty list: no edges, no pages either way, totalCount 0', async () => {
    const l = list(0);
    for (const args of [{ first: 5 }, { last: 5 }]) {
      const c = await page(l, args);
      expect(c.nodes).toEqual([]);
      expect(c.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null });
      expect(c.totalCount).toBe(0);
    }
  });
});

describe('backward: last / before', () => {
  it('last without before on a short list: the tail, from the one total-probing call', async () => {
    const l = list(30);
    const c = await page(l, { last: 7 });
    expect(c.nodes).toEqual(l.items.slice(23));
    expect(c.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    expect(c.totalCount).toBe(30);
    expect(l.calls.map(({ current, size }) => ({ current, size }))).toEqual([{ current: 1, size: 100 }]);
  });

  it('last without before on a long list costs exactly one extra call', async () => {
    const l = list(250);
    const c = await page(l, { last: 7 });
    expect(c.nodes).toEqual(l.items.slice(243));
    expect(l.calls).toHaveLength(2);
    expect(l.calls[0]).toMatchObject({ current: 1, size: 100 });
  });

  it('last without before costs no extra call when the request already knows the total', async () => {
    for (const total of [30, 250]) {
      const l = list(total);
      const totals = new Map([[`${FP}|${WINDOW.from}|${WINDOW.to}`, total]]);
      const c = await page(l, { last: 7 }, totals);
      expect(c.nodes).toEqual(l.items.slice(total - 7));
      expect(c.totalCount).toBe(total);
      expect(l.calls).toHaveLength(1);
      expect(l.calls[0]!.size).toBeLessThan(100);
    }
  });

  it('a request learns the total once: first then last on the same list probes nothing', async () => {
    const l = list(250);
    const totals = new Map<string, number>();
    await page(l, { first: 3 }, totals);
    await page(l, { last: 3 }, totals);
    expect(l.calls).toHaveLength(2);
  });

  it('walks back to the start with before = startCursor, each record once', async () => {
    const l = list(30);
    const pages: string[][] = [];
    let before: string | null = null;
    for (let i = 0; ; i++) {
      const c = await page(l, { last: 7, before });
      pages.unshift(c.nodes);
      expect(c.pageInfo.hasNextPage).toBe(i > 0);
      expect(c.offsets).toEqual(c.nodes.map((n) => Number(n.slice(1))));
      if (!c.pageInfo.hasPreviousPage) {
        expect(c.nodes).toEqual(['r0', 'r1']);
        break;
      }
      before = c.pageInfo.startCursor;
    }
    expect(pages.flat()).toEqual(l.items);
    // Only the first page had to learn the total; every later one is a planned window (≤ 2 calls).
    expect(l.calls[0]).toMatchObject({ current: 1, size: 100 });
  });

  it('last with before: the records just before the cursor', async () => {
    const l = list(30);
    const c = await page(l, { last: 4, before: cursorAt(10) });
    expect(c.nodes).toEqual(['r6', 'r7', 'r8', 'r9']);
    expect(c.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
  });

  it('before the first record: empty page with hasNextPage', async () => {
    const l = list(30);
    const c = await page(l, { last: 4, before: cursorAt(0) });
    expect(c.nodes).toEqual([]);
    expect(c.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false, startCursor: null, endCursor: null });
    expect(c.totalCount).toBe(30);
  });

  it('a before cursor past the end of a list that shrank: the last records, with a way back', async () => {
    const l = list(12); // the cursor came from a list of 30; 18 records have gone since
    const c = await page(l, { last: 4, before: cursorAt(25) });
    expect(c.nodes).toEqual(['r8', 'r9', 'r10', 'r11']);
    expect(c.offsets).toEqual([8, 9, 10, 11]);
    expect(c.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    expect(c.pageInfo.startCursor).not.toBeNull();
    expect(c.totalCount).toBe(12);
    // One call finds the records gone (and the new total), one fetches the new last records.
    expect(l.calls).toHaveLength(2);
    // And paging back from there reaches the start.
    const back = await page(l, { last: 8, before: c.pageInfo.startCursor });
    expect(back.nodes).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7']);
    expect(back.pageInfo.hasPreviousPage).toBe(false);
  });

  it('a before cursor past the end, wide pages: at most two calls to find out, two to page back', async () => {
    const l = list(150);
    const c = await page(l, { last: 100, before: cursorAt(251) });
    expect(c.offsets).toEqual(Array.from({ length: 100 }, (_, i) => 50 + i));
    expect(c.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    expect(l.calls.length).toBeLessThanOrEqual(4);
  });

  it('a before cursor past the end of a list whose total the request already knows: no wasted call', async () => {
    const l = list(12);
    const totals = new Map<string, number>();
    await page(l, { first: 5 }, totals);
    l.calls.length = 0;
    const c = await page(l, { last: 4, before: cursorAt(25) }, totals);
    expect(c.nodes).toEqual(['r8', 'r9', 'r10', 'r11']);
    expect(l.calls).toHaveLength(1);
  });

  it('a before cursor past the end of a list that is now empty: an empty page, no previous page', async () => {
    const l = list(0);
    const c = await page(l, { last: 4, before: cursorAt(25) });
    expect(c.nodes).toEqual([]);
    expect(c.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null });
    expect(l.calls).toHaveLength(1);
  });

  it('last with after and no before: the tail after the cursor', async () => {
    const l = list(30);
    expect((await page(l, { last: 5, after: cursorAt(27) })).nodes).toEqual(['r28', 'r29']);
    expect((await page(l, { last: 3, after: cursorAt(10) })).nodes).toEqual(['r27', 'r28', 'r29']);
  });

  it('after and before together: the records between them', async () => {
    const l = list(30);
    const c = await page(l, { first: 100, after: cursorAt(3), before: cursorAt(8) });
    expect(c.nodes).toEqual(['r4', 'r5', 'r6', 'r7']);
    expect(c.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
  });
});

describe('any window (property)', () => {
  it('first/after and last/before return the Relay slice with exact pageInfo, within 2 calls a page', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 320 }),
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: -1, max: 330 }),
        fc.boolean(),
        async (total, size, cursor, forward) => {
          const l = list(total);
          // A before-cursor past the end only comes from a list that shrank (see the report); keep
          // backward cursors on existing records.
          if (!forward && cursor >= total) cursor = total - 1;
          const hasCursor = cursor >= 0;
          const c = await page(l, forward ? { first: size, after: hasCursor ? cursorAt(cursor) : null } : { last: size, before: hasCursor ? cursorAt(cursor) : null });
          let start: number;
          let end: number;
          if (forward) {
            start = hasCursor ? cursor + 1 : 0;
            end = Math.min(total, start + size);
          } else {
            end = hasCursor ? cursor : total;
            start = Math.max(0, end - size);
          }
          expect(c.nodes).toEqual(l.items.slice(start, Math.max(start, end)));
          expect(c.totalCount).toBe(total);
          expect(c.pageInfo.hasPreviousPage).toBe(start > 0 && total > 0);
          expect(c.pageInfo.hasNextPage).toBe(start + c.nodes.length < total);
          // At most one call to learn the total plus the planned window's at most two.
          expect(l.calls.length).toBeLessThanOrEqual(forward || hasCursor ? 2 : 3);
        },
      ),
      { numRuns: 600 },
    );
  });
});

describe('page size and cursor checks', () => {
  it.each<[string, ConnectionArgs]>([
    ['first 0', { first: 0 }],
    ['first 101', { first: 101 }],
    ['first -5', { first: -5 }],
    ['first 2.5', { first: 2.5 }],
    ['last -1', { last: -1 }],
    ['last 0', { last: 0 }],
    ['last 1000', { last: 1000 }],
  ])('%s is BAD_USER_INPUT, before any upstream call', async (_name, args) => {
    const l = list(30);
    await rejects(page(l, args));
    expect(l.calls).toHaveLength(0);
  });

  it('a cursor of another filter is BAD_USER_INPUT', async () => {
    const other = cursorAt(3, { ...WINDOW, filter: 'another' });
    await rejects(() => resolveWindow({ after: other }, { defaultWindowSeconds: 60, now: 5e12 }, FP));
    await rejects(() => resolveWindow({ before: other }, { defaultWindowSeconds: 60, now: 5e12 }, FP));
  });

  it('after and before from differently pinned lists are BAD_USER_INPUT', async () => {
    await rejects(() =>
      resolveWindow({ after: cursorAt(1), before: cursorAt(5, { ...WINDOW, to: WINDOW.to + 1 }) }, { defaultWindowSeconds: 60, now: 5e12 }, FP),
    );
  });

  it('a malformed cursor is BAD_USER_INPUT', async () => {
    await rejects(() => resolveWindow({ after: 'garbage!' }, { defaultWindowSeconds: 60, now: 5e12 }, FP));
    await rejects(() => resolveWindow({ before: 'eyJvIjoxfQ' }, { defaultWindowSeconds: 60, now: 5e12 }, FP));
  });
});

describe('resolveWindow', () => {
  const now = 1_717_200_000_500; // mid-second

  it('explicit bounds win, rounded inward to whole seconds', () => {
    const { window } = resolveWindow({ after: cursorAt(2) }, { createdFrom: 1_000_000_200, createdTo: 1_000_100_900, defaultWindowSeconds: 60, now }, FP);
    expect(window).toEqual({ from: 1_000_001, to: 1_000_100, filter: FP });
  });

  it('defaults: the end is the last whole second before now, the start a default window before it', () => {
    const { window } = resolveWindow({}, { defaultWindowSeconds: 30 * 86_400, now }, FP);
    expect(window.to).toBe(1_717_199_999);
    expect(window.from).toBe(1_717_199_999 - 30 * 86_400);
  });

  it('a cursor pins the window of the first page, whatever the clock says now', () => {
    const pinned = { from: 1_600_000_000, to: 1_600_086_400, filter: FP };
    const { window, after } = resolveWindow({ after: cursorAt(6, pinned) }, { defaultWindowSeconds: 60, now: now + 3_600_000 }, FP);
    expect(window).toEqual(pinned);
    expect(after?.offset).toBe(6);
  });

  it('an explicit start with a defaulted end keeps the pinned end', () => {
    const pinned = { from: 1_600_000_000, to: 1_600_086_400, filter: FP };
    const { window } = resolveWindow({ before: cursorAt(6, pinned) }, { createdFrom: 1_600_000_000_000, defaultWindowSeconds: 60, now }, FP);
    expect(window).toEqual(pinned);
  });

  it('createdFrom after createdTo is BAD_USER_INPUT', async () => {
    await rejects(() => resolveWindow({}, { createdFrom: 2_000_000_000_000, createdTo: 1_000_000_000_000, defaultWindowSeconds: 60, now }, FP));
    await rejects(() => resolveWindow({}, { createdFrom: now + 10_000, defaultWindowSeconds: 60, now }, FP));
  });

  it('a server-chosen start after the end gives an empty one-second window, not an error', () => {
    const { window } = resolveWindow({}, { createdFrom: now, defaultWindowSeconds: 0, now, clampFrom: true }, FP);
    expect(window.from).toBe(window.to);
  });
});
