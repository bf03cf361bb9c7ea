/**
 * Operation limits, all enforced before any upstream call: depth, aliases, tokens, directives,
 * the upstream cost of nested pages (QUERY_TOO_COSTLY), the request body size (413), and CSRF
 * prevention for requests a browser would send without a preflight.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack';
import { getUrl, postGraphQL, type HttpResult } from './support';

const MAX_DEPTH = 12;
const MAX_ALIASES = 15;
const MAX_TOKENS = 1_000;
const MAX_DIRECTIVES = 20;
const MAX_BODY_BYTES = 20_000;

let stack: Stack;
let url: string;

beforeAll(async () => {
  stack = await startStack({
    env: {
      MAX_DEPTH: String(MAX_DEPTH),
      MAX_ALIASES: String(MAX_ALIASES),
      MAX_TOKENS: String(MAX_TOKENS),
      MAX_DIRECTIVES: String(MAX_DIRECTIVES),
      MAX_BODY_BYTES: String(MAX_BODY_BYTES),
      // MAX_COST stays at its default (5000); the depth, alias and token bombs below cost far less,
      // so each is stopped by its own limit (the messages are checked).
    },
  });
  url = `${stack.gateway.url}/graphql`;
});
afterAll(async () => {
  await stack?.close();
});
beforeEach(() => stack.resetCalls());

const gql = (query: string) => postGraphQL(url, { query });

function expectRejected(res: HttpResult, message: RegExp): void {
  expect(res.json.data ?? undefined).toBeUndefined();
  expect(res.json.errors?.length, JSON.stringify(res.json)).toBeGreaterThan(0);
  expect(res.json.errors[0].message).toMatch(message);
  expect(stack.calls()).toEqual({ tasks: 0, flows: 0 });
}

/** recallFlows → parentTask → recallFlows → …: every level is 4 deep (connection, edges, node, parentTask). */
function depthBomb(levels: number): string {
  let inner = 'taskId';
  for (let i = 0; i < levels; i++) {
    inner = `recallFlows(first: 1) { edges { node { keyId parentTask { ${inner} } } } }`;
  }
  return `query DepthBomb { groupCallTasks(first: 1) { edges { node { ${inner} } } } }`;
}

describe('depth limit', () => {
  it('rejects a recallFlows → parentTask → recallFlows … bomb deeper than MAX_DEPTH with no upstream call', async () => {
    const res = await gql(depthBomb(8));
    expectRejected(res, /depth/i);
  });

  it('lets a query within MAX_DEPTH through', async () => {
    // groupCallTasks.edges.node.recallFlows.edges.node.parentTask.taskId: depth 8 ≤ 12.
    const res = await gql(depthBomb(1));
    expect(res.json.errors).toBeUndefined();
    expect(res.json.data.groupCallTasks.edges).toHaveLength(1);
    expect(stack.calls().tasks).toBeGreaterThan(0);
  });
});

describe('alias limit', () => {
  it('rejects 50 aliases of an upstream field with no upstream call', async () => {
    const aliases = Array.from({ length: 50 }, (_, i) => `a${i}: groupCallTasks(first: 1) { totalCount }`).join('\n');
    const res = await gql(`query AliasBomb {\n${aliases}\n}`);
    expectRejected(res, /alias/i);
  });

  it('accepts a few aliases', async () => {
    const res = await gql('{ a: groupCallTasks(first: 1) { totalCount } b: recallFlows(first: 1) { totalCount } }');
    expect(res.json.errors).toBeUndefined();
    expect(res.json.data.a.totalCount).toBeGreaterThan(0);
    expect(res.json.data.b.totalCount).toBeGreaterThan(0);
  });
});

describe('token and directive limits', () => {
  it('rejects a document of more than MAX_TOKENS tokens with no upstream call', async () => {
    const fields = Array.from({ length: MAX_TOKENS + 100 }, () => 'totalCount').join(' ');
    const res = await gql(`{ groupCallTasks(first: 1) { ${fields} } }`);
    expectRejected(res, /token/i);
  });

  it('rejects more than MAX_DIRECTIVES directives with no upstream call', async () => {
    const directives = Array.from({ length: MAX_DIRECTIVES + 10 }, () => '@include(if: true)').join(' ');
    const res = await gql(`{ groupCallTasks(first: 1) { totalCount ${directives} } }`);
    expectRejected(res, /directive/i);
  });
});

describe('cost limit', () => {
  it('rejects first: 100 nested in first: 100 (default MAX_COST) with QUERY_TOO_COSTLY and no upstream call', async () => {
    const res = await gql('{ groupCallTasks(first: 100) { edges { node { recallFlows(first: 100) { edges { node { keyId } } } } } } }');
    expect(res.json.data ?? undefined).toBeUndefined();
    expect(res.json.errors).toHaveLength(1);
    expect(res.json.errors[0].extensions.code).toBe('QUERY_TOO_COSTLY');
    expect(res.json.errors[0].extensions.maxCost).toBe(5_000);
    expect(res.json.errors[0].extensions.cost).toBeGreaterThan(5_000);
    expect(stack.calls()).toEqual({ tasks: 0, flows: 0 });
  });

  it('prices each node id as an upstream call: 300 forged ids are refused before any call, 100 pass', async () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => Buffer.from(`GroupCallTask:${9_000_000 + i}.${1_790_000_000 + 7 * i}`).toString('base64url'));
    const query = 'query Lookup($ids: [ID!]!) { nodes(ids: $ids) { id } }';
    const refused = await postGraphQL(url, { query, variables: { ids: ids(300) } });
    expect(refused.json.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COSTLY');
    expect(stack.calls()).toEqual({ tasks: 0, flows: 0 });
    const allowed = await postGraphQL(url, { query, variables: { ids: ids(100) } });
    expect(allowed.json.errors).toBeUndefined();
    expect(allowed.json.data.nodes).toHaveLength(100);
    expect(stack.calls().tasks).toBe(100);
  });

  it('counts page sizes given in variables', async () => {
    const res = await postGraphQL(url, {
      query: 'query($n: Int) { groupCallTasks(first: $n) { edges { node { recallFlows(first: $n) { edges { node { keyId } } } } } } }',
      variables: { n: 100 },
    });
    expect(res.json.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COSTLY');
    expect(stack.calls()).toEqual({ tasks: 0, flows: 0 });
  });

  it('prices each page size of the same document on its own (the cost memory cannot be reused across sizes)', async () => {
    const query = 'query Nested($n: Int, $after: String) { groupCallTasks(first: $n, after: $after) { edges { node { recallFlows(first: $n) { totalCount } } } } }';
    const cheap = await postGraphQL(url, { query, variables: { n: 2 } });
    expect(cheap.json.errors).toBeUndefined();
    const costly = await postGraphQL(url, { query, variables: { n: 100 } });
    expect(costly.json.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COSTLY');
    const cheapAgain = await postGraphQL(url, { query, variables: { n: 2, after: null } });
    expect(cheapAgain.json.errors).toBeUndefined();
  });

  it.each([
    ['a variable of the wrong type', { query: 'query($n: Int) { groupCallTasks(first: $n) { totalCount } }', variables: { n: 'many' } }],
    ['a missing required variable', { query: 'query($n: Int!) { groupCallTasks(first: $n) { totalCount } }' }],
    ['an unknown operation name', { query: 'query A { groupCallTasks(first: 1) { totalCount } }', operationName: 'B' }],
    ['two operations and no name', { query: 'query A { __typename } query B { __typename }' }],
  ])('lets graphql-js report %s (a client error, not an internal one) with no upstream call', async (_label, body) => {
    const res = await postGraphQL(url, body);
    expect(res.json.data ?? undefined).toBeUndefined();
    expect(res.json.errors?.length).toBeGreaterThan(0);
    for (const e of res.json.errors) expect(e.extensions?.code).not.toBe('INTERNAL_SERVER_ERROR');
    expect(stack.calls()).toEqual({ tasks: 0, flows: 0 });
  });

  it('accepts the busy-hour join: 100 recall flows with their parent tasks', async () => {
    const res = await gql(
      '{ recallFlows(first: 100) { totalCount edges { node { keyId taskId parentTask { taskId name status } } } } }',
    );
    expect(res.json.errors).toBeUndefined();
    const edges = res.json.data.recallFlows.edges as Array<{ node: { taskId: number; parentTask: { taskId: number } | null } }>;
    expect(edges).toHaveLength(100);
    const joined = edges.filter((e) => e.node.parentTask);
    expect(joined.length).toBeGreaterThan(90);
    for (const e of joined) expect(e.node.parentTask!.taskId).toBe(e.node.taskId);
  });
});

describe('request body limit', () => {
  const padded = (bytes: number) => JSON.stringify({ query: `{ __typename }${' '.repeat(bytes)}` });

  it('answers a body larger than MAX_BODY_BYTES with 413', async () => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: padded(MAX_BODY_BYTES + 1_000) });
    expect(res.status).toBe(413);
    expect(((await res.json()) as any).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
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
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { __typename: 'Query' } });
  });
});

describe('CSRF prevention', () => {
  const query = encodeURIComponent('{__typename}');

  it('refuses a GET query without the x-graphql-yoga-csrf header', async () => {
    const res = await getUrl(`${url}?query=${query}`);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.json?.data ?? undefined).toBeUndefined();
  });

  it('refuses a form POST (no preflight in a browser) without the header', async () => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `query=${query}`,
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });

  it('serves the GET query with the header', async () => {
    const res = await getUrl(`${url}?query=${query}`, { 'x-graphql-yoga-csrf': '1' });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ data: { __typename: 'Query' } });
  });

  it('serves JSON POSTs without the header (a browser preflights them)', async () => {
    const res = await gql('{ __typename }');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ data: { __typename: 'Query' } });
  });
});
