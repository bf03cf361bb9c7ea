/**
 * Relay connection semantics over a page-numbered upstream list: turns first/after/last/before
 * into an offset window, asks page-plan.ts for the fewest calls, and builds edges with cursors
 * that pin the window and carry the filter's fingerprint.
 */
import type { Page } from '../../upstream/records';
import { InputError } from '../errors';
import { decodeCursor, encodeCursor, type CursorData } from './cursor';
import { MAX_PAGE_SIZE, planPages, sliceWindow } from './page-plan';

export const DEFAULT_PAGE_SIZE = 20;

export interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

export interface ListWindow {
  /** Epoch seconds, inclusive. */
  from: number;
  to: number;
  /** Fingerprint of the filter; cursors from another filter are refused. */
  filter: string;
}

export interface Connection<T> {
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: number;
}

/** Fetches one upstream page of the list inside the pinned window. */
export type FetchPage<T> = (current: number, size: number, window: ListWindow) => Promise<Page<T>>;

/** What every cursor kind pins: the window and the filter's fingerprint. */
export interface PinnedCursor {
  from: number;
  to: number;
  filter: string;
}

export interface WindowInput {
  /** Explicit window bounds from the filter, epoch ms. */
  createdFrom?: number | null;
  createdTo?: number | null;
  /** Default window length when createdFrom is absent. */
  defaultWindowSeconds: number;
  /** "Now" for a defaulted createdTo, epoch ms. */
  now: number;
  /**
   * createdFrom is a bound the server chose (e.g. a task's creation for its flows), not the
   * client's: when it falls after the end the list is empty rather than an input error.
   */
  clampFrom?: boolean;
  /**
   * The longest window the upstream serves, in days (LAAFFIC_MAX_WINDOW_DAYS): a longer one, from
   * the filter or a cursor, is refused as the client's input (BAD_USER_INPUT) before any call,
   * instead of the upstream's `-22` (UPSTREAM_BAD_REQUEST). Absent: not checked.
   */
  maxWindowDays?: number;
}

const DAY_SECONDS = 86_400;

function checkSize(name: string, value: number | null | undefined): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 1 || value > MAX_PAGE_SIZE) {
    throw new InputError(`\`${name}\` must be between 1 and ${MAX_PAGE_SIZE}, got ${value}`);
  }
  return value;
}

/**
 * Resolves the window a list is read in: explicit bounds win; otherwise a cursor's pinned window;
 * otherwise `now` and the default length. Cursors of another filter are BAD_USER_INPUT.
 */
export function resolveWindow<C extends PinnedCursor = CursorData>(
  args: ConnectionArgs,
  input: WindowInput,
  fingerprint: string,
  decode: (cursor: string, argName: string) => C = decodeCursor as unknown as (cursor: string, argName: string) => C,
): {
  window: ListWindow;
  after?: C;
  before?: C;
} {
  const after = args.after != null ? decode(args.after, 'after') : undefined;
  const before = args.before != null ? decode(args.before, 'before') : undefined;
  for (const c of [after, before]) {
    if (c && c.filter !== fingerprint) throw new InputError('the cursor belongs to a list with another filter');
  }
  if (after && before && (after.from !== before.from || after.to !== before.to)) {
    throw new InputError('`after` and `before` come from different lists');
  }
  const pinned = after ?? before;
  // A defaulted end is the last whole second before now: records stamped with the current second
  // may still be created after this request, and would shift the pages that follow.
  const to = input.createdTo != null ? Math.floor(input.createdTo / 1000) : (pinned?.to ?? Math.floor(input.now / 1000) - 1);
  let from =
    input.createdFrom != null ? Math.ceil(input.createdFrom / 1000) : (pinned?.from ?? to - input.defaultWindowSeconds);
  if (from > to && input.clampFrom) from = to;
  if (from > to) throw new InputError('`createdFrom` must not be after `createdTo`');
  const max = input.maxWindowDays;
  if (max !== undefined && to - from > max * DAY_SECONDS) {
    const days = Math.ceil(((to - from) / DAY_SECONDS) * 10) / 10;
    throw new InputError(
      `The window from \`filter.createdFrom\` to \`filter.createdTo\` spans ${days} days; the upstream serves at most ${max} days (LAAFFIC_MAX_WINDOW_DAYS): narrow the window.`,
    );
  }
  return { window: { from, to, filter: fingerprint }, after, before };
}

/**
 * Serves one Relay page. `totals` is the request's memory of list totals, so `last` costs the
 * extra total-probing call at most once per list and request.
 */
export async function resolveConnection<T>(
  args: ConnectionArgs,
  resolved: { window: ListWindow; after?: CursorData; before?: CursorData },
  fetchPage: FetchPage<T>,
  totals: Map<string, number>,
): Promise<Connection<T>> {
  const first = checkSize('first', args.first);
  const last = checkSize('last', args.last);
  const { window, after, before } = resolved;
  const totalKey = `${window.filter}|${window.from}|${window.to}`;
  const remember = (page: Page<T>) => {
    totals.set(totalKey, page.total);
    return page;
  };

  const lo = after ? after.offset + 1 : 0;
  let hi = before ? before.offset : undefined;
  let probe: T[] | undefined;
  if (last !== undefined && first === undefined && hi === undefined) {
    let total = totals.get(totalKey);
    if (total === undefined) {
      // One full page tells the total and often already holds the window (short lists).
      const page = remember(await fetchPage(1, MAX_PAGE_SIZE, window));
      total = page.total;
      probe = page.records;
    }
    hi = total;
  }

  let start: number;
  let end: number;
  const backward = last !== undefined && first === undefined;
  if (backward) {
    end = hi!;
    // A `before` past the end of the list as this request already knows it (it shrank since the
    // cursor was handed out): page back from the end rather than fetch records that are gone.
    const known = totals.get(totalKey);
    if (known !== undefined && end > known) end = Math.max(lo, known);
    start = Math.max(lo, end - last);
  } else {
    const size = first ?? DEFAULT_PAGE_SIZE;
    start = lo;
    end = hi !== undefined ? Math.min(lo + size, hi) : lo + size;
    if (last !== undefined) start = Math.max(start, end - last);
  }

  const fetchRange = async (from: number, to: number): Promise<{ records: T[]; total: number }> => {
    const plan = planPages(from, to - from);
    const pages = await Promise.all(plan.calls.map((c) => fetchPage(c.current, c.size, window).then(remember)));
    return { records: sliceWindow(plan, pages.map((p) => p.records), to - from), total: pages[0]!.total };
  };

  let records: T[];
  let total: number | undefined = totals.get(totalKey);
  if (end <= start) {
    records = [];
    if (total === undefined) total = remember(await fetchPage(1, 1, window)).total;
  } else if (probe && end <= MAX_PAGE_SIZE) {
    records = probe.slice(start, end);
  } else {
    ({ records, total } = await fetchRange(start, end));
    // The same, learnt from this answer: page back from the new end (up to two more calls), rather
    // than answer an empty page whose hasPreviousPage leads nowhere.
    if (before && backward && end > total && records.length < end - start) {
      end = Math.max(lo, total);
      start = Math.max(lo, end - last!);
      if (end > start) ({ records, total } = await fetchRange(start, end));
      else records = [];
    }
  }
  total ??= totals.get(totalKey) ?? 0;

  const edges = records.map((node, i) => ({
    cursor: encodeCursor({ offset: start + i, from: window.from, to: window.to, filter: window.filter }),
    node,
  }));
  return {
    edges,
    pageInfo: {
      hasPreviousPage: start > 0 && total > 0,
      hasNextPage: start + records.length < total,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
    totalCount: total,
  };
}
