/**
 * merged-connection.ts without a server: two newest-first lines in memory (counting their calls),
 * walked forward and backward at several page sizes; every walk equals the merge of the two
 * lines, nothing twice, nothing missing, and each page costs at most one call per line (two where
 * no page size puts a line's window on one page).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Connection } from '../../../src/graphql/paging/connection';
import {
  decodeMergedCursor,
  encodeMergedCursor,
  newestFirst,
  resolveLinesConnection,
  type LinesListOptions,
} from '../../../src/graphql/paging/merged-connection';
import { encodeCursor } from '../../../src/graphql/paging/cursor';
import { InputError } from '../../../src/graphql/errors';
import type { ProductLineId } from '../../../src/upstream';

interface Rec {
  line: ProductLineId;
  id: number;
  createdAt: number;
}

/** Two lines drawing on one id sequence (ids grow with time), each newest first. */
function dataset(groupCall: number, aiAgent: number, seed = 1): Record<ProductLineId, Rec[]> {
  let s = seed;
  const rnd = () => ((s = (s * 48271) % 2147483647) / 2147483647);
  const all: Rec[] = [];
  let t = 1_700_000_000_000;
  let id = 5_000_000;
  const left = { GROUP_CALL: groupCall, AI_AGENT: aiAgent };
  while (left.GROUP_CALL + left.AI_AGENT > 0) {
    const pick: ProductLineId = left.AI_AGENT === 0 || (left.GROUP_CALL > 0 && rnd() < left.GROUP_CALL / (left.GROUP_CALL + left.AI_AGENT)) ? 'GROUP_CALL' : 'AI_AGENT';
    left[pick]--;
    // Several records in one second now and then: the id breaks the tie.
    if (rnd() < 0.7) t += 1000 * Math.floor(1 + rnd() * 50);
    all.push({ line: pick, id: id++, createdAt: t });
  }
  const newest = (l: ProductLineId) => all.filter((r) => r.line === l).reverse();
  return { GROUP_CALL: newest('GROUP_CALL'), AI_AGENT: newest('AI_AGENT') };
}

const compare = newestFirst<Rec>((r) => r.createdAt, (r) => r.id);

function list(data: Record<ProductLineId, Rec[]>, lines: ProductLineId[] = ['GROUP_CALL', 'AI_AGENT']) {
  const calls: Record<ProductLineId, number> = { GROUP_CALL: 0, AI_AGENT: 0 };
  const totals = new Map<string, number>();
  const options: LinesListOptions<{ line: ProductLineId }, Rec> = {
    lines: lines.map((line) => ({ line })),
    input: { createdFrom: null, createdTo: 1_800_000_000_000, defaultWindowSeconds: 10 ** 9, now: 0 },
    fingerprint: 'f',
    totals,
    compare,
    async fetchPage(l, current, size) {
      calls[l.line]++;
      const records = data[l.line];
      return { records: records.slice((current - 1) * size, current * size), total: records.length };
    },
  };
  const page = (args: { first?: number; after?: string; last?: number; before?: string }) => {
    totals.clear(); // each page is its own request
    return resolveLinesConnection(args, options);
  };
  return { calls, page };
}

const mergedOf = (data: Record<ProductLineId, Rec[]>) => [...data.GROUP_CALL, ...data.AI_AGENT].sort(compare).map((r) => r.id);
const ids = (c: Connection<Rec>) => c.edges.map((e) => e.node.id);

async function walkForward(data: Record<ProductLineId, Rec[]>, size: number) {
  const { page, calls } = list(data);
  const seen: number[] = [];
  let after: string | undefined;
  let pages = 0;
  let worst = 0;
  for (;;) {
    const before = { ...calls };
    const c = await page({ first: size, after });
    pages++;
    worst = Math.max(worst, calls.GROUP_CALL - before.GROUP_CALL, calls.AI_AGENT - before.AI_AGENT);
    seen.push(...ids(c));
    expect(c.totalCount).toBe(data.GROUP_CALL.length + data.AI_AGENT.length);
    if (!c.pageInfo.hasNextPage) break;
    after = c.pageInfo.endCursor!;
    if (pages > 1000) throw new Error('no end');
  }
  return { seen, worst };
}

async function walkBackward(data: Record<ProductLineId, Rec[]>, size: number) {
  const { page, calls } = list(data);
  const seen: number[] = [];
  let before: string | undefined;
  let worst = 0;
  for (let pages = 0; ; pages++) {
    const was = { ...calls };
    const c = await page({ last: size, before });
    // The first page (no cursor) also learns each line's total: one more call per line at most.
    const learnt = pages === 0 ? 1 : 0;
    worst = Math.max(worst, calls.GROUP_CALL - was.GROUP_CALL - learnt, calls.AI_AGENT - was.AI_AGENT - learnt);
    seen.unshift(...ids(c));
    if (!c.pageInfo.hasPreviousPage) break;
    before = c.pageInfo.startCursor!;
    if (pages > 1000) throw new Error('no end');
  }
  return { seen, worst };
}

describe('merged lists over two lines', () => {
  it.each([1, 3, 7, 20, 64, 100])('a forward walk of pages of %i equals the merged list, at most 2 calls per line per page', async (size) => {
    const data = dataset(230, 170);
    const { seen, worst } = await walkForward(data, size);
    expect(seen).toEqual(mergedOf(data));
    expect(worst).toBeLessThanOrEqual(2);
  });

  it.each([1, 3, 7, 20, 64, 100])('a backward walk of pages of %i equals the merged list, at most 2 calls per line per page', async (size) => {
    const data = dataset(230, 170, 7);
    const { seen, worst } = await walkBackward(data, size);
    expect(seen).toEqual(mergedOf(data));
    expect(worst).toBeLessThanOrEqual(2);
  });

  it('any sizes and mixes, forward and backward (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: 120 }), fc.nat({ max: 120 }), fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 1000 }), async (g, a, size, seed) => {
        const data = dataset(g, a, seed);
        expect((await walkForward(data, size)).seen).toEqual(mergedOf(data));
        expect((await walkBackward(data, size)).seen).toEqual(mergedOf(data));
      }),
      { numRuns: 60 },
    );
  });

  it('the first page costs one call per line when a page size fits; totalCount is the sum', async () => {
    const data = dataset(50, 30);
    const { page, calls } = list(data);
    const c = await page({ first: 20 });
    expect(calls).toEqual({ GROUP_CALL: 1, AI_AGENT: 1 });
    expect(c.totalCount).toBe(80);
    expect(ids(c)).toEqual(mergedOf(data).slice(0, 20));
  });

  it('`last` without a cursor learns each line total once (the probe page usually holds the tail too)', async () => {
    const data = dataset(50, 30);
    const { page, calls } = list(data);
    const c = await page({ last: 10 });
    expect(calls).toEqual({ GROUP_CALL: 1, AI_AGENT: 1 });
    expect(ids(c)).toEqual(mergedOf(data).slice(-10));
    expect(c.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });

  it('one line empty: the other line alone, still one call each', async () => {
    const data = dataset(0, 42);
    const { seen } = await walkForward(data, 10);
    expect(seen).toEqual(data.AI_AGENT.map((r) => r.id));
  });

  it('one line selected is the single-line connection: its cursors, one call a page', async () => {
    const data = dataset(60, 40);
    const { page, calls } = list(data, ['AI_AGENT']);
    const c = await page({ first: 10 });
    expect(ids(c)).toEqual(data.AI_AGENT.slice(0, 10).map((r) => r.id));
    expect(calls).toEqual({ GROUP_CALL: 0, AI_AGENT: 1 });
    const cursor = JSON.parse(Buffer.from(c.edges[3]!.cursor, 'base64url').toString());
    expect(cursor).toMatchObject({ o: 3, t: 1_800_000_000, h: 'f' });
    expect(cursor.m).toBeUndefined();
  });
});

describe('merged cursors', () => {
  const lines: ProductLineId[] = ['GROUP_CALL', 'AI_AGENT'];
  const good = { before: { GROUP_CALL: 3, AI_AGENT: 5 }, line: 'AI_AGENT' as const, from: 10, to: 20, filter: 'h' };

  it('round-trip', () => {
    expect(decodeMergedCursor(encodeMergedCursor(good), 'after', lines)).toEqual(good);
  });

  const bad = (cursor: string) => {
    let caught: unknown;
    try {
      decodeMergedCursor(cursor, 'after', lines);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InputError);
    return (caught as Error).message;
  };
  const raw = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

  it('refuses a single-line cursor, a cursor of other lines, unknown lines, bad numbers, garbage', () => {
    expect(bad(encodeCursor({ offset: 3, from: 1, to: 2, filter: 'h' }))).toMatch(/one product line/);
    expect(bad(encodeMergedCursor({ ...good, before: { AI_AGENT: 5 } }))).toMatch(/other product lines/);
    expect(bad(raw({ m: { g: 1, x: 2 }, l: 'g', f: 1, t: 2, h: 'h' }))).toMatch(/does not know/);
    expect(bad(raw({ m: { g: -1, a: 2 }, l: 'g', f: 1, t: 2, h: 'h' }))).toMatch(/not a valid cursor/);
    expect(bad(raw({ m: { g: 1, a: 2 }, l: 'z', f: 1, t: 2, h: 'h' }))).toMatch(/not a valid cursor/);
    expect(bad(raw({ m: { g: 1, a: 2 }, l: 'g', f: 3, t: 2, h: 'h' }))).toMatch(/not a valid cursor/);
    expect(bad('!!')).toMatch(/not a valid cursor/);
    expect(bad(Buffer.from('not json').toString('base64url'))).toMatch(/not a valid cursor/);
  });
});
