/**
 * The cost limit (use-cost-limit.ts), enforced before any upstream call: a connection multiplies
 * its children by its page size, each node id costs one upstream call (QUERY_TOO_COSTLY), and
 * graphql-js still reports a client's own mistakes.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { postGraphQL } from '../helpers/http';
import { startStack, type Stack } from '../helpers/stack';

let stack: Stack;
let url: string;

beforeAll(async () => {
  // MAX_COST at its default (5000).
  stack = await startStack();
  url = `${stack.gateway.url}/graphql`;
});
afterAll(async () => {
  await stack?.close();
});
beforeEach(() => stack.resetCalls());

const gql = (query: string) => postGraphQL(url, { query });

describe('cost limit', () => {
  it('rejects first: 100 nested in first: 100 (default MAX_COST) with QUERY_TOO_COSTLY and no upstream call', async () => {
    const res = await gql('{ groupCallTasks(first: 100) { edges { node { recallFlows(first: 100) { edges { node { keyId } } } } } } }');
    expect(res.json.data ?? undefined).toBeUndefined();
    expect(res.json.errors).toHaveLength(1);
    expect(res.json.errors[0].extensions.code).toBe('QUERY_TOO_COSTLY');
    expect(res.json.errors[0].extensions.maxCost).toBe(5_000);
    expect(res.json.errors[0].extensions.cost).toBeGreaterThan(5_000);
    expect(stack.calls()).toEqual({ tasks: 0, flows: 0 });
  });

  it('prices each node id as an upstream call: 300 forged ids are refused before any call, 100 pass', async () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => Buffer.from(`GroupCallTask:${9_000_000 + i}.${1_790_000_000 + 7 * i}`).toString('base64url'));
    const query = 'query Lookup($ids: [ID!]!) { nodes(ids: $ids) { id } }';
    const refused = await postGraphQL(url, { query, variables: { ids: ids(300) } });
    expect(refused.json.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COSTLY');
    expect(stack.calls()).toEqual({ tasks: 0, flows: 0 });
    const allowed = await postGraphQL(url, { query, variables: { ids: ids(100) } });
    expect(allowed.json.errors).toBeUndefined();
    expect(allowed.json.data.nodes).toHaveLength(100);
    expect(stack.calls().tasks).toBe(100);
  });

  it('counts page sizes given in variables', async () => {
    const res = await postGraphQL(url, {
      query: 'query($n: Int) { groupCallTasks(first: $n) { edges { node { recallFlows(first: $n) { edges { node { keyId } } } } } } }',
      variables: { n: 100 },
    });
    expect(res.json.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COSTLY');
    expect(stack.calls()).toEqual({ tasks: 0, flows: 0 });
  });

  it('prices each page size of the same document on its own (the cost memory cannot be reused across sizes)', async () => {
    const query = 'query Nested($n: Int, $after: String) { groupCallTasks(first: $n, after: $after) { edges { node { recallFlows(first: $n) { totalCount } } } } }';
    const cheap = await postGraphQL(url, { query, variables: { n: 2 } });
    expect(cheap.json.errors).toBeUndefined();
    const costly = await postGraphQL(url, { query, variables: { n: 100 } });
    expect(costly.json.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COSTLY');
    const cheapAgain = await postGraphQL(url, { query, variables: { n: 2, after: null } });
    expect(cheapAgain.json.errors).toBeUndefined();
  });

  it.each([
    ['a variable of the wrong type', { query: 'query($n: Int) { groupCallTasks(first: $n) { totalCount } }', variables: { n: 'many' } }],
    ['a missing required variable', { query: 'query($n: Int!) { groupCallTasks(first: $n) { totalCount } }' }],
    ['an unknown operation name', { query: 'query A { groupCallTasks(first: 1) { totalCount } }', operationName: 'B' }],
    ['two operations and no name', { query: 'query A { __typename } query B { __typename }' }],
  ])('lets graphql-js report %s (a client error, not an internal one) with no upstream call', async (_label, body) => {
    const res = await postGraphQL(url, body);
    expect(res.json.data ?? undefined).toBeUndefined();
    expect(res.json.errors?.length).toBeGreaterThan(0);
    for (const e of res.json.errors) expect(e.extensions?.code).not.toBe('INTERNAL_SERVER_ERROR');
    expect(stack.calls()).toEqual({ tasks: 0, flows: 0 });
  });

  it('accepts the busy-hour join: 100 recall flows with their parent tasks', async () => {
    const res = await gql(
      '{ recallFlows(first: 100) { totalCount edges { node { keyId taskId parentTask { taskId name status } } } } }',
    );
    expect(res.json.errors).toBeUndefined();
    const edges = res.json.data.recallFlows.edges as Array<{ node: { taskId: number; parentTask: { taskId: number } | null } }>;
    expect(edges).toHaveLength(100);
    const joined = edges.filter((e) => e.node.parentTask);
    expect(joined.length).toBeGreaterThan(90);
    for (const e of joined) expect(e.node.parentTask!.taskId).toBe(e.node.taskId);
  });
});
