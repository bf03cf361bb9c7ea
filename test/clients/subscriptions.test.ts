/**
 * Live updates through the client libraries people use, against the running gateway with
 * GATEWAY_TOKENS set: the `graphql-sse` client (distinct connections mode: one POST per
 * subscription, the mode yoga serves), the `graphql-ws` client (token in connectionParams),
 * Apollo Client 4 over GraphQLWsLink, and urql over its subscriptionExchange (with graphql-sse).
 * Each sees the INITIAL events, then the change the simulator makes, and the coded error that
 * ends a stream; unsubscribing ends the hub's subscription at once (the watch is quiet, so nothing
 * but the unsubscribe can end it).
 */
import { ApolloClient, InMemoryCache, gql, type TypedDocumentNode } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { Client as UrqlClient, subscriptionExchange } from '@urql/core';
import { createClient as createSseClient, type Client as SseClient } from 'graphql-sse';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { TaskInput, TaskRecord } from '../../src/simulator';
import { until } from '../helpers/live-transports';
import { startStack, type Stack } from '../helpers/stack';

const I = 300;
const TOKEN = 'clients-live-token-0123456789';
const AUTH = { authorization: `Bearer ${TOKEN}` };

interface Change {
  kind: 'INITIAL' | 'ADDED' | 'UPDATED' | 'REMOVED';
  id: string;
  changedFields: string[];
  cursor: string;
  task: { taskId: number; name: string; status: string } | null;
}
interface ChangeData {
  groupCallTaskChanges: Change;
}
interface ChangeVars {
  filter?: Record<string, unknown>;
  after?: string;
}

const QUERY = /* GraphQL */ `
  subscription TaskChanges($filter: GroupCallTaskFilter, $after: String) {
    groupCallTaskChanges(filter: $filter, after: $after) { kind id changedFields cursor task { taskId name status } }
  }
`;
const DOCUMENT: TypedDocumentNode<ChangeData, ChangeVars> = gql(QUERY);

let stack: Stack;
const cleanups: Array<() => unknown> = [];

beforeAll(async () => {
  stack = await startStack({ env: { GATEWAY_TOKENS: TOKEN, LIVE_POLL_INTERVAL_MS: String(I), LIVE_MAX_RECORDS: '50' } });
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await until(() => stack.gateway.live.stats().subscriptions === 0, 3_000, 'the hub to drop every subscription');
});
afterAll(() => stack?.close());

const since = new Date(Date.now() - 3_600_000).toISOString();
const watchOf = (tag: string): ChangeVars => ({ filter: { search: tag, createdFrom: since } });

function addTasks(tag: string, n: number): TaskRecord[] {
  return Array.from({ length: n }, (_, i) =>
    stack.sim.addTask({ taskName: `${tag}-${i}`, status: 2, numCnt: 10, callNum: 10, createdMs: Date.now() - 10_000 } as TaskInput),
  );
}

interface Collected {
  data: ChangeData[];
  errors: Array<{ message: string; extensions?: Record<string, unknown> }>;
  completed: boolean;
  failed: unknown;
}
const collected = (): Collected => ({ data: [], errors: [], completed: false, failed: undefined });

/** A graphql-sse / graphql-ws style sink that collects what it is given. */
function sinkInto(c: Collected) {
  return {
    next: (r: { data?: unknown; errors?: readonly unknown[] | null }) => {
      if (r.data) c.data.push(r.data as ChangeData);
      if (r.errors) c.errors.push(...(r.errors as Collected['errors']));
    },
    error: (err: unknown) => {
      c.failed = err;
    },
    complete: () => {
      c.completed = true;
    },
  };
}

const kinds = (c: Collected) => c.data.map((d) => d.groupCallTaskChanges.kind);

function sseClient(): SseClient {
  const client = createSseClient({ url: `${stack.gateway.url}/graphql`, singleConnection: false, headers: AUTH, retryAttempts: 0 });
  cleanups.push(() => client.dispose());
  return client;
}

function wsClient(connectionParams: Record<string, unknown> = AUTH): WsClient {
  const client = createWsClient({ url: `${stack.gateway.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams, retryAttempts: 0, lazy: true });
  cleanups.push(() => client.dispose());
  return client;
}

describe('graphql-sse client (distinct connections)', () => {
  it('INITIAL events, an UPDATED per change, a coded error at the end; dispose ends the subscription', async () => {
    const tasks = addTasks('CLsseZ', 2);
    const client = sseClient();
    const c = collected();
    const dispose = client.subscribe({ query: QUERY, variables: watchOf('CLsseZ') as Record<string, unknown> }, sinkInto(c));
    await until(() => c.data.length === 2, 5_000, 'the INITIAL events');
    expect(kinds(c)).toEqual(['INITIAL', 'INITIAL']);
    stack.sim.updateTask('groupCall', tasks[0]!.taskId, { status: 5 });
    await until(() => c.data.length === 3, I + 2_000, 'the UPDATED event');
    expect(c.data[2]!.groupCallTaskChanges).toMatchObject({ kind: 'UPDATED', changedFields: ['status'], task: { taskId: tasks[0]!.taskId, status: 'PAUSED' } });
    expect(stack.gateway.live.stats().subscriptions).toBe(1);
    dispose();
    await until(() => stack.gateway.live.stats().subscriptions === 0, 1_000, 'the subscription to end');
    expect(c.failed).toBeUndefined();

    // A stream that ends with a coded error: the error as a result, then completion.
    const bad = collected();
    client.subscribe({ query: QUERY, variables: { ...watchOf('CLsseZ'), after: 'garbage' } as Record<string, unknown> }, sinkInto(bad));
    await until(() => bad.completed || bad.failed !== undefined, 3_000, 'the end');
    expect(bad.errors.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(bad.completed).toBe(true);
  });
});

describe('graphql-ws client', () => {
  it('token in connectionParams: INITIAL, UPDATED, resume with `after`; LIVE_WATCH_TOO_LARGE ends a stream; a wrong token is a 4403 close', async () => {
    const tasks = addTasks('CLwsZ', 2);
    const client = wsClient();
    const c = collected();
    const stop = client.subscribe({ query: QUERY, variables: watchOf('CLwsZ') as Record<string, unknown> }, sinkInto(c));
    await until(() => c.data.length === 2, 5_000, 'the INITIAL events');
    stack.sim.updateTask('groupCall', tasks[1]!.taskId, { taskName: 'CLwsZ-renamed' });
    await until(() => c.data.length === 3, I + 2_000, 'the UPDATED event');
    expect(c.data[2]!.groupCallTaskChanges).toMatchObject({ kind: 'UPDATED', changedFields: ['name'], task: { name: 'CLwsZ-renamed' } });
    const cursor = c.data[2]!.groupCallTaskChanges.cursor;
    stop();
    await until(() => stack.gateway.live.stats().subscriptions === 0, 1_000, 'the subscription to end');

    // Missed while away, then resumed with the iterator API.
    stack.sim.updateTask('groupCall', tasks[0]!.taskId, { status: 4 });
    await until(() => stack.gateway.live.stats().watches === 0, 2 * I, 'the watch to be forgotten');
    const resumed = client.iterate<ChangeData>({ query: QUERY, variables: { ...watchOf('CLwsZ'), after: cursor } as Record<string, unknown> });
    const first = await resumed.next();
    expect(first.value?.data?.groupCallTaskChanges).toMatchObject({ kind: 'UPDATED', changedFields: ['status'], task: { taskId: tasks[0]!.taskId, status: 'CANCELLED' } });
    await resumed.return?.();

    const big = collected();
    client.subscribe({ query: QUERY, variables: { filter: { createdFrom: new Date(Date.now() - 30 * 86_400_000).toISOString() } } }, sinkInto(big));
    await until(() => big.completed || big.failed !== undefined, I + 3_000, 'the end');
    expect(big.errors.map((e) => e.extensions?.code)).toEqual(['LIVE_WATCH_TOO_LARGE']);
    expect(big.completed).toBe(true);

    const refused = collected();
    wsClient({ authorization: 'Bearer wrong-token-0123456789' }).subscribe({ query: QUERY, variables: watchOf('CLwsZ') as Record<string, unknown> }, sinkInto(refused));
    await until(() => refused.failed !== undefined, 3_000, 'the refusal');
    expect((refused.failed as { code?: number }).code).toBe(4403);
    expect(refused.data).toEqual([]);
  });
});

describe('Apollo Client over GraphQLWsLink', () => {
  it('client.subscribe: typed INITIAL and UPDATED data, a coded error as CombinedGraphQLErrors; unsubscribe ends it', async () => {
    const tasks = addTasks('CLapolloZ', 2);
    const apollo = new ApolloClient({ link: new GraphQLWsLink(wsClient()), cache: new InMemoryCache() });
    cleanups.push(() => apollo.stop());
    const seen: ChangeData[] = [];
    const errors: unknown[] = [];
    const sub = apollo.subscribe({ query: DOCUMENT, variables: watchOf('CLapolloZ'), fetchPolicy: 'no-cache' }).subscribe({
      next: (r) => {
        if (r.data) seen.push(r.data as ChangeData);
        if (r.error) errors.push(r.error);
      },
      error: (e) => errors.push(e),
    });
    cleanups.push(() => sub.unsubscribe());
    await until(() => seen.length === 2, 5_000, 'the INITIAL events');
    expect(seen.map((d) => d.groupCallTaskChanges.kind)).toEqual(['INITIAL', 'INITIAL']);
    expect(new Set(seen.map((d) => d.groupCallTaskChanges.task!.taskId))).toEqual(new Set(tasks.map((t) => t.taskId)));
    stack.sim.updateTask('groupCall', tasks[0]!.taskId, { status: 5 });
    await until(() => seen.length === 3, I + 2_000, 'the UPDATED event');
    expect(seen[2]!.groupCallTaskChanges).toMatchObject({ kind: 'UPDATED', changedFields: ['status'], task: { status: 'PAUSED' } });
    expect(errors).toEqual([]);
    sub.unsubscribe();
    await until(() => stack.gateway.live.stats().subscriptions === 0, 1_000, 'the subscription to end');

    const failing: unknown[] = [];
    let done = false;
    apollo
      .subscribe({ query: DOCUMENT, variables: { ...watchOf('CLapolloZ'), after: 'garbage' }, fetchPolicy: 'no-cache' })
      .subscribe({ next: (r) => r.error && failing.push(r.error), error: (e) => failing.push(e), complete: () => (done = true) });
    await until(() => failing.length > 0, 3_000, 'the error');
    const err = failing[0] as { name?: string; errors?: Array<{ extensions?: { code?: string } }> };
    expect(err.name).toBe('CombinedGraphQLErrors');
    expect(err.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    await until(() => done, 2_000, 'completion');
  });
});

describe('urql over subscriptionExchange (graphql-sse)', () => {
  it('client.subscription: INITIAL and UPDATED results; unsubscribe ends it', async () => {
    const tasks = addTasks('CLurqlZ', 1);
    const sse = sseClient();
    const urql = new UrqlClient({
      url: `${stack.gateway.url}/graphql`,
      exchanges: [
        subscriptionExchange({
          forwardSubscription(request) {
            const input = { ...request, query: request.query || '' };
            return { subscribe: (sink) => ({ unsubscribe: sse.subscribe(input, sink) }) };
          },
        }),
      ],
    });
    const seen: ChangeData[] = [];
    const errors: unknown[] = [];
    const { unsubscribe } = urql.subscription(DOCUMENT, watchOf('CLurqlZ')).subscribe((r) => {
      if (r.data) seen.push(r.data);
      if (r.error) errors.push(r.error);
    });
    cleanups.push(unsubscribe);
    await until(() => seen.length === 1, 5_000, 'the INITIAL event');
    expect(seen[0]!.groupCallTaskChanges).toMatchObject({ kind: 'INITIAL', task: { taskId: tasks[0]!.taskId, name: 'CLurqlZ-0' } });
    stack.sim.updateTask('groupCall', tasks[0]!.taskId, { status: 4 });
    await until(() => seen.length === 2, I + 2_000, 'the UPDATED event');
    expect(seen[1]!.groupCallTaskChanges).toMatchObject({ kind: 'UPDATED', changedFields: ['status'], task: { status: 'CANCELLED' } });
    expect(errors).toEqual([]);
    unsubscribe();
    await until(() => stack.gateway.live.stats().subscriptions === 0, 1_000, 'the subscription to end');
  });
});
