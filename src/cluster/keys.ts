/**
 * Every Redis key the gateway uses, in one place, under the configured prefix (REDIS_KEY_PREFIX,
 * default `laaffic:`), so replicas of one deployment meet and others (or tests) stay apart.
 * A watch's keys share a hash tag (`{<watch hash>}`): on a Redis Cluster they land in one slot,
 * which the atomic commit script needs.
 *
 *   <prefix>live:{<watch>}:lease    string  the poller's token, PX = 1.5 poll intervals (renewed every half interval)
 *   <prefix>live:{<watch>}:snap     hash    epoch, pos (stream id), at (ms of the last poll), data (JSON records)
 *   <prefix>live:{<watch>}:events   stream  one entry per change (field `e`, JSON), MAXLEN ~ LIVE_REPLAY_EVENTS
 *   <prefix>live:{<watch>}:subs     hash    replica id -> "<subscribers>|<valid until, epoch ms>"
 * The snapshot and the stream expire `retain` (max(60 s, 12 intervals)) after the last poll or
 * lease renewal; the lease 1.5 intervals and the registry 3 intervals without renewal.
 */

export interface WatchKeys {
  lease: string;
  snapshot: string;
  events: string;
  subscribers: string;
}

export function watchKeys(prefix: string, watch: string): WatchKeys {
  const base = `${prefix}live:{${watch}}:`;
  return { lease: `${base}lease`, snapshot: `${base}snap`, events: `${base}events`, subscribers: `${base}subs` };
}

/** The watch hash of an events key (the reader gets keys back from XREAD). */
export function watchOfEventsKey(prefix: string, key: string): string | undefined {
  const start = `${prefix}live:{`;
  if (!key.startsWith(start) || !key.endsWith('}:events')) return undefined;
  return key.slice(start.length, -'}:events'.length);
}
