/**
 * Prometheus metrics at /metrics: upstream attempts per endpoint and outcome (matching the
 * simulator's own counters exactly), retries, coalesced calls, DataLoader batch sizes and the
 * GraphQL operation metrics. The counters are cumulative per gateway, so this file starts its own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_OPERATION_LABELS, OTHER_OPERATIONS } from '../../src/plugins/use-metrics';
import { getUrl } from '../helpers/http';
import { startStack, type Stack } from '../helpers/stack';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseMetrics(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

const sum = (samples: Sample[], name: string, where: Record<string, string> = {}) =>
  samples
    .filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v))
    .reduce((acc, s) => acc + s.value, 0);

let stack: Stack;

async function scrape(): Promise<{ text: string; samples: Sample[] }> {
  const res = await getUrl(`${stack.gateway.url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  return { text: res.text, samples: parseMetrics(res.text) };
}

beforeAll(async () => {
  stack = await startStack();
  stack.resetCalls();
});
afterAll(async () => {
  await stack?.close();
});

describe('/metrics', () => {
  it('starts with no upstream call counted (a fresh gateway, a reset simulator)', async () => {
    const { samples } = await scrape();
    expect(sum(samples, 'laaffic_upstream_calls_total')).toBe(0);
    expect(stack.calls()).toEqual({ tasks: 0, flows: 0 });
  });

  it('counts upstream attempts per endpoint exactly as the simulator received them', async () => {
    const join = await stack.gql('query Join { recallFlows(first: 30) { edges { node { keyId parentTask { taskId } } } } }');
    expect(join.errors).toBeUndefined();
    const tasks = await stack.gql('query Tasks { groupCallTasks(first: 10) { edges { node { taskId recallFlows(first: 2) { totalCount } } } } }');
    expect(tasks.errors).toBeUndefined();

    const { samples } = await scrape();
    const calls = stack.calls();
    expect(calls.tasks).toBeGreaterThan(0);
    expect(calls.flows).toBeGreaterThan(0);
    expect(sum(samples, 'laaffic_upstream_calls_total', { endpoint: 'groupCallTasks' })).toBe(calls.tasks);
    expect(sum(samples, 'laaffic_upstream_calls_total', { endpoint: 'recallFlows' })).toBe(calls.flows);
    expect(sum(samples, 'laaffic_upstream_calls_total', { outcome: 'ok' })).toBe(calls.tasks + calls.flows);
    // Every attempt is timed too.
    expect(sum(samples, 'laaffic_upstream_duration_seconds_count')).toBe(calls.tasks + calls.flows);
  });

  it('counts a retry (and the failed attempt by its outcome) after a queued -18', async () => {
    const before = (await scrape()).samples;
    stack.sim.queueFault('error-code', { code: -18, endpoint: 'groupCallTasks' });
    const res = await stack.gql('{ groupCallTasks(first: 2) { edges { node { taskId } } } }');
    expect(res.errors).toBeUndefined();

    const { samples } = await scrape();
    const retries = (s: Sample[]) => sum(s, 'laaffic_upstream_retries_total', { endpoint: 'groupCallTasks', reason: 'transient' });
    expect(retries(samples) - retries(before)).toBe(1);
    const failed = (s: Sample[]) => sum(s, 'laaffic_upstream_calls_total', { endpoint: 'groupCallTasks', outcome: 'UPSTREAM_UNAVAILABLE' });
    expect(failed(samples) - failed(before)).toBe(1);
    const calls = stack.calls();
    expect(sum(samples, 'laaffic_upstream_calls_total', { endpoint: 'groupCallTasks' })).toBe(calls.tasks);
    expect(sum(samples, 'laaffic_upstream_calls_total', { endpoint: 'recallFlows' })).toBe(calls.flows);
  });

  it('counts a coalesced call when two identical queries run at once (one upstream call for both)', async () => {
    const to = new Date();
    const from = new Date(to.getTime() - 30 * 86_400_000);
    const query = `{ groupCallTasks(first: 7, filter: { createdFrom: "${from.toISOString()}", createdTo: "${to.toISOString()}" }) { totalCount edges { node { taskId } } } }`;
    const before = (await scrape()).samples;
    const tasksBefore = stack.calls().tasks;
    // Slow answers, so the second query finds the first one's call still in flight.
    stack.sim.setFaults({ latencyMs: 400 });
    try {
      const [a, b] = await Promise.all([stack.gql(query), stack.gql(query)]);
      expect(a.errors).toBeUndefined();
      expect(b.data).toEqual(a.data);
    } finally {
      stack.sim.setFaults({});
    }
    expect(stack.calls().tasks - tasksBefore).toBe(1);
    const { samples } = await scrape();
    const coalesced = (s: Sample[]) => sum(s, 'laaffic_upstream_coalesced_total', { endpoint: 'groupCallTasks' });
    expect(coalesced(samples) - coalesced(before)).toBe(1);
    const calls = stack.calls();
    expect(sum(samples, 'laaffic_upstream_calls_total', { endpoint: 'groupCallTasks' })).toBe(calls.tasks);
    expect(sum(samples, 'laaffic_upstream_calls_total', { endpoint: 'recallFlows' })).toBe(calls.flows);
  });

  it('records DataLoader batch sizes of the parent-task join', async () => {
    const { samples } = await scrape();
    const count = sum(samples, 'laaffic_dataloader_batch_size_count', { loader: 'parentTask' });
    const keys = sum(samples, 'laaffic_dataloader_batch_size_sum', { loader: 'parentTask' });
    expect(count).toBeGreaterThan(0);
    // The 30-flow join is batched: far fewer batches than keys.
    expect(keys).toBeGreaterThanOrEqual(count);
    expect(keys / count).toBeGreaterThan(1);
    expect(samples.some((s) => s.name === 'laaffic_dataloader_batch_size_bucket' && s.labels.le === '+Inf')).toBe(true);
  });

  it('exposes the GraphQL operation metrics by operation name', async () => {
    const { samples, text } = await scrape();
    expect(sum(samples, 'graphql_envelop_request', { operationName: 'Join', operationType: 'query' })).toBe(1);
    expect(sum(samples, 'graphql_envelop_request', { operationName: 'Tasks', operationType: 'query' })).toBe(1);
    expect(sum(samples, 'graphql_envelop_request')).toBe(5); // Join, Tasks, the -18 retry, the coalesced pair
    expect(text).toContain('graphql_envelop_request_duration_bucket');
    expect(text).toContain('graphql_yoga_http_duration_bucket');
  });

  it('counts GraphQL errors, and the failed upstream attempts by outcome', async () => {
    const before = (await scrape()).samples;
    stack.sim.queueFault('error-code', { code: -22, endpoint: 'groupCallTasks' });
    const res = await stack.gql('query Broken { groupCallTasks(first: 1) { totalCount } }');
    expect(res.errors?.[0]?.extensions?.code).toBe('UPSTREAM_BAD_REQUEST');
    const { samples } = await scrape();
    const errors = (s: Sample[]) => sum(s, 'graphql_envelop_error_result');
    expect(errors(samples) - errors(before)).toBeGreaterThanOrEqual(1);
    const bad = (s: Sample[]) => sum(s, 'laaffic_upstream_calls_total', { endpoint: 'groupCallTasks', outcome: 'UPSTREAM_BAD_REQUEST' });
    expect(bad(samples) - bad(before)).toBe(1);
    // By the code the client saw, not by the error's path.
    const coded = (s: Sample[]) => sum(s, 'graphql_envelop_error_result', { operationName: 'Broken', code: 'UPSTREAM_BAD_REQUEST' });
    expect(coded(samples) - coded(before)).toBe(1);
    expect(samples.filter((x) => x.name === 'graphql_envelop_error_result' && 'path' in x.labels)).toEqual([]);
  });

  it('keeps error series bounded: client-chosen aliases in error paths never become labels', async () => {
    const before = (await scrape()).samples.filter((x) => x.name === 'graphql_envelop_error_result').length;
    for (let i = 0; i < 40; i++) {
      // first: 0 is refused per field (BAD_USER_INPUT), at a path that starts with the alias.
      for (let n = 0; n < 2; n++) {
        const res = await stack.gql(`query Aliased { alias${i}: groupCallTasks(first: 0) { totalCount } }`);
        expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      }
    }
    const series = (await scrape()).samples.filter((x) => x.name === 'graphql_envelop_error_result');
    expect(series.length - before).toBeLessThanOrEqual(1);
    expect(sum(series, 'graphql_envelop_error_result', { operationName: 'Aliased', code: 'BAD_USER_INPUT' })).toBe(80);
  });

  it('keeps long operation names out of labels and log lines', async () => {
    const long = `Op${'x'.repeat(5_000)}`;
    for (let n = 0; n < 2; n++) expect((await stack.gql(`query ${long} { __typename }`)).status).toBe(200);
    const { text } = await scrape();
    expect(text).not.toContain('x'.repeat(200));
    const lines = stack.logs.filter((l) => l.includes('Opxxxx'));
    expect(lines.length).toBe(2);
    for (const l of lines) expect(l.length).toBeLessThan(600);
  });

  it('keeps label values bounded: a GET query string (variables included) never becomes a label', async () => {
    for (let i = 0; i < 3; i++) {
      const query = encodeURIComponent(`query Probe($v: String) { a${i}: __typename }`);
      const variables = encodeURIComponent(JSON.stringify({ v: `private-value-${i}` }));
      const res = await getUrl(`${stack.gateway.url}/graphql?query=${query}&variables=${variables}`, { 'x-graphql-yoga-csrf': '1' });
      expect(res.status).toBe(200);
    }
    const { samples, text } = await scrape();
    expect(text).not.toContain('private-value');
    expect(text).not.toContain('a1%3A');
    expect(samples.filter((s) => 'url' in s.labels)).toEqual([]);
    const series = samples.filter((s) => s.name === 'graphql_yoga_http_duration_count' && s.labels.method === 'GET');
    expect(series).toHaveLength(1);
    expect(series[0]!.value).toBe(3);
  });

  it('keeps operation names bounded: past the first 100 distinct names, new ones share one series', async () => {
    // Each name twice: the second request of a text goes through the fast lane, which must
    // label the same way yoga's plugin does.
    const otherBefore = sum((await scrape()).samples, 'graphql_envelop_request', { operationName: OTHER_OPERATIONS });
    for (let i = 0; i < 130; i++) {
      for (let n = 0; n < 2; n++) {
        const res = await stack.gql(`query Spam${i} { __typename }`);
        expect(res.status).toBe(200);
      }
    }
    const { samples } = await scrape();
    const names = new Set(samples.filter((s) => s.name === 'graphql_envelop_request').map((s) => s.labels.operationName));
    expect(names.size).toBeLessThanOrEqual(MAX_OPERATION_LABELS + 1);
    expect(names.has(OTHER_OPERATIONS)).toBe(true);
    const counted = (name: string) => sum(samples, 'graphql_envelop_request', { operationName: name });
    const spam = [...names].filter((n) => n?.startsWith('Spam')).reduce((acc, n) => acc + counted(n!), 0);
    // Every request is still counted, under its own name or under the shared one.
    expect(spam + counted(OTHER_OPERATIONS) - otherBefore).toBe(260);
    for (const metric of ['graphql_envelop_request_duration_count', 'graphql_yoga_http_duration_count']) {
      expect(new Set(samples.filter((s) => s.name === metric).map((s) => s.labels.operationName)).size).toBeLessThanOrEqual(MAX_OPERATION_LABELS + 1);
    }
  });

  it('includes the process metrics', async () => {
    const { text } = await scrape();
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });
});
