/**
 * errors.ts: maskError keeps the codes of typed errors (input, upstream, graphql-js's own) and
 * masks everything else as INTERNAL_SERVER_ERROR without leaking its message or stack; end to end
 * over real HTTP, upstream failures become error codes at the failing field's path while the
 * sibling fields keep their data.
 */
import { createRequire } from 'node:module';
import { GraphQLError } from 'graphql';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_CLOSED_MESSAGE, clientMessage, InputError, maskError, MASKED_MESSAGE } from '../../src/graphql/errors';
import { encodeGlobalID, flowLocalId, taskLocalId } from '../../src/graphql/paging/global-id';
import type { Simulator } from '../../src/simulator';
import { ClientClosedError, UpstreamError } from '../../src/upstream/errors';
import { inWindow, windowFilter, windowOver } from '../helpers/records';
import { startStack, type Stack } from '../helpers/stack';

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

  it('a ClientClosedError is CLIENT_CLOSED_REQUEST, not an upstream failure, and not reported as unexpected', () => {
    const seen: unknown[] = [];
    const masked = maskError(located(new ClientClosedError(), ['recallFlows', 'edges', 0, 'node', 'parentTask']), (e) => seen.push(e));
    expect(masked.message).toBe(CLIENT_CLOSED_MESSAGE);
    expect(masked.extensions).toEqual({ code: 'CLIENT_CLOSED_REQUEST' });
    expect(seen).toEqual([]);
  });

  it("never echoes the request: yoga's extensions.originalError is dropped, quoted parts and the message are bounded", () => {
    const body = 'x'.repeat(99_000);
    const invalidJson = new GraphQLError('POST body sent invalid JSON.', {
      extensions: { code: 'BAD_REQUEST', http: { status: 400, spec: true }, originalError: { name: 'SyntaxError', message: `Unexpected token 'x', "${body}" is not valid JSON` } },
    });
    const masked = maskError(invalidJson);
    expect(masked.extensions).toEqual({ code: 'BAD_REQUEST', http: { status: 400, spec: false } });
    expect(JSON.stringify(masked.toJSON()).length).toBeLessThan(200);
    const field = maskError(new GraphQLError(`Cannot query field "${body}" on type "Query".`));
    expect(field.message).toBe(`Cannot query field "${'x'.repeat(63)}…" on type "Query".`);
    expect(clientMessage(`${'y'.repeat(1_000)}`)).toHaveLength(400);
    expect(clientMessage('Cannot query field "nope" on type "Query".')).toBe('Cannot query field "nope" on type "Query".');
    // Never cut through a surrogate pair.
    expect(clientMessage(`"${'😀'.repeat(100)}"`)).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });

  it('keeps the status of a validation or parse error, which a legacy application/json client gets as 200', () => {
    const parse = maskError(new GraphQLError('Syntax Error: Unexpected "}".', { extensions: { code: 'GRAPHQL_PARSE_FAILED', http: { status: 400, spec: true } } }));
    expect(parse.extensions.http).toEqual({ status: 400, spec: true });
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

describe('upstream failures (own simulator)', () => {
  let faulty: Stack;
  let sim: Simulator;
  let taskId: string;
  let flowId: string;
  let flowWindow: Record<string, string>;
  let flowTotal: number;
  let taskWindow: Record<string, string>;
  const seen: unknown[] = [];

  beforeAll(async () => {
    faulty = await startStack();
    sim = faulty.sim;
    const t = sim.dataset.tasks[40]!;
    const f = sim.dataset.flows[40]!;
    taskId = encodeGlobalID('GroupCallTask', taskLocalId({ taskId: t.taskId, created: t.createdMs / 1000 }));
    flowId = encodeGlobalID('RecallFlow', flowLocalId({ keyId: f.keyId, taskId: f.taskId, created: f.createdMs / 1000 }));
    const fw = windowOver(sim.dataset.flows, 10, 20);
    flowWindow = windowFilter(fw);
    flowTotal = sim.dataset.flows.filter((x) => inWindow(x.createdMs, fw)).length;
    taskWindow = windowFilter(windowOver(sim.dataset.tasks, 10, 20));
  });
  afterEach(() => {
    sim.setFaults({});
    sim.setClockSkew(0);
  });
  afterAll(() => faulty.close());


  const retried = () => 1 + faulty.config.upstream.retries;
  type Case = { name: string; arrange: () => void; code: string; upstreamCode?: number; calls: () => number };
  const cases: Case[] = [
    { name: '-1', arrange: () => sim.queueFault('error-code', { code: -1, endpoint: 'groupCallTasks' }), code: 'UPSTREAM_UNAUTHENTICATED', upstreamCode: -1, calls: () => 1 },
    { name: '-2', arrange: () => sim.queueFault('error-code', { code: -2, endpoint: 'groupCallTasks' }), code: 'UPSTREAM_FORBIDDEN_IP', upstreamCode: -2, calls: () => 1 },
    { name: '-22', arrange: () => sim.queueFault('error-code', { code: -22, endpoint: 'groupCallTasks' }), code: 'UPSTREAM_BAD_REQUEST', upstreamCode: -22, calls: () => 1 },
    {
      name: '-18, persistent',
      arrange: () => sim.setFaults({ errorRate: 1, errorCode: -18, endpoint: 'groupCallTasks' }),
      code: 'UPSTREAM_UNAVAILABLE',
      upstreamCode: -18,
      calls: retried,
    },
    { name: 'unknown code -99', arrange: () => sim.queueFault('error-code', { code: -99, endpoint: 'groupCallTasks' }), code: 'UPSTREAM_ERROR', upstreamCode: -99, calls: () => 1 },
    { name: 'malformed body', arrange: () => sim.queueFault('malformed-body', { endpoint: 'groupCallTasks' }), code: 'UPSTREAM_INVALID_RESPONSE', calls: () => 1 },
    { name: 'invalid record', arrange: () => sim.queueFault('invalid-record', { endpoint: 'groupCallTasks' }), code: 'UPSTREAM_INVALID_RESPONSE', calls: () => 1 },
    { name: 'HTTP 500, persistent', arrange: () => sim.setFaults({ http500Rate: 1, endpoint: 'groupCallTasks' }), code: 'UPSTREAM_UNAVAILABLE', calls: retried },
    { name: 'dropped connections, persistent', arrange: () => sim.setFaults({ dropRate: 1, endpoint: 'groupCallTasks' }), code: 'UPSTREAM_UNAVAILABLE', calls: retried },
  ];

  it.each(cases)('$name → $code at the failing field; the sibling field still has its data', async ({ arrange, code, upstreamCode, calls }) => {
    arrange();
    faulty.resetCalls();
    const res = await faulty.gql(
      `query($id: ID!, $f: RecallFlowFilter) { failing: node(id: $id) { id ... on GroupCallTask { taskId } } sibling: recallFlows(first: 3, filter: $f) { totalCount edges { node { keyId } } } }`,
      { id: taskId, f: flowWindow },
    );
    seen.push(res);
    expect(res.status).toBe(200);
    expect(res.data?.failing).toBeNull();
    expect(res.data?.sibling.totalCount).toBe(flowTotal);
    expect(res.data?.sibling.edges).toHaveLength(3);
    expect(res.errors).toHaveLength(1);
    const [error] = res.errors!;
    expect(error!.path).toEqual(['failing']);
    expect(error!.extensions?.code).toBe(code);
    expect(error!.extensions?.upstreamCode).toBe(upstreamCode);
    expect(faulty.calls()).toEqual({ tasks: calls(), flows: 1 });
  });

  it('clock skew of 600 s → -16, retried once with a fresh timestamp, then UPSTREAM_TIMESTAMP_EXPIRED', async () => {
    sim.setClockSkew(600);
    faulty.resetCalls();
    const res = await faulty.gql(`query($id: ID!) { failing: node(id: $id) { id } }`, { id: taskId });
    seen.push(res);
    expect(res.data).toEqual({ failing: null });
    expect(res.errors?.map((e) => [e.path, e.extensions?.code, e.extensions?.upstreamCode])).toEqual([[['failing'], 'UPSTREAM_TIMESTAMP_EXPIRED', -16]]);
    expect(faulty.calls()).toEqual({ tasks: 2, flows: 0 });
  });

  it('a failing list field is null at its path (non-null: the whole data is null)', async () => {
    sim.queueFault('error-code', { code: -2, endpoint: 'groupCallTasks' });
    const res = await faulty.gql(`query($f: GroupCallTaskFilter) { groupCallTasks(first: 3, filter: $f) { totalCount } }`, { f: taskWindow });
    seen.push(res);
    expect(res.data).toBeNull();
    expect(res.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['groupCallTasks'], 'UPSTREAM_FORBIDDEN_IP']]);
  });

  it('the flows endpoint failing: the flow node is null, the task list beside it is served', async () => {
    sim.queueFault('error-code', { code: -99, endpoint: 'recallFlows' });
    const res = await faulty.gql(
      `query($id: ID!, $f: GroupCallTaskFilter) { failing: node(id: $id) { id } sibling: groupCallTasks(first: 2, filter: $f) { edges { node { taskId } } } }`,
      { id: flowId, f: taskWindow },
    );
    seen.push(res);
    expect(res.data?.failing).toBeNull();
    expect(res.data?.sibling.edges).toHaveLength(2);
    expect(res.errors?.map((e) => [e.path, e.extensions?.code, e.extensions?.upstreamCode])).toEqual([[['failing'], 'UPSTREAM_ERROR', -99]]);
  });

  it('parents failing to load: each parentTask is null with an error at its path, the flows are served', async () => {
    sim.setFaults({ errorRate: 1, errorCode: -1, endpoint: 'groupCallTasks' });
    const res = await faulty.gql(
      `query($f: RecallFlowFilter) { recallFlows(first: 3, filter: $f) { edges { node { keyId parentTask { taskId } } } } }`,
      { f: flowWindow },
    );
    seen.push(res);
    const edges = res.data?.recallFlows.edges as Array<{ node: { keyId: number; parentTask: null } }>;
    expect(edges).toHaveLength(3);
    for (const e of edges) expect(e.node.parentTask).toBeNull();
    const fw = { from: Date.parse(flowWindow.createdFrom!), to: Date.parse(flowWindow.createdTo!) };
    expect(edges.map((e) => e.node.keyId)).toEqual(sim.dataset.flows.filter((f) => inWindow(f.createdMs, fw)).slice(0, 3).map((f) => f.keyId));
    // One error per failed field; graphql-js reports them in completion order.
    const errors = (res.errors ?? []).map((e) => [e.path, e.extensions?.code]).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    expect(errors).toEqual([0, 1, 2].map((i) => [['recallFlows', 'edges', i, 'node', 'parentTask'], 'UPSTREAM_UNAUTHENTICATED']));
  });

  it('after the faults clear, the same query is served again', async () => {
    const res = await faulty.gql(`query($id: ID!) { node(id: $id) { ... on GroupCallTask { taskId } } }`, { id: taskId });
    expect(res.errors).toBeUndefined();
    expect(res.data?.node.taskId).toBe(sim.dataset.tasks[40]!.taskId);
  });

  it('no error any client saw names the secret, the key, the simulator or a stack frame', () => {
    const text = JSON.stringify(seen);
    expect(seen.length).toBeGreaterThan(10);
    expect(text).not.toContain(sim.apiSecret);
    expect(text).not.toContain(sim.apiKey);
    expect(text).not.toContain(sim.url);
    expect(text).not.toContain(new URL(sim.url).host);
    expect(text).not.toMatch(/\bat\s+\S+\s*\(|file:\/\/|\.ts:\d+|node_modules/);
    for (const res of seen as Array<{ errors?: Array<Record<string, unknown>> }>) {
      // Nothing beyond the spec's keys (no stack, no internals); graphql-jit omits `locations` on
      // some errors (e.g. node(id:)), which the spec allows.
      for (const e of res.errors ?? []) {
        const keys = Object.keys(e).sort();
        expect(keys.filter((k) => k !== 'locations'), JSON.stringify(e)).toEqual(['extensions', 'message', 'path']);
      }
    }
  });
});
