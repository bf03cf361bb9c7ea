/**
 * One structured log line per GraphQL request: request id (x-request-id, echoed back),
 * operation name, duration, upstream calls made for it, HTTP status and outcome (ok or the
 * error codes). Secrets never reach it: the logger scrubs them and no header is logged.
 */
import { randomUUID } from 'node:crypto';
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
  return {
    onRequest({ request, url }) {
      if (url.pathname !== endpoint) return;
      const given = request.headers.get('x-request-id');
      states.set(request, { id: given && REQUEST_ID.test(given) ? given : randomUUID(), start: performance.now(), codes: new Set() });
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
        state.operationName ??= args.operationName ?? undefined;
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
      const state = states.get(request);
      if (!state) return;
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
