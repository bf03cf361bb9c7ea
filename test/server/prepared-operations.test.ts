/**
 * The fast lane's memory of accepted operations: keyed by text and operation name without any
 * composite key, only query operations, only the name yoga resolved, bounded in count and size.
 */
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../../src/graphql/schema';
import { documentWeight } from '../../src/server/document-weight';
import { createPreparedOperations } from '../../src/server/prepared-operations';

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

  it('is bounded in texts and in estimated heap; a huge entry is not kept at all', () => {
    const p = createPreparedOperations(schema, { maxTexts: 5, maxBytes: 10_000_000 });
    for (let i = 0; i < 20; i++) accept(p, Q(`Op${i}`));
    expect(p.size).toBe(5);
    expect(p.get(Q('Op19'), null)).toBeDefined();
    expect(p.get(Q('Op0'), null)).toBeUndefined();

    const unit = documentWeight(Q('Op10'), parse(Q('Op10')), 1);
    const p2 = createPreparedOperations(schema, { maxTexts: 100, maxBytes: unit * 20 });
    for (let i = 10; i < 60; i++) accept(p2, Q(`Op${i}`));
    expect(p2.size).toBe(20);
    expect(p2.bytes).toBe(unit * 20);
    expect(p2.get(Q('Op59'), null)).toBeDefined();

    // Weighed by tokens, not characters: a token-dense text is heavy, a comment-padded one of the same length is not.
    const dense = `query Dense { groupCallTasks(first: 1) { edges { node { ${'id '.repeat(300)}} } } }`;
    const padded = Q('Padded', ` # ${'x'.repeat(dense.length - Q('Padded').length - 3)}`);
    expect(padded.length).toBe(dense.length);
    const p3 = createPreparedOperations(schema, { maxTexts: 100, maxBytes: 2_000_000 });
    accept(p3, dense);
    accept(p3, padded);
    expect(p3.get(dense, null)).toBeUndefined();
    expect(p3.get(padded, null)).toBeDefined();
  });

  it('weighs every compilation of a text: each operation name asked for adds one', () => {
    const p = createPreparedOperations(schema);
    const two = `${Q('A')} ${Q('B')}`;
    accept(p, two, 'A');
    const one = p.bytes;
    accept(p, two, 'B');
    expect(p.size).toBe(1);
    expect(p.get(two, 'A')).toBeDefined();
    expect(p.get(two, 'B')).toBeDefined();
    expect(p.bytes).toBe(documentWeight(two, parse(two), 2));
    expect(p.bytes).toBeGreaterThan(one);
  });
});
