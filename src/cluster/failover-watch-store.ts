/**
 * The live engine's WatchStore with the link's fallback: the Redis store while the link is in
 * `cluster` mode, a fresh in-memory store of this replica while it is `local` (so every replica
 * polls its own watches: never a dropped subscription, never a crash). A transport failure of the
 * Redis store sends the link local; the link comes back to `cluster` on its own. On every switch
 * the follows of the old store are stopped and the engine is told (`onReset`) to forget leases and
 * bases and re-sync its views, which sends subscribers the difference between what they know and
 * the new store's snapshot (or resumes seamlessly when it is the same stream, after a blip).
 * A new memory store per outage: an old one would hold snapshots of before, a false base.
 */
import { createMemoryWatchStore } from '../live/memory-store';
import type { WatchStore } from '../live/store';
import type { ClusterLink, ClusterLog, ClusterMode } from './link';
import { noClusterMetrics, type ClusterMetrics } from './metrics';

export interface FailoverWatchStoreOptions {
  link: ClusterLink;
  /** The Redis store (closed with this one). */
  primary: WatchStore;
  /** Makes the local fallback (default: a memory store). */
  createLocal?: () => WatchStore;
  log?: ClusterLog;
  metrics?: ClusterMetrics;
}

export function createFailoverWatchStore(options: FailoverWatchStoreOptions): WatchStore & { readonly mode: ClusterMode } {
  const { link, primary } = options;
  const createLocal = options.createLocal ?? (() => createMemoryWatchStore());
  const metrics = options.metrics ?? noClusterMetrics;
  let mode: ClusterMode = link.mode;
  let local: WatchStore | null = null;
  const follows = new Set<() => void>();
  const resetListeners = new Set<() => void>();
  metrics.mode('live', mode);

  const current = (): WatchStore => {
    if (mode === 'cluster') return primary;
    local ??= createLocal();
    return local;
  };

  const offMode = link.onModeChange((next) => {
    if (next === mode) return;
    mode = next;
    metrics.mode('live', next);
    for (const stop of follows) stop();
    follows.clear();
    const old = local;
    local = null;
    void old?.close();
    options.log?.info({ mode: next }, next === 'local' ? 'live: watches poll locally until Redis is back' : 'live: watches shared through Redis again');
    for (const listener of resetListeners) listener();
  });

  /** Runs an operation on the current store; a transport failure of Redis sends the link local. */
  const run = async <R>(op: (store: WatchStore) => Promise<R>): Promise<R> => {
    const store = current();
    try {
      return await op(store);
    } catch (err) {
      if (store === primary) link.failed(err);
      throw err;
    }
  };

  return {
    name: 'failover',
    get mode() {
      return mode;
    },
    acquireLease: (w, t, ttl) => run((s) => s.acquireLease(w, t, ttl)),
    renewLease: (w, t, ttl, retain) => run((s) => s.renewLease(w, t, ttl, retain)),
    releaseLease: (w, t) => run((s) => s.releaseLease(w, t)),
    commit: (w, t, r) => run((s) => s.commit(w, t, r)),
    end: (w, t, e, err, retain) => run((s) => s.end(w, t, e, err, retain)),
    loadSnapshot: (w) => run((s) => s.loadSnapshot(w)),
    readEvents: (w, a, u) => run((s) => s.readEvents(w, a, u)),
    heartbeat: (c, ttl) => run((s) => s.heartbeat(c, ttl)),
    remoteSubscribers: (w) => run((s) => s.remoteSubscribers(w)),
    follow(watch, after, listener) {
      const stopInner = current().follow(watch, after, listener);
      let stopped = false;
      const stop = () => {
        if (stopped) return;
        stopped = true;
        follows.delete(stop);
        stopInner();
      };
      follows.add(stop);
      return stop;
    },
    onReset(listener) {
      resetListeners.add(listener);
      return () => resetListeners.delete(listener);
    },
    async close() {
      offMode();
      for (const stop of follows) stop();
      follows.clear();
      resetListeners.clear();
      await local?.close();
      local = null;
      await primary.close();
    },
  };
}
