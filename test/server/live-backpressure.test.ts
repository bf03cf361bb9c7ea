/**
 * Slow consumers of live updates: a client that never reads its socket while a big watch (500
 * tasks, every one changing on every poll) streams events, over SSE and over graphql-ws. Once its
 * socket is full, what the gateway holds for it must stay bounded: its subscription is cut with
 * LIVE_SLOW_CONSUMER after LIVE_MAX_BUFFERED_EVENTS waiting events (its queue dropped), the
 * gateway's heap does not grow with what it cannot send, and the subscribers that do read keep
 * receiving every event. The gateway runs in this process, so its heap is this process's.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskInput, TaskRecord } from '../../src/simulator';
import { sleep, sseSubscribe, until, wsConnect, type ResultStream, type WsConnection } from '../helpers/live-transports';
import { startStack, type Stack } from '../helpers/stack';

const I = 200;
const TASKS = 500;
/** Every poll changes every task: a reader has a whole poll's events waiting at once, and no more. */
const MAX_BUFFERED = TASKS;
/** Big records (a long name), so that the sockets fill within a few polls. */
const NAME_PAD = 'x'.repeat(2_000);

setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;
const heapMb = () => {
  gc();
  return process.memoryUsage().heapUsed / 1e6;
};

let stack: Stack;
let tasks: TaskRecord[];
const since = new Date(Date.now() - 3_600_000).toISOString();
const watch = { filter: { search: 'BPbigZ', createdFrom: since } };
const FULL = /* GraphQL */ `
  subscription Big($filter: GroupCallTaskFilter) {
    groupCallTaskChanges(filter: $filter) {
      kind id changedFields observedAt cursor
      task { id taskId name status type rate callProgress numberCount calledCount successCount failCount createdAt scriptId product }
    }
  }
`;
const SMALL = `subscription Small($filter: GroupCallTaskFilter) { groupCallTaskChanges(filter: $filter) { kind id } }`;

beforeAll(async () => {
  stack = await startStack({
    env: {
      LIVE_POLL_INTERVAL_MS: String(I),
      LIVE_MAX_RECORDS: '1000',
      LIVE_MAX_BUFFERED_EVENTS: String(MAX_BUFFERED),
      UPSTREAM_MAX_RESPONSE_BYTES: '10000000',
    },
  });
  tasks = Array.from({ length: TASKS }, (_, i) =>
    stack.sim.addTask({ taskName: `BPbigZ-${i}-${NAME_PAD}`, status: 2, numCnt: 100_000, callNum: 0, createdMs: Date.now() - 10_000 - i * 1_000 } as TaskInput),
  );
});
afterAll(() => stack?.close());

let round = 0;
/** Changes every task of the watch (one UPDATED each at the next poll). */
function changeAll(): void {
  round++;
  for (const t of tasks) stack.sim.updateTask('groupCall', t.taskId, { callNum: round });
}

async function metricValue(name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`${stack.gateway.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

/** An SSE subscription over a raw HTTP request whose socket stops being read once the events flow. */
function stalledSse(): Promise<{ res: IncomingMessage; received: () => number }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${stack.gateway.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream' } });
    req.on('response', (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => {
        bytes += c.length;
        // Stop reading once the first events are in: from here on, the kernel's buffers fill.
        if (bytes > 10_000 && !res.socket.isPaused()) {
          res.socket.pause();
          resolve({ res, received: () => bytes });
        }
      });
      res.on('error', () => {});
    });
    req.on('error', reject);
    req.end(JSON.stringify({ query: FULL, variables: watch }));
  });
}

describe('a consumer that never reads', () => {
  it(`is cut off with LIVE_SLOW_CONSUMER (SSE and graphql-ws); the heap stays bounded; readers get every event`, async () => {
    // Readers: one per transport, small selections.
    const readerSse = await sseSubscribe(stack.gateway.url, { query: SMALL, variables: watch });
    const readerConn = await wsConnect(stack.gateway.url);
    const readerWs = readerConn.subscribe({ query: SMALL, variables: watch });
    const readers: ResultStream[] = [readerSse, readerWs];
    const events = (s: ResultStream) => s.items('groupCallTaskChanges');
    await Promise.all(readers.map((s) => s.waitFor(() => events(s).length === TASKS, 10_000, 'the INITIAL events')));

    // The stalled ones: big selections, sockets no longer read.
    const stalled = await stalledSse();
    const stalledConn: WsConnection = await wsConnect(stack.gateway.url);
    const stalledWs = stalledConn.subscribe({ query: FULL, variables: watch });
    await stalledWs.waitFor(() => events(stalledWs).length > 0, 10_000, 'the first events');
    (stalledConn.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    expect(stack.gateway.live.stats().subscriptions).toBe(4);
    const baseline = heapMb();

    // Polls of 500 changes each until both stalled subscriptions are cut (and a few more).
    const cut = () => stack.gateway.live.stats().subscriptions === 2;
    let rounds = 0;
    let peak = baseline;
    while (rounds < 60 && !cut()) {
      changeAll();
      rounds++;
      const expected = TASKS * (1 + rounds);
      await Promise.all(readers.map((s) => s.waitFor(() => events(s).length >= expected, 5_000, `round ${rounds}'s events`)));
      peak = Math.max(peak, heapMb());
    }
    expect(cut(), `the stalled subscriptions were still there after ${rounds} rounds`).toBe(true);
    const atCut = heapMb();
    for (let i = 0; i < 5; i++) {
      changeAll();
      rounds++;
      await Promise.all(readers.map((s) => s.waitFor(() => events(s).length >= TASKS * (1 + rounds), 5_000, `round ${rounds}'s events`)));
      peak = Math.max(peak, heapMb());
    }
    expect(await metricValue('laaffic_live_subscription_errors_total', '{code="LIVE_SLOW_CONSUMER"}')).toBe(2);
    expect(await metricValue('laaffic_live_subscriptions')).toBe(2);

    // Bounded: what could not be sent was dropped, not kept. Each poll here is ~1 MB of events per
    // big subscriber; an unbounded buffer would grow by that every poll, before and after the cut.
    expect(peak - baseline).toBeLessThan(40);
    expect(heapMb() - atCut).toBeLessThan(5);

    // The readers got every event, in order, and nothing else.
    for (const s of readers) {
      expect(s.errors()).toEqual([]);
      const all = events(s);
      expect(all).toHaveLength(TASKS * (1 + rounds));
      expect(all.slice(TASKS).every((e) => e.kind === 'UPDATED')).toBe(true);
    }

    // Reading again, the stalled clients find their error at the end of what was sent.
    stalledConn.ws.on('message', () => {});
    (stalledConn.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    await stalledWs.waitForEnd(10_000);
    expect(stalledWs.errors().map((e) => e.extensions?.code)).toEqual(['LIVE_SLOW_CONSUMER']);
    let tail = '';
    stalled.res.on('data', (c: Buffer) => (tail = (tail + String(c)).slice(-2_000)));
    stalled.res.socket.resume();
    await until(() => stalled.res.complete || tail.includes('event: complete'), 10_000, 'the stalled SSE stream to end');
    expect(tail).toContain('LIVE_SLOW_CONSUMER');

    await readerSse.stop();
    await readerConn.close();
    await stalledConn.close();
    await until(() => stack.gateway.live.stats().subscriptions === 0, 2_000, 'every subscription to end');
    await sleep(I);
  }, 60_000);
});
