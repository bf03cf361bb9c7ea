/**
 * The server's own limits (src/server/guards.ts), over real HTTP: requests in progress (503
 * OVERLOADED past MAX_CONCURRENT_REQUESTS, probes excepted), the request body (413 past
 * MAX_BODY_BYTES), slow clients (REQUEST_READ_TIMEOUT_MS), the size of an upstream answer
 * (UPSTREAM_MAX_RESPONSE_BYTES → UPSTREAM_INVALID_RESPONSE), and the shutdown drain's deadline.
 * The bodies, ids and log lines of the refusals: http-errors.test.ts.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getUrl, postGraphQL } from '../helpers/http';
import { parseLines, startStack, type Stack } from '../helpers/stack';

describe('MAX_CONCURRENT_REQUESTS', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { MAX_CONCURRENT_REQUESTS: '4' }, sim: { faults: { latencyMs: 400 } } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('answers past the limit at once with 503 OVERLOADED and Retry-After; probes still answer; then it recovers', async () => {
    const url = `${stack.gateway.url}/graphql`;
    const started = performance.now();
    const burst = Array.from({ length: 12 }, (_, i) => postGraphQL(url, { query: `query Burst${i} { groupCallTasks(first: 1) { totalCount } }` }));
    await new Promise((r) => setTimeout(r, 100));
    const health = await getUrl(`${stack.gateway.url}/health`);
    const answers = await Promise.all(burst);
    expect(health.status).toBe(200);
    const refused = answers.filter((a) => a.status === 503);
    const served = answers.filter((a) => a.status === 200);
    expect(served.length).toBe(4);
    expect(refused.length).toBe(8);
    for (const a of refused) {
      expect(a.json).toEqual({ errors: [{ message: 'The gateway is at capacity; retry shortly.', extensions: { code: 'OVERLOADED' } }] });
      expect(a.headers.get('retry-after')).toBe('1');
      expect(a.headers.get('x-request-id')).toBeTruthy();
    }
    for (const a of served) expect(a.json.data.groupCallTasks.totalCount).toBeGreaterThan(0);
    expect(performance.now() - started).toBeLessThan(10_000);
    const lines = parseLines(stack.logs).filter((l) => l.outcome === 'OVERLOADED');
    expect(lines).toHaveLength(8);
    // Once the burst is over, requests are served again.
    const after = await postGraphQL(url, { query: '{ groupCallTasks(first: 1) { totalCount } }' });
    expect(after.status).toBe(200);
  });
});

describe('MAX_BODY_BYTES', () => {
  const MAX_BODY_BYTES = 20_000;
  let stack: Stack;
  let url: string;
  beforeAll(async () => {
    stack = await startStack({ env: { MAX_BODY_BYTES: String(MAX_BODY_BYTES) } });
    url = `${stack.gateway.url}/graphql`;
  });
  afterAll(async () => {
    await stack?.close();
  });

  const padded = (bytes: number) => JSON.stringify({ query: `{ __typename }${' '.repeat(bytes)}` });

  it('answers a body larger than MAX_BODY_BYTES with 413', async () => {
    const res = await postGraphQL(url, padded(MAX_BODY_BYTES + 1_000), { accept: undefined });
    expect(res.status).toBe(413);
    expect(res.json.errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers a chunked body (no Content-Length) that grows past MAX_BODY_BYTES with 413', async () => {
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode('{"query":"{ __typename }","variables":{"pad":"'));
        for (let i = 0; i < 10; i++) controller.enqueue(encoder.encode('x'.repeat(MAX_BODY_BYTES / 4)));
        controller.enqueue(encoder.encode('"}}'));
        controller.close();
      },
    });
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      duplex: 'half',
    } as RequestInit & { duplex: 'half' });
    expect(res.status).toBe(413);
    await res.body?.cancel();
  });

  it('serves a body just under the limit', async () => {
    const body = padded(MAX_BODY_BYTES - 200);
    expect(Buffer.byteLength(body)).toBeLessThan(MAX_BODY_BYTES);
    const res = await postGraphQL(url, body, { accept: undefined });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ data: { __typename: 'Query' } });
  });
});

describe('REQUEST_READ_TIMEOUT_MS and UPSTREAM_MAX_RESPONSE_BYTES', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { REQUEST_READ_TIMEOUT_MS: '500', UPSTREAM_MAX_RESPONSE_BYTES: '2000' } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('cuts off a client that stops sending its body halfway', async () => {
    const { port } = new URL(stack.gateway.url);
    const socket = connect(Number(port), '127.0.0.1');
    let received = '';
    socket.setEncoding('utf8').on('data', (d: string) => (received += d));
    const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(performance.now())));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const opened = performance.now();
    socket.write('POST /graphql HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"query":');
    const at = await closed;
    expect(at - opened).toBeLessThan(5_000);
    expect(received).toMatch(/^HTTP\/1\.1 408/);
  });

  it('refuses an upstream answer larger than the limit as UPSTREAM_INVALID_RESPONSE, serves a small one', async () => {
    const url = `${stack.gateway.url}/graphql`;
    const big = await postGraphQL(url, { query: '{ groupCallTasks(first: 50) { edges { node { taskId } } } }' });
    expect(big.status).toBe(200);
    expect(big.json.errors?.[0]?.extensions?.code).toBe('UPSTREAM_INVALID_RESPONSE');
    expect(big.json.errors[0].message).toMatch(/exceeds 2000 bytes/);
    const small = await postGraphQL(url, { query: '{ groupCallTasks(first: 1) { edges { node { taskId } } } }' });
    expect(small.json.errors).toBeUndefined();
    expect(small.json.data.groupCallTasks.edges).toHaveLength(1);
  });
});

describe('SHUTDOWN_TIMEOUT_MS passed with requests still waiting on the upstream', () => {
  it('ends them with an answer (UPSTREAM_TIMEOUT) and a true log line, on both paths, then closes', async () => {
    const stack = await startStack({ env: { SHUTDOWN_TIMEOUT_MS: '300' } });
    try {
      const url = `${stack.gateway.url}/graphql`;
      const known = 'query Slow { groupCallTasks(first: 1) { totalCount } }';
      expect((await postGraphQL(url, { query: known })).status).toBe(200); // the fast lane knows it now
      stack.sim.setFaults({ latencyMs: 3_000 });
      const lane = stack.gateway.fastLane!.stats.answered;
      const waiting = [
        ...Array.from({ length: 2 }, () => postGraphQL(url, { query: known })),
        postGraphQL(url, { query: 'query SlowNew { groupCallTasks(first: 2) { totalCount } }' }),
      ];
      await new Promise((r) => setTimeout(r, 150));
      expect(stack.gateway.fastLane!.stats.answered).toBe(lane + 2);
      const started = performance.now();
      const closed = stack.gateway.close();
      const answers = await Promise.all(waiting);
      await closed;
      expect(performance.now() - started).toBeLessThan(2_500);
      for (const a of answers) expect(a.json.errors?.[0]?.extensions?.code, a.text).toBe('UPSTREAM_TIMEOUT');
      const lines = parseLines(stack.logs).filter((l) => l.msg === 'graphql request' && String(l.operationName).startsWith('Slow'));
      expect(lines.map((l) => l.outcome)).toEqual(['ok', 'UPSTREAM_TIMEOUT', 'UPSTREAM_TIMEOUT', 'UPSTREAM_TIMEOUT']);
    } finally {
      await stack.sim.close();
    }
  });
});
