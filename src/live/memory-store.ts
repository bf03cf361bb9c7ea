/**
 * The WatchStore of one process: leases, snapshots, capped streams and follows in memory, with the
 * semantics of the Redis store (ids `<ms>-<seq>`, atomic commits, retention after the last poll),
 * so the engine runs the same code with or without a cluster. Also the per-replica fallback while
 * Redis is unreachable (src/cluster/ makes a fresh one for each outage).
 */
import { compareIds } from './cursor';
import type {
  CommitRequest,
  CommitResult,
  EndError,
  FollowListener,
  NewEntry,
  ReadResult,
  StoredSnapshot,
  StreamEntry,
  WatchStore,
} from './store';

interface Follower {
  after: string;
  listener: FollowListener;
  scheduled: boolean;
  closed: boolean;
}

interface WatchData {
  lease: { token: string; expiresAt: number } | null;
  snapshot: StoredSnapshot | null;
  stream: StreamEntry[];
  lastId: string;
  /** When the snapshot and the stream are dropped (no poll since `retainMs`). */
  expiresAt: number;
  followers: Set<Follower>;
}

export interface MemoryStoreOptions {
  now?: () => number;
  /** How often expired watches are swept (default 30 s). */
  sweepMs?: number;
}

/** The next stream id after `last` at time `now` (Redis's rule: ms, then a sequence within the ms). */
export function nextStreamId(last: string, now: number): string {
  const [ms = 0, seq = 0] = last.split('-').map(Number);
  return now > ms ? `${now}-0` : `${ms}-${seq + 1}`;
}

export function createMemoryWatchStore(options: MemoryStoreOptions = {}): WatchStore {
  const now = options.now ?? Date.now;
  const watches = new Map<string, WatchData>();
  let closed = false;

  const data = (watch: string): WatchData => {
    let d = watches.get(watch);
    if (!d) {
      d = { lease: null, snapshot: null, stream: [], lastId: '0-0', expiresAt: Infinity, followers: new Set() };
      watches.set(watch, d);
    }
    if (d.expiresAt <= now()) {
      // Retention over: as Redis would, forget the snapshot and the stream (ids keep growing).
      d.snapshot = null;
      d.stream = [];
      d.expiresAt = Infinity;
    }
    if (d.lease && d.lease.expiresAt <= now()) d.lease = null;
    return d;
  };

  const deliver = (d: WatchData, f: Follower) => {
    if (f.scheduled || f.closed) return;
    f.scheduled = true;
    queueMicrotask(() => {
      f.scheduled = false;
      if (f.closed) return;
      const entries = d.stream.filter((e) => compareIds(e.id, f.after) > 0);
      if (entries.length === 0) return;
      f.after = entries[entries.length - 1]!.id;
      f.listener(entries);
    });
  };

  const append = (d: WatchData, entries: readonly NewEntry[], maxEvents: number): string => {
    for (const e of entries) {
      d.lastId = nextStreamId(d.lastId, now());
      d.stream.push({ ...e, id: d.lastId } as StreamEntry);
    }
    if (d.stream.length > maxEvents) d.stream.splice(0, d.stream.length - maxEvents);
    for (const f of d.followers) deliver(d, f);
    return d.lastId;
  };

  const sweep = setInterval(() => {
    const t = now();
    for (const [watch, d] of watches) {
      if (d.expiresAt <= t && d.followers.size === 0 && (!d.lease || d.lease.expiresAt <= t)) watches.delete(watch);
    }
  }, options.sweepMs ?? 30_000);
  sweep.unref();

  return {
    name: 'memory',
    async acquireLease(watch, token, ttlMs) {
      const d = data(watch);
      if (d.lease) return false;
      d.lease = { token, expiresAt: now() + ttlMs };
      return true;
    },
    async renewLease(watch, token, ttlMs, retainMs) {
      const d = data(watch);
      if (d.lease?.token !== token) return false;
      d.lease.expiresAt = now() + ttlMs;
      if (d.snapshot || d.stream.length > 0) d.expiresAt = now() + retainMs;
      return true;
    },
    async releaseLease(watch, token) {
      const d = data(watch);
      if (d.lease?.token === token) d.lease = null;
    },
    async commit(watch, token, request: CommitRequest): Promise<CommitResult> {
      const d = data(watch);
      if (d.lease?.token !== token) return { ok: false, reason: 'lease' };
      if (request.base === null ? d.snapshot !== null : d.snapshot?.epoch !== request.base.epoch || d.snapshot.position !== request.base.position) {
        return { ok: false, reason: 'conflict' };
      }
      const position = request.entries.length > 0 ? append(d, request.entries, request.maxEvents) : d.snapshot!.position;
      d.snapshot = {
        epoch: request.epoch,
        position,
        observedAt: request.observedAt,
        records: request.records ?? d.snapshot?.records ?? [],
      };
      d.expiresAt = now() + request.retainMs;
      return { ok: true, position };
    },
    async end(watch, token, epoch, error: EndError, retainMs) {
      const d = data(watch);
      if (d.lease?.token !== token) return false;
      append(d, [{ type: 'end', epoch, error }], Infinity);
      d.snapshot = null;
      d.expiresAt = now() + retainMs;
      return true;
    },
    async loadSnapshot(watch) {
      const d = data(watch);
      return { snapshot: d.snapshot, head: d.lastId };
    },
    async readEvents(watch, after, upTo): Promise<ReadResult> {
      const d = data(watch);
      const complete = d.stream.some((e) => e.id === after);
      const entries = d.stream.filter((e) => compareIds(e.id, after) > 0 && compareIds(e.id, upTo) <= 0);
      return { entries, complete };
    },
    follow(watch, after, listener) {
      const d = data(watch);
      const f: Follower = { after, listener, scheduled: false, closed: closed };
      d.followers.add(f);
      deliver(d, f);
      return () => {
        f.closed = true;
        d.followers.delete(f);
      };
    },
    async heartbeat() {
      // One process: nobody else to tell.
    },
    async remoteSubscribers() {
      return 0;
    },
    async close() {
      closed = true;
      clearInterval(sweep);
      for (const d of watches.values()) for (const f of d.followers) f.closed = true;
      watches.clear();
    },
  };
}
