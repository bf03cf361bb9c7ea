/**
 * The live engine's WatchStore on Redis (key layout in keys.ts): leases by `SET NX PX` and a
 * compare-and-renew script, the snapshot in a hash, the events in a capped stream per watch
 * (`XADD … MAXLEN ~ LIVE_REPLAY_EVENTS`), commits by one script (scripts.ts), and the follow of
 * every watch this replica holds by ONE `XREAD BLOCK` loop on a dedicated connection.
 *
 * Why streams and not pub/sub (@graphql-yoga/redis-event-target): a subscriber resuming with
 * `after` needs the events since its cursor, so the events must be stored, ordered and addressable
 * by position; pub/sub keeps nothing (a replica reconnecting loses what was published meanwhile)
 * and orders nothing across reconnects. A stream is that log, capped, and its entry ids are the
 * cursors' positions; followers read it from where they are, so nothing is lost across a blip.
 *
 * Errors propagate (the failover store in failover-watch-store.ts turns transport errors into
 * local mode); the reader loop reports its own to the link and keeps retrying.
 */
import { randomBytes } from 'node:crypto';
import type Redis from 'ioredis';
import { compareIds } from '../live/cursor';
import type { CommitRequest, CommitResult, EndError, FollowListener, NewEntry, ReadResult, StoredSnapshot, StreamEntry, WatchStore } from '../live/store';
import { watchKeys, watchOfEventsKey } from './keys';
import type { ClusterLink } from './link';
import { COMMIT, END, RELEASE, RENEW, runScript } from './scripts';

export interface RedisWatchStoreOptions {
  link: ClusterLink;
  /** This replica's name in the subscriber registry (default: random). */
  replicaId?: string;
  /** XREAD BLOCK timeout: the longest a newly followed watch waits to join the read. Default 1000 ms. */
  blockMs?: number;
  /** Entries read per stream per XREAD at most. Default 1000. */
  readCount?: number;
}

interface Follow {
  watch: string;
  after: string;
  listener: FollowListener;
  closed: boolean;
}

type RawEntry = [id: string, fields: string[]];

function parseEntry(raw: RawEntry): StreamEntry | undefined {
  const [id, fields] = raw;
  const i = fields.indexOf('e');
  if (i < 0 || i + 1 >= fields.length) return undefined;
  try {
    return { ...(JSON.parse(fields[i + 1]!) as NewEntry), id } as StreamEntry;
  } catch {
    return undefined;
  }
}

const parseEntries = (raw: RawEntry[]) => raw.map(parseEntry).filter((e): e is StreamEntry => e !== undefined);

export function createRedisWatchStore(options: RedisWatchStoreOptions): WatchStore {
  const { link } = options;
  const redis = link.redis;
  const replicaId = options.replicaId ?? randomBytes(6).toString('hex');
  const blockMs = options.blockMs ?? 1_000;
  const readCount = options.readCount ?? 1_000;
  const keys = (watch: string) => watchKeys(link.prefix, watch);
  const follows = new Map<string, Set<Follow>>();
  let closed = false;
  // The dedicated reader: a blocked XREAD holds its connection.
  const reader = link.connection('live-reader', { commandTimeout: blockMs + 2_000 });
  let readerId: number | null = null;
  let blocked = false;
  let wake: (() => void) | null = null;
  reader.on('close', () => {
    readerId = null;
  });

  /** Makes the reader take a new follow into account now (instead of after its BLOCK timeout). */
  const nudge = () => {
    if (wake) {
      const w = wake;
      wake = null;
      w();
    } else if (blocked && readerId !== null) {
      redis.client('UNBLOCK', readerId).catch(() => {});
    }
  };

  const readLoop = async () => {
    let backoff = 50;
    while (!closed) {
      if (follows.size === 0) {
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      const streams: string[] = [];
      const ids: string[] = [];
      for (const [watch, set] of follows) {
        let after: string | undefined;
        for (const f of set) if (after === undefined || compareIds(f.after, after) < 0) after = f.after;
        streams.push(keys(watch).events);
        ids.push(after ?? '0-0');
      }
      try {
        if (readerId === null) readerId = await reader.client('ID');
        blocked = true;
        const result = await reader.xread('COUNT', readCount, 'BLOCK', blockMs, 'STREAMS', ...streams, ...ids);
        blocked = false;
        backoff = 50;
        if (!result) continue;
        for (const [key, raw] of result) {
          const watch = watchOfEventsKey(link.prefix, key);
          const set = watch === undefined ? undefined : follows.get(watch);
          if (!set) continue;
          const entries = parseEntries(raw as RawEntry[]);
          for (const f of set) {
            const fresh = entries.filter((e) => compareIds(e.id, f.after) > 0);
            if (fresh.length === 0 || f.closed) continue;
            f.after = fresh[fresh.length - 1]!.id;
            try {
              f.listener(fresh);
            } catch {
              // A listener's failure is its own.
            }
          }
        }
      } catch (err) {
        blocked = false;
        if (closed) return;
        link.failed(err);
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(backoff * 2, 1_000);
      }
    }
  };
  void readLoop();

  return {
    name: 'redis',
    async acquireLease(watch, token, ttlMs) {
      return (await redis.set(keys(watch).lease, token, 'PX', ttlMs, 'NX')) === 'OK';
    },
    async renewLease(watch, token, ttlMs, retainMs) {
      const k = keys(watch);
      return (await runScript(redis, RENEW, [k.lease, k.snapshot, k.events], [token, ttlMs, retainMs])) === 1;
    },
    async releaseLease(watch, token) {
      await runScript(redis, RELEASE, [keys(watch).lease], [token]);
    },
    async commit(watch, token, request: CommitRequest): Promise<CommitResult> {
      const k = keys(watch);
      const result = (await runScript(
        redis,
        COMMIT,
        [k.lease, k.snapshot, k.events],
        [
          token,
          request.base?.epoch ?? '',
          request.base?.position ?? '',
          request.epoch,
          request.observedAt,
          request.retainMs,
          request.maxEvents,
          request.records ? '1' : '0',
          request.records ? JSON.stringify(request.records) : '',
          request.entries.length,
          ...request.entries.map((e) => JSON.stringify(e)),
        ],
      )) as [number, string];
      if (result[0] === 1) return { ok: true, position: result[1] };
      return { ok: false, reason: result[1] === 'lease' ? 'lease' : 'conflict' };
    },
    async end(watch, token, epoch, error: EndError, retainMs) {
      const k = keys(watch);
      const entry: NewEntry = { type: 'end', epoch, error };
      return (await runScript(redis, END, [k.lease, k.snapshot, k.events], [token, JSON.stringify(entry), retainMs])) === 1;
    },
    async loadSnapshot(watch) {
      const k = keys(watch);
      const replies = await redis.multi().hgetall(k.snapshot).xrevrange(k.events, '+', '-', 'COUNT', 1).exec();
      if (!replies) throw new Error('loadSnapshot: transaction aborted');
      const [[e1, hash], [e2, last]] = replies as [[Error | null, Record<string, string>], [Error | null, RawEntry[]]];
      if (e1) throw e1;
      if (e2) throw e2;
      const head = last[0]?.[0] ?? '0-0';
      if (!hash.epoch || hash.pos === undefined) return { snapshot: null, head };
      const snapshot: StoredSnapshot = {
        epoch: hash.epoch,
        position: hash.pos,
        observedAt: Number(hash.at ?? 0),
        records: JSON.parse(hash.data ?? '[]') as StoredSnapshot['records'],
      };
      return { snapshot, head };
    },
    async readEvents(watch, after, upTo): Promise<ReadResult> {
      const k = keys(watch);
      const replies = await redis.multi().xrange(k.events, after, after).xrange(k.events, `(${after}`, upTo).exec();
      if (!replies) throw new Error('readEvents: transaction aborted');
      const [[e1, self], [e2, range]] = replies as [[Error | null, RawEntry[]], [Error | null, RawEntry[]]];
      if (e1) throw e1;
      if (e2) throw e2;
      return { entries: parseEntries(range), complete: self.length > 0 };
    },
    follow(watch, after, listener) {
      const f: Follow = { watch, after, listener, closed: false };
      let set = follows.get(watch);
      if (!set) {
        set = new Set();
        follows.set(watch, set);
      }
      // The reader must re-read when this follow starts before what it reads now (or is new).
      let behind = true;
      for (const other of set) if (compareIds(other.after, after) <= 0) behind = false;
      set.add(f);
      if (behind) nudge();
      return () => {
        f.closed = true;
        const s = follows.get(watch);
        s?.delete(f);
        if (s && s.size === 0) follows.delete(watch);
      };
    },
    async heartbeat(counts, ttlMs) {
      const pipeline = redis.pipeline();
      const until = Date.now() + ttlMs;
      for (const [watch, count] of counts) {
        const k = keys(watch).subscribers;
        if (count > 0) {
          pipeline.hset(k, replicaId, `${count}|${until}`);
          pipeline.pexpire(k, ttlMs);
        } else {
          pipeline.hdel(k, replicaId);
        }
      }
      const results = await pipeline.exec();
      const failure = results?.find(([err]) => err)?.[0];
      if (failure) throw failure;
    },
    async remoteSubscribers(watch) {
      const all = await redis.hgetall(keys(watch).subscribers);
      const now = Date.now();
      let total = 0;
      for (const [replica, value] of Object.entries(all)) {
        if (replica === replicaId) continue;
        const [count, until] = value.split('|').map(Number);
        if (until !== undefined && until > now && count) total += count;
      }
      return total;
    },
    async close() {
      closed = true;
      for (const set of follows.values()) for (const f of set) f.closed = true;
      follows.clear();
      wake?.();
      link.closeConnection(reader);
    },
  };
}
