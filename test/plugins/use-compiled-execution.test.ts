/**
 * Compiled execution (use-compiled-execution.ts with server/compiled-operations.ts): each
 * operation is compiled by graphql-jit once, and the fast lane's prepared operations run that
 * same compilation; query operations of jit-safe documents only (the rest stays with graphql-js);
 * variables are coerced by graphql-js first; a refused compilation is logged once and is what
 * executing it gives, as with @envelop/graphql-jit.
 */
import { getOperationAST, parse, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { schema } from '../../src/graphql/schema';
import { createCompiledOperations, jitOperation, jitSafe } from '../../src/server/compiled-operations';
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

  it('runs the selected query of a document of several operations on graphql-jit too, as the fast lane does', async () => {
    // Before, yoga ran these on graphql-js and the lane on graphql-jit: two answers for one request.
    const { compiled, prepared, post, jit } = setup();
    const query = 'query A { a: __typename } query B { b: __typename }';
    expect(await post({ query, operationName: 'B' })).toEqual({ data: { b: 'Query' } });
    expect(await post({ query, operationName: 'A' })).toEqual({ data: { a: 'Query' } });
    expect(jit).toEqual([true, true]);
    expect(prepared.get(query, 'B')).toBeDefined();
    expect(compiled.compilations).toBe(2);
  });

  it('leaves documents with a name of Object.prototype\'s to graphql-js, and the fast lane never keeps them', async () => {
    const { prepared, post, jit } = setup();
    for (const query of ['{ __proto__: __typename }', '{ constructor: __typename toString: __typename }', 'query hasOwnProperty { __typename }', 'query Q($valueOf: Boolean = true) { a: __typename @include(if: $valueOf) }']) {
      jit.length = 0;
      const answer = await post({ query });
      expect(jit, query).toEqual([false]);
      expect(answer.errors, query).toBeUndefined();
      expect(prepared.get(query, null), query).toBeUndefined();
    }
    expect(await post({ query: '{ __proto__: __typename }' })).toEqual(JSON.parse('{"data":{"__proto__":"Query"}}'));
  });

  it('coerces variables with graphql-js before either executor: the same request errors on every path', async () => {
    const { post, jit } = setup();
    const single = 'query Q($f: GroupCallTaskFilter) { groupCallTasks(first: 1, filter: $f) { totalCount } }';
    const two = `${single} query Other { __typename }`;
    const answers = [];
    for (const [query, operationName] of [[single, undefined], [two, 'Q']] as const) {
      answers.push(await post({ query, operationName, variables: { f: { statuses: ['NOPE'] } } }));
    }
    // Refused before any executor ran (no graphql-jit result).
    expect(jit).toEqual([false, false]);
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[0]!.errors).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/^Variable "\$f" got invalid value "NOPE" at "f\.statuses\[0\]"; Value "NOPE" does not exist in "GroupCallTaskStatus" enum\./),
        extensions: { code: 'BAD_USER_INPUT' },
      }),
    ]);
  });

  it('picks query operations of jit-safe documents only', () => {
    const op = (text: string, name?: string) => jitOperation(parse(text), name)?.name?.value ?? null;
    expect(op('query Q { __typename }')).toBe('Q');
    expect(jitOperation(parse('{ __typename }'), undefined)).not.toBeNull();
    expect(op('fragment F on Query { __typename } query Q { ...F }')).toBe('Q');
    expect(op('query A { a: __typename } query B { b: __typename }')).toBeNull();
    expect(op('query A { a: __typename } query B { b: __typename }', 'B')).toBe('B');
    expect(op('mutation M { x }')).toBeNull();
    expect(op('subscription S { x }')).toBeNull();
    expect(jitSafe(parse('{ a: __typename }'))).toBe(true);
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', '__defineGetter__']) {
      expect(jitSafe(parse(`{ ${name}: __typename }`)), name).toBe(false);
      expect(jitSafe(parse(`fragment ${name} on Query { __typename } { ...${name} }`)), name).toBe(false);
    }
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
