/**
 * What a subscriber receives. Each event names its record, says what happened to it, and carries
 * a cursor (its position in the watch's stream) to resume after it. Events of one poll share one
 * LiveBatch, so whoever resolves them (the GraphQL layer) can build one request-like context per
 * poll and let every event of that poll resolve through it: joins (a flow's parentTask) batch
 * across the poll's events as they do across a list page.
 */
import type { ChangeKind } from './diff';

export type LiveEventKind = 'INITIAL' | ChangeKind;

export interface LiveEvent<T> {
  kind: LiveEventKind;
  /** The record's id (as the ListSource gave it), also for REMOVED. */
  id: string;
  /** The record as last observed; null for REMOVED. */
  record: T | null;
  /** REMOVED: the record as last observed before it left (to name it: its global id needs its created time); otherwise null. */
  previous: T | null;
  /** UPDATED: the changed fields (upstream record field names, or as mapped by `mapChangedFields`); otherwise empty. */
  changedFields: readonly string[];
  /** Epoch ms of the poll that observed it (INITIAL: of the snapshot). */
  observedAt: number;
  /** Opaque position to pass as `after` to resume after this event. */
  cursor: string;
  /** Shared by every event of the same poll (INITIAL events of one subscription share one too). */
  batch: LiveBatch;
}

/**
 * One poll's events, as delivered on this replica: an id and a memo. `shared(key, create)` returns
 * the same value for every event of the batch (e.g. `batch.shared('context', () => makeContext())`).
 * Events are delivered one at a time, so the first event's resolution may complete before later
 * ones are seen: a DataLoader in the shared context batches what is asked in the same tick, and
 * primes what it loaded for the rest of the batch.
 */
export class LiveBatch {
  private readonly memo = new Map<unknown, unknown>();
  /**
   * The records of the batch's events seen so far (all of them once the first is delivered: a
   * poll's events are handed out together), so a resolver can ask for all their joins at once.
   */
  readonly records: unknown[] = [];

  constructor(
    /** The poll's id (replica and sequence), or `initial:<n>` / `sync:<n>` for events the replica made. */
    readonly id: string,
    /** Epoch ms of the poll. */
    readonly observedAt: number,
  ) {}

  /** Records an event's record (nothing for REMOVED events). */
  add(record: unknown): void {
    if (record !== null && record !== undefined) this.records.push(record);
  }

  shared<V>(key: unknown, create: () => V): V {
    if (this.memo.has(key)) return this.memo.get(key) as V;
    const value = create();
    this.memo.set(key, value);
    return value;
  }
}
