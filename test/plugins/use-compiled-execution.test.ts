/**
 * Compiled execution (use-compiled-execution.ts with server/compiled-operations.ts): each
 * operation is compiled by graphql-jit once, and the fast lane's prepared operations run that
 * same compilation; single-query documents only (the rest stays with graphql-js); a refused
 * compilation is logged once and is what executing it gives, as with @envelop/graphql-jit.
 */
import { getOperationAST, parse, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { schema } from '../../src/graphql/schema';
import { singleQueryOperation } from '../../src/plugins/use-compiled-execution';
import { createCompiledOperations } from '../../src/server/compiled-operations';
import { createPreparedOperations } from '../../src/server/prepared-operations';
import { offlineYoga } from '../helpers/stack';

function setup() {
  const compiled = createCompiledOperations(schema);
  const prepared = createPreparedOperations(schema, undefined, compiled);
  // Whether each executed result came from graphql-jit (the plugin hands yoga its stringify).
  const jit: boolean[] = [];
  const observe: Plugin = {
    onExecute: () => ({
      onExecuteDone: ({ result }) => {
        jit.push(typeof (result as ExecutionResult & { stringify?: unknown }).stringify === 'function');
      },
    }),
  };
  const yoga = offlineYoga({ plugins: [prepared.plugin, observe], compiled });
  const post = async (body: Record<string, unknown>) => {
    const res = await yoga.fetch('http://localhost/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return (await res.json()) as ExecutionResult;
  };
  return { compiled, prepared, post, jit };
}

describe('compiled execution', () => {
  it('compiles an operation once for yoga and the fast lane, whatever name the requests use', async () => {
    const { compiled, prepared, post, jit } = setup();
    const query = 'query Q { __typename }';
    for (const operationName of [undefined, undefined, 'Q', 'Q']) {
      expect(await post({ query, operationName })).toEqual({ data: { __typename: 'Query' } });
    }
    expect(jit).toEqual([true, true, true, true]);
    expect(compiled.compilations).toBe(1);
    const unnamed = prepared.get(query, null)!;
    const named = prepared.get(query, 'Q')!;
    expect(named.compiled).toBe(unnamed.compiled);
    expect(compiled.get(unnamed.document, getOperationAST(unnamed.document)!)).toBe(unnamed.compiled);
    expect(compiled.compilations).toBe(1);
  });

  it('leaves documents of several operations to graphql-js (the fast lane still compiles the one it keeps)', async () => {
    const { compiled, prepared, post, jit } = setup();
    const query = 'query A { a: __typename } query B { b: __typename }';
    expect(await post({ query, operationName: 'B' })).toEqual({ data: { b: 'Query' } });
    expect(await post({ query, operationName: 'A' })).toEqual({ data: { a: 'Query' } });
    expect(jit).toEqual([false, false]);
    expect(prepared.get(query, 'B')).toBeDefined();
    expect(compiled.compilations).toBe(2);
  });

  it('picks single queries only', () => {
    const op = (text: string) => singleQueryOperation(parse(text))?.name?.value ?? null;
    expect(op('query Q { __typename }')).toBe('Q');
    expect(singleQueryOperation(parse('{ __typename }'))).not.toBeNull();
    expect(op('fragment F on Query { __typename } query Q { ...F }')).toBe('Q');
    expect(singleQueryOperation(parse('query A { a: __typename } query B { b: __typename }'))).toBeNull();
    expect(singleQueryOperation(parse('mutation M { x }'))).toBeNull();
    expect(singleQueryOperation(parse('subscription S { x }'))).toBeNull();
  });

  it('a refused compilation is reported once, kept, and is what executing it gives', () => {
    const refusals: ExecutionResult[] = [];
    const compiled = createCompiledOperations(schema, { onError: (r) => refusals.push(r) });
    const document = parse('query($x: Nope) { __typename }');
    const operation = getOperationAST(document)!;
    const first = compiled.get(document, operation);
    expect(compiled.get(document, operation)).toBe(first);
    expect(compiled.compilations).toBe(1);
    expect(refusals).toEqual([first]);
    expect((first as ExecutionResult).errors?.[0]?.message).toMatch(/Nope/);
  });
});
