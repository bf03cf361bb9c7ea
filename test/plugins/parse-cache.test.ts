/**
 * yoga's parse cache, bounded in characters: distinct texts near the body limit (padded with a
 * comment, which no token limit sees) cannot pin more than the bound, small texts are still
 * cached, and parse errors are bounded the same way.
 */
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createParseCache } from '../../src/plugins/parse-cache';
import { startStack, type Stack } from '../helpers/stack';
import { postGraphQL } from './support';

describe('createParseCache', () => {
  it('evicts by characters as well as by count, and keeps no text larger than the room', () => {
    const cache = createParseCache({ maxEntries: 10, maxChars: 1_000 });
    const doc = parse('{ __typename }');
    for (let i = 0; i < 30; i++) cache.documentCache.set(`${i}`.padEnd(300, '#'), doc);
    expect(cache.documentCache.calculatedSize).toBeLessThanOrEqual(1_000);
    expect(cache.documentCache.size).toBe(3);
    expect(cache.documentCache.get('29'.padEnd(300, '#'))).toBe(doc);
    cache.documentCache.set('huge'.padEnd(1_001, '#'), doc);
    expect(cache.documentCache.get('huge'.padEnd(1_001, '#'))).toBeUndefined();
    for (let i = 0; i < 30; i++) cache.documentCache.set(`q${i}`, doc);
    expect(cache.documentCache.size).toBe(10);
  });
});

describe('the gateway under a flood of distinct large texts', () => {
  let stack: Stack;
  let url: string;
  // Two variants: the fast lane in front of yoga, and yoga alone; both parse a new text in yoga.
  for (const lane of ['true', 'false']) {
    describe(`GATEWAY_FAST_LANE=${lane}`, () => {
      beforeAll(async () => {
        stack = await startStack({ env: { GATEWAY_FAST_LANE: lane } });
        url = `${stack.gateway.url}/graphql`;
      });
      afterAll(async () => {
        await stack?.close();
      });

      it('answers every request and keeps the cached texts within the bound', async () => {
        const pad = '#'.padEnd(95_000, 'x');
        const bound = 4_000_000;
        // 60 × 95 K characters = 5.7 M: more than the bound, far fewer texts than the 1,024 entries.
        for (let i = 0; i < 60; i += 6) {
          const answers = await Promise.all(
            Array.from({ length: 6 }, (_, k) => postGraphQL(url, { query: `query Q${i + k} { __typename }\n${pad}${i + k}` })),
          );
          for (const a of answers) expect(a.json, a.text.slice(0, 200)).toEqual({ data: { __typename: 'Query' } });
        }
        const cache = stack.gateway.parseCache.documentCache;
        expect(cache.calculatedSize).toBeGreaterThan(bound - 100_000);
        expect(cache.calculatedSize).toBeLessThanOrEqual(bound);
        // Small texts still hit the cache.
        const small = 'query Small { __typename }';
        await postGraphQL(url, { query: small });
        expect(cache.get(small)).toBeDefined();
      });

      it('bounds the memory of parse errors the same way', async () => {
        const pad = '#'.padEnd(95_000, 'x');
        for (let i = 0; i < 60; i += 6) {
          const answers = await Promise.all(
            Array.from({ length: 6 }, (_, k) => postGraphQL(url, { query: `query Broken${i + k} { \n${pad}${i + k}` })),
          );
          for (const a of answers) expect(a.json.errors?.[0]?.extensions?.code, a.text.slice(0, 200)).toBe('GRAPHQL_PARSE_FAILED');
        }
        expect(stack.gateway.parseCache.errorCache.calculatedSize).toBeLessThanOrEqual(4_000_000);
        expect(stack.gateway.parseCache.errorCache.size).toBeGreaterThan(0);
      });
    });
  }
});
