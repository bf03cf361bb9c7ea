/**
 * Relay (relay-runtime, no React) against the running gateway over HTTP, with the artifacts
 * relay-compiler generated from test/clients/relay/*.ts (committed in test/clients/relay/__generated__/):
 * - the compiler validates the documents against schema/schema.graphql and finds the committed
 *   artifacts fresh (`relay-compiler --validate`);
 * - forward pagination through groupCallTasks exactly as usePaginationFragment's loadNext does it
 *   (the generated TaskListPaginationQuery with the connection's endCursor; the @connection
 *   handler merges the pages in the store), each page checked against the simulator's records;
 * - refetch of a GroupCallTask and of a RecallFlow by id through their @refetchable queries
 *   (Query.node(id:)).
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Environment,
  Network,
  RecordSource,
  Store,
  createOperationDescriptor,
  fetchQuery,
  getPaginationMetadata,
  getPaginationVariables,
  getRefetchMetadata,
  getSelector,
  type GraphQLResponse,
  type GraphQLTaggedNode,
  type OperationType,
  type ReaderFragment,
} from 'relay-runtime';
import FlowDetailsFragment, { type FlowDetails_flow$data } from './relay/__generated__/FlowDetails_flow.graphql';
import FlowListFragment, { type FlowList_query$data } from './relay/__generated__/FlowList_query.graphql';
import FlowListQuery, { type FlowListQuery as FlowListQueryType } from './relay/__generated__/FlowListQuery.graphql';
import TaskDetailsFragment, { type TaskDetails_task$data } from './relay/__generated__/TaskDetails_task.graphql';
import TaskListFragment, { type TaskList_query$data } from './relay/__generated__/TaskList_query.graphql';
import TaskListQuery, { type TaskListQuery as TaskListQueryType } from './relay/__generated__/TaskListQuery.graphql';
import { expectedFlow, expectedTask, flowsIn, lastDays, pick, taskById, tasksIn } from '../helpers/records';
import { startStack, type Stack } from '../helpers/stack';

let stack: Stack;
let requests: Array<{ name: string; variables: Record<string, unknown> }>;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

/** A Relay environment whose network layer POSTs the artifacts' query text to the gateway. */
function createEnvironment(): Environment {
  const network = Network.create(async (params, variables) => {
    requests.push({ name: params.name, variables });
    const res = await stack.post({ query: params.text, variables, operationName: params.name }, { accept: 'application/graphql-response+json' });
    expect(res.status).toBe(200);
    return res.json as GraphQLResponse;
  });
  return new Environment({ network, store: new Store(new RecordSource()) });
}

/** useFragment without React: reads a fragment reference from the store. */
function readFragment<T>(env: Environment, fragment: ReaderFragment, ref: unknown): T {
  const selector = getSelector(fragment, ref as never);
  if (!selector || selector.kind !== 'SingularReaderSelector') throw new Error(`no singular selector for ${fragment.name}`);
  const snapshot = env.lookup(selector);
  expect(snapshot.isMissingData, `${fragment.name} has missing data`).toBe(false);
  return snapshot.data as T;
}

/** Runs a query through the network into the store and keeps it retained (no GC under us). */
async function fetchRetained<Q extends OperationType>(env: Environment, query: GraphQLTaggedNode, variables: Q['variables']) {
  const data = (await fetchQuery<Q>(env, query, variables).toPromise()) as Q['response'];
  env.retain(createOperationDescriptor(query as never, variables));
  return data;
}

describe('relay-compiler', () => {
  it('validates the documents against the printed schema and finds the committed artifacts fresh', () => {
    // relay-compiler's cli.js spawns the platform binary; --validate writes nothing and exits 1
    // when an artifact would change (or a document does not validate).
    const cli = createRequire(import.meta.url).resolve('relay-compiler/cli.js');
    const run = spawnSync(process.execPath, [cli, '--validate'], { cwd: process.cwd(), encoding: 'utf8', timeout: 30_000 });
    expect(run.error).toBeUndefined();
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
  });
});

describe('relay-runtime', () => {
  it('pages forward through groupCallTasks like loadNext, the @connection merging the pages in order', async () => {
    requests = [];
    const env = createEnvironment();
    const w = lastDays(stack.sim.dataset, 4);
    const expected = tasksIn(stack.sim.dataset, w);
    expect(expected.length).toBeGreaterThan(60); // several pages
    const filter = { createdFrom: w.createdFrom, createdTo: w.createdTo };
    const count = 40;

    const root = await fetchRetained<TaskListQueryType>(env, TaskListQuery, { count, filter });
    const read = () => readFragment<TaskList_query$data>(env, TaskListFragment, root).groupCallTasks;

    // usePaginationFragment's loadNext: the fragment's refetch metadata names the pagination query
    // and its count/cursor variables.
    const { paginationRequest, paginationMetadata } = getPaginationMetadata(TaskListFragment, 'TaskList');
    expect(paginationRequest.params.name).toBe('TaskListPaginationQuery');

    let connection = read();
    expect(connection.totalCount).toBe(expected.length);
    let pages = 1;
    let checked = 0;
    for (;;) {
      const seen = connection.edges.length;
      // Every edge so far: the simulator's records, in its order.
      expect(connection.edges.map((e) => e.node.taskId)).toEqual(expected.slice(0, seen).map((t) => t.taskId));
      // The page just merged: each node's fields as the simulator holds them.
      for (const edge of connection.edges.slice(checked)) {
        const task = readFragment<TaskDetails_task$data>(env, TaskDetailsFragment, edge.node);
        const want = expectedTask(taskById(stack.sim.dataset, task.taskId), stack.sim.timezone);
        expect(pick(task, want)).toEqual(want);
        expect(task.id).toBe(edge.node.id);
      }
      checked = seen;
      const { pageInfo } = connection;
      expect(pageInfo.hasNextPage).toBe(seen < expected.length);
      if (!pageInfo.hasNextPage) break;

      const variables = getPaginationVariables('forward', count, pageInfo.endCursor, { count, filter }, {}, paginationMetadata);
      expect(variables).toMatchObject({ count, cursor: pageInfo.endCursor, filter });
      await fetchRetained(env, paginationRequest, variables);
      pages++;
      connection = read();
      expect(connection.edges.length).toBe(Math.min(seen + count, expected.length));
    }
    expect(connection.edges.length).toBe(expected.length);
    expect(new Set(connection.edges.map((e) => e.node.id)).size).toBe(expected.length);
    expect(pages).toBe(Math.ceil(expected.length / count));
    expect(requests.map((r) => r.name)).toEqual(['TaskListQuery', ...Array(pages - 1).fill('TaskListPaginationQuery')]);
  });

  it('refetches a GroupCallTask by id through its @refetchable query (node(id:))', async () => {
    requests = [];
    const env = createEnvironment();
    const w = lastDays(stack.sim.dataset, 2);
    const root = await fetchRetained<TaskListQueryType>(env, TaskListQuery, { count: 5, filter: { createdFrom: w.createdFrom, createdTo: w.createdTo } });
    const edge = readFragment<TaskList_query$data>(env, TaskListFragment, root).groupCallTasks.edges[3]!;
    const record = taskById(stack.sim.dataset, edge.node.taskId);
    expect(record).toBe(tasksIn(stack.sim.dataset, w)[3]);

    // A fresh environment, so the data can only come from the refetch.
    const fresh = createEnvironment();
    const { refetchableRequest, identifierInfo } = getRefetchMetadata(TaskDetailsFragment, 'TaskDetails');
    expect(refetchableRequest.params.name).toBe('TaskDetailsRefetchQuery');
    expect(identifierInfo?.identifierQueryVariableName).toBe('id');
    const data = (await fetchRetained(fresh, refetchableRequest, { id: edge.node.id })) as { node: unknown };
    const task = readFragment<TaskDetails_task$data>(fresh, TaskDetailsFragment, data.node);
    const want = expectedTask(record, stack.sim.timezone);
    expect(pick(task, want)).toEqual(want);
    expect(task.id).toBe(edge.node.id);
    expect(requests.map((r) => r.name)).toEqual(['TaskListQuery', 'TaskDetailsRefetchQuery']);
  });

  it('pages recallFlows and refetches a RecallFlow (with its parent task) by id', async () => {
    requests = [];
    const env = createEnvironment();
    const w = lastDays(stack.sim.dataset, 20);
    const expected = flowsIn(stack.sim.dataset, w);
    expect(expected.length).toBeGreaterThan(30);
    const filter = { createdFrom: w.createdFrom, createdTo: w.createdTo };
    const count = 15;
    const root = await fetchRetained<FlowListQueryType>(env, FlowListQuery, { count, filter });
    const { paginationRequest, paginationMetadata } = getPaginationMetadata(FlowListFragment, 'FlowList');
    let connection = readFragment<FlowList_query$data>(env, FlowListFragment, root).recallFlows;
    const variables = getPaginationVariables('forward', count, connection.pageInfo.endCursor, { count, filter }, {}, paginationMetadata);
    await fetchRetained(env, paginationRequest, variables);
    connection = readFragment<FlowList_query$data>(env, FlowListFragment, root).recallFlows;
    expect(connection.totalCount).toBe(expected.length);
    expect(connection.edges.map((e) => e.node.keyId)).toEqual(expected.slice(0, 2 * count).map((f) => f.keyId));

    const checkFlow = (flow: FlowDetails_flow$data, envOf: Environment) => {
      const record = expected.find((f) => f.keyId === flow.keyId)!;
      const want = expectedFlow(record, stack.sim.timezone);
      expect(pick(flow, want)).toEqual(want);
      expect(flow.parentTask).not.toBeNull();
      const parent = readFragment<TaskDetails_task$data>(envOf, TaskDetailsFragment, flow.parentTask);
      const wantParent = expectedTask(taskById(stack.sim.dataset, record.taskId), stack.sim.timezone);
      expect(pick(parent, wantParent)).toEqual(wantParent);
    };
    for (const edge of connection.edges) checkFlow(readFragment<FlowDetails_flow$data>(env, FlowDetailsFragment, edge.node), env);

    const target = connection.edges[count + 2]!.node;
    const fresh = createEnvironment();
    const { refetchableRequest } = getRefetchMetadata(FlowDetailsFragment, 'FlowDetails');
    expect(refetchableRequest.params.name).toBe('FlowDetailsRefetchQuery');
    const data = (await fetchRetained(fresh, refetchableRequest, { id: target.id })) as { node: unknown };
    const flow = readFragment<FlowDetails_flow$data>(fresh, FlowDetailsFragment, data.node);
    expect(flow.id).toBe(target.id);
    expect(flow.keyId).toBe(target.keyId);
    checkFlow(flow, fresh);
    expect(requests.map((r) => r.name)).toEqual(['FlowListQuery', 'FlowListPaginationQuery', 'FlowDetailsRefetchQuery']);
  });
});
