/**
 * The orchestrator's probes, answered by their exact path whatever the query string:
 * `/health` (liveness: 200) and `/readiness` (200, or 503 NOT_READY with the one error body when
 * the upstream does not answer: server/readiness.ts). yoga's own health and readiness checks match
 * any URL that *ends* with their path: `/health?x=1` was a 404 while `/x/health`, and even
 * `POST /graphql?x=/health` (a GraphQL request), answered 200 with an empty body. yoga's health
 * check is therefore given an endpoint no URL can end with (server/yoga.ts), and this plugin,
 * after the unknown-route 404 and before anything else, answers the probes.
 */
import type { Plugin } from 'graphql-yoga';
import { httpErrorBody } from '../server/http-errors';

export interface ProbesOptions {
  /** The liveness path (routes.ts). */
  liveness: string;
  /** The readiness path (routes.ts). */
  readiness: string;
  /** True when the upstream answers; absent = always ready. */
  check?: () => Promise<boolean>;
}

/** An endpoint for yoga's own health check that no request URL ends with: a WHATWG URL never ends with a space. */
export const YOGA_HEALTH_CHECK_DISABLED = ' ';

export function useProbes(options: ProbesOptions): Plugin {
  return {
    onRequest({ url, endResponse, fetchAPI }) {
      if (url.pathname === options.liveness) {
        endResponse(new fetchAPI.Response(null, { status: 200 }));
        return;
      }
      if (url.pathname !== options.readiness) return;
      // Probes are not logged (there is one every few seconds), so the body is built, not answered through answerHttpError.
      return (options.check?.() ?? Promise.resolve(true)).then(
        (ready) => {
          if (ready) endResponse(new fetchAPI.Response(null, { status: 200 }));
          else
            endResponse(
              new fetchAPI.Response(httpErrorBody('NOT_READY', 'The upstream did not answer the readiness probe.'), {
                status: 503,
                headers: { 'content-type': 'application/json; charset=utf-8' },
              }),
            );
        },
      );
    },
  };
}
