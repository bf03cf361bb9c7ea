/**
 * The subscription transports at the edge: graphql-ws on /graphql (src/server/websocket.ts) and,
 * for comparison, GraphQL over SSE through yoga: authentication (GATEWAY_TOKENS: the upgrade's
 * header or the connection_init payload), the operation limits (depth, aliases, cost) and
 * persisted operations with the codes a query gets, the per-connection subscription limit,
 * keep-alives, clients that vanish, and the gateway's shutdown. Real sockets on loopback, the
 * real simulator, an in-process gateway.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { attachWebSocket } from '../../src/server/websocket';
import type { TaskInput } from '../../src/simulator';
import { sleep, sseSubscribe, until, wsConnect, type ResultStream, type WsConnection } from '../helpers/live-transports';
import { startStack, type Stack } from '../helpers/stack';

const I = 300;
const TOKEN = 'live-test-token-0123456789';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const PER_CONNECTION = 3;

const TASKS = /* GraphQL */ `
  subscription Tasks($filter: GroupCallTaskFilter) {
    groupCallTaskChanges(filter: $filter) { kind id changedFields cursor task { taskId name status } }
  }
`;
const since = new Date(Date.now() - 3_600_000).toISOString();
const tagged = (tag: string) => ({ filter: { search: tag, createdFrom: since } });
const events = (s: ResultStream) => s.items('groupCallTaskChanges');
const codes = (s: ResultStream) => s.errors().map((e) => e.extensions?.code);

function addTasks(stack: Stack, tag: string, n: number, input: Partial<TaskInput> = {}) {
  return Array.from({ length: n }, (_, i) =>
    stack.sim.addTask({ taskName: `${tag}-${i}`, status: 2, numCnt: 10, callNum: 10, createdMs: Date.now() - 10_000, ...input } as TaskInput),
  );
}

/** Things to close after each test, whatever happened in it. */
const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function ws(stack: Stack, options: Parameters<typeof wsConnect>[1] = {}): Promise<WsConnection> {
  const conn = await wsConnect(stack.gateway.url, options);
  cleanups.push(() => (conn.isClosed ? undefined : conn.close()));
  return conn;
}

async function sse(stack: Stack, body: Parameters<typeof sseSubscribe>[1], headers?: Record<string, string>): Promise<ResultStream> {
  const s = await sseSubscribe(stack.gateway.url, body, { headers });
  cleanups.push(() => s.stop());
  return s;
}

async function metric(stack: Stack, name: string, headers: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`${stack.gateway.url}/metrics`, { headers })).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return Number(line?.split(' ')[1]);
}

describe('with GATEWAY_TOKENS and tight operation limits', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      env: {
        GATEWAY_TOKENS: TOKEN,
        LIVE_POLL_INTERVAL_MS: String(I),
        LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION: String(PER_CONNECTION),
        MAX_DEPTH: '6',
        MAX_ALIASES: '3',
        MAX_COST: '30',
      },
    });
    addTasks(stack, 'WSauthZ', 2);
  });
  afterAll(() => stack?.close());

  /** A query over plain HTTP (with the token), for the codes it gets. */
  async function queryCodes(query: string): Promise<unknown[]> {
    const res = await fetch(`${stack.gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...AUTH },
      body: JSON.stringify({ query }),
    });
    const body = (await res.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
    return (body.errors ?? []).map((e) => e.extensions?.code);
  }

  describe('authentication', () => {
    it('a wrong token in the upgrade request is refused with 401 before the WebSocket opens', async () => {
      const conn = await ws(stack, { headers: { authorization: 'Bearer wrong-token-0123456789' } });
      expect(conn.refused?.status).toBe(401);
      expect(JSON.parse(conn.refused!.body).errors[0].extensions.code).toBe('UNAUTHENTICATED');
      const malformed = await ws(stack, { headers: { authorization: 'Basic Zm9vOmJhcg==' } });
      expect(malformed.refused?.status).toBe(401);
    });

    it('the token in the upgrade header, or in the connection_init payload: subscriptions run', async () => {
      for (const conn of [await ws(stack, { headers: AUTH }), await ws(stack, { payload: { authorization: `Bearer ${TOKEN}` } })]) {
        expect(conn.refused).toBeUndefined();
        expect(conn.isClosed).toBe(false);
        const s = conn.subscribe({ query: TASKS, variables: tagged('WSauthZ') });
        await s.waitFor(() => events(s).length === 2, 3_000, 'the INITIAL events');
        expect(events(s).map((e) => e.kind)).toEqual(['INITIAL', 'INITIAL']);
      }
    });

    it('no token at all, or a wrong one in connection_init: the connection is closed with 4403', async () => {
      for (const payload of [{}, { authorization: 'Bearer wrong-token-0123456789' }, { authorization: 42 }]) {
        const conn = await ws(stack, { payload, ack: true });
        await conn.waitClosed(2_000);
        expect(conn.closeCode).toBe(4403);
      }
      // Nor can a subscribe before connection_init get anywhere.
      const early = await ws(stack, { payload: false });
      early.send({ id: '1', type: 'subscribe', payload: { query: TASKS, variables: tagged('WSauthZ') } });
      await early.waitClosed(2_000);
      expect(early.closeCode).toBe(4401);
    });

    it('SSE: without a token or with a wrong one 401, with the token the stream', async () => {
      for (const headers of [{}, { authorization: 'Bearer wrong-token-0123456789' }] as Array<Record<string, string>>) {
        const s = await sse(stack, { query: TASKS, variables: tagged('WSauthZ') }, headers);
        expect(s.status).toBe(401);
        expect(s.refusal?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      }
      const ok = await sse(stack, { query: TASKS, variables: tagged('WSauthZ') }, AUTH);
      expect(ok.status).toBe(200);
      await ok.waitFor(() => events(ok).length === 2, 3_000);
    });
  });

  describe('operation limits: a subscription is refused over both transports with the codes of a query', () => {
    const cases = [
      {
        limit: 'MAX_DEPTH',
        subscription: `subscription { recallFlowChanges { flow { parentTask { recallFlows(first: 1) { edges { node { parentTask { name } } } } } } } }`,
        query: `{ recallFlows(first: 1) { edges { node { parentTask { recallFlows(first: 1) { edges { node { keyId } } } } } } } }`,
      },
      {
        limit: 'MAX_ALIASES',
        subscription: `subscription { groupCallTaskChanges { a: id b: id c: id d: id } }`,
        query: `{ groupCallTasks(first: 1) { a: totalCount b: totalCount c: totalCount d: totalCount } }`,
      },
      {
        limit: 'MAX_COST',
        subscription: `subscription { groupCallTaskChanges { task { recallFlows(first: 40) { totalCount } } } }`,
        query: `{ groupCallTasks(first: 1) { edges { node { recallFlows(first: 40) { totalCount } } } } }`,
      },
    ];
    for (const c of cases) {
      it(c.limit, async () => {
        const expected = await queryCodes(c.query);
        expect(expected).toHaveLength(1);
        expect(expected[0]).toMatch(/^[A-Z_]+$/);
        const overSse = await sse(stack, { query: c.subscription }, AUTH);
        await overSse.waitForEnd(3_000);
        const conn = await ws(stack, { headers: AUTH });
        const overWs = conn.subscribe({ query: c.subscription });
        await overWs.waitForEnd(3_000);
        for (const s of [overSse, overWs]) {
          expect(codes(s)).toEqual(expected);
          expect(s.results.every((r) => r.data == null)).toBe(true);
        }
        // A refused operation does not close the connection, nor count as a subscription.
        expect(conn.isClosed).toBe(false);
        expect(stack.gateway.live.stats().subscriptions).toBe(0);
      });
    }
  });

  describe('LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION', () => {
    it(`a WebSocket holds at most ${PER_CONNECTION} subscriptions; one more is LIVE_TOO_MANY_SUBSCRIPTIONS; another connection has its own`, async () => {
      const conn = await ws(stack, { headers: AUTH });
      const held = Array.from({ length: PER_CONNECTION }, () => conn.subscribe({ query: TASKS, variables: tagged('WSauthZ') }));
      for (const s of held) await s.waitFor(() => events(s).length === 2, 3_000);
      const extra = conn.subscribe({ query: TASKS, variables: tagged('WSauthZ') });
      await extra.waitForEnd(2_000);
      expect(codes(extra)).toEqual(['LIVE_TOO_MANY_SUBSCRIPTIONS']);
      expect(extra.errors()[0]!.message).toMatch(/at most 3 subscriptions/);
      expect(extra.completed).toBe(true);
      for (const s of held) expect(s.ended).toBe(false);

      // Another connection: its own budget.
      const other = await ws(stack, { headers: AUTH });
      const there = other.subscribe({ query: TASKS, variables: tagged('WSauthZ') });
      await there.waitFor(() => events(there).length === 2, 3_000);

      // One completed: room for one more.
      await held[0]!.stop();
      await until(() => stack.gateway.live.stats().subscriptions === PER_CONNECTION, 1_000, 'the completed subscription to be dropped');
      const again = conn.subscribe({ query: TASKS, variables: tagged('WSauthZ') });
      await again.waitFor(() => events(again).length === 2, 3_000);
      expect(again.errors()).toEqual([]);
    });

    it('SSE: each stream is its own request, so the per-connection limit does not add up across them', async () => {
      const streams = await Promise.all(Array.from({ length: PER_CONNECTION + 1 }, () => sse(stack, { query: TASKS, variables: tagged('WSauthZ') }, AUTH)));
      for (const s of streams) {
        await s.waitFor(() => events(s).length === 2, 3_000);
        expect(s.errors()).toEqual([]);
      }
    });
  });

  describe('keep-alives', () => {
    it('graphql-ws: the server answers a protocol ping with a pong, and a WebSocket ping frame with a pong frame', async () => {
      const conn = await ws(stack, { headers: AUTH });
      const pong = new Promise<unknown>((resolve) => conn.ws.on('message', (raw) => JSON.parse(String(raw)).type === 'pong' && resolve(true)));
      conn.send({ type: 'ping' });
      expect(await Promise.race([pong, sleep(2_000).then(() => 'no pong')])).toBe(true);
      const frame = new Promise<unknown>((resolve) => conn.ws.once('pong', () => resolve(true)));
      conn.ws.ping();
      expect(await Promise.race([frame, sleep(2_000).then(() => 'no pong frame')])).toBe(true);
    });

    it('graphql-ws: the server pings every keepAlive, and cuts a client that never answers', async () => {
      // The gateway's transport on a server of its own, with a short keep-alive (the gateway's is 12 s).
      const server: Server = createServer((_req, res) => res.end());
      const transport = attachWebSocket(server, { yoga: stack.gateway.yoga, log: pino({ level: 'silent' }), maxMessageBytes: 100_000, keepAliveMs: 150 });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      cleanups.push(async () => {
        await transport.close();
        await new Promise((r) => server.close(r));
      });
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const answering = await wsConnect(url);
      cleanups.push(() => answering.close());
      // A client that reads its socket but never answers a ping (ws answers them by default).
      const silent = new WebSocket(`${url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws', { autoPong: false });
      let silentPings = 0;
      silent.on('ping', () => silentPings++);
      let silentClosed: number | undefined;
      silent.on('close', (code) => (silentClosed = code));
      silent.on('error', () => {});
      await new Promise((r) => silent.once('open', r));
      silent.send(JSON.stringify({ type: 'connection_init', payload: {} }));
      await sleep(1_000);
      expect(answering.pings.frames).toBeGreaterThanOrEqual(3);
      expect(answering.isClosed).toBe(false);
      expect(silentPings).toBeGreaterThanOrEqual(1);
      expect(silentClosed).toBe(1006); // terminated: no close frame
    });

    it('SSE: keep-alive comments while nothing changes (yoga: every 12 s, 300 ms under NODE_ENV=test)', async () => {
      const s = await sse(stack, { query: TASKS, variables: tagged('WSauthZ') }, AUTH);
      await s.waitFor(() => events(s).length === 2, 3_000);
      const before = s.comments;
      await sleep(process.env.NODE_ENV === 'test' ? 1_000 : 13_000);
      expect(s.comments).toBeGreaterThan(before);
      expect(events(s)).toHaveLength(2);
    });
  });

  describe('clients that vanish', () => {
    it('a WebSocket or an SSE socket destroyed mid-stream: its subscriptions are dropped (hub and laaffic_live_subscriptions)', async () => {
      // Earlier tests' subscriptions end as their clients close, which may still be under way.
      await until(() => stack.gateway.live.stats().subscriptions === 0, 3_000, "the earlier tests' subscriptions to end");
      expect(await metric(stack, 'laaffic_live_subscriptions', AUTH)).toBe(0);
      const conn = await ws(stack, { headers: AUTH });
      const viaWs = [conn.subscribe({ query: TASKS, variables: tagged('WSauthZ') }), conn.subscribe({ query: TASKS, variables: tagged('WSauthZ') })];
      // A raw SSE request whose socket is destroyed once the events flow.
      const raw = await new Promise<{ destroy: () => void }>((resolve, reject) => {
        const req = httpRequest(`${stack.gateway.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...AUTH },
        });
        req.on('response', (res) => {
          let text = '';
          res.on('data', (c: Buffer) => {
            text += String(c);
            if (text.includes('INITIAL')) resolve({ destroy: () => res.socket.destroy() });
          });
          res.on('error', () => {});
        });
        req.on('error', reject);
        req.end(JSON.stringify({ query: TASKS, variables: tagged('WSauthZ') }));
      });
      for (const s of viaWs) await s.waitFor(() => events(s).length === 2, 3_000);
      expect(stack.gateway.live.stats().subscriptions).toBe(3);
      expect(await metric(stack, 'laaffic_live_subscriptions', AUTH)).toBe(3);

      // The watch is quiet: nothing but the disconnects can end these subscriptions.
      (conn.ws as unknown as { _socket: { destroy(): void } })._socket.destroy();
      raw.destroy();
      await until(() => stack.gateway.live.stats().subscriptions === 0, 1_000, 'the vanished subscriptions to be dropped');
      expect(await metric(stack, 'laaffic_live_subscriptions', AUTH)).toBe(0);
      await until(() => stack.gateway.live.stats().watches === 0, 2 * I, 'the watch to be forgotten');
      expect(stack.gateway.websocket.connections).toBe(0);
    });

    it('subscribe / complete many times on one connection: nothing stays behind', async () => {
      const warnings: string[] = [];
      const onWarning = (w: Error) => warnings.push(w.name);
      process.on('warning', onWarning);
      cleanups.push(() => process.off('warning', onWarning));
      const conn = await ws(stack, { headers: AUTH });
      for (let i = 0; i < 15; i++) {
        const s = conn.subscribe({ query: TASKS, variables: tagged('WSauthZ') });
        await s.waitFor(() => events(s).length === 2, 3_000);
        await s.stop();
      }
      // Many at once on one connection are fine too.
      const many = Array.from({ length: PER_CONNECTION }, () => conn.subscribe({ query: TASKS, variables: tagged('WSauthZ') }));
      for (const s of many) await s.waitFor(() => events(s).length === 2, 3_000);
      for (const s of many) await s.stop();
      await until(() => stack.gateway.live.stats().subscriptions === 0, 1_000, 'every subscription to be dropped');
      await sleep(50);
      expect(warnings).not.toContain('MaxListenersExceededWarning');
    });
  });
});

describe('persisted operations (PERSISTED_OPERATIONS_FILE)', () => {
  let stack: Stack;
  let dir: string;
  const hash = createHash('sha256').update(TASKS).digest('hex');
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'live-persisted-'));
    const file = join(dir, 'operations.json');
    writeFileSync(file, JSON.stringify({ [hash]: TASKS }));
    stack = await startStack({ env: { PERSISTED_OPERATIONS_FILE: file, LIVE_POLL_INTERVAL_MS: String(I) } });
    addTasks(stack, 'WSpersZ', 1);
  });
  afterAll(async () => {
    await stack?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('an arbitrary subscription is refused over both transports; the persisted one runs over both', async () => {
    // graphql-ws requires a query string: its clients send '' with the hash.
    const listed = { query: '', extensions: { persistedQuery: { version: 1, sha256Hash: hash } }, variables: tagged('WSpersZ') };
    const arbitrary = { query: TASKS, variables: tagged('WSpersZ') };
    const conn = await ws(stack);

    const refusedSse = await sse(stack, arbitrary);
    await refusedSse.waitForEnd(2_000);
    const refusedWs = conn.subscribe(arbitrary);
    await refusedWs.waitForEnd(2_000);
    const refusedQuery = await fetch(`${stack.gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query: '{ groupCallTasks(first: 1) { totalCount } }' }),
    });
    const queryCode = ((await refusedQuery.json()) as any).errors[0].extensions.code;
    expect(queryCode).toBe('CANNOT_SEND_PQ_ID_AND_BODY'); // yoga's plugin: "PersistedQueryOnly"
    for (const s of [refusedSse, refusedWs]) {
      expect(codes(s)).toEqual([queryCode]);
      expect(events(s)).toEqual([]);
    }
    // A hash not in the list, or none at all: refused with the codes yoga gives over HTTP.
    const unknown = { query: '', extensions: { persistedQuery: { version: 1, sha256Hash: '0'.repeat(64) } }, variables: tagged('WSpersZ') };
    const none = { query: '', variables: tagged('WSpersZ') };
    for (const [body, code] of [[unknown, 'PERSISTED_QUERY_NOT_IN_LIST'], [none, 'PERSISTED_QUERY_ID_REQUIRED']] as const) {
      const overSse = await sse(stack, body);
      const overWs = conn.subscribe(body);
      for (const s of [overSse, overWs]) {
        await s.waitForEnd(2_000);
        expect(codes(s)).toEqual([code]);
        expect(events(s)).toEqual([]);
      }
    }
    expect(conn.isClosed).toBe(false);

    const okSse = await sse(stack, listed);
    const okWs = conn.subscribe(listed);
    for (const s of [okSse, okWs]) {
      await s.waitFor(() => events(s).length === 1, 3_000, 'the INITIAL event');
      expect(events(s)[0]).toMatchObject({ kind: 'INITIAL', task: { name: 'WSpersZ-0' } });
    }
    expect(stack.gateway.live.stats().subscriptions).toBe(2);
  });
});

describe('shutdown', () => {
  it('gateway.close() ends SSE streams and WebSockets promptly (LIVE_SHUTTING_DOWN or a clean close), even with clients that do not read', async () => {
    const stack = await startStack({ env: { LIVE_POLL_INTERVAL_MS: String(I), SHUTDOWN_TIMEOUT_MS: '5000' } });
    let closed = false;
    cleanups.push(() => (closed ? undefined : stack.close()));
    addTasks(stack, 'WSdownZ', 2);
    const streams = await Promise.all([0, 1].map(() => sseSubscribe(stack.gateway.url, { query: TASKS, variables: tagged('WSdownZ') })));
    const conn = await wsConnect(stack.gateway.url);
    const viaWs = [0, 1].map(() => conn.subscribe({ query: TASKS, variables: tagged('WSdownZ') }));
    const idle = await wsConnect(stack.gateway.url);
    // A WebSocket client that stops reading its socket: it will never see (nor answer) the close frame.
    const stuck = await wsConnect(stack.gateway.url);
    const stuckStream = stuck.subscribe({ query: TASKS, variables: tagged('WSdownZ') });
    for (const s of [...streams, ...viaWs, stuckStream]) await s.waitFor(() => events(s).length === 2, 3_000);
    (stuck.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    expect(stack.gateway.live.stats().subscriptions).toBe(5);

    const t0 = Date.now();
    await stack.close();
    closed = true;
    const took = Date.now() - t0;
    expect(took).toBeLessThan(3_000);

    for (const s of streams) {
      await s.waitForEnd(1_000);
      expect(codes(s)).toEqual(['LIVE_SHUTTING_DOWN']);
      expect(s.errors()[0]!.message).toMatch(/resume with the last cursor/);
      expect(s.completed).toBe(true);
    }
    await conn.waitClosed(1_000);
    await idle.waitClosed(1_000);
    expect(conn.closeCode).toBe(1001);
    expect(idle.closeCode).toBe(1001);
    for (const s of viaWs) {
      // The coded error (with the hint to resume by cursor) came before the close frame.
      expect(codes(s)).toEqual(['LIVE_SHUTTING_DOWN']);
      expect(s.completed).toBe(true);
      expect(events(s)).toHaveLength(2);
    }
    expect(stack.gateway.live.stats()).toEqual({ subscriptions: 0, watches: 0, polling: 0 });
    expect(stack.gateway.websocket.connections).toBe(0);
    // Nothing left open on the server side: no listener, no socket.
    expect(stack.gateway.server.listening).toBe(false);
    expect(await new Promise((r) => stack.gateway.server.getConnections((_e, n) => r(n)))).toBe(0);
    (stuck.ws as unknown as { _socket: { destroy(): void } })._socket.destroy();
  });
});
