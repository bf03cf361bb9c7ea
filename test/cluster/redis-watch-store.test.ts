import { afterAll, describe, expect, it } from 'vitest';
import { createClusterLink, type ClusterLink } from '../../src/cluster/link';
import { createRedisWatchStore } from '../../src/cluster/redis-watch-store';
import type { WatchStore } from '../../src/live/store';
import { describeWatchStore } from '../live/store-contract';
import { deleteKeys, listKeys, redisUrl, releaseRedis, testPrefix } from '../helpers/redis';
import { until } from '../helpers/live';

afterAll(releaseRedis);

async function open(prefix: string, replicaId?: string): Promise<{ link: ClusterLink; store: WatchStore; close(): Promise<void> }> {
  const url = await redisUrl();
  const link = createClusterLink({ url, prefix, probeMs: 100 });
  const store = createRedisWatchStore({ link, replicaId, blockMs: 100 });
  expect(await link.ready(5_000)).toBe('cluster');
  return {
    link,
    store,
    close: async () => {
      await store.close();
      await link.close();
    },
  };
}

describeWatchStore('redis', async () => {
  const prefix = testPrefix();
  const { store, close } = await open(prefix);
  return {
    store,
    close: async () => {
      await close();
      await deleteKeys(await redisUrl(), prefix);
    },
  };
});

describe('redis watch store', () => {
  it('keeps every key under the prefix, a watch\'s keys under one hash tag', async () => {
    const prefix = testPrefix();
    const { store, close } = await open(prefix, 'r1');
    try {
      await store.acquireLease('abc', 't', 5_000);
      await store.commit('abc', 't', { base: null, epoch: 'E', entries: [{ type: 'reset', epoch: 'E', poll: 'p', observedAt: 1 }], records: [], observedAt: 1, maxEvents: 10, retainMs: 10_000 });
      await store.heartbeat(new Map([['abc', 2]]), 5_000);
      expect(await listKeys(await redisUrl(), prefix)).toEqual([
        `${prefix}live:{abc}:events`,
        `${prefix}live:{abc}:lease`,
        `${prefix}live:{abc}:snap`,
        `${prefix}live:{abc}:subs`,
      ]);
    } finally {
      await close();
      await deleteKeys(await redisUrl(), prefix);
    }
  });

  it('registry: each replica sees the subscribers of the others, until they leave or expire', async () => {
    const prefix = testPrefix();
    const a = await open(prefix, 'a');
    const b = await open(prefix, 'b');
    try {
      await a.store.heartbeat(new Map([['w', 3]]), 300);
      await b.store.heartbeat(new Map([['w', 2]]), 5_000);
      expect(await a.store.remoteSubscribers('w')).toBe(2);
      expect(await b.store.remoteSubscribers('w')).toBe(3);
      await b.store.heartbeat(new Map([['w', 0]]), 5_000);
      expect(await a.store.remoteSubscribers('w')).toBe(0);
      await new Promise((r) => setTimeout(r, 350));
      expect(await b.store.remoteSubscribers('w')).toBe(0); // a's entry expired
    } finally {
      await a.close();
      await b.close();
      await deleteKeys(await redisUrl(), prefix);
    }
  });

  it('a new follow joins a blocked read at once', async () => {
    const prefix = testPrefix();
    const url = await redisUrl();
    const link = createClusterLink({ url, prefix, probeMs: 100 });
    const store = createRedisWatchStore({ link, blockMs: 5_000 });
    await link.ready(5_000);
    try {
      const first: unknown[] = [];
      store.follow('one', '0-0', (e) => first.push(...e));
      await new Promise((r) => setTimeout(r, 100)); // the reader is now blocked on `one` for 5 s
      const second: unknown[] = [];
      store.follow('two', '0-0', (e) => second.push(...e));
      await store.acquireLease('two', 't', 5_000);
      const t0 = Date.now();
      await store.commit('two', 't', { base: null, epoch: 'E', entries: [{ type: 'reset', epoch: 'E', poll: 'p', observedAt: 1 }], records: [], observedAt: 1, maxEvents: 10, retainMs: 10_000 });
      await until(() => second.length === 1, 3_000, 'the new follow');
      expect(Date.now() - t0).toBeLessThan(1_000);
    } finally {
      await store.close();
      await link.close();
      await deleteKeys(url, prefix);
    }
  });
});
