// The README's "Live updates" snippets, whole: one live subscription through each transport and
// client library the README names. test/clients/live-examples.test.ts runs every one of them
// against a gateway; change the README and this file together.
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { getMainDefinition } from '@apollo/client/utilities';
import { Client, fetchExchange, subscriptionExchange } from '@urql/core';
import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import { Environment, Network, Observable, RecordSource, Store, type GraphQLResponse, type RequestParameters, type Variables } from 'relay-runtime';
import WebSocket from 'ws'; // Node only: browsers have a WebSocket of their own

export const PROGRESS = /* GraphQL */ `
  subscription Progress($after: String) {
    groupCallTaskChanges(filter: { statuses: [SUBMITTING, CALLING] }, after: $after) {
      kind
      id
      changedFields
      cursor
      task { id taskId name status calledCount numberCount }
    }
  }
`;

export interface Change {
  kind: 'INITIAL' | 'ADDED' | 'UPDATED' | 'REMOVED';
  id: string;
  changedFields: string[];
  cursor: string;
  task: { id: string; taskId: number; name: string; status: string; calledCount: number; numberCount: number } | null;
}
type Result = { data?: { groupCallTaskChanges: Change } | null; errors?: ReadonlyArray<{ message: string }> };
export type OnChange = (change: Change) => void;

// --- SSE with graphql-sse (distinct connections: one HTTP stream per subscription) -------------
export async function withGraphqlSse(url: string, onChange: OnChange, signal: AbortSignal, after?: string) {
  const client = createSseClient({ url /* e.g. http://localhost:4000/graphql */, headers: {} /* { authorization: `Bearer ${token}` } */ });
  const events = client.iterate<{ groupCallTaskChanges: Change }>({ query: PROGRESS, variables: { after } });
  signal.addEventListener('abort', () => void events.return?.());
  for await (const result of events) {
    if (result.errors) throw new Error(result.errors.map((e) => e.message).join('; ')); // e.g. LIVE_SHUTTING_DOWN: resume with `after`
    onChange(result.data!.groupCallTaskChanges);
  }
  client.dispose();
}

// --- SSE with plain fetch (a POST with `accept: text/event-stream`) ----------------------------
export async function withFetch(url: string, onChange: OnChange, signal: AbortSignal, after?: string) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({ query: PROGRESS, variables: { after } }),
    signal,
  });
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const message = buffer.slice(0, end); // "event: next\ndata: {...}", "event: complete", or ":" (keep-alive)
        buffer = buffer.slice(end + 2);
        const data = message.split('\n').find((line) => line.startsWith('data: '));
        if (!message.startsWith('event: next') || !data) continue;
        const result = JSON.parse(data.slice(6)) as Result;
        if (result.errors) throw new Error(result.errors.map((e) => e.message).join('; '));
        onChange(result.data!.groupCallTaskChanges);
      }
    }
  } catch (err) {
    if (!signal.aborted) throw err;
  }
}

// --- graphql-ws (one WebSocket for many subscriptions) -----------------------------------------
export async function withGraphqlWs(url: string, onChange: OnChange, signal: AbortSignal, after?: string) {
  const client = createWsClient({
    url, // e.g. ws://localhost:4000/graphql
    webSocketImpl: WebSocket,
    connectionParams: {}, // { authorization: `Bearer ${token}` }: browsers cannot set headers on a WebSocket
  });
  const events = client.iterate<{ groupCallTaskChanges: Change }>({ query: PROGRESS, variables: { after } });
  signal.addEventListener('abort', () => void events.return?.());
  for await (const result of events) {
    if (result.errors) throw new Error(result.errors.map((e) => e.message).join('; '));
    onChange(result.data!.groupCallTaskChanges);
  }
  await client.dispose();
}

// --- Apollo Client 4: subscriptions over GraphQLWsLink, the rest over HTTP (split) -------------
export function apolloClient(httpUrl: string, wsUrl: string) {
  const isSubscription = ({ query }: ApolloLink.Operation) => {
    const definition = getMainDefinition(query);
    return definition.kind === 'OperationDefinition' && definition.operation === 'subscription';
  };
  const link = ApolloLink.split(
    isSubscription,
    new GraphQLWsLink(createWsClient({ url: wsUrl, webSocketImpl: WebSocket })),
    new HttpLink({ uri: httpUrl }),
  );
  return new ApolloClient({ link, cache: new InMemoryCache() });
}

export function withApollo(client: ApolloClient, onChange: OnChange) {
  // Each event's task is normalised by its id: watched queries showing that task update too.
  const subscription = client.subscribe<{ groupCallTaskChanges: Change }>({ query: gql(PROGRESS) }).subscribe({
    next: ({ data }) => data && onChange(data.groupCallTaskChanges),
    error: (err) => console.error(err),
  });
  return () => subscription.unsubscribe();
}

// --- urql: subscriptionExchange forwarding to graphql-ws --------------------------------------
export function urqlClient(httpUrl: string, ws: WsClient) {
  return new Client({
    url: httpUrl,
    preferGetMethod: false, // the gateway refuses a GET without the x-graphql-yoga-csrf header
    exchanges: [
      fetchExchange,
      subscriptionExchange({
        forwardSubscription: (request) => ({
          subscribe: (sink) => ({ unsubscribe: ws.subscribe({ ...request, query: request.query ?? '' }, sink) }),
        }),
      }),
    ],
  });
}

export function withUrql(client: Client, onChange: OnChange) {
  const { unsubscribe } = client.subscription<{ groupCallTaskChanges: Change }>(PROGRESS, {}).subscribe((result) => {
    if (result.data) onChange(result.data.groupCallTaskChanges);
  });
  return unsubscribe;
}

// --- Relay: the Network's subscribe function over graphql-ws (graphql-sse's client works the same way)
export function relayEnvironment(ws: WsClient, fetchQuery: Parameters<typeof Network.create>[0]) {
  const subscribe = (operation: RequestParameters, variables: Variables) =>
    Observable.create<GraphQLResponse>((sink) =>
      ws.subscribe(
        { operationName: operation.name, query: operation.text ?? '', variables },
        { next: (result) => sink.next(result as GraphQLResponse), error: (err) => sink.error(err as Error), complete: () => sink.complete() },
      ),
    );
  return new Environment({ network: Network.create(fetchQuery, subscribe), store: new Store(new RecordSource()) });
}
