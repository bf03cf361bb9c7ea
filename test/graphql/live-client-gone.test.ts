/**
 * A client that goes away ends its live subscriptions at once, events or not: over SSE (the HTTP
 * stream closes) and over graphql-ws (the socket closes, or the client completes the operation).
 * Before, a subscription waiting for its next event outlived its client until that event came
 * (the resolver's async generator could not be returned while it awaited), so a quiet watch kept
 * being polled for nobody and dead subscriptions counted against LIVE_MAX_SUBSCRIPTIONS.
 */
import { request } from 'node:http';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startStack, type Stack } from '../helpers/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ sim: { productLines: true }, env: { LIVE_POLL_INTERVAL_MS: '200' } });
});
afterAll(async () => {
  await stack?.close();
});

// A watch with no change coming (a window in the past), and no INITIAL events: nothing to send.
const QUIET = `subscription { groupCallTaskChanges(filter: { createdFrom: "2020-01-01T00:00:00Z", createdTo: "2020-01-02T00:00:00Z" }, initial: false) { kind id } }`;

async function until(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (${JSON.stringify(stack.gateway.live.stats())})`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const stats = () => stack.gateway.live.stats();

describe('live subscriptions end with their client', () => {
  it('SSE: the stream closed by the client ends the subscription and its watch stops being polled', async () => {
    const url = new URL(stack.url);
    const reqs = Array.from({ length: 3 }, () => {
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream' } });
      req.on('error', () => {});
      req.end(JSON.stringify({ query: QUIET }));
      return req;
    });
    await until(() => stats().subscriptions === 3, 'three subscriptions');
    await until(() => stats().polling === 1, 'the watch polled');
    for (const req of reqs) req.destroy();
    await until(() => stats().subscriptions === 0, 'the subscriptions to end');
    await until(() => stats().watches === 0, 'the watch to be let go');
    stack.resetCalls();
    await new Promise((r) => setTimeout(r, 600));
    expect(stack.calls().tasks, 'polls for nobody').toBe(0);
  });

  it('graphql-ws: a closed socket, or a completed operation, ends the subscription', async () => {
    const client = createClient({ url: stack.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, lazy: false });
    const sink = { next: () => {}, error: () => {}, complete: () => {} };
    const unsubscribe = client.subscribe({ query: QUIET }, sink);
    client.subscribe({ query: QUIET }, sink);
    await until(() => stats().subscriptions === 2, 'two subscriptions');
    unsubscribe(); // the client completes one operation
    await until(() => stats().subscriptions === 1, 'the completed one to end');
    await client.dispose(); // the socket closes
    await until(() => stats().subscriptions === 0, 'the other to end with its socket');
    await until(() => stats().watches === 0, 'the watch to be let go');
  });
});
