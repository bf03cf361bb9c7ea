/**
 * The README's live-update snippets (test/clients/live-examples.ts) against a running gateway:
 * each transport and client library gets the watch's INITIAL events, then the UPDATED event of a
 * task the simulator changes; a fetch stream resumed with `after` replays what followed its cursor.
 */
import { Observable as RelayObservable, type GraphQLResponse, type RequestParameters } from 'relay-runtime';
import { createClient as createWsClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startStack, type Stack } from '../helpers/stack';
import {
  PROGRESS,
  apolloClient,
  relayEnvironment,
  urqlClient,
  withApollo,
  withFetch,
  withGraphqlSse,
  withGraphqlWs,
  withUrql,
  type Change,
  type OnChange,
} from './live-examples';

let stack: Stack;
let wsUrl: string;
beforeAll(async () => {
  stack = await startStack({ sim: { productLines: true }, env: { LIVE_POLL_INTERVAL_MS: '200' } });
  wsUrl = stack.url.replace(/^http/, 'ws');
});
afterAll(async () => {
  await stack?.close();
});

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

let bump = 0;
/**
 * Runs one client until it has its INITIAL events and then the UPDATED event of a task changed in
 * the simulator (one call more dialled); returns what it received.
 */
async function initialThenUpdate(start: (onChange: OnChange) => () => void | Promise<void>): Promise<Change[]> {
  const changes: Change[] = [];
  const stop = start((c) => changes.push(c));
  try {
    await until(() => changes.length > 0, 'the INITIAL events');
    await new Promise((r) => setTimeout(r, 300)); // every INITIAL event in
    const calling = changes.find((c) => c.kind === 'INITIAL' && c.task!.status === 'CALLING' && c.task!.calledCount < c.task!.numberCount)!;
    expect(calling, 'a task still calling').toBeDefined();
    const calledCount = calling.task!.calledCount + 1 + (bump++ % 3);
    stack.sim.updateTask('groupCall', calling.task!.taskId, { callNum: calledCount });
    await until(() => changes.some((c) => c.kind === 'UPDATED' && c.id === calling.id && c.task!.calledCount === calledCount), 'the UPDATED event');
    const update = changes.find((c) => c.kind === 'UPDATED' && c.id === calling.id)!;
    expect(update.changedFields).toContain('calledCount');
    return changes;
  } finally {
    await stop();
  }
}

/** An async snippet (it runs until its signal aborts) as start/stop. */
const run = (snippet: (onChange: OnChange, signal: AbortSignal) => Promise<void>) => (onChange: OnChange) => {
  const abort = new AbortController();
  const done = snippet(onChange, abort.signal).catch((err: unknown) => {
    if (!abort.signal.aborted) throw err;
  });
  return async () => {
    abort.abort();
    await done;
  };
};

describe('README: live updates with each transport and client', () => {
  it('SSE with graphql-sse', async () => {
    const changes = await initialThenUpdate(run((on, signal) => withGraphqlSse(stack.url, on, signal)));
    expect(changes[0]!.kind).toBe('INITIAL');
  });

  it('SSE with plain fetch, and a stream resumed with `after` replays what followed its cursor', async () => {
    const changes = await initialThenUpdate(run((on, signal) => withFetch(stack.url, on, signal)));
    const initialCursor = changes[0]!.cursor;
    const resumed: Change[] = [];
    const stop = run((on, signal) => withFetch(stack.url, on, signal, initialCursor))((c) => resumed.push(c));
    const updates = changes.filter((c) => c.kind !== 'INITIAL');
    await until(() => resumed.length >= updates.length, 'the replay');
    await stop();
    expect(resumed.slice(0, updates.length)).toEqual(updates);
  });

  it('graphql-ws', async () => {
    await initialThenUpdate(run((on, signal) => withGraphqlWs(wsUrl, on, signal)));
  });

  it('Apollo Client (GraphQLWsLink through ApolloLink.split)', async () => {
    const client = apolloClient(stack.url, wsUrl);
    try {
      await initialThenUpdate((on) => withApollo(client, on));
    } finally {
      client.stop();
    }
  });

  it('urql (subscriptionExchange over graphql-ws)', async () => {
    const ws = createWsClient({ url: wsUrl, webSocketImpl: WebSocket });
    try {
      await initialThenUpdate((on) => withUrql(urqlClient(stack.url, ws), on));
    } finally {
      await ws.dispose();
    }
  });

  it("Relay (the Network's subscribe function over graphql-ws)", async () => {
    const ws = createWsClient({ url: wsUrl, webSocketImpl: WebSocket });
    try {
      const environment = relayEnvironment(ws, () => RelayObservable.from(Promise.reject(new Error('queries are not part of this test'))));
      const request: RequestParameters = { id: null, cacheID: 'Progress', name: 'Progress', operationKind: 'subscription', text: PROGRESS, metadata: {} };
      await initialThenUpdate((on) => {
        const subscription = environment
          .getNetwork()
          .execute(request, {}, {})
          .subscribe({ next: (response: GraphQLResponse) => on((response as { data: { groupCallTaskChanges: Change } }).data.groupCallTaskChanges) });
        return () => subscription.unsubscribe();
      });
    } finally {
      await ws.dispose();
    }
  });
});
