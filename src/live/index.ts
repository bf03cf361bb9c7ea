/**
 * Live updates: the engine behind `Subscription.groupCallTaskChanges` / `recallFlowChanges`.
 * It knows watches, polls, diffs, streams and subscribers; not GraphQL, not HTTP, not Redis.
 *
 *   const hub = createLiveHub<Rec>({ store, source, pollIntervalMs, maxRecords, maxFailedPolls,
 *     replayEvents, maxBuffered, maxSubscriptions, maxSubscriptionsPerConnection, lines, log, metrics });
 *   const events = hub.subscribe(
 *     { entity: 'GroupCallTask', filter: { statuses: [1, 2], createdFrom } },   // or { entity, ids: [...] }
 *     { initial: true, after: cursorOrNull, connectionId, signal },
 *   );                     // throws LiveError at once: BAD_USER_INPUT, LIVE_WATCH_TOO_LARGE, LIVE_TOO_MANY_SUBSCRIPTIONS
 *   for await (const e of events) {  // e.kind INITIAL | ADDED | UPDATED | REMOVED, e.id, e.record (null
 *   }                                 // for REMOVED), e.changedFields, e.observedAt, e.cursor, e.batch
 *   // ends by a thrown LiveError (LIVE_WATCH_TOO_LARGE, LIVE_UPSTREAM_FAILED, LIVE_SLOW_CONSUMER,
 *   // LIVE_SHUTTING_DOWN), or done after return() / signal abort (cleanup runs once either way).
 *   await hub.close();
 *
 * - `source: ListSource<T>` lists a whole watched window: `(watch: NormalisedWatch, { signal, limit })
 *   => { records: [{ id, record }], upstreamCalls, total? }` (ids unique across lines);
 *   `createUpstreamListSource({ lines: upstream.lines, defaultWindowMs })` is one over src/upstream.
 * - `store: WatchStore` is shared state: `createMemoryWatchStore()` in one process; with REDIS_URL,
 *   src/cluster/ gives one on Redis that falls back to local state while Redis is unreachable.
 * - Each distinct watch (`watchKey(spec)`: canonical JSON of its normal form) is polled once per
 *   interval for every subscriber in the cluster; a poll that changes nothing sends nothing.
 * - `event.batch` is shared by the events of one poll: `batch.shared(key, create)` memoises per poll
 *   (one request-like context per poll, so joins in events batch).
 */
export { createLiveHub } from './hub';
export type { LiveHub, LiveHubOptions, LiveHubStats, ListSource, ListOptions, ListResult, LiveLog, SubscribeOptions } from './hub';
export { LiveBatch } from './events';
export type { LiveEvent, LiveEventKind } from './events';
export { LiveError, errorCode } from './errors';
export type { LiveErrorCode } from './errors';
export { diffSnapshots, changedFields } from './diff';
export type { Change, ChangeKind } from './diff';
export { normaliseWatch, watchKey, hashWatchKey, watchedIds, MAX_SEARCH_LENGTH } from './watch';
export type {
  WatchSpec,
  WatchEntity,
  WatchedKey,
  WatchWindow,
  TaskWatchFilter,
  FlowWatchFilter,
  NormalisedWatch,
  NormalisedTaskFilter,
  NormalisedFlowFilter,
  NormaliseOptions,
} from './watch';
export { encodeLiveCursor, decodeLiveCursor, compareIds } from './cursor';
export type { LiveCursor, StreamPosition } from './cursor';
export { createMemoryWatchStore, nextStreamId } from './memory-store';
export type { MemoryStoreOptions } from './memory-store';
export type {
  WatchStore,
  StoredSnapshot,
  SnapshotEntry,
  StreamEntry,
  NewEntry,
  CommitRequest,
  CommitResult,
  ReadResult,
  FollowListener,
  EndError,
} from './store';
export { createUpstreamListSource, liveRecordId } from './upstream-source';
export type { UpstreamListSourceOptions, LiveRecord } from './upstream-source';
export { createLiveMetrics, noLiveMetrics } from './metrics';
export type { LiveMetrics, PollOutcome } from './metrics';
