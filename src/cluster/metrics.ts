/**
 * Which mode each shared part is in (1 = cluster: through Redis; 0 = local fallback) and how often
 * it fell back, as an interface the cluster layer reports to, and its prom-client implementation.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { ClusterMode } from './link';

export interface ClusterMetrics {
  /** The part's current mode (`part`: 'live' now; 'budget', 'ids' later). */
  mode(part: string, mode: ClusterMode): void;
}

export const noClusterMetrics: ClusterMetrics = { mode() {} };

export function createClusterMetrics(registry: Registry): ClusterMetrics {
  const gauge = new Gauge({
    name: 'laaffic_cluster_mode',
    help: 'Mode of each shared part: 1 = cluster (shared through Redis), 0 = local fallback',
    labelNames: ['part'],
    registers: [registry],
  });
  const fallbacks = new Counter({
    name: 'laaffic_cluster_fallbacks_total',
    help: 'Times a shared part fell back to local state (Redis unreachable)',
    labelNames: ['part'],
    registers: [registry],
  });
  const last = new Map<string, ClusterMode>();
  return {
    mode(part, mode) {
      gauge.set({ part }, mode === 'cluster' ? 1 : 0);
      if (mode === 'local' && last.get(part) === 'cluster') fallbacks.inc({ part });
      last.set(part, mode);
    },
  };
}
