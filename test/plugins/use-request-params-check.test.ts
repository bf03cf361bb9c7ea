/**
 * Client mistakes in how a request is spelt get client errors, never a masked internal one:
 * `variables` or `extensions` that are not JSON (GET, urlencoded POST), and operations of a kind
 * the schema has no root for (mutation, subscription), whichever executor would run them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getUrl, postGraphQL } from '../helpers/http';
import { parseLines, startStack, type Stack } from '../helpers/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

describe('request parameters', () => {
  it.each([
    ['variables', 'variables={{'],
    ['extensions', 'extensions={{'],
  ])('GET with %s that are not JSON: 400 BAD_REQUEST, no error log', async (_name, param) => {
    const res = await getUrl(`${stack.gateway.url}/graphql?query=${encodeURIComponent('{ __typename }')}&${param}`, {
      'x-graphql-yoga-csrf': '1',
      accept: 'application/graphql-response+json',
    });
    expect(res.status).toBe(400);
    expect(res.json.errors[0].extensions.code).toBe('BAD_REQUEST');
    expect(res.text).not.toMatch(/SyntaxError|at .*\.js/);
    expect(parseLines(stack.logs).filter((l) => l.level >= 50)).toEqual([]);
  });

  it('a urlencoded POST with variables that are not JSON: 400 BAD_REQUEST', async () => {
    const res = await postGraphQL(stack.url, `query=${encodeURIComponent('{ __typename }')}&variables=%7B%7B`, {
      'content-type': 'application/x-www-form-urlencoded',
      'x-graphql-yoga-csrf': '1',
      accept: 'application/graphql-response+json',
    });
    expect(res.status).toBe(400);
    expect(res.json.errors[0].extensions.code).toBe('BAD_REQUEST');
  });

  it('well-formed GET parameters still work', async () => {
    const res = await getUrl(`${stack.gateway.url}/graphql?query=${encodeURIComponent('query($n: Int) { groupCallTasks(first: $n) { totalCount } }')}&variables=${encodeURIComponent('{"n":1}')}`, {
      'x-graphql-yoga-csrf': '1',
    });
    expect(res.status).toBe(200);
    expect(res.json.data.groupCallTasks.totalCount).toBeGreaterThan(0);
  });
});

describe('operations the schema has no root for', () => {
  it.each(['mutation { x }', 'subscription { x }', 'mutation M { x }'])('%s: a client error, twice (yoga, then the fast lane)', async (query) => {
    for (let n = 0; n < 2; n++) {
      const res = await postGraphQL(`${stack.gateway.url}/graphql`, { query });
      expect(res.json.data ?? undefined).toBeUndefined();
      const code = res.json.errors?.[0]?.extensions?.code;
      expect(code, res.text).toBeDefined();
      expect(code).not.toBe('INTERNAL_SERVER_ERROR');
    }
    expect(parseLines(stack.logs).filter((l) => l.level >= 50)).toEqual([]);
  });
});
