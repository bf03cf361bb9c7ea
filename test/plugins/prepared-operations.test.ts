/**
 * The fast lane's memory of accepted operations: keyed by text and operation name without any
 * composite key, only query operations, only the name yoga resolved, bounded in count and size.
 */
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../../src/graphql/schema';
import { createPreparedOperations } from '../../src/plugins/prepared-operations';

/** What yoga's onExecute hands the plugin for one accepted request. */
function accept(prepared: ReturnType<typeof createPreparedOperations>, query: string, operationName?: string) {
  const onExecute = prepared.plugin.onExecute as (payload: unknown) => void;
  onExecute({ args: { document: parse(query), operationName, contextValue: { params: { query, operationName } } } });
}

const Q = (name: string, pad = '') => `query ${name} { groupCallTasks(first: 1) { totalCount } }${pad}`;

describe('prepared operations', () => {
  it('remembers a text under the name it was sent with, and nothing else', () => {
    const p = createPreparedOperations(schema);
    accept(p, Q('A'));
    expect(p.get(Q('A'), null)?.documentOperationName).toBe('A');
    expect(p.get(Q('A'), 'A')).toBeUndefined();
    expect(p.get(Q('A'), '')).toBeUndefined();
    accept(p, Q('A'), 'A');
    expect(p.get(Q('A'), 'A')?.compiled).toBeDefined();
    expect(p.get(`${Q('A')} `, null)).toBeUndefined();
  });

  it('keeps the operation of a multi-operation document that was asked for', () => {
    const p = createPreparedOperations(schema);
    const two = `${Q('A')} query B { recallFlows(first: 1) { totalCount } }`;
    accept(p, two, 'B');
    expect(p.get(two, 'B')?.documentOperationName).toBe('B');
    expect(p.get(two, 'A')).toBeUndefined();
    expect(p.get(two, null)).toBeUndefined();
  });

  it('is bounded in texts and in characters; a huge text is not kept at all', () => {
    const p = createPreparedOperations(schema, { maxTexts: 5, maxChars: 2_000 });
    for (let i = 0; i < 20; i++) accept(p, Q(`Op${i}`));
    expect(p.size).toBe(5);
    expect(p.get(Q('Op19'), null)).toBeDefined();
    expect(p.get(Q('Op0'), null)).toBeUndefined();
    const big = Q('Big', ` # ${'x'.repeat(300)}`);
    accept(p, big);
    expect(p.get(big, null)).toBeUndefined();
    const p2 = createPreparedOperations(schema, { maxTexts: 100, maxChars: 2_000 });
    for (let i = 0; i < 40; i++) accept(p2, Q(`Op${i}`, ` # ${'y'.repeat(150)}`));
    expect(p2.size).toBeLessThanOrEqual(2_000 / 190);
  });
});
