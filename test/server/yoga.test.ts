/**
 * What the yoga instance is configured with (src/server/yoga.ts), over real HTTP: the operation
 * limits of graphql-armor (depth, aliases, tokens, directives), all enforced before any upstream
 * call; CSRF prevention for requests a browser would send without a preflight; and CORS
 * (CORS_ORIGINS): any origin by default but never with credentials (clients authenticate with a
 * bearer header, not cookies); a list admits only its origins; `none` answers no CORS.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { getUrl, postGraphQL, type HttpResult } from '../helpers/http';
import { startStack, type Stack } from '../helpers/stack';

const MAX_DEPTH = 12;
const MAX_ALIASES = 15;
const MAX_TOKENS = 1_000;
const MAX_DIRECTIVES = 20;

describe('operation limits and CSRF prevention', () => {
  let stack: Stack;
  let url: string;

  beforeAll(async () => {
    stack = await startStack({
      env: {
        MAX_DEPTH: String(MAX_DEPTH),
        MAX_ALIASES: String(MAX_ALIASES),
        MAX_TOKENS: String(MAX_TOKENS),
        MAX_DIRECTIVES: String(MAX_DIRECTIVES),
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

  describe('CSRF prevention', () => {
    const query = encodeURIComponent('{__typename}');

    it('refuses a GET query without the x-graphql-yoga-csrf header', async () => {
      const res = await getUrl(`${url}?query=${query}`);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.json?.data ?? undefined).toBeUndefined();
    });

    it('refuses a form POST (no preflight in a browser) without the header', async () => {
      const res = await postGraphQL(url, `query=${query}`, { 'content-type': 'application/x-www-form-urlencoded', accept: undefined });
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
});

/** A browser's CORS preflight (OPTIONS). */
async function preflight(base: string, origin: string) {
  return fetch(`${base}/graphql`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization' },
  });
}

function post(base: string, origin: string) {
  return postGraphQL(`${base}/graphql`, { query: '{ __typename }' }, { origin, accept: undefined });
}

describe('CORS_ORIGINS unset', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('admits any origin, without credentials, for the headers a client sends', async () => {
    const pre = await preflight(stack.gateway.url, 'https://app.example');
    expect(pre.status).toBeLessThan(300);
    // yoga answers `*` by naming the request's origin (with Vary: Origin).
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(pre.headers.get('access-control-allow-credentials')).not.toBe('true');
    expect(pre.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    const res = await post(stack.gateway.url, 'https://app.example');
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(res.headers.get('access-control-allow-credentials')).not.toBe('true');
    expect(res.json.data.__typename).toBe('Query');
  });
});

describe('CORS_ORIGINS=https://a.example,https://b.example:8443', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { CORS_ORIGINS: 'https://a.example, https://b.example:8443' } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('admits the listed origins only', async () => {
    for (const origin of ['https://a.example', 'https://b.example:8443']) {
      const res = await post(stack.gateway.url, origin);
      expect(res.headers.get('access-control-allow-origin')).toBe(origin);
      expect(res.headers.get('access-control-allow-credentials')).not.toBe('true');
    }
    for (const origin of ['https://evil.example', 'https://a.example.evil.example', 'http://a.example']) {
      const pre = await preflight(stack.gateway.url, origin);
      expect([null, 'null']).toContain(pre.headers.get('access-control-allow-origin'));
      const res = await post(stack.gateway.url, origin);
      expect([null, 'null']).toContain(res.headers.get('access-control-allow-origin'));
    }
  });
});

describe('CORS_ORIGINS validation', () => {
  it.each(['a.example', 'https://a.example/path', 'not a url'])('refuses %s, naming the variable', (value) => {
    expect(() => loadConfig({ CORS_ORIGINS: value })).toThrow(/CORS_ORIGINS/);
  });

  it('none turns CORS off', () => {
    expect(loadConfig({ CORS_ORIGINS: 'none' }).corsOrigins).toBe(false);
    expect(loadConfig({}).corsOrigins).toBe('*');
  });
});
