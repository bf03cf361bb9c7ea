/**
 * A ListSource over the upstream layer (src/upstream only: the engine still knows no GraphQL), so
 * the engine can run end to end as it stands. The lead may keep it or replace it with one built on
 * the GraphQL layer's page planner; either way it must read what this one reads:
 * - a filter watch: each watched line's window `[createdFrom or now - defaultWindow, createdTo or
 *   the last whole second before now]` (the end pinned at the poll's start, so records created
 *   during the listing do not shift its pages; they are seen by the next poll), pages of 100: the
 *   first page of every line at once (their totals tell the size: past `limit` the listing stops
 *   there and reports `total`, and the hub refuses the watch without reading the rest), then the
 *   remaining pages at once (the client's concurrency limit, coalescing and retries apply);
 * - an ids watch: each merged window, with the keys' `search` hint when they share one (a flow's
 *   parent task id: the upstream's exact `taskName` search), every page (narrow windows: usually one).
 * Record ids are `<line>:<taskId>` (tasks) and `<line>:<keyId>` (flows), unique across lines, unless
 * `idOf` says otherwise (e.g. the GraphQL global id).
 * Records are listed newest first across lines.
 */
import type { CallOptions, GroupCallTaskRecord, LaafficApi, Page, ProductLineId, RecallFlowRecord } from '../upstream';
import type { ListResult, ListSource } from './hub';
import type { SnapshotEntry } from './store';
import type { NormalisedWatch, WatchEntity } from './watch';

export type LiveRecord = GroupCallTaskRecord | RecallFlowRecord;

export interface UpstreamListSourceOptions {
  /** The endpoints of each served line (`Upstream.lines`). */
  lines: ReadonlyMap<ProductLineId, LaafficApi>;
  /** A filter without `createdFrom` watches the last this-many ms (DEFAULT_WINDOW_DAYS, as the list queries). */
  defaultWindowMs: number;
  /**
   * The id events carry (default `liveRecordId`). The GraphQL layer may pass its global id here, so
   * `event.id` is the client's id and an ids watch takes the client's ids as they are; ids must be
   * unique across lines, and an ids watch's keys must use the same ids.
   */
  idOf?: (entity: WatchEntity, record: LiveRecord) => string;
  now?: () => number;
}

const PAGE = 100;

/** The id the engine knows a record by: its line and its upstream id. */
export function liveRecordId(entity: WatchEntity, record: LiveRecord): string {
  return entity === 'GroupCallTask' ? `${record.product}:${record.taskId}` : `${record.product}:${(record as RecallFlowRecord).keyId}`;
}

interface Window {
  line: ProductLineId;
  from: number;
  to: number;
  search?: string;
}

export function createUpstreamListSource(options: UpstreamListSourceOptions): ListSource<LiveRecord> {
  const now = options.now ?? Date.now;
  const idOf = options.idOf ?? liveRecordId;
  return async (watch: NormalisedWatch, { signal, limit }): Promise<ListResult<LiveRecord>> => {
    let calls = 0;
    const call: CallOptions = { signal, onAttempt: () => calls++ };
    const page = (w: Window, current: number): Promise<Page<LiveRecord>> => {
      const api = options.lines.get(w.line);
      if (!api) throw new Error(`live: line ${w.line} is not served`);
      const q = { current, size: PAGE, from: w.from, to: w.to };
      if (watch.entity === 'GroupCallTask') {
        const f = watch.mode === 'filter' ? watch.filter : undefined;
        return api.queryGroupCallTasks(
          {
            ...q,
            statuses: f && 'statuses' in f ? (f.statuses ?? undefined) : undefined,
            appId: f && 'appId' in f ? (f.appId ?? undefined) : undefined,
            search: f && 'search' in f ? (f.search ?? undefined) : w.search,
          },
          call,
        );
      }
      const f = watch.mode === 'filter' ? watch.filter : undefined;
      return api.queryRecallFlows({ ...q, taskName: f && 'taskName' in f ? (f.taskName ?? undefined) : w.search }, call);
    };

    let windows: Window[];
    let bounded: boolean;
    if (watch.mode === 'filter') {
      const t = now();
      const to = watch.filter.createdTo ?? Math.floor(t / 1000) * 1000 - 1000;
      const from = watch.filter.createdFrom ?? to - options.defaultWindowMs;
      windows = from > to ? [] : watch.lines.map((line) => ({ line, from, to }));
      bounded = true;
    } else {
      windows = watch.windows.map((w) => {
        const searches = new Set(w.keys.map((k) => k.search ?? ''));
        const [only] = searches;
        return { line: w.line, from: w.from, to: w.to, search: searches.size === 1 && only ? only : undefined };
      });
      bounded = false;
    }

    const firsts = await Promise.all(windows.map((w) => page(w, 1)));
    const total = firsts.reduce((n, p) => n + p.total, 0);
    const pages: LiveRecord[][] = firsts.map((p) => p.records);
    if (!(bounded && total >= limit)) {
      const rest = windows.flatMap((w, i) =>
        Array.from({ length: Math.max(0, Math.ceil(firsts[i]!.total / PAGE) - 1) }, (_, k) => page(w, k + 2)),
      );
      for (const p of await Promise.all(rest)) pages.push(p.records);
    }
    const records: Array<SnapshotEntry<LiveRecord>> = pages
      .flat()
      .sort((a, b) => b.createdAt - a.createdAt)
      .map((record) => ({ id: idOf(watch.entity, record), record }));
    return { records, upstreamCalls: calls, total: bounded ? total : undefined };
  };
}
