/**
 * One Relay connection over several product lines' lists: a k-way merge of newest-first lists
 * (created time, then id, descending). A merged cursor holds, for its edge, how many records of
 * each line come before it in the merged order, and the edge's own line; so a page forward reads
 * the next `first` records of each line from its own offset (one call per line with the page
 * plan, two where no page size puts the window on one page), merges them and keeps `first`.
 * Backward is symmetric: the last `last` of each line before the cursor. Both are exact when each
 * line is sorted newest first, which is what the provider shows (never documented); the merge
 * then equals a sort of the union, so forward and backward walks meet on the same sequence.
 *
 * One line alone never comes here: it keeps the single-line connection (connection.ts), its
 * cursors and its call counts.
 */
import type { Page } from '../../upstream/records';
import type { ProductLineId } from '../../upstream';
import { InputError } from '../errors';
import {
  DEFAULT_PAGE_SIZE,
  resolveConnection,
  resolveWindow,
  type Connection,
  type ConnectionArgs,
  type ListWindow,
  type WindowInput,
} from './connection';
import { cursorObject, MAX_OFFSET, MAX_WINDOW_SECONDS } from './cursor';
import { MAX_PAGE_SIZE, planPages, sliceWindow } from './page-plan';

/** A merged list's position: per line, the records before the edge; and the edge's line. */
export interface MergedCursorData {
  before: Partial<Record<ProductLineId, number>>;
  line: ProductLineId;
  from: number;
  to: number;
  filter: string;
}

export interface LineList<T> {
  line: ProductLineId;
  /** One upstream page of this line's list inside the pinned window. */
  fetchPage(current: number, size: number): Promise<Page<T>>;
}

const LINE_CODES: Record<ProductLineId, string> = { GROUP_CALL: 'g', AI_AGENT: 'a' };
const CODE_LINES: Record<string, ProductLineId> = { g: 'GROUP_CALL', a: 'AI_AGENT' };

export function encodeMergedCursor(c: MergedCursorData): string {
  const b: Record<string, number> = {};
  for (const [line, n] of Object.entries(c.before)) b[LINE_CODES[line as ProductLineId]] = n;
  return Buffer.from(JSON.stringify({ m: b, l: LINE_CODES[c.line], f: c.from, t: c.to, h: c.filter })).toString('base64url');
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= MAX_OFFSET;
const isSecond = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= MAX_WINDOW_SECONDS;

/**
 * Decodes a merged cursor of a list over `lines`, or throws BAD_USER_INPUT: malformed, naming an
 * unknown line, or not naming exactly the list's lines (a cursor of a single-line list included).
 */
export function decodeMergedCursor(cursor: string, argName: string, lines: readonly ProductLineId[]): MergedCursorData {
  const bad = (why = 'is not a valid cursor for this list') => new InputError(`\`${argName}\` ${why}`);
  const raw = cursorObject(cursor);
  if (!raw) throw bad();
  const { m, l, f, t, h } = raw;
  if (m === undefined && isCount(raw.o)) throw bad('belongs to a list of one product line, not to this one');
  if (typeof m !== 'object' || m === null || Array.isArray(m) || typeof l !== 'string' || typeof h !== 'string') throw bad();
  if (!isSecond(f) || !isSecond(t) || f > t) throw bad();
  const before: Partial<Record<ProductLineId, number>> = {};
  for (const [code, n] of Object.entries(m)) {
    const line = CODE_LINES[code];
    if (!line) throw bad('names a product line this gateway does not know');
    if (!isCount(n)) throw bad();
    before[line] = n;
  }
  const line = CODE_LINES[l];
  if (!line || before[line] === undefined) throw bad();
  const named = Object.keys(before);
  if (named.length !== lines.length || !lines.every((x) => before[x] !== undefined)) {
    throw bad('belongs to a list over other product lines');
  }
  return { before, line, from: f, to: t, filter: h };
}

/** Positions (records before, per line) that the page starts after, or ends before. */
type Vector = Map<ProductLineId, number>;

const afterVector = (c: MergedCursorData): Vector =>
  new Map(Object.entries(c.before).map(([line, n]) => [line as ProductLineId, line === c.line ? n + 1 : n]));
const beforeVector = (c: MergedCursorData): Vector => new Map(Object.entries(c.before) as Array<[ProductLineId, number]>);

function checkSize(name: string, value: number | null | undefined): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 1 || value > MAX_PAGE_SIZE) {
    throw new InputError(`\`${name}\` must be between 1 and ${MAX_PAGE_SIZE}, got ${value}`);
  }
  return value;
}

export interface MergedConnectionOptions<T> {
  /** Newest first: negative when `a` comes before `b`. */
  compare: (a: T, b: T) => number;
  /** The request's memory of list totals (so `last` learns a line's total at most once). */
  totals: Map<string, number>;
}

/** Serves one Relay page of the merge of `lists` (two or more lines) in the pinned window. */
export async function resolveMergedConnection<T>(
  args: ConnectionArgs,
  resolved: { window: ListWindow; after?: MergedCursorData; before?: MergedCursorData },
  lists: ReadonlyArray<LineList<T>>,
  options: MergedConnectionOptions<T>,
): Promise<Connection<T>> {
  const first = checkSize('first', args.first);
  const last = checkSize('last', args.last);
  const { window, after, before } = resolved;
  const { totals, compare } = options;
  const totalKey = (line: ProductLineId) => `${window.filter}|${line}|${window.from}|${window.to}`;
  const backward = last !== undefined && first === undefined;
  const count = backward ? last! : (first ?? DEFAULT_PAGE_SIZE);
  const lo = after ? afterVector(after) : undefined;
  const hi = before ? beforeVector(before) : undefined;

  interface Read {
    list: LineList<T>;
    /** Offset of records[0] in the line. */
    base: number;
    records: T[];
    total: number;
  }

  const readLine = async (list: LineList<T>): Promise<Read> => {
    const key = totalKey(list.line);
    const remember = (page: Page<T>) => {
      totals.set(key, page.total);
      return page;
    };
    const start0 = lo?.get(list.line) ?? 0;
    let end = hi?.get(list.line);
    let probe: T[] | undefined;
    if (backward && end === undefined) {
      let total = totals.get(key);
      if (total === undefined) {
        // One full page tells the line's total and often already holds its tail.
        const page = remember(await list.fetchPage(1, MAX_PAGE_SIZE));
        total = page.total;
        probe = page.records;
      }
      end = total;
    }
    let start: number;
    if (backward) {
      const known = totals.get(key);
      if (known !== undefined && end! > known) end = Math.max(start0, known);
      start = Math.max(start0, end! - count);
    } else {
      start = start0;
      end = end !== undefined ? Math.min(start0 + count, end) : start0 + count;
    }
    if (end! <= start) {
      const total = totals.get(key) ?? remember(await list.fetchPage(1, 1)).total;
      return { list, base: start, records: [], total };
    }
    if (probe && end! <= MAX_PAGE_SIZE) return { list, base: start, records: probe.slice(start, end), total: totals.get(key)! };
    const plan = planPages(start, end! - start);
    const pages = await Promise.all(plan.calls.map((c) => list.fetchPage(c.current, c.size).then(remember)));
    return { list, base: start, records: sliceWindow(plan, pages.map((p) => p.records), end! - start), total: pages[0]!.total };
  };

  const reads = await Promise.all(lists.map(readLine));

  // k-way merge of the lines' slices, remembering each record's line.
  const heads = reads.map(() => 0);
  const merged: Array<{ node: T; read: number }> = [];
  for (;;) {
    let best = -1;
    for (let i = 0; i < reads.length; i++) {
      const r = reads[i]!;
      if (heads[i]! >= r.records.length) continue;
      if (best < 0 || compare(r.records[heads[i]!]!, reads[best]!.records[heads[best]!]!) < 0) best = i;
    }
    if (best < 0) break;
    merged.push({ node: reads[best]!.records[heads[best]!]!, read: best });
    heads[best]!++;
  }
  const kept = backward ? merged.slice(Math.max(0, merged.length - count)) : merged.slice(0, count);
  const dropped = backward ? merged.slice(0, merged.length - kept.length) : [];

  // Records of each line before the first kept edge: its slice's base plus what was dropped.
  const position = reads.map((r) => r.base);
  for (const d of dropped) position[d.read]!++;
  const startPosition = position.reduce((a, b) => a + b, 0);
  const edges = kept.map(({ node, read }) => {
    const beforeEdge: Partial<Record<ProductLineId, number>> = {};
    reads.forEach((r, i) => (beforeEdge[r.list.line] = position[i]!));
    const cursor = encodeMergedCursor({ before: beforeEdge, line: reads[read]!.list.line, from: window.from, to: window.to, filter: window.filter });
    position[read]!++;
    return { cursor, node };
  });
  const totalCount = reads.reduce((sum, r) => sum + r.total, 0);
  return {
    edges,
    pageInfo: {
      hasPreviousPage: startPosition > 0 && totalCount > 0,
      hasNextPage: reads.some((r, i) => position[i]! < r.total),
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
    totalCount,
  };
}

/** Newest first: created time, then id, both descending. */
export function newestFirst<T>(created: (t: T) => number, id: (t: T) => number): (a: T, b: T) => number {
  return (a, b) => created(b) - created(a) || id(b) - id(a);
}

export interface LinesListOptions<L extends { line: ProductLineId }, T> {
  /** The lines the list reads (at least one). */
  lines: readonly L[];
  input: WindowInput;
  fingerprint: string;
  totals: Map<string, number>;
  /** One upstream page of a line's list inside the window. */
  fetchPage(line: L, current: number, size: number, window: ListWindow): Promise<Page<T>>;
  compare: (a: T, b: T) => number;
}

/**
 * A list over the selected lines: one line is the single-line connection (today's cursors and
 * call counts); several are merged newest first with per-line offsets in the cursors.
 */
export function resolveLinesConnection<L extends { line: ProductLineId }, T>(args: ConnectionArgs, o: LinesListOptions<L, T>): Promise<Connection<T>> {
  if (o.lines.length === 1) {
    const only = o.lines[0]!;
    const resolved = resolveWindow(args, o.input, o.fingerprint);
    return resolveConnection(args, resolved, (current, size, w) => o.fetchPage(only, current, size, w), o.totals);
  }
  const ids = o.lines.map((l) => l.line);
  const resolved = resolveWindow(args, o.input, o.fingerprint, (cursor, argName) => decodeMergedCursor(cursor, argName, ids));
  const lists = o.lines.map((l) => ({ line: l.line, fetchPage: (current: number, size: number) => o.fetchPage(l, current, size, resolved.window) }));
  return resolveMergedConnection(args, resolved, lists, { compare: o.compare, totals: o.totals });
}
