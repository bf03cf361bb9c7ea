/**
 * One structured log line per GraphQL request answered through yoga (server/log-line.ts): request
 * id (x-request-id, echoed back), operation name, duration, upstream calls made for it, HTTP
 * status and outcome (ok or the error codes). Secrets never reach it: the logger scrubs them and
 * no header is logged.
 */
import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { GatewayContext } from '../graphql/context';
import { answeredAsHttpError } from '../server/http-errors';
import { logGraphQLRequest, requestIdFrom } from '../server/log-line';

interface RequestState {
  id: string;
  start: number;
  operationName?: string;
  ctx?: GatewayContext;
  codes: Set<string>;
}

export interface RequestLogOptions {
  log: Logger;
  /** The GraphQL endpoint: requests to it are logged (probes and scrapes are not). */
  endpoint: string;
}

export function useRequestLog({ log, endpoint }: RequestLogOptions): Plugin<GatewayContext> {
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
    onResponse({ request, response, serverContext }) {
      // An HTTP-level error (auth's 401, a refused media type or CSRF header) has its id and its
      // line already (server/http-errors.ts).
      if (answeredAsHttpError(request)) return;
      // A request answered by one of yoga's own plugins before ours (CORS preflight, GraphiQL's
      // page) skipped our onRequest: log it too.
      const state = states.get(request) ?? (new URL(request.url).pathname === endpoint ? track(request) : undefined);
      if (!state) return;
      // Cut off by the read timeout while yoga read its body: the client got a 408, which has its
      // line already; yoga's answer to the half body never left.
      if (answeredAsHttpError((serverContext as { req?: object } | undefined)?.req)) return;
      response.headers.set('x-request-id', state.id);
      logGraphQLRequest(log, {
        requestId: state.id,
        operationName: state.operationName ?? null,
        start: state.start,
        upstreamCalls: state.ctx?.stats.upstreamCalls ?? 0,
        status: response.status,
        codes: state.codes,
        // Its client went away (yoga's request signal fires when the connection closes unanswered).
        clientClosed: request.signal.aborted,
      });
    },
  };
}
