/**
 * The per-request log line (requestId, operationName, durationMs, upstreamCalls, status, outcome),
 * the x-request-id echo, and that neither the upstream secret nor a client's bearer token ever
 * shows in a log line or a response, through a run full of upstream failures.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { postGraphQL, type HttpResult } from '../helpers/http';
import { parseLines, startStack, type Stack } from '../helpers/stack';

const SECRET = 'sup3r-s3cret-value-123';
const TOKEN = 'request-log-token-7f3a9c2e1b';
const WRONG_TOKEN = 'request-log-wrong-token-44d1e0';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const JOIN = 'query FlowsWithParents { recallFlows(first: 5) { edges { node { keyId parentTask { taskId name } } } } }';
const TASKS = 'query TaskPage { groupCallTasks(first: 3) { totalCount edges { node { taskId } } } }';

let stack: Stack;
let url: string;
/** Every response body of the run, checked for the secret at the end. */
const bodies: string[] = [];
let seq = 0;

beforeAll(async () => {
  stack = await startStack({
    sim: { apiSecret: SECRET },
    env: {
      GATEWAY_TOKENS: TOKEN,
      LOG_LEVEL: 'debug',
      // A short per-attempt timeout (undici's timers fire it within about a second) and one
      // retry, so a timeout run stays quick.
      UPSTREAM_HEADERS_TIMEOUT_MS: '250',
      UPSTREAM_RETRIES: '1',
    },
  });
  url = `${stack.gateway.url}/graphql`;
});
afterAll(async () => {
  await stack?.close();
});
beforeEach(() => {
  stack.sim.setFaults({});
  stack.resetCalls();
});

interface Logged {
  res: HttpResult;
  line: Record<string, any>;
  /** Simulator calls made while the request ran. */
  calls: number;
}

/** Sends one request with its own request id, and returns its response and its log line. */
async function run(body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Logged> {
  const requestId = `req-${++seq}-${Date.now()}`;
  const before = stack.sim.counters.groupCallTasks + stack.sim.counters.recallFlows;
  const res = await postGraphQL(url, body, { authorization: `Bearer ${TOKEN}`, 'x-request-id': requestId, ...headers });
  bodies.push(res.text);
  const calls = stack.sim.counters.groupCallTasks + stack.sim.counters.recallFlows - before;
  const lines = parseLines(stack.logs).filter((l) => l.requestId === requestId);
  expect(lines, `exactly one log line for ${requestId}`).toHaveLength(1);
  expect(res.headers.get('x-request-id')).toBe(requestId);
  return { res, line: lines[0]!, calls };
}

function expectLine(line: Record<string, any>): void {
  expect(line.msg).toBe('graphql request');
  expect(typeof line.requestId).toBe('string');
  expect(typeof line.durationMs).toBe('number');
  expect(line.durationMs).toBeGreaterThanOrEqual(0);
  expect(Number.isInteger(line.upstreamCalls)).toBe(true);
  expect(typeof line.status).toBe('number');
  expect(typeof line.outcome).toBe('string');
  expect('operationName' in line).toBe(true);
}

describe('one log line per request', () => {
  it('logs a successful join with its operation name, duration and exact upstream call count', async () => {
    const { res, line, calls } = await run({ query: JOIN });
    expect(res.status).toBe(200);
    expect(res.json.errors).toBeUndefined();
    expectLine(line);
    expect(line).toMatchObject({ operationName: 'FlowsWithParents', status: 200, outcome: 'ok' });
    expect(calls).toBeGreaterThanOrEqual(2); // the flows page and at least one parent lookup
    expect(line.upstreamCalls).toBe(calls);
  });

  it('takes the operation name from the request when it names one of several operations', async () => {
    const { line, calls } = await run({ query: `${TASKS}\nquery Other { recallFlows(first: 1) { totalCount } }`, operationName: 'Other' });
    expect(line).toMatchObject({ operationName: 'Other', outcome: 'ok' });
    expect(line.upstreamCalls).toBe(calls);
    expect(calls).toBe(1);
  });

  it('logs null for an anonymous operation and 0 calls for one that needs none', async () => {
    const { line, calls } = await run({ query: '{ __typename }' });
    expect(line).toMatchObject({ operationName: null, upstreamCalls: 0, outcome: 'ok', status: 200 });
    expect(calls).toBe(0);
  });

  it('counts the retry after a queued -18 (outcome ok once the retry succeeds)', async () => {
    stack.sim.queueFault('error-code', { code: -18, endpoint: 'groupCallTasks' });
    const { res, line, calls } = await run({ query: TASKS });
    expect(res.json.errors).toBeUndefined();
    expect(calls).toBe(2);
    expect(line).toMatchObject({ operationName: 'TaskPage', upstreamCalls: 2, outcome: 'ok' });
  });

  it('logs the error code as the outcome when the upstream rejects the credentials (-1)', async () => {
    stack.sim.queueFault('error-code', { code: -1, endpoint: 'groupCallTasks' });
    const { res, line, calls } = await run({ query: TASKS });
    expect(res.json.errors[0].extensions.code).toBe('UPSTREAM_UNAUTHENTICATED');
    expect(line.outcome).toBe('UPSTREAM_UNAUTHENTICATED');
    expect(line.upstreamCalls).toBe(calls);
    expect(calls).toBe(1); // -1 is never retried
  });

  it('logs a malformed upstream body as UPSTREAM_INVALID_RESPONSE', async () => {
    stack.sim.queueFault('malformed-body', { endpoint: 'groupCallTasks' });
    const { res, line, calls } = await run({ query: TASKS });
    expect(res.json.errors[0].extensions.code).toBe('UPSTREAM_INVALID_RESPONSE');
    expect(line.outcome).toContain('UPSTREAM_INVALID_RESPONSE');
    expect(line.upstreamCalls).toBe(calls);
  });

  it('logs upstream timeouts with every attempt counted', async () => {
    stack.sim.setFaults({ latencyMs: 2_500, endpoint: 'groupCallTasks' });
    const { res, line, calls } = await run({ query: TASKS });
    expect(res.json.errors[0].extensions.code).toBe('UPSTREAM_TIMEOUT');
    expect(line.outcome).toBe('UPSTREAM_TIMEOUT');
    expect(calls).toBe(2); // the first attempt and UPSTREAM_RETRIES=1 more
    expect(line.upstreamCalls).toBe(calls);
  });

  it('logs partial failures: HTTP 500, dropped connections and invalid records', async () => {
    stack.sim.setFaults({ http500Rate: 0.3, dropRate: 0.2, invalidRecordRate: 0.2, errorRate: 0.2 });
    for (let i = 0; i < 4; i++) {
      const { line, calls } = await run({ query: JOIN });
      expectLine(line);
      expect(line.upstreamCalls).toBe(calls);
    }
  });

  it('logs requests refused before execution (validation) with 0 upstream calls', async () => {
    const { res, line } = await run({ query: '{ groupCallTasks(first: 1) { nope } }' });
    expect(res.json.errors?.length).toBeGreaterThan(0);
    expect(line).toMatchObject({ upstreamCalls: 0, outcome: 'GRAPHQL_VALIDATION_FAILED' });
  });
});

describe('x-request-id', () => {
  it('generates an id when none is given, and logs the same id', async () => {
    const before = stack.logs.length;
    const res = await postGraphQL(url, { query: '{ __typename }' }, { authorization: `Bearer ${TOKEN}` });
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(UUID);
    expect(parseLines(stack.logs.slice(before)).some((l) => l.requestId === id)).toBe(true);
  });

  it('replaces an unsafe id (spaces, quotes, too long) with a generated one', async () => {
    for (const bad of ['has spaces', 'quote"d', 'x'.repeat(101)]) {
      const res = await postGraphQL(url, { query: '{ __typename }' }, { authorization: `Bearer ${TOKEN}`, 'x-request-id': bad });
      expect(res.headers.get('x-request-id')).toMatch(UUID);
      expect(stack.logs.some((l) => l.includes(bad))).toBe(false);
    }
  });

  it('echoes the id on a refused (401) request and logs it', async () => {
    const before = stack.logs.length;
    const res = await postGraphQL(url, { query: TASKS }, { authorization: `Bearer ${WRONG_TOKEN}`, 'x-request-id': 'denied-42' });
    bodies.push(res.text);
    expect(res.status).toBe(401);
    expect(res.headers.get('x-request-id')).toBe('denied-42');
    const line = parseLines(stack.logs.slice(before)).find((l) => l.requestId === 'denied-42');
    expect(line).toMatchObject({ status: 401, outcome: 'UNAUTHENTICATED', upstreamCalls: 0 });
  });
});

describe('secrets', () => {
  it('the simulator really uses the custom secret (so the checks below look for the right value)', () => {
    expect(stack.sim.apiSecret).toBe(SECRET);
  });

  it('never writes the upstream secret or a bearer token to a log line or a response body', () => {
    // Everything above ran on this stack: successes, -1, -18, malformed bodies, timeouts,
    // HTTP 500, dropped connections, invalid records, 401s.
    expect(stack.logs.length).toBeGreaterThan(12);
    expect(bodies.length).toBeGreaterThan(12);
    for (const text of [...stack.logs, ...bodies]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(stack.sim.apiSecret);
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(WRONG_TOKEN);
    }
    // No header of the client or of the signed upstream call is logged.
    for (const line of parseLines(stack.logs)) {
      expect(JSON.stringify(line).toLowerCase()).not.toMatch(/authorization|bearer|"sign"|api-key/);
    }
  });
});
