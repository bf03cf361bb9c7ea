/**
 * GraphQL operation metrics at /metrics (@graphql-yoga/plugin-prometheus), bounded: operation
 * names are client-chosen, so only the first MAX_OPERATION_LABELS get series of their own; errors
 * are counted by code, not by path; no label carries a URL. recordOperation writes the same
 * series for an operation the fast lane answered, so /metrics counts every operation once,
 * whichever path answered it. The registry and the gateway's own figures: server/metrics.ts.
 */
import { createCounter, createHistogram, usePrometheus } from '@graphql-yoga/plugin-prometheus';
import type { Plugin } from 'graphql-yoga';
import type { Counter, Histogram, Registry } from 'prom-client';
import { maskError } from '../graphql/errors';
import { CLIENT_CLOSED_STATUS } from '../server/log-line';

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

/** What the plugin's label functions get about an operation (the part of FillLabelsFnParams used here). */
export interface OperationLabelParams {
  operationName?: string;
  operationType?: string;
}

/** The operation labels of every series, from the plugin's parameters or the fast lane's mirror of them. */
function opLabels(p: OperationLabelParams, operationLabel: (name: string) => string) {
  return { operationName: operationLabel(p.operationName || 'Anonymous'), operationType: p.operationType || 'unknown' };
}

export interface MetricsOptions {
  /** The registry /metrics serves (server/metrics.ts: the gateway's own figures are in it too). */
  registry: Registry;
  /** The path Prometheus scrapes (server/routes.ts). */
  endpoint: string;
  /** Bounds operation names as label values (operationLabeler), shared with recordOperation. */
  operationLabel: (name: string) => string;
}

export function useMetrics({ registry, endpoint, operationLabel }: MetricsOptions): Plugin {
  // The plugin's four operation metrics, as it defines them (names, help, phases), except that the
  // operation name goes through the labeler and the HTTP histogram has no `url` label: it is the
  // full request URL (host header and a GET's query string, variables included).
  return usePrometheus({
    registry,
    endpoint,
    metrics: {
      graphql_envelop_request: createCounter({
        registry,
        counter: { name: 'graphql_envelop_request', help: 'Counts the amount of GraphQL requests executed through Envelop', labelNames: ['operationType', 'operationName'] },
        fillLabelsFn: (p) => opLabels(p, operationLabel),
        phases: ['execute', 'subscribe'],
      }),
      graphql_envelop_request_duration: createHistogram({
        registry,
        histogram: {
          name: 'graphql_envelop_request_duration',
          help: 'Time spent on running the GraphQL operation from parse to execute',
          labelNames: ['operationType', 'operationName'],
        },
        fillLabelsFn: (p) => opLabels(p, operationLabel),
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
          ...opLabels(p, operationLabel),
          phase: p.errorPhase ?? 'unknown',
          code: errorCodeLabel(p.error),
        }),
        phases: ['parse', 'validate', 'context', 'execute', 'subscribe'],
      }),
      graphql_yoga_http_duration: createHistogram({
        registry,
        histogram: { name: 'graphql_yoga_http_duration', help: 'Time spent on HTTP connection', labelNames: ['operationName', 'operationType', 'method', 'statusCode'] },
        fillLabelsFn: (p, { request, response }) => ({
          ...opLabels(p, operationLabel),
          method: (request as Request).method,
          // A client that went away got nothing: 499, as in its log line, whatever yoga computed.
          statusCode: (request as Request).signal.aborted ? CLIENT_CLOSED_STATUS : (response as Response).status,
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
}

/** An operation the fast lane answered, described as yoga's plugin would have seen it. */
export interface ObservedOperation {
  /** The graphql_envelop_* series' label parameters (server/yoga-mirror.ts: operationMetricParams). */
  operation: OperationLabelParams;
  /** The HTTP histogram's label parameters (idem). */
  http: OperationLabelParams;
  method: string;
  status: number;
  /** Seconds from the start of execution to its end. */
  executionSeconds: number;
  /** Seconds from the request's arrival to the response. */
  httpSeconds: number;
  /** The response's errors (masked). */
  errors: readonly unknown[];
}

/**
 * Writes an operation yoga's plugin never saw into the plugin's series (useMetrics registers
 * them in the registry), with the same labels.
 */
export function recordOperation({ registry, operationLabel }: Omit<MetricsOptions, 'endpoint'>, o: ObservedOperation): void {
  const metric = <T>(name: string) => registry.getSingleMetric(name) as T | undefined;
  const labels = opLabels(o.operation, operationLabel);
  metric<Counter>('graphql_envelop_request')?.inc(labels);
  metric<Histogram>('graphql_envelop_request_duration')?.observe(labels, o.executionSeconds);
  const errors = metric<Counter>('graphql_envelop_error_result');
  for (const e of o.errors) errors?.inc({ ...labels, phase: 'execute', code: errorCodeLabel(e) });
  metric<Histogram>('graphql_yoga_http_duration')?.observe({ ...opLabels(o.http, operationLabel), method: o.method, statusCode: o.status }, o.httpSeconds);
}
