/**
 * What replicas share, and the one Redis connection it goes through (only with REDIS_URL).
 *
 *   const cluster = await createCluster({ redisUrl: config.cluster.redisUrl, keyPrefix: config.cluster.keyPrefix,
 *     pollIntervalMs: config.live.pollIntervalMs, log, metrics: createClusterMetrics(registry) });
 *   const hub = createLiveHub({ store: cluster.watchStore, ... });
 *   …
 *   await hub.close(); await cluster.close();
 *
 * Without a URL: `link` is null and `watchStore` a memory store (one process). With one: the
 * Redis store behind a failover to local state while Redis is unreachable (`cluster.mode`, the
 * `laaffic_cluster_mode{part="live"}` gauge). More shared parts (the upstream budget, the id
 * memory) join here: they take `link` (its `mode`, `onModeChange`, `failed`, `redis`, keys under
 * `link.prefix`) and keep a local fallback of their own.
 */
import { createMemoryWatchStore } from '../live/memory-store';
import type { WatchStore } from '../live/store';
import { createFailoverWatchStore } from './failover-watch-store';
import { createClusterLink, type ClusterLink, type ClusterLog, type ClusterMode } from './link';
import type { ClusterMetrics } from './metrics';
import { createRedisWatchStore } from './redis-watch-store';

export interface ClusterOptions {
  /** REDIS_URL; unset = one process, everything in memory. */
  redisUrl?: string;
  /** REDIS_KEY_PREFIX. */
  keyPrefix: string;
  /** LIVE_POLL_INTERVAL_MS: sets how quickly the stream reader picks up new watches (half of it, at most 1 s). */
  pollIntervalMs: number;
  /** How long start-up waits for Redis before starting in local mode (default 2000 ms). */
  connectWaitMs?: number;
  /** Replica name (CLIENT LIST, the subscriber registry). */
  replicaId?: string;
  log?: ClusterLog;
  metrics?: ClusterMetrics;
  /** Redis command timeout (default 2000 ms). */
  commandTimeoutMs?: number;
}

export interface Cluster {
  /** The Redis link; null without REDIS_URL. */
  readonly link: ClusterLink | null;
  /** The live engine's shared state. */
  readonly watchStore: WatchStore;
  /** 'cluster' while shared through Redis; always 'local' without REDIS_URL. */
  readonly mode: ClusterMode;
  close(): Promise<void>;
}

export async function createCluster(options: ClusterOptions): Promise<Cluster> {
  if (!options.redisUrl) {
    const store = createMemoryWatchStore();
    options.metrics?.mode('live', 'local');
    return { link: null, watchStore: store, mode: 'local', close: () => store.close() };
  }
  const link = createClusterLink({
    url: options.redisUrl,
    prefix: options.keyPrefix,
    log: options.log,
    name: options.replicaId ? `laaffic-gateway:${options.replicaId}` : 'laaffic-gateway',
    commandTimeoutMs: options.commandTimeoutMs,
    probeMs: Math.min(1_000, Math.max(100, options.pollIntervalMs)),
  });
  const primary = createRedisWatchStore({
    link,
    replicaId: options.replicaId,
    blockMs: Math.min(1_000, Math.max(20, Math.floor(options.pollIntervalMs / 2))),
  });
  const mode = await link.ready(options.connectWaitMs ?? 2_000);
  if (mode === 'local') options.log?.warn({}, 'cluster: starting without Redis; watches poll locally until it answers');
  const store = createFailoverWatchStore({ link, primary, log: options.log, metrics: options.metrics });
  return {
    link,
    watchStore: store,
    get mode() {
      return link.mode;
    },
    async close() {
      await store.close();
      await link.close();
    },
  };
}

export { createClusterLink, isReplyError, redactUrl } from './link';
export type { ClusterLink, ClusterLinkOptions, ClusterLog, ClusterMode } from './link';
export { createRedisWatchStore } from './redis-watch-store';
export type { RedisWatchStoreOptions } from './redis-watch-store';
export { createFailoverWatchStore } from './failover-watch-store';
export type { FailoverWatchStoreOptions } from './failover-watch-store';
export { createClusterMetrics, noClusterMetrics } from './metrics';
export type { ClusterMetrics } from './metrics';
export { watchKeys } from './keys';
export type { WatchKeys } from './keys';
