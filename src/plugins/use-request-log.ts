/**
 * One structured log line per GraphQL request: request id (x-request-id, echoed back),
 * operation name, duration, upstream calls made for it, HTTP status and outcome (ok or the
 * error codes). Secrets never reach it: the logger scrubs them and no header is logged.
 */
import { randomUUID } from 'node:crypto';
import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { GatewayContext } from '../graphql/context';

interface RequestState {
  id: string;
  start: number;
  operationName?: string;
  ctx?: GatewayContext;
  codes: Set<string>;
}

const REQUEST_ID = /^[\w.:-]{1,100}$/;

/** The client's x-request-id when it is a sane one, else a fresh UUID. */
export function requestIdFrom(given: string | null | undefined): string {
  return given && REQUEST_ID.test(given) ? given : randomUUID();
}

export interface RequestLogLine {
  requestId: string;
  operationName: string | null;
  /** performance.now() when the request arrived. */
  start: number;
  upstreamCalls: number;
  status: number;
  /** Error codes of the response; empty = ok. */
  codes: Iterable<string>;
}

const MAX_LOGGED_NAME = 200;

/** Writes the one log line of a GraphQL request (yoga's path and the fast lane share it). */
export function logGraphQLRequest(log: Logger, line: RequestLogLine): void {
  if (!log.isLevelEnabled('info')) return;
  const codes = [...line.codes];
  log.info(
    {
      requestId: line.requestId,
      // Client-chosen and up to the body limit long: a log line keeps the first 200 characters.
      operationName: line.operationName !== null && line.operationName.length > MAX_LOGGED_NAME ? `${line.operationName.slice(0, MAX_LOGGED_NAME)}…` : line.operationName,
      durationMs: Math.round((performance.now() - line.start) * 10) / 10,
      upstreamCalls: line.upstreamCalls,
      status: line.status,
      outcome: codes.length === 0 ? 'ok' : codes.join(','),
    },
    'graphql request',
  );
}

export function useRequestLog(log: Logger, endpoint: string): Plugin<GatewayContext> {
  const states = new WeakMap<Request, RequestState>();
  const track = (request: Request): RequestState => {
    const state: RequestState = { id: requestIdFrom(request.headers.get('x-request-id')), start: performance.now(), codes: new Set() };
    states.set(request, state);
    return state;
  };
  return {
    onRequest({ request, url }) {
      if (url.pathname === endpoint) track(request);
    },
    onParams({ params, request }) {
      const state = states.get(request);
      if (state) state.operationName = params.operationName ?? undefined;
    },
    onExecute({ args }) {
      const ctx = args.contextValue as GatewayContext & { request?: Request };
      const state = ctx.request ? states.get(ctx.request) : undefined;
      if (state) {
        state.ctx = ctx;
        // A document's only named operation counts even when the request did not name it.
        state.operationName ??= args.operationName ?? getOperationAST(args.document, args.operationName)?.name?.value;
      }
    },
    onResultProcess({ request, result }) {
      const state = states.get(request);
      if (!state) return;
      for (const r of Array.isArray(result) ? result : [result]) {
        const errors = (r as { errors?: ReadonlyArray<{ extensions?: { code?: unknown } }> })?.errors ?? [];
        for (const e of errors) state.codes.add(String(e.extensions?.code ?? 'UNKNOWN'));
      }
    },
    onResponse({ request, response }) {
      // A request answered by an earlier plugin's onRequest (auth's 401) skipped ours: log it too.
      const state = states.get(request) ?? (new URL(request.url).pathname === endpoint ? track(request) : undefined);
      if (!state) return;
      if (state.codes.size === 0 && response.status === 401) state.codes.add('UNAUTHENTICATED');
      response.headers.set('x-request-id', state.id);
      logGraphQLRequest(log, {
        requestId: state.id,
        operationName: state.operationName ?? null,
        start: state.start,
        upstreamCalls: state.ctx?.stats.upstreamCalls ?? 0,
        status: response.status,
        codes: state.codes,
      });
    },
  };
}
