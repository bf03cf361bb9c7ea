/**
 * Prometheus metrics at /metrics: GraphQL operations (@graphql-yoga/plugin-prometheus) and the
 * gateway's own upstream figures (prom-client): calls by endpoint and outcome, latency, retries,
 * coalesced calls, DataLoader batch sizes. One registry per gateway instance.
 */
import { createCounter, createHistogram, usePrometheus, type FillLabelsFnParams } from '@graphql-yoga/plugin-prometheus';
import type { Plugin } from 'graphql-yoga';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { UpstreamClient } from '../upstream';
import { maskError } from '../graphql/errors';

export interface GatewayMetrics {
  registry: Registry;
  plugin: Plugin;
  /** Records one DataLoader batch (the join's and the recall-flow loader's). */
  observeBatch(loader: string, size: number): void;
  /** Records an operation the fast lane answered, in the same series yoga's plugin writes. */
  observeOperation(operation: ObservedOperation): void;
}

export interface ObservedOperation {
  /** The request's operationName, else the operation's own name, else 'Anonymous' (as the plugin labels it). */
  operationName: string;
  /** The operation's own name (the HTTP histogram labels by it), else 'Anonymous'. */
  documentOperationName: string;
  operationType: string;
  method: string;
  status: number;
  /** Seconds from the start of execution to its end. */
  executionSeconds: number;
  /** Seconds from the request's arrival to the response. */
  httpSeconds: number;
  /** The response's errors (masked). */
  errors: readonly unknown[];
}

/** Distinct operation names kept as label values; later new names share OTHER_OPERATIONS. */
export const MAX_OPERATION_LABELS = 100;
export const OTHER_OPERATIONS = '__other__';
export const MAX_OPERATION_LABEL_LENGTH = 100;

/**
 * Operation names are chosen by clients, so as label values they would let any client add
 * series (and memory) without bound: the first MAX_OPERATION_LABELS names keep their own
 * series, every later one is counted under OTHER_OPERATIONS.
 */
export function operationLabeler(max = MAX_OPERATION_LABELS): (name: string) => string {
  const seen = new Set<string>();
  return (name) => {
    if (seen.has(name)) return name;
    // A long name costs its length in every series and every scrape: it is nobody's dashboard label.
    if (seen.size >= max || name.length > MAX_OPERATION_LABEL_LENGTH) return OTHER_OPERATIONS;
    seen.add(name);
    return name;
  };
}

/**
 * An error's code as a label, as the client sees it (masked: yoga's plugin sees errors before
 * masking, the fast lane after, and both must count alike). The codes are a short fixed list.
 */
function errorCodeLabel(error: unknown): string {
  if (error === undefined) return 'UNKNOWN';
  const code = maskError(error).extensions.code;
  return typeof code === 'string' && /^[A-Z_]{1,40}$/.test(code) ? code : 'UNKNOWN';
}

export function createMetrics(client: UpstreamClient, endpointNames: Record<string, string>): GatewayMetrics {
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

  const operation = operationLabeler();
  // The plugin's four operation metrics, as it defines them (names, help, phases), except that the
  // operation name goes through the labeler and the HTTP histogram has no `url` label: it is the
  // full request URL (host header and a GET's query string, variables included).
  const opLabels = (p: FillLabelsFnParams) => ({ operationName: operation(p.operationName || 'Anonymous'), operationType: p.operationType || 'unknown' });
  const plugin = usePrometheus({
    registry,
    endpoint: '/metrics',
    metrics: {
      graphql_envelop_request: createCounter({
        registry,
        counter: { name: 'graphql_envelop_request', help: 'Counts the amount of GraphQL requests executed through Envelop', labelNames: ['operationType', 'operationName'] },
        fillLabelsFn: opLabels,
        phases: ['execute', 'subscribe'],
      }),
      graphql_envelop_request_duration: createHistogram({
        registry,
        histogram: {
          name: 'graphql_envelop_request_duration',
          help: 'Time spent on running the GraphQL operation from parse to execute',
          labelNames: ['operationType', 'operationName'],
        },
        fillLabelsFn: opLabels,
        phases: ['execute', 'subscribe'],
      }),
      graphql_envelop_error_result: createCounter({
        registry,
        counter: {
          name: 'graphql_envelop_error_result',
          help: 'Counts the amount of errors reported from all phases',
          // The plugin's `path` label is replaced by the error code: a path starts with a
          // client-chosen alias, so it would let any client add series without bound.
          labelNames: ['operationType', 'operationName', 'code', 'phase'],
        },
        fillLabelsFn: (p) => ({
          ...opLabels(p),
          phase: p.errorPhase ?? 'unknown',
          code: errorCodeLabel(p.error),
        }),
        phases: ['parse', 'validate', 'context', 'execute', 'subscribe'],
      }),
      graphql_yoga_http_duration: createHistogram({
        registry,
        histogram: { name: 'graphql_yoga_http_duration', help: 'Time spent on HTTP connection', labelNames: ['operationName', 'operationType', 'method', 'statusCode'] },
        fillLabelsFn: (p, { request, response }) => ({
          ...opLabels(p),
          method: (request as Request).method,
          statusCode: (response as Response).status,
        }),
        phases: ['request'],
      }) as never,
      // Off: the plugin enables everything by default, and these cost CPU on every request
      // (the deprecated-field counter walks each document; the summary keeps t-digests) for
      // figures the histograms above already give.
      graphql_envelop_phase_parse: false,
      graphql_envelop_phase_validate: false,
      graphql_envelop_phase_context: false,
      graphql_envelop_phase_execute: false,
      graphql_envelop_phase_subscribe: false,
      graphql_envelop_request_time_summary: false,
      graphql_envelop_deprecated_field: false,
      graphql_envelop_schema_change: false,
    },
  });

  // The plugin registers its metrics when yoga initialises it; the fast lane writes to the same
  // series so /metrics counts every operation once, whichever path answered it.
  const metric = <T>(name: string) => registry.getSingleMetric(name) as T | undefined;
  const observeOperation = (o: ObservedOperation) => {
    const labels = { operationName: operation(o.operationName), operationType: o.operationType };
    metric<Counter>('graphql_envelop_request')?.inc(labels);
    metric<Histogram>('graphql_envelop_request_duration')?.observe(labels, o.executionSeconds);
    const errors = metric<Counter>('graphql_envelop_error_result');
    for (const e of o.errors) {
      errors?.inc({ ...labels, phase: 'execute', code: errorCodeLabel(e) });
    }
    metric<Histogram>('graphql_yoga_http_duration')?.observe(
      { operationName: operation(o.documentOperationName), operationType: o.operationType, method: o.method, statusCode: o.status },
      o.httpSeconds,
    );
  };

  return { registry, plugin, observeBatch: (loader, size) => batches.observe({ loader }, size), observeOperation };
}
