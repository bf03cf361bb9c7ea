/**
 * errors.ts: maskError keeps the codes of typed errors (input, upstream, graphql-js's own) and
 * masks everything else as INTERNAL_SERVER_ERROR without leaking its message or stack.
 */
import { createRequire } from 'node:module';
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { InputError, maskError, MASKED_MESSAGE } from '../../src/graphql/errors';
import { UpstreamError } from '../../src/upstream/errors';

/** graphql-js as yoga loads it natively (CommonJS): a second GraphQLError class under vitest. */
const cjsGraphql = createRequire(import.meta.url)('graphql') as typeof import('graphql');

/** What graphql-js makes of an error thrown in a resolver at `path`. */
const located = (original: Error, path: Array<string | number> = ['groupCallTasks']) =>
  new GraphQLError(original.message, { path, originalError: original });

const json = (e: GraphQLError) => JSON.stringify(e.toJSON());

describe('maskError', () => {
  it('masks a plain Error: fixed message, INTERNAL_SERVER_ERROR, nothing of the original', () => {
    const original = new Error('connect ECONNREFUSED http://127.0.0.1:9/?secret=sim-demo-secret');
    const seen: unknown[] = [];
    const masked = maskError(original, (e) => seen.push(e));
    expect(masked.message).toBe(MASKED_MESSAGE);
    expect(masked.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
    expect(json(masked)).not.toMatch(/secret|127\.0\.0\.1|ECONNREFUSED|\bat\s/);
    expect(seen).toEqual([original]);
  });

  it('masks a plain Error thrown in a resolver, keeping its path', () => {
    const original = new TypeError("Cannot read properties of undefined (reading 'taskId')");
    const seen: unknown[] = [];
    const masked = maskError(located(original, ['recallFlows', 'edges', 3, 'node', 'parentTask']), (e) => seen.push(e));
    expect(masked.message).toBe(MASKED_MESSAGE);
    expect(masked.extensions.code).toBe('INTERNAL_SERVER_ERROR');
    expect(masked.path).toEqual(['recallFlows', 'edges', 3, 'node', 'parentTask']);
    expect(json(masked)).not.toContain('taskId');
    expect(seen).toEqual([original]);
  });

  it('masks non-Error throwables', () => {
    for (const thrown of ['a string', 42, null, { message: 'object' }]) {
      const masked = maskError(thrown);
      expect(masked.message).toBe(MASKED_MESSAGE);
      expect(masked.extensions.code).toBe('INTERNAL_SERVER_ERROR');
    }
  });

  it('keeps an InputError as BAD_USER_INPUT with its message and path, not reported as unexpected', () => {
    const seen: unknown[] = [];
    const masked = maskError(located(new InputError('`first` must be between 1 and 100, got 0')), (e) => seen.push(e));
    expect(masked.message).toBe('`first` must be between 1 and 100, got 0');
    expect(masked.extensions).toEqual({ code: 'BAD_USER_INPUT' });
    expect(masked.path).toEqual(['groupCallTasks']);
    expect(seen).toEqual([]);
  });

  it.each([
    ['UPSTREAM_UNAUTHENTICATED', -1],
    ['UPSTREAM_UNAVAILABLE', -18],
    ['UPSTREAM_ERROR', -99],
  ] as const)('keeps an UpstreamError %s with its upstream code', (code, upstreamCode) => {
    const masked = maskError(located(new UpstreamError(code, 'upstream said no', upstreamCode), ['node']));
    expect(masked.extensions).toEqual({ code, upstreamCode });
    expect(masked.message).toBe('upstream said no');
    expect(masked.path).toEqual(['node']);
  });

  it('keeps an UpstreamError without an upstream code as just its code', () => {
    const masked = maskError(located(new UpstreamError('UPSTREAM_INVALID_RESPONSE', 'upstream body is not JSON')));
    expect(masked.extensions).toEqual({ code: 'UPSTREAM_INVALID_RESPONSE' });
  });

  it("keeps graphql-js's own errors: a code it set, or GRAPHQL_VALIDATION_FAILED when outside execution", () => {
    const coded = new GraphQLError('DateTime must be an ISO-8601 date-time with an offset', { extensions: { code: 'BAD_USER_INPUT' } });
    const wrapped = new GraphQLError('Variable "$f" got invalid value; DateTime must be …', { originalError: coded });
    expect(maskError(wrapped).extensions.code).toBe('BAD_USER_INPUT');
    expect(maskError(new GraphQLError('Cannot query field "nope" on type "Query".')).extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('gives variable coercion errors BAD_USER_INPUT', () => {
    const overflow = new GraphQLError('Variable "$f" got invalid value 8589934592 at "f.appId"; Int cannot represent non 32-bit signed integer value: 8589934592');
    expect(maskError(overflow).extensions.code).toBe('BAD_USER_INPUT');
  });

  it("recognises errors made by graphql-js's CommonJS build (the one yoga loads)", () => {
    const input = maskError(new cjsGraphql.GraphQLError('bad', { path: ['node'], originalError: new InputError('malformed id') }));
    expect(input.extensions).toEqual({ code: 'BAD_USER_INPUT' });
    expect(input.path).toEqual(['node']);
    const upstream = maskError(new cjsGraphql.GraphQLError('x', { originalError: new UpstreamError('UPSTREAM_FORBIDDEN_IP', 'no', -2) }));
    expect(upstream.extensions).toEqual({ code: 'UPSTREAM_FORBIDDEN_IP', upstreamCode: -2 });
    const validation = maskError(new cjsGraphql.GraphQLError('Syntax Error: Unexpected "}".', { extensions: { code: 'GRAPHQL_PARSE_FAILED' } }));
    expect(validation.extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(validation.message).toBe('Syntax Error: Unexpected "}".');
    const internal = maskError(new cjsGraphql.GraphQLError('boom', { path: ['x'], originalError: new Error('boom') }));
    expect(internal.extensions.code).toBe('INTERNAL_SERVER_ERROR');
    expect(internal.message).toBe(MASKED_MESSAGE);
  });
});
