/**
 * Raw clients of the gateway's two subscription transports, for the live suites: GraphQL over SSE
 * (POST /graphql with `accept: text/event-stream`, yoga's "distinct connections" format: `event:
 * next` / `event: complete`, `:` comments as keep-alives) and graphql-ws (the `graphql-transport-ws`
 * protocol over a `ws` WebSocket). Both hand back the same ResultStream, so a schema test can run
 * over either; each also keeps what only it has (an HTTP status, a close code, keep-alives).
 * No client library here on purpose: the tests see exactly what went over the wire.
 */
import { WebSocket } from 'ws';
import { sleep, until } from './live';

export interface WireError {
  message: string;
  path?: Array<string | number>;
  extensions?: Record<string, any>;
}

export interface WireResult<T = any> {
  data?: T | null;
  errors?: WireError[];
}

export interface ResultStream<T = any> {
  /** Every `next` payload, in order. */
  readonly results: WireResult<T>[];
  /** A refusal: the graphql-ws `error` message's errors, or an SSE answer that was no event stream. */
  refusal: WireError[] | undefined;
  /** SSE: the HTTP status of the answer. */
  status: number | undefined;
  /** A `complete` came (after the results, or after a refusal). */
  completed: boolean;
  /** Nothing more will come (completed, refused, or the transport closed). */
  ended: boolean;
  /** SSE: keep-alive comments received. */
  comments: number;
  /** Every error the stream carried: in results, and a refusal's. */
  errors(): WireError[];
  /** The `data[field]` of each result that has data (the change objects). */
  items(field: string): any[];
  waitFor(predicate: (s: ResultStream<T>) => boolean, timeoutMs?: number, what?: string): Promise<void>;
  waitForEnd(timeoutMs?: number): Promise<void>;
  /** Ends it from the client's side (SSE: abort the request; ws: a `complete` message). */
  stop(): Promise<void>;
}

// One pair of waiting helpers for every live suite.
export { sleep, until };

function baseStream<T>(stop: () => Promise<void>): ResultStream<T> {
  const s: ResultStream<T> = {
    results: [],
    refusal: undefined,
    status: undefined,
    completed: false,
    ended: false,
    comments: 0,
    errors: () => [...s.results.flatMap((r) => r.errors ?? []), ...(s.refusal ?? [])],
    items: (field) => s.results.filter((r) => r.data && (r.data as any)[field]).map((r) => (r.data as any)[field]),
    waitFor: async (predicate, timeoutMs = 5_000, what = 'results') => {
      await until(() => predicate(s) || s.ended, timeoutMs, what);
      if (!predicate(s)) {
        throw new Error(`the stream ended before ${what}: ${JSON.stringify({ errors: s.errors(), results: s.results.length, status: s.status })}`);
      }
    },
    waitForEnd: (timeoutMs = 5_000) => until(() => s.ended, timeoutMs, 'the end of the stream'),
    stop,
  };
  return s;
}

export interface SseOptions {
  headers?: Record<string, string>;
}

export interface GraphQLBody {
  query?: string;
  variables?: Record<string, unknown>;
  operationName?: string;
  extensions?: Record<string, unknown>;
}

/** Opens a subscription over SSE; resolves once the answer's headers are in. */
export async function sseSubscribe<T = any>(gatewayUrl: string, body: GraphQLBody, options: SseOptions = {}): Promise<ResultStream<T>> {
  const abort = new AbortController();
  const stream = baseStream<T>(async () => {
    abort.abort();
    stream.ended = true;
  });
  const res = await fetch(`${gatewayUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...options.headers },
    body: JSON.stringify(body),
    signal: abort.signal,
  });
  stream.status = res.status;
  if (!(res.headers.get('content-type') ?? '').includes('text/event-stream')) {
    const text = await res.text();
    let parsed: any;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = { errors: [{ message: text }] };
    }
    stream.refusal = parsed?.errors ?? [{ message: text }];
    stream.ended = true;
    return stream;
  }
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let at: number;
        while ((at = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, at);
          buffer = buffer.slice(at + 2);
          let event = 'message';
          const data: string[] = [];
          let comment = false;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comment = true;
            else if (line.startsWith('event:')) event = line.slice(6).trim();
            else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
          }
          if (comment && data.length === 0) stream.comments++;
          else if (event === 'next') stream.results.push(JSON.parse(data.join('\n')));
          else if (event === 'complete') stream.completed = true;
        }
      }
    } catch {
      // aborted or reset: the end either way
    } finally {
      stream.ended = true;
    }
  })();
  return stream;
}

export interface WsOptions {
  /** Headers of the upgrade request (e.g. authorization). */
  headers?: Record<string, string>;
  /** The connection_init payload; `false`: send no connection_init. */
  payload?: Record<string, unknown> | false;
  /** Wait for connection_ack (default true). */
  ack?: boolean;
}

export interface WsConnection {
  ws: WebSocket;
  /** The upgrade's HTTP refusal, if it was refused (status and body). */
  refused?: { status: number; body: string };
  /** The close frame's code and reason once closed. */
  closeCode?: number;
  closeReason?: string;
  readonly isClosed: boolean;
  /** graphql-ws `ping` messages and WebSocket ping frames the server sent. */
  pings: { messages: number; frames: number };
  subscribe<T = any>(payload: GraphQLBody): ResultStream<T>;
  /** Sends a raw protocol message. */
  send(message: Record<string, unknown>): void;
  close(code?: number): Promise<void>;
  waitClosed(timeoutMs?: number): Promise<void>;
}

let wsIds = 0;

/** Opens a graphql-ws connection (protocol `graphql-transport-ws`); resolves when acknowledged (or refused/closed). */
export function wsConnect(gatewayUrl: string, options: WsOptions = {}): Promise<WsConnection> {
  const url = `${gatewayUrl.replace(/^http/, 'ws')}/graphql`;
  const ws = new WebSocket(url, 'graphql-transport-ws', { headers: options.headers });
  const streams = new Map<string, ResultStream>();
  let closed = false;
  const conn: WsConnection = {
    ws,
    pings: { messages: 0, frames: 0 },
    get isClosed() {
      return closed;
    },
    subscribe<T>(payload: GraphQLBody) {
      const id = `s${++wsIds}`;
      const stream = baseStream<T>(async () => {
        if (!stream.ended && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ id, type: 'complete' }));
        stream.ended = true;
        streams.delete(id);
      });
      streams.set(id, stream as ResultStream);
      if (closed) stream.ended = true;
      else ws.send(JSON.stringify({ id, type: 'subscribe', payload }));
      return stream;
    },
    send: (message) => ws.send(JSON.stringify(message)),
    close: async (code = 1000) => {
      if (!closed) ws.close(code);
      await conn.waitClosed();
    },
    waitClosed: (timeoutMs = 5_000) => until(() => closed, timeoutMs, 'the WebSocket to close'),
  };
  const endAll = () => {
    for (const s of streams.values()) s.ended = true;
    streams.clear();
  };
  ws.on('ping', () => conn.pings.frames++);
  ws.on('message', (raw) => {
    const msg = JSON.parse(String(raw));
    if (msg.type === 'ping') {
      conn.pings.messages++;
      ws.send(JSON.stringify({ type: 'pong' }));
      return;
    }
    const stream = streams.get(msg.id);
    if (!stream) return;
    if (msg.type === 'next') (stream.results as WireResult[]).push(msg.payload);
    else if (msg.type === 'error') {
      stream.refusal = msg.payload;
      stream.ended = true;
      streams.delete(msg.id);
    } else if (msg.type === 'complete') {
      stream.completed = true;
      stream.ended = true;
      streams.delete(msg.id);
    }
  });
  return new Promise<WsConnection>((resolve) => {
    let settled = false;
    const settle = () => {
      if (!settled) {
        settled = true;
        resolve(conn);
      }
    };
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += String(c)));
      res.on('end', () => {
        conn.refused = { status: res.statusCode ?? 0, body };
        closed = true;
        endAll();
        settle();
      });
      res.on('error', () => {});
    });
    ws.on('error', () => {});
    ws.on('open', () => {
      if (options.payload !== false) ws.send(JSON.stringify({ type: 'connection_init', payload: options.payload ?? {} }));
      if (options.ack === false || options.payload === false) settle();
    });
    ws.on('message', (raw) => {
      if (JSON.parse(String(raw)).type === 'connection_ack') settle();
    });
    ws.on('close', (code, reason) => {
      conn.closeCode = code;
      conn.closeReason = String(reason);
      closed = true;
      endAll();
      settle();
    });
  });
}

export type Transport = 'sse' | 'ws';

/**
 * Subscribes over either transport. graphql-ws subscriptions share one connection per opener
 * (`close()` closes it and ends every SSE stream it opened).
 */
export interface Subscriber {
  subscribe<T = any>(query: string, variables?: Record<string, unknown>, extensions?: Record<string, unknown>): Promise<ResultStream<T>>;
  close(): Promise<void>;
}

export function subscriber(gatewayUrl: string, transport: Transport, options: { headers?: Record<string, string>; payload?: Record<string, unknown> } = {}): Subscriber {
  const opened: ResultStream[] = [];
  let conn: Promise<WsConnection> | undefined;
  return {
    async subscribe(query, variables, extensions) {
      let s: ResultStream;
      if (transport === 'sse') s = await sseSubscribe(gatewayUrl, { query, variables, extensions }, { headers: options.headers });
      else {
        conn ??= wsConnect(gatewayUrl, { headers: options.headers, payload: options.payload });
        s = (await conn).subscribe({ query, variables, extensions });
      }
      opened.push(s);
      return s;
    },
    async close() {
      await Promise.all(opened.map((s) => s.stop()));
      if (conn) await (await conn).close();
    },
  };
}
