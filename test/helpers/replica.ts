/**
 * A gateway "replica" for the cluster tests: its own cluster link (own Redis connections), its own
 * hub and metrics registry, polling a shared fake source through a counter of its own.
 */
import { Registry } from 'prom-client';
import { createCluster, createClusterMetrics, type Cluster } from '../../src/cluster';
import { createLiveHub, type ListSource, type LiveHub } from '../../src/live';
import type { FakeSource, Rec } from './live';

export interface Replica {
  name: string;
  hub: LiveHub<Rec>;
  cluster: Cluster;
  registry: Registry;
  /** When this replica polled. */
  polls: number[];
  /** The `laaffic_cluster_mode{part="live"}` gauge: 1 cluster, 0 local. */
  mode(): Promise<number | undefined>;
  /** Like a crash: nothing released, connections dropped. */
  kill(): Promise<void>;
  close(): Promise<void>;
}

export async function startReplica(
  name: string,
  url: string,
  prefix: string,
  fake: FakeSource,
  options: { pollIntervalMs: number; connectWaitMs?: number },
): Promise<Replica> {
  const registry = new Registry();
  const cluster = await createCluster({
    redisUrl: url,
    keyPrefix: prefix,
    pollIntervalMs: options.pollIntervalMs,
    connectWaitMs: options.connectWaitMs ?? 5_000,
    replicaId: name,
    metrics: createClusterMetrics(registry),
    commandTimeoutMs: 1_000,
  });
  const polls: number[] = [];
  const source: ListSource<Rec> = (watch, o) => {
    polls.push(Date.now());
    return fake.source(watch, o);
  };
  const hub = createLiveHub<Rec>({ store: cluster.watchStore, source, pollIntervalMs: options.pollIntervalMs });
  let closed = false;
  return {
    name,
    hub,
    cluster,
    registry,
    polls,
    async mode() {
      const metric = await registry.getSingleMetric('laaffic_cluster_mode')?.get();
      return metric?.values.find((v) => v.labels.part === 'live')?.value;
    },
    async kill() {
      if (closed) return;
      closed = true;
      await hub.close({ abrupt: true });
      await cluster.close();
    },
    async close() {
      if (closed) return;
      closed = true;
      await hub.close();
      await cluster.close();
    },
  };
}
