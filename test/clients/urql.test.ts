/**
 * @urql/core against the running gateway over HTTP: the join query (recall flows with their parent
 * tasks) gives the same result through urql as through a direct POST of the same query, and that
 * result is the simulator's records. urql sends queries as GET when the URL is short enough
 * (`preferGetMethod: 'within-url-limit'`, its default), and the gateway's CSRF prevention refuses
 * a GET without the `x-graphql-yoga-csrf` header: either header or `preferGetMethod: false` works.
 */
import { Client, cacheExchange, fetchExchange, gql, type ClientOptions } from '@urql/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedFlow, expectedTask, flowsIn, lastDays, pick, taskById } from '../helpers/records';
import { startStack, type Stack } from '../helpers/stack';

// urql's document cache (cacheExchange) adds __typename to every selection set before sending; the
// query spells them out so the direct POST sends exactly the same document.
const JOIN = /* GraphQL */ `
  query RecallFlowsWithParents($first: Int!, $after: String, $filter: RecallFlowFilter) {
    recallFlows(first: $first, after: $after, filter: $filter) {
      __typename
      totalCount
      pageInfo { __typename hasNextPage hasPreviousPage startCursor endCursor }
      edges {
        __typename
        cursor
        node {
          __typename
          id
          keyId
          taskId
          taskName
          createdAt
          status
          recallType
          recallIntervalMinutes
          recallAttempts
          finishedAttempts
          parentTask {
            __typename
            id
            taskId
            name
            status
            type
            rate
            callProgress
            numberCount
            calledCount
            successCount
            failCount
            scriptId
            createdAt
          }
        }
      }
    }
  }
`;

let stack: Stack;
let methods: string[];

beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

function urql(options: Partial<ClientOptions> = {}): Client {
  return new Client({
    url: `${stack.gateway.url}/graphql`,
    exchanges: [cacheExchange, fetchExchange],
    fetch: (input, init) => {
      methods.push(init?.method ?? 'GET');
      return fetch(input, init);
    },
    ...options,
  });
}

/** The same operation as a plain POST: what any HTTP client gets. */
async function post(variables: Record<string, unknown>) {
  const res = await stack.post({ query: JOIN, variables, operationName: 'RecallFlowsWithParents' }, { accept: 'application/graphql-response+json' });
  expect(res.status).toBe(200);
  const body = res.json as { data?: any; errors?: unknown[] };
  expect(body.errors).toBeUndefined();
  return body.data;
}

function checkAgainstSimulator(data: any, expectedKeyIds: number[], total: number) {
  const conn = data.recallFlows;
  expect(conn.totalCount).toBe(total);
  expect(conn.edges.map((e: any) => e.node.keyId)).toEqual(expectedKeyIds);
  for (const { node } of conn.edges) {
    const flow = stack.sim.dataset.flows.find((f) => f.keyId === node.keyId)!;
    const want = expectedFlow(flow, stack.sim.timezone);
    expect(pick(node, want)).toEqual(want);
    const parent = expectedTask(taskById(stack.sim.dataset, flow.taskId), stack.sim.timezone);
    expect(pick(node.parentTask, parent)).toEqual(parent);
  }
}

describe('urql', () => {
  it('runs the join query (POST) and gets exactly what a direct POST gets: the simulator records', async () => {
    methods = [];
    const w = lastDays(stack.sim.dataset, 7);
    const expected = flowsIn(stack.sim.dataset, w);
    expect(expected.length).toBeGreaterThan(60); // two pages
    const variables = { first: 60, filter: { createdFrom: w.createdFrom, createdTo: w.createdTo } };
    const client = urql({ preferGetMethod: false });
    const result = await client.query(gql(JOIN), variables).toPromise();
    expect(result.error).toBeUndefined();
    expect(methods).toEqual(['POST']);

    const direct = await post(variables);
    expect(result.data).toEqual(direct);
    checkAgainstSimulator(result.data, expected.slice(0, 60).map((f) => f.keyId), expected.length);

    // Next page through urql, again identical to the direct POST.
    const after = result.data.recallFlows.pageInfo.endCursor;
    const page2 = await client.query(gql(JOIN), { ...variables, after }).toPromise();
    expect(page2.error).toBeUndefined();
    expect(page2.data).toEqual(await post({ ...variables, after }));
    checkAgainstSimulator(page2.data, expected.slice(60, 120).map((f) => f.keyId), expected.length);
  });

  it("runs it as GET (urql's default) when the client sends the CSRF header", async () => {
    methods = [];
    const w = lastDays(stack.sim.dataset, 3);
    const expected = flowsIn(stack.sim.dataset, w);
    const variables = { first: 20, filter: { createdFrom: w.createdFrom, createdTo: w.createdTo } };
    const client = urql({ fetchOptions: { headers: { 'x-graphql-yoga-csrf': '1' } } });
    const result = await client.query(gql(JOIN), variables).toPromise();
    expect(result.error).toBeUndefined();
    expect(methods).toEqual(['GET']);
    expect(result.data).toEqual(await post(variables));
    checkAgainstSimulator(result.data, expected.slice(0, 20).map((f) => f.keyId), expected.length);
  });

  it("is refused (403) with urql's defaults: a GET without the CSRF header", async () => {
    methods = [];
    const result = await urql().query(gql(JOIN), { first: 1 }).toPromise();
    expect(methods).toEqual(['GET']);
    expect(result.data).toBeUndefined();
    expect((result.error?.response as Response | undefined)?.status).toBe(403);
    expect(result.error?.message).toMatch(/CSRF/);
  });
});
