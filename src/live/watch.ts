/**
 * What a subscription watches, and its normal form. Two subscriptions watch the same thing when
 * their normal forms are equal, and then share one poller: so the normal form drops everything
 * that does not change the listing (order and repeats of statuses and lines, an empty search, an
 * absent product list versus every served line, milliseconds the upstream cannot see) and its key
 * is a canonical JSON of what is left. The hash of that key names the watch in Redis and cursors.
 *
 * A watch is either a filter (as in the list queries; its window's end stays open unless the
 * client gives one, so new records enter as ADDED) or a set of record keys, whose created times
 * give narrow windows (a few seconds either side, merged where they touch, as the join planner
 * merges its windows) that a ListSource can read with one call each.
 */
import { createHash } from 'node:crypto';
import { PRODUCT_LINE_IDS, type ProductLineId } from '../upstream/lines';
import { LiveError, badInput } from './errors';

export type WatchEntity = 'GroupCallTask' | 'RecallFlow';

/** The task list's filter, in upstream terms (status codes, epoch ms). */
export interface TaskWatchFilter {
  /** Empty or absent: every served line. */
  products?: readonly ProductLineId[] | null;
  /** Upstream status codes; empty or absent: every status. */
  statuses?: readonly number[] | null;
  appId?: number | null;
  search?: string | null;
  /** Epoch ms, inclusive; absent: the ListSource's default (e.g. the default window before now). */
  createdFrom?: number | null;
  /** Epoch ms, inclusive; absent: open (new records enter the watch). */
  createdTo?: number | null;
}

/** The recall-flow list's filter. */
export interface FlowWatchFilter {
  products?: readonly ProductLineId[] | null;
  /** The upstream's `taskName`: fuzzy parent name, or an exact parent task id. */
  taskName?: string | null;
  createdFrom?: number | null;
  createdTo?: number | null;
}

/** One watched record: its line, its id (the string the ListSource gives it) and its created time. */
export interface WatchedKey {
  line: ProductLineId;
  id: string;
  /** Epoch ms. */
  createdAt: number;
  /** A narrowing hint for the ListSource (for a flow: its parent task id, the upstream's `taskName`). */
  search?: string | null;
}

/** What a subscriber asks for: a filter or a set of record keys (not both). */
export type WatchSpec =
  | { entity: 'GroupCallTask'; filter?: TaskWatchFilter | null; ids?: readonly WatchedKey[] | null }
  | { entity: 'RecallFlow'; filter?: FlowWatchFilter | null; ids?: readonly WatchedKey[] | null };

export interface NormalisedTaskFilter {
  statuses: number[] | null;
  appId: number | null;
  search: string | null;
  /** Epoch ms on a whole second, or null. */
  createdFrom: number | null;
  createdTo: number | null;
}

export interface NormalisedFlowFilter {
  taskName: string | null;
  createdFrom: number | null;
  createdTo: number | null;
}

/** A window of an ids watch: one line, epoch ms bounds (inclusive), the keys it holds. */
export interface WatchWindow {
  line: ProductLineId;
  from: number;
  to: number;
  keys: WatchedKey[];
}

interface WatchBase {
  /** Canonical JSON of the normal form: equal keys, same watch. */
  key: string;
  /** Short stable hash of `key` (Redis keys, cursors, logs). */
  hash: string;
  /** The lines to list, in the provider's order. */
  lines: ProductLineId[];
}

export type NormalisedWatch =
  | (WatchBase & { mode: 'filter'; entity: 'GroupCallTask'; filter: NormalisedTaskFilter })
  | (WatchBase & { mode: 'filter'; entity: 'RecallFlow'; filter: NormalisedFlowFilter })
  | (WatchBase & { mode: 'ids'; entity: WatchEntity; ids: WatchedKey[]; windows: WatchWindow[] });

export interface NormaliseOptions {
  /** The lines the gateway serves (default: every line). */
  lines?: readonly ProductLineId[];
  /** How far either side of a watched record's created time its window reaches (default 2 s). */
  idSlackMs?: number;
  /** More watched ids than this is LIVE_WATCH_TOO_LARGE (default: no limit here). */
  maxIds?: number;
}

/** Search strings longer than this are no name anyone has (as in the list queries). */
export const MAX_SEARCH_LENGTH = 200;
const DEFAULT_ID_SLACK_MS = 2_000;

const second = (ms: number, round: (n: number) => number) => round(ms / 1000) * 1000;

function checkTime(value: number | null | undefined, name: string): number | null {
  if (value == null) return null;
  if (!Number.isFinite(value)) throw badInput(`\`${name}\` is not a valid time`);
  return value;
}

function checkSearch(value: string | null | undefined, name: string): string | null {
  if (value == null || value === '') return null;
  if (value.length > MAX_SEARCH_LENGTH) throw badInput(`\`${name}\` must be at most ${MAX_SEARCH_LENGTH} characters`);
  return value;
}

function resolveLines(products: readonly ProductLineId[] | null | undefined, served: readonly ProductLineId[]): ProductLineId[] {
  const wanted = products == null || products.length === 0 ? served : products;
  for (const line of wanted) {
    if (!served.includes(line)) throw badInput(`product line ${String(line)} is not served by this gateway`);
  }
  return PRODUCT_LINE_IDS.filter((id) => wanted.includes(id));
}

/** Merges per-line windows `[createdAt - slack, createdAt + slack]` where they overlap or touch. */
function mergeWindows(keys: readonly WatchedKey[], slackMs: number): WatchWindow[] {
  const windows: WatchWindow[] = [];
  for (const line of PRODUCT_LINE_IDS) {
    let current: WatchWindow | undefined;
    for (const key of keys.filter((k) => k.line === line)) {
      const from = key.createdAt - slackMs;
      const to = key.createdAt + slackMs;
      if (current && from <= current.to + 1000) {
        current.to = Math.max(current.to, to);
        current.keys.push(key);
      } else {
        current = { line, from, to, keys: [key] };
        windows.push(current);
      }
    }
  }
  return windows;
}

export function hashWatchKey(key: string): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 16);
}

/** The normal form of a watch; throws BAD_USER_INPUT (or LIVE_WATCH_TOO_LARGE for too many ids). */
export function normaliseWatch(spec: WatchSpec, options: NormaliseOptions = {}): NormalisedWatch {
  const served = options.lines ?? PRODUCT_LINE_IDS;
  if (spec.entity !== 'GroupCallTask' && spec.entity !== 'RecallFlow') throw badInput('unknown watch entity');
  if (spec.filter != null && spec.ids != null) throw badInput('give `filter` or `ids`, not both');

  if (spec.ids != null) {
    if (spec.ids.length === 0) throw badInput('`ids` must not be empty');
    if (options.maxIds !== undefined && spec.ids.length > options.maxIds) {
      throw new LiveError('LIVE_WATCH_TOO_LARGE', `a watch holds at most ${options.maxIds} records, got ${spec.ids.length} ids`);
    }
    const byKey = new Map<string, WatchedKey>();
    for (const k of spec.ids) {
      if (!served.includes(k.line)) throw badInput(`product line ${String(k.line)} is not served by this gateway`);
      if (typeof k.id !== 'string' || k.id === '') throw badInput('a watched id is empty');
      const createdAt = checkTime(k.createdAt, 'ids');
      if (createdAt === null) throw badInput('a watched id has no created time');
      const key: WatchedKey = { line: k.line, id: k.id, createdAt: second(createdAt, Math.floor), search: checkSearch(k.search, 'ids') };
      byKey.set(`${key.line}\u0000${key.id}`, key);
    }
    const order = (l: ProductLineId) => PRODUCT_LINE_IDS.indexOf(l);
    const ids = [...byKey.values()].sort(
      (a, b) => order(a.line) - order(b.line) || a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
    const lines = PRODUCT_LINE_IDS.filter((l) => ids.some((k) => k.line === l));
    const key = JSON.stringify({ v: 1, entity: spec.entity, ids: ids.map((k) => [k.line, k.id, k.createdAt, k.search]) });
    return {
      mode: 'ids',
      entity: spec.entity,
      key,
      hash: hashWatchKey(key),
      lines,
      ids,
      windows: mergeWindows(ids, options.idSlackMs ?? DEFAULT_ID_SLACK_MS),
    };
  }

  const createdFrom = checkTime(spec.filter?.createdFrom, 'filter.createdFrom');
  const createdTo = checkTime(spec.filter?.createdTo, 'filter.createdTo');
  // The upstream speaks whole seconds: the window's start rounds up, its end down (as the list queries do).
  const from = createdFrom === null ? null : second(createdFrom, Math.ceil);
  const to = createdTo === null ? null : second(createdTo, Math.floor);
  if (from !== null && to !== null && from > to) throw badInput('`createdFrom` must not be after `createdTo`');
  const lines = resolveLines(spec.filter?.products, served);

  if (spec.entity === 'GroupCallTask') {
    const f = spec.filter ?? {};
    let statuses: number[] | null = null;
    if (f.statuses != null && f.statuses.length > 0) {
      if (!f.statuses.every((s) => Number.isInteger(s))) throw badInput('`filter.statuses` must be status codes');
      statuses = [...new Set(f.statuses)].sort((a, b) => a - b);
    }
    if (f.appId != null && !Number.isInteger(f.appId)) throw badInput('`filter.appId` must be an integer');
    const filter: NormalisedTaskFilter = {
      statuses,
      appId: f.appId ?? null,
      search: checkSearch(f.search, 'filter.search'),
      createdFrom: from,
      createdTo: to,
    };
    const key = JSON.stringify({ v: 1, entity: spec.entity, lines, filter });
    return { mode: 'filter', entity: 'GroupCallTask', key, hash: hashWatchKey(key), lines, filter };
  }
  const f = spec.filter ?? {};
  const filter: NormalisedFlowFilter = { taskName: checkSearch(f.taskName, 'filter.taskName'), createdFrom: from, createdTo: to };
  const key = JSON.stringify({ v: 1, entity: spec.entity, lines, filter });
  return { mode: 'filter', entity: 'RecallFlow', key, hash: hashWatchKey(key), lines, filter };
}

/** The stable key of a watch (canonical JSON of its normal form). */
export function watchKey(spec: WatchSpec, options: NormaliseOptions = {}): string {
  return normaliseWatch(spec, options).key;
}

/** For an ids watch, the ids it keeps (records listed in its windows but not watched are dropped). */
export function watchedIds(watch: NormalisedWatch): ReadonlySet<string> | null {
  return watch.mode === 'ids' ? new Set(watch.ids.map((k) => k.id)) : null;
}
