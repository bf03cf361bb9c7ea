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

export function useRequestLog(log: Logger, endpoint: string): Plugin<GatewayContext> {
  const states = new WeakMap<Request, RequestState>();
  const track = (request: Request): RequestState => {
    const given = request.headers.get('x-request-id');
    const state: RequestState = { id: given && REQUEST_ID.test(given) ? given : randomUUID(), start: performance.now(), codes: new Set() };
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
      log.info(
        {
          requestId: state.id,
          operationName: state.operationName ?? null,
          durationMs: Math.round((performance.now() - state.start) * 10) / 10,
          upstreamCalls: state.ctx?.stats.upstreamCalls ?? 0,
          status: response.status,
          outcome: state.codes.size === 0 ? 'ok' : [...state.codes].join(','),
        },
        'graphql request',
      );
    },
  };
}
