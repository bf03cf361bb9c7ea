/**
 * Shutdown with live subscriptions open over graphql-ws: each gets the coded LIVE_SHUTTING_DOWN
 * error (with which a client resumes on another replica, from its last cursor) and `complete`
 * before its socket closes (1001), as SSE subscribers do; the sockets do not close first.
 */
import { createClient } from 'graphql-ws';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startStack, type Stack } from '../helpers/stack';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close().catch(() => {});
  stack = undefined;
});

const SUBSCRIPTION = 'subscription { groupCallTaskChanges(filter: { statuses: [CALLING] }) { kind id cursor } }';

describe('graphql-ws on gateway close', () => {
  it('ends each live subscription with LIVE_SHUTTING_DOWN and complete, then closes the socket', async () => {
    stack = await startStack({ sim: { productLines: true }, env: { LIVE_POLL_INTERVAL_MS: '200' } });
    const client = createClient({ url: stack.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
    const results = [0, 1, 2].map(() => {
      const got: { events: number; errors?: Array<{ extensions?: { code?: string } }>; completed: boolean; failed?: unknown } = { events: 0, completed: false };
      client.subscribe(
        { query: SUBSCRIPTION },
        {
          next: (r) => {
            if (r.errors) got.errors = r.errors as never;
            else got.events++;
          },
          error: (e) => (got.failed = e),
          complete: () => (got.completed = true),
        },
      );
      return got;
    });
    const deadline = Date.now() + 10_000;
    while (results.some((r) => r.events === 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(results.every((r) => r.events > 0)).toBe(true);

    const closing = stack.gateway.close();
    await closing;
    stack = undefined;
    for (const r of results) {
      expect(r.errors?.[0]?.extensions?.code).toBe('LIVE_SHUTTING_DOWN');
      expect(r.completed).toBe(true);
      expect(r.failed).toBeUndefined();
    }
    await client.dispose();
  });
});
