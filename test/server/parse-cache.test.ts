/**
 * yoga's parse cache, bounded by the heap its entries hold: distinct texts near the body limit
 * (padded with comments, which no token limit sees) and distinct token-dense texts (~1 MB of AST
 * each, cached even when validation refuses them) cannot pin more than the budget; small texts are
 * still cached; parse errors are bounded the same way. Last, the real thing: a gateway process
 * with the production heap cap survives a flood of token-dense texts.
 */
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentWeight, failedTextWeight } from '../../src/server/document-weight';
import { createParseCache, DEFAULT_PARSE_CACHE_LIMITS } from '../../src/server/parse-cache';
import { postGraphQL } from '../helpers/http';
import { spawnGateway, startStack, type GatewayProcess, type Stack } from '../helpers/stack';

const BUDGET = DEFAULT_PARSE_CACHE_LIMITS.maxDocumentBytes;
const padded = (i: number) => `query Q${i} { __typename }\n#${'x'.repeat(95_000)}${i}`;
/** ~4 KB, just under the default 2,000-token limit; the field does not exist, so validation refuses it. */
const dense = (i: number) => `query D${i} { ${'a '.repeat(1_990)}}`;

async function inBatches<T>(n: number, batch: number, send: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i += batch) out.push(...(await Promise.all(Array.from({ length: Math.min(batch, n - i) }, (_, k) => send(i + k)))));
  return out;
}

describe('createParseCache', () => {
  it('weighs a document by its text and its tokens, and keeps no entry larger than the budget', () => {
    const cache = createParseCache({ maxEntries: 100, maxDocumentBytes: 1_000_000, maxErrorBytes: 100_000 });
    const small = '{ __typename }';
    cache.documentCache.set(small, parse(small));
    expect(cache.documentCache.calculatedSize).toBe(documentWeight(small, parse(small), 1));
    // 4 KB of text, ~2,000 tokens: weighed as ~2 MB, over the whole budget, so not kept.
    expect(documentWeight(dense(1), parse(dense(1)), 1)).toBeGreaterThan(1_000_000);
    cache.documentCache.set(dense(1), parse(dense(1)));
    expect(cache.documentCache.get(dense(1))).toBeUndefined();
    expect(cache.documentCache.get(small)).toBeDefined();
    const error = new Error('Syntax Error');
    cache.errorCache.set('{ broken', error);
    expect(cache.errorCache.calculatedSize).toBe(failedTextWeight('{ broken'));
  });

  it('evicts by weight as well as by count', () => {
    const cache = createParseCache({ maxEntries: 10, maxDocumentBytes: 200_000, maxErrorBytes: 100_000 });
    const text = (i: number) => `query Q${i} { __typename } #${'x'.repeat(20_000)}`;
    for (let i = 0; i < 30; i++) cache.documentCache.set(text(i), parse(text(i)));
    expect(cache.documentCache.calculatedSize).toBeLessThanOrEqual(200_000);
    expect(cache.documentCache.size).toBeLessThan(10);
    expect(cache.documentCache.get(text(29))).toBeDefined();
    for (let i = 0; i < 30; i++) cache.documentCache.set(`{ q${i}: __typename }`, parse(`{ q${i}: __typename }`));
    expect(cache.documentCache.size).toBe(10);
  });
});

describe('the gateway under a flood of distinct texts', () => {
  // Two variants: the fast lane in front of yoga, and yoga alone; both parse a new text in yoga.
  for (const lane of ['true', 'false']) {
    describe(`GATEWAY_FAST_LANE=${lane}`, () => {
      let stack: Stack;
      let url: string;
      beforeAll(async () => {
        stack = await startStack({ env: { GATEWAY_FAST_LANE: lane } });
        url = `${stack.gateway.url}/graphql`;
      });
      afterAll(async () => {
        await stack?.close();
      });

      it('large comment-padded texts: every request answered, the cache within its budget', async () => {
        // 150 × ~190 KB of weight: more than the budget, far fewer texts than the 1,024 entries.
        const answers = await inBatches(150, 6, (i) => postGraphQL(url, { query: padded(i) }));
        for (const a of answers) expect(a.json, a.text.slice(0, 200)).toEqual({ data: { __typename: 'Query' } });
        const cache = stack.gateway.parseCache.documentCache;
        expect(cache.calculatedSize).toBeGreaterThan(BUDGET - 2 * documentWeight(padded(1), parse(padded(1)), 1));
        expect(cache.calculatedSize).toBeLessThanOrEqual(BUDGET);
        // Small texts still hit the cache.
        const small = 'query Small { __typename }';
        await postGraphQL(url, { query: small });
        expect(cache.get(small)).toBeDefined();
      });

      it('token-dense texts that validation refuses: answered, and the cache within its budget', async () => {
        const answers = await inBatches(60, 6, (i) => postGraphQL(url, { query: dense(i) }));
        for (const a of answers) expect(a.json.errors?.[0]?.extensions?.code, a.text.slice(0, 200)).toBe('GRAPHQL_VALIDATION_FAILED');
        expect(stack.gateway.parseCache.documentCache.calculatedSize).toBeLessThanOrEqual(BUDGET);
      });

      it('bounds the memory of parse errors the same way', async () => {
        const answers = await inBatches(60, 6, (i) => postGraphQL(url, { query: `query Broken${i} { \n#${'x'.repeat(95_000)}${i}` }));
        for (const a of answers) expect(a.json.errors?.[0]?.extensions?.code, a.text.slice(0, 200)).toBe('GRAPHQL_PARSE_FAILED');
        const errors = stack.gateway.parseCache.errorCache;
        expect(errors.size).toBeGreaterThan(0);
        expect(errors.calculatedSize).toBeLessThanOrEqual(DEFAULT_PARSE_CACHE_LIMITS.maxErrorBytes);
      });
    });
  }
});

describe('a gateway process with the production heap cap (192 MB)', () => {
  let gw: GatewayProcess;
  let url: string;
  beforeAll(async () => {
    gw = spawnGateway({ PORT: '0', HOST: '127.0.0.1', NODE_OPTIONS: '--max-old-space-size=192', LOG_LEVEL: 'info' });
    url = `${await gw.ready()}/graphql`;
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it('survives 400 distinct token-dense texts (~1 MB of AST each) and keeps answering', async () => {
    // Before the cache was weighed by tokens, ~200 of these ran the process out of heap.
    const refused = await inBatches(400, 8, (i) => postGraphQL(url, { query: dense(i) }));
    for (const a of refused) expect(a.json.errors?.[0]?.extensions?.code, a.text.slice(0, 200)).toBe('GRAPHQL_VALIDATION_FAILED');
    // Valid ones too, which also reach the fast lane's prepared operations: `id` 400 times (more
    // repeats of one field and graphql-js aborts validation).
    const valid = (i: number) => `query V${i} { groupCallTasks(first: 1) { edges { node { ${'id '.repeat(400)}} } } }`;
    const accepted = await inBatches(300, 8, (i) => postGraphQL(url, { query: valid(i) }));
    for (const a of accepted) expect(a.json.errors, a.text.slice(0, 200)).toBeUndefined();
    const after = await postGraphQL(url, { query: '{ groupCallTasks(first: 1) { totalCount } }' });
    expect(after.json.data.groupCallTasks.totalCount).toBeGreaterThan(0);
    expect(gw.child.exitCode).toBeNull();
    expect(gw.stderr()).not.toMatch(/heap out of memory/i);
  }, 120_000);
});
