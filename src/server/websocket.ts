/**
 * GraphQL over WebSocket (the graphql-ws protocol, served by the `graphql-ws` server on the `ws`
 * package) on the GraphQL route, mainly for subscriptions. Every operation goes through yoga's
 * own envelop (`yoga.getEnveloped`): the same parse limits, validation rules (depth, aliases,
 * directives, introspection switch), cost limit, context and error masking as over HTTP, so the
 * two transports cannot drift apart. Authentication is the bearer token of the upgrade request or,
 * for browsers that cannot set headers on a WebSocket, `{ "authorization": "Bearer …" }` in the
 * `connection_init` payload; a refused upgrade is answered like every HTTP-level error.
 */
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { GraphQLError, type ExecutionArgs } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import { maskError } from '../graphql/errors';
import type { BearerCheck } from '../plugins/use-bearer-auth';
import { badRequestTarget } from './guards';
import { answerHttpErrorOnSocket } from './http-errors';
import { GRAPHQL_PATH } from './routes';
import type { GatewayYoga } from './yoga';

export interface WebSocketOptions {
  yoga: GatewayYoga;
  log: Logger;
  /** Set when clients must authenticate (GATEWAY_TOKENS). */
  bearer?: BearerCheck;
  /** hash → operation text: with an allow-list, only these operations run (as over HTTP). */
  persistedOperations?: Map<string, string>;
  /** MAX_BODY_BYTES: the largest message a client may send. */
  maxMessageBytes: number;
  /** How often the server pings an idle connection (graphql-ws keep-alive), ms. */
  keepAliveMs?: number;
  /** On close, how long operations still running may take to send their last messages first, ms (default 2000). */
  closeGraceMs?: number;
}

export interface GatewayWebSocket {
  /** Open WebSocket connections. */
  readonly connections: number;
  /** Refuses new upgrades and closes open connections (code 1001, going away). */
  close(): Promise<void>;
}

interface Extra extends Record<PropertyKey, unknown> {
  request: IncomingMessage;
  connectionId: string;
  /** Fires when the connection closes: every operation's upstream work ends. */
  closed: AbortController;
}

/**
 * The allow-list check of the persisted-operations plugin, for a graphql-ws payload: the listed
 * operation's text, or the refusal yoga's plugin gives the same request over HTTP (same message,
 * same code), so a client sees one behaviour whichever transport it uses.
 */
function allowedOperation(
  list: Map<string, string>,
  payload: { query?: string | null; extensions?: Record<string, unknown> | null },
): string | GraphQLError {
  const refusal = (message: string, code: string) => new GraphQLError(message, { extensions: { code } });
  const persisted = payload.extensions?.persistedQuery as { sha256Hash?: unknown } | undefined;
  if (persisted && typeof persisted.sha256Hash === 'string') {
    return list.get(persisted.sha256Hash) ?? refusal('PersistedQueryNotFound', 'PERSISTED_QUERY_NOT_IN_LIST');
  }
  // graphql-ws requires a query string: '' with a hash is how its clients send a persisted operation.
  if (payload.query) return refusal('PersistedQueryOnly', 'CANNOT_SEND_PQ_ID_AND_BODY');
  return refusal('PersistedQueryKeyNotFound', 'PERSISTED_QUERY_ID_REQUIRED');
}

/** How long a client gets to answer the close frame at shutdown before its socket is cut. */
const CLOSE_GRACE_MS = 1_000;

export function attachWebSocket(server: Server, o: WebSocketOptions): GatewayWebSocket {
  const wss = new WebSocketServer({ noServer: true, maxPayload: o.maxMessageBytes });
  let closing = false;
  // Each connection's graphql-ws context: its `subscriptions` are the operations still running.
  const contexts = new Set<{ subscriptions: Record<string, unknown> }>();

  const refuse = (socket: Duplex, req: IncomingMessage, status: number, code: string, message: string) => {
    answerHttpErrorOnSocket(socket, { status, code, message }, o.log, req);
    socket.destroy();
  };

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    if (badRequestTarget(req)) return refuse(socket, req, 400, 'BAD_REQUEST', 'Malformed Host header or request target.');
    if ((req.url ?? '').split('?', 1)[0] !== GRAPHQL_PATH) return refuse(socket, req, 404, 'NOT_FOUND', 'Not found.');
    if (closing) return refuse(socket, req, 503, 'SHUTTING_DOWN', 'The gateway is shutting down; reconnect to another replica.');
    // A token in the upgrade request must be valid; none at all may still come in connection_init.
    if (o.bearer && req.headers.authorization !== undefined && o.bearer(req.headers.authorization) !== 'ok') {
      return refuse(socket, req, 401, 'UNAUTHENTICATED', 'A valid bearer token is required.');
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  useServer<Record<string, unknown> | undefined, Extra>(
    {
      onConnect: (ctx) => {
        contexts.add(ctx);
        const extra = ctx.extra as Extra;
        extra.connectionId = randomUUID();
        extra.closed = new AbortController();
        // Every operation of the connection (up to LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION at once)
        // listens to it until its context is disposed: not a leak, no warning.
        setMaxListeners(0, extra.closed.signal);
        if (!o.bearer) return true;
        const fromInit = ctx.connectionParams?.authorization;
        const header = extra.request.headers.authorization ?? (typeof fromInit === 'string' ? fromInit : undefined);
        const ok = o.bearer(header) === 'ok';
        if (!ok) o.log.info({ connectionId: extra.connectionId, outcome: 'unauthenticated' }, 'websocket connection refused');
        // graphql-ws closes a refused connection with 4403 Forbidden.
        return ok;
      },
      onDisconnect: (ctx) => (ctx.extra as Extra).closed?.abort(),
      onClose: (ctx) => {
        contexts.delete(ctx);
        (ctx.extra as Extra).closed?.abort();
      },
      onSubscribe: async (ctx, _id, payload) => {
        const extra = ctx.extra as Extra;
        let query = payload.query;
        if (o.persistedOperations) {
          const allowed = allowedOperation(o.persistedOperations, payload);
          if (allowed instanceof GraphQLError) return [allowed];
          query = allowed;
        }
        if (typeof query !== 'string' || query === '') {
          return [new GraphQLError('The operation has no query text.', { extensions: { code: 'BAD_REQUEST' } })];
        }
        const headers = new Headers();
        for (const [name, value] of Object.entries(extra.request.headers)) {
          if (typeof value === 'string') headers.set(name, value);
        }
        const { schema, execute, subscribe, contextFactory, parse, validate } = o.yoga.getEnveloped({
          request: { signal: extra.closed.signal, headers, method: 'GET', url: `http://localhost${GRAPHQL_PATH}` },
          params: { ...payload, query },
          connectionId: extra.connectionId,
        });
        let document;
        try {
          document = parse(query);
        } catch (err) {
          return [maskError(err)];
        }
        // Some rules (graphql-armor's depth and alias limits) throw their refusal instead of
        // returning it: uncaught, graphql-ws would close the whole connection with 4500.
        let errors: readonly unknown[];
        try {
          errors = validate(schema, document);
        } catch (err) {
          errors = [err];
        }
        if (errors.length > 0) return errors.map((e: unknown) => maskError(e));
        const args: ExecutionArgs = {
          schema,
          document,
          operationName: payload.operationName ?? undefined,
          variableValues: payload.variables ?? undefined,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        };
        return args;
      },
      execute: (args) => (args.rootValue as { execute: (a: ExecutionArgs) => unknown }).execute(args) as never,
      subscribe: (args) => (args.rootValue as { subscribe: (a: ExecutionArgs) => unknown }).subscribe(args) as never,
    },
    wss,
    o.keepAliveMs ?? 12_000,
  );

  return {
    get connections() {
      return wss.clients.size;
    },
    async close() {
      closing = true;
      // Operations still running send their last messages before the sockets close: the live
      // subscriptions the hub is ending (closed with the gateway) send LIVE_SHUTTING_DOWN, with
      // which a client resumes elsewhere, then `complete`. Closing at once would cut them off.
      const deadline = Date.now() + (o.closeGraceMs ?? 2_000);
      const running = () => [...contexts].some((c) => Object.keys(c.subscriptions).length > 0);
      while (running() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      for (const ws of wss.clients) ws.close(1001, 'going away');
      const closed = new Promise<void>((resolve) => wss.close(() => resolve()));
      // A client that does not answer the close frame (not reading, or gone without a FIN) would
      // hold the shutdown for ws's closing timeout (30 s): it gets a short grace, then its socket is cut.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([closed, new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_GRACE_MS)))]);
      clearTimeout(timer);
      for (const ws of wss.clients) ws.terminate();
      await closed;
    },
  };
}
