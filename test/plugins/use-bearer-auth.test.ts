/**
 * Client authentication (GATEWAY_TOKENS): without a valid bearer token a GraphQL request is a
 * 401 with code UNAUTHENTICATED and never reaches the upstream; either configured token works;
 * /health needs none.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getUrl, postGraphQL } from '../helpers/http';
import { parseLines, startStack, type Stack } from '../helpers/stack';

const TOKEN_A = 'tok-alpha-0123456789abcdef';
const TOKEN_B = 'tok-bravo-fedcba9876543210';
// Touches both endpoints (the join), so a request that slipped through would show in the counters.
const QUERY = '{ recallFlows(first: 3) { edges { node { keyId parentTask { taskId } } } } }';

let stack: Stack;
let url: string;

beforeAll(async () => {
  stack = await startStack({ env: { GATEWAY_TOKENS: `${TOKEN_A}, ${TOKEN_B}` } });
  url = `${stack.gateway.url}/graphql`;
});
afterAll(async () => {
  await stack?.close();
});
beforeEach(() => stack.resetCalls());

describe('bearer token authentication', () => {
  it('answers a request without Authorization with 401 UNAUTHENTICATED and makes no upstream call', async () => {
    const res = await postGraphQL(url, { query: QUERY });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(res.json.data).toBeUndefined();
    expect(res.json.errors).toHaveLength(1);
    expect(res.json.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(stack.calls()).toEqual({ tasks: 0, flows: 0 });
  });

  it.each([
    ['a wrong token', `Bearer ${TOKEN_A}x`],
    ['a prefix of a right token', `Bearer ${TOKEN_A.slice(0, -1)}`],
    ['two tokens joined', `Bearer ${TOKEN_A},${TOKEN_B}`],
    ['a right token without the Bearer scheme', TOKEN_A],
    ['a right token as Basic credentials', `Basic ${TOKEN_A}`],
    ['an empty Bearer', 'Bearer '],
  ])('answers %s with 401 and makes no upstream call', async (_label, authorization) => {
    const res = await postGraphQL(url, { query: QUERY }, { authorization });
    expect(res.status).toBe(401);
    expect(res.json.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(res.json.data).toBeUndefined();
    expect(stack.calls()).toEqual({ tasks: 0, flows: 0 });
  });

  it('refuses a GET query without a token too (no upstream call)', async () => {
    const res = await getUrl(`${url}?query=${encodeURIComponent(QUERY)}`, { 'x-graphql-yoga-csrf': '1' });
    expect(res.status).toBe(401);
    expect(res.json.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(stack.calls()).toEqual({ tasks: 0, flows: 0 });
  });

  it.each([
    ['the first token', TOKEN_A],
    ['the second token', TOKEN_B],
  ])('serves a request with %s (200 with data)', async (_label, token) => {
    const res = await postGraphQL(url, { query: QUERY }, { authorization: `Bearer ${token}` });
    expect(res.status).toBe(200);
    expect(res.json.errors).toBeUndefined();
    const edges = res.json.data.recallFlows.edges;
    expect(edges).toHaveLength(3);
    expect(typeof edges[0].node.parentTask.taskId).toBe('number');
    expect(stack.calls().flows).toBeGreaterThan(0);
  });

  it('accepts the scheme in any case', async () => {
    const res = await postGraphQL(url, { query: '{ __typename }' }, { authorization: `bearer ${TOKEN_B}` });
    expect(res.status).toBe(200);
    expect(res.json.data).toEqual({ __typename: 'Query' });
  });

  it('keeps /health and /readiness open without a token', async () => {
    expect((await getUrl(`${stack.gateway.url}/health`)).status).toBe(200);
    expect((await getUrl(`${stack.gateway.url}/readiness`)).status).toBe(200);
  });

  it('requires a token for /metrics too', async () => {
    const refused = await getUrl(`${stack.gateway.url}/metrics`);
    expect(refused.status).toBe(401);
    expect(refused.json.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const served = await getUrl(`${stack.gateway.url}/metrics`, { authorization: `Bearer ${TOKEN_B}` });
    expect(served.status).toBe(200);
    expect(served.text).toContain('laaffic_upstream_calls_total');
  });

  it('logs refused requests with status 401 and outcome UNAUTHENTICATED, and never the tokens', async () => {
    const before = stack.logs.length;
    const res = await postGraphQL(url, { query: QUERY }, { authorization: `Bearer ${TOKEN_A}-nope`, 'x-request-id': 'auth-denied-1' });
    expect(res.status).toBe(401);
    expect(res.headers.get('x-request-id')).toBe('auth-denied-1');
    const line = parseLines(stack.logs.slice(before)).find((l) => l.requestId === 'auth-denied-1');
    expect(line).toMatchObject({ status: 401, outcome: 'UNAUTHENTICATED', upstreamCalls: 0 });
    for (const l of stack.logs) {
      expect(l).not.toContain(TOKEN_A);
      expect(l).not.toContain(TOKEN_B);
    }
  });
});

describe('paths yoga would also serve GraphQL on', () => {
  // yoga alone answers GraphQL on any path ending in its endpoint; only /graphql is a route here.
  it.each(['/graphql/', '//graphql', '/x/graphql', '/health/graphql', '/readiness/graphql', '/metrics/graphql', '/?a=/graphql'])(
    '%s is 404 NOT_FOUND, with or without a token, and makes no upstream call',
    async (path) => {
      const target = `${stack.gateway.url}${path}`;
      for (const headers of [{}, { authorization: `Bearer ${TOKEN_A}` }] as Array<Record<string, string>>) {
        const res = await postGraphQL(target, { query: QUERY }, headers);
        expect(res.status, `${path} ${JSON.stringify(headers)}`).toBe(404);
        expect(res.json.errors[0].extensions.code).toBe('NOT_FOUND');
        expect(res.json.data).toBeUndefined();
      }
      expect(stack.calls()).toEqual({ tasks: 0, flows: 0 });
    },
  );

  it('an unknown GET path is 404 too; the probes stay open, /metrics does not', async () => {
    expect((await getUrl(`${stack.gateway.url}/nope`)).status).toBe(404);
    expect((await getUrl(`${stack.gateway.url}/health`)).status).toBe(200);
    expect((await getUrl(`${stack.gateway.url}/metrics`)).status).toBe(401);
    expect((await getUrl(`${stack.gateway.url}/metrics`, { authorization: `Bearer ${TOKEN_B}` })).status).toBe(200);
  });
});
