/**
 * Apollo Client 4 (core, no React) against the running gateway over HTTP: a watched recallFlows
 * query paged with fetchMore, the pages merged by relayStylePagination(['filter']) in the
 * InMemoryCache. Checked against the simulator's records: the merged list has every flow of the
 * window exactly once, in the simulator's order, each normalized once by its global id; another
 * filter is another list in the cache.
 */
import { ApolloClient, HttpLink, InMemoryCache, gql, type ObservableQuery, type TypedDocumentNode } from '@apollo/client';
import { relayStylePagination } from '@apollo/client/utilities';
import { filter, firstValueFrom, from, timeout } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedFlow, expectedTask, flowsIn, lastDays, pick, taskById, type DatedWindow } from '../helpers/records';
import { startStack, type Stack } from '../helpers/stack';

interface FlowNode {
  __typename: 'RecallFlow';
  id: string;
  keyId: number;
  taskId: number;
  taskName: string;
  createdAt: string;
  status: string;
  recallType: string;
  recallIntervalMinutes: number;
  recallAttempts: number;
  finishedAttempts: number;
  parentTask: { __typename: 'GroupCallTask'; id: string; taskId: number; name: string; status: string; createdAt: string } | null;
}
interface FlowsData {
  recallFlows: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: Array<{ cursor: string; node: FlowNode }>;
  };
}
interface FlowsVars {
  first: number;
  after?: string | null;
  filter?: { createdFrom?: string; createdTo?: string; parentTask?: string } | null;
}

const FLOWS: TypedDocumentNode<FlowsData, FlowsVars> = gql`
  query Flows($first: Int!, $after: String, $filter: RecallFlowFilter) {
    recallFlows(first: $first, after: $after, filter: $filter) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges {
        cursor
        node {
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
          parentTask { id taskId name status createdAt }
        }
      }
    }
  }
`;

let stack: Stack;
let operations: string[];

beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

function createClient() {
  operations = [];
  const link = new HttpLink({
    uri: `${stack.gateway.url}/graphql`,
    fetch: (input, init) => {
      operations.push(String(JSON.parse(String(init?.body)).variables?.after ?? 'first page'));
      return fetch(input, init);
    },
  });
  const cache = new InMemoryCache({
    typePolicies: { Query: { fields: { recallFlows: relayStylePagination(['filter']) } } },
  });
  return new ApolloClient({ link, cache });
}

/**
 * The watched query's first complete result (with `edges` edges): v4 has no `result()`, and an
 * ObservableQuery is an rxjs source that re-emits after the cache broadcast following fetchMore.
 */
async function firstComplete(observable: ObservableQuery<FlowsData, FlowsVars>, edges?: number): Promise<FlowsData> {
  const result = await firstValueFrom(
    from(observable).pipe(
      filter(
        (r) =>
          r.error !== undefined ||
          (r.dataState === 'complete' && (edges === undefined || (r.data as FlowsData).recallFlows.edges.length === edges)),
      ),
      timeout({ first: 10_000 }),
    ),
  );
  if (result.error) throw result.error;
  return result.data as FlowsData;
}

const filterOf = (w: DatedWindow) => ({ createdFrom: w.createdFrom, createdTo: w.createdTo });

describe('Apollo Client', () => {
  it('pages recallFlows with fetchMore; relayStylePagination merges the pages without duplicates, in order', async () => {
    const client = createClient();
    const w = lastDays(stack.sim.dataset, 12);
    const expected = flowsIn(stack.sim.dataset, w);
    const first = 30;
    expect(expected.length).toBeGreaterThan(3 * first);
    const variables = { first, filter: filterOf(w) };

    const observable = client.watchQuery({ query: FLOWS, variables });
    const emitted: number[] = [];
    const subscription = observable.subscribe(({ data, dataState }) => {
      if (dataState === 'complete') emitted.push(data.recallFlows.edges.length);
    });
    let data = await firstComplete(observable);
    let pages = 1;
    while (data.recallFlows.pageInfo.hasNextPage) {
      const before = data.recallFlows.edges.length;
      const more = await observable.fetchMore({ variables: { after: data.recallFlows.pageInfo.endCursor } });
      pages++;
      // fetchMore returns the page alone; the watched query sees the merged list.
      expect(more.data.recallFlows.edges.map((e) => e.node.keyId)).toEqual(
        expected.slice(before, before + first).map((f) => f.keyId),
      );
      // The cache merged the page at once; the watched query re-emits the merged list.
      const merged = Math.min(before + first, expected.length);
      expect(client.readQuery({ query: FLOWS, variables })!.recallFlows.edges).toHaveLength(merged);
      data = await firstComplete(observable, merged);
    }
    subscription.unsubscribe();

    // The merged list: every flow once, in the simulator's order, each with the simulator's fields.
    const merged = data.recallFlows;
    expect(merged.totalCount).toBe(expected.length);
    expect(merged.pageInfo.hasNextPage).toBe(false);
    expect(merged.edges.map((e) => e.node.keyId)).toEqual(expected.map((f) => f.keyId));
    expect(new Set(merged.edges.map((e) => e.node.id)).size).toBe(expected.length);
    expect(new Set(merged.edges.map((e) => e.cursor)).size).toBe(expected.length);
    merged.edges.forEach((e, i) => {
      const want = expectedFlow(expected[i]!, stack.sim.timezone);
      expect(pick(e.node, want)).toEqual(want);
      const parent = expectedTask(taskById(stack.sim.dataset, want.taskId), stack.sim.timezone);
      expect(e.node.parentTask).toMatchObject({ taskId: parent.taskId, name: parent.name, status: parent.status, createdAt: parent.createdAt });
    });
    expect(pages).toBe(Math.ceil(expected.length / first));
    expect(operations).toHaveLength(pages);
    expect(emitted.at(-1)).toBe(expected.length);

    // The cache holds one list for the filter (keyArgs ['filter']: first/after are not part of
    // the key) and one normalized entity per flow and per parent task.
    const cached = client.readQuery({ query: FLOWS, variables })!;
    expect(cached.recallFlows.edges.map((e) => e.node.keyId)).toEqual(expected.map((f) => f.keyId));
    const snapshot = client.cache.extract() as Record<string, Record<string, unknown>>;
    const listKeys = Object.keys(snapshot.ROOT_QUERY!).filter((k) => k.startsWith('recallFlows'));
    expect(listKeys).toEqual([`recallFlows:${JSON.stringify({ filter: filterOf(w) })}`]);
    expect(Object.keys(snapshot).filter((k) => k.startsWith('RecallFlow:'))).toHaveLength(expected.length);
    expect(Object.keys(snapshot).filter((k) => k.startsWith('GroupCallTask:'))).toHaveLength(new Set(expected.map((f) => f.taskId)).size);
    client.stop();
  });

  it('keeps another filter in its own list (keyArgs), and a repeated page merges without duplicates', async () => {
    const client = createClient();
    const wa = lastDays(stack.sim.dataset, 10);
    const wb = lastDays(stack.sim.dataset, 3);
    const a = flowsIn(stack.sim.dataset, wa);
    const b = flowsIn(stack.sim.dataset, wb);
    expect(a.length).toBeGreaterThan(b.length);

    const qa = client.watchQuery({ query: FLOWS, variables: { first: 10, filter: filterOf(wa) } });
    const sub = qa.subscribe(() => {});
    const pageA = await firstComplete(qa);
    await client.query({ query: FLOWS, variables: { first: 10, filter: filterOf(wb) } });
    // The same window again with `after` = the end of the first page, twice: the second answer
    // replaces the tail instead of appending it again.
    await qa.fetchMore({ variables: { after: pageA.recallFlows.pageInfo.endCursor } });
    await qa.fetchMore({ variables: { after: pageA.recallFlows.pageInfo.endCursor } });
    const merged = client.readQuery({ query: FLOWS, variables: { first: 10, filter: filterOf(wa) } })!.recallFlows.edges.map((e) => e.node.keyId);
    sub.unsubscribe();
    expect(merged).toEqual(a.slice(0, 20).map((f) => f.keyId));

    const listB = client.readQuery({ query: FLOWS, variables: { first: 10, filter: filterOf(wb) } })!;
    expect(listB.recallFlows.totalCount).toBe(b.length);
    expect(listB.recallFlows.edges.map((e) => e.node.keyId)).toEqual(b.slice(0, 10).map((f) => f.keyId));
    client.stop();
  });
});
