/**
 * What the engine needs to share between replicas, declared where it is used (src/cluster/
 * implements it on Redis; memory-store.ts in one process). Per watch (named by its hash):
 * - a lease: one poller at a time (acquire only when free, renew only when held, release);
 * - a snapshot: the records as of the last poll, its epoch and stream position, and the time of
 *   the last poll (even one that changed nothing);
 * - a stream: the ordered, capped log of the changes (plus a `reset` entry when an epoch starts and
 *   an `end` entry when the watch fails), which replicas follow and cursors point into;
 * - a registry: how many subscribers each replica has, so a poller keeps polling while anyone,
 *   anywhere, still listens.
 * A commit appends the changes and replaces the snapshot atomically, only for the lease holder and
 * only on the snapshot it diffed against: a subscriber sees a snapshot and the stream after it.
 * Records are opaque here (JSON-serialisable values).
 */
import type { Change } from './diff';
import type { LiveErrorCode } from './errors';

export interface SnapshotEntry<T = unknown> {
  id: string;
  record: T;
}

export interface StoredSnapshot<T = unknown> {
  epoch: string;
  /** Id of the last stream entry the snapshot reflects. */
  position: string;
  /** Epoch ms of the last poll (changes or not). */
  observedAt: number;
  records: SnapshotEntry<T>[];
}

export interface EndError {
  code: LiveErrorCode;
  message: string;
  causeCode?: string;
}

/** One entry of a watch's stream, as read back (with its id). */
export type StreamEntry<T = unknown> =
  | { type: 'reset'; id: string; epoch: string; poll: string; observedAt: number }
  | { type: 'change'; id: string; epoch: string; poll: string; observedAt: number; change: Change<T> }
  | { type: 'end'; id: string; epoch: string; error: EndError };

type WithoutId<E> = E extends unknown ? Omit<E, 'id'> : never;
/** An entry to append (the store gives it its id). */
export type NewEntry<T = unknown> = WithoutId<StreamEntry<T>>;

export interface CommitRequest<T = unknown> {
  /** The snapshot the poll diffed against; null = a fresh start (then no snapshot may exist). */
  base: { epoch: string; position: string } | null;
  /** The epoch of the new snapshot (the base's, or a new one for a fresh start). */
  epoch: string;
  entries: NewEntry<T>[];
  /** The new snapshot's records; null = unchanged (only `observedAt` moves). */
  records: SnapshotEntry<T>[] | null;
  observedAt: number;
  /** The stream keeps (about) this many entries. */
  maxEvents: number;
  /** How long the snapshot and the stream outlive the last poll (for late joiners and `after`). */
  retainMs: number;
}

export type CommitResult = { ok: true; position: string } | { ok: false; reason: 'lease' | 'conflict' };

export interface ReadResult<T = unknown> {
  /** Entries after `after`, up to and including `upTo`, in order. */
  entries: StreamEntry<T>[];
  /** False when entries after `after` may have been trimmed (the position itself is gone). */
  complete: boolean;
}

/** Receives a followed stream's new entries, in order, each batch after the previous one. */
export type FollowListener<T = unknown> = (entries: StreamEntry<T>[]) => void;

export interface WatchStore {
  /** For logs and metrics: 'memory', 'redis', 'failover'. */
  readonly name: string;
  /** Takes the lease when nobody holds it (`SET NX PX`); true when taken. */
  acquireLease(watch: string, token: string, ttlMs: number): Promise<boolean>;
  /** Extends the lease when `token` still holds it, and the snapshot's and stream's retention; false when lost. */
  renewLease(watch: string, token: string, ttlMs: number, retainMs: number): Promise<boolean>;
  /** Drops the lease when `token` holds it. */
  releaseLease(watch: string, token: string): Promise<void>;
  /** Appends the entries and replaces the snapshot, atomically, when `token` holds the lease and the base is current. */
  commit(watch: string, token: string, request: CommitRequest): Promise<CommitResult>;
  /** Appends an `end` entry and drops the snapshot (the watch failed), when `token` holds the lease. */
  end(watch: string, token: string, epoch: string, error: EndError, retainMs: number): Promise<boolean>;
  /** The snapshot (null when none) and, read atomically with it, the id of the stream's last entry ('0-0' when empty). */
  loadSnapshot(watch: string): Promise<{ snapshot: StoredSnapshot | null; head: string }>;
  /** The entries after `after` up to `upTo` (for a replay). */
  readEvents(watch: string, after: string, upTo: string): Promise<ReadResult>;
  /** Delivers the entries after `after`, then every new one, until the returned function is called. */
  follow(watch: string, after: string, listener: FollowListener): () => void;
  /** Publishes this replica's subscriber count per watch (0 = none left), valid for `ttlMs`. */
  heartbeat(counts: ReadonlyMap<string, number>, ttlMs: number): Promise<void>;
  /** Subscribers of the watch on the other replicas, as last published. */
  remoteSubscribers(watch: string): Promise<number>;
  /**
   * Called when the store's contents were replaced under the engine (a failover between Redis and
   * local state): leases, snapshots and follows of before are void; the engine re-syncs.
   */
  onReset?(listener: () => void): () => void;
  close(): Promise<void>;
}
