/**
 * The gateway's Prometheus registry: its own upstream figures (prom-client: calls by endpoint and
 * outcome, latency, retries, coalesced calls, DataLoader batch sizes) and the GraphQL operation
 * series of plugins/use-metrics.ts, which yoga and the fast lane both write. One registry per
 * gateway instance, so two gateways in one process (the tests) never mix their counts.
 */
import type { Plugin } from 'graphql-yoga';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { operationLabeler, recordOperation, useMetrics, type ObservedOperation } from '../plugins/use-metrics';
import type { UpstreamClient } from '../upstream';

export interface GatewayMetrics {
  registry: Registry;
  plugin: Plugin;
  /** Records one DataLoader batch (the join's and the recall-flow loader's). */
  observeBatch(loader: string, size: number): void;
  /** Records an operation the fast lane answered, in the same series yoga's plugin writes. */
  observeOperation(operation: ObservedOperation): void;
}

/** `endpointNames`: upstream path → label; `endpoint`: the path Prometheus scrapes. */
export function createMetrics(client: UpstreamClient, endpointNames: Record<string, string>, endpoint: string): GatewayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const name = (path: string) => endpointNames[path] ?? 'other';

  const calls = new Counter({
    name: 'laaffic_upstream_calls_total',
    help: 'Upstream HTTP attempts by endpoint and outcome (ok or the error code).',
    labelNames: ['endpoint', 'outcome'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'laaffic_upstream_duration_seconds',
    help: 'Latency of upstream attempts.',
    labelNames: ['endpoint'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const retries = new Counter({
    name: 'laaffic_upstream_retries_total',
    help: 'Upstream retries by endpoint and reason (transient, timestamp).',
    labelNames: ['endpoint', 'reason'],
    registers: [registry],
  });
  const coalesced = new Counter({
    name: 'laaffic_upstream_coalesced_total',
    help: 'Upstream calls saved by sharing an identical call already in flight.',
    labelNames: ['endpoint'],
    registers: [registry],
  });
  const batches = new Histogram({
    name: 'laaffic_dataloader_batch_size',
    help: 'Keys per DataLoader batch.',
    labelNames: ['loader'],
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
    registers: [registry],
  });

  client.onEvent((e) => {
    const endpoint = name(e.path);
    if (e.type === 'attempt') {
      calls.inc({ endpoint, outcome: e.outcome });
      latency.observe({ endpoint }, e.durationMs / 1000);
    } else if (e.type === 'retry') {
      retries.inc({ endpoint, reason: e.reason });
    } else {
      coalesced.inc({ endpoint });
    }
  });

  const operationLabel = operationLabeler();
  return {
    registry,
    plugin: useMetrics({ registry, endpoint, operationLabel }),
    observeBatch: (loader, size) => batches.observe({ loader }, size),
    observeOperation: (o) => recordOperation({ registry, operationLabel }, o),
  };
}
