/**
 * A 404 for every path that is not a route, before any other plugin runs. yoga by itself serves
 * GraphQL on any path that ends in its endpoint (`/graphql/`, `//graphql`, `/x/graphql`), which
 * no path-based rule (auth, request log) would recognise.
 */
import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import { httpErrorResponse } from '../server/http-errors';

export interface KnownRoutesOptions {
  /** Every path that exists (server/routes.ts). */
  paths: readonly string[];
  /** Where a refused request's log line goes. */
  log: Logger;
}

export function useKnownRoutes(options: KnownRoutesOptions): Plugin {
  const known = new Set(options.paths);
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (known.has(url.pathname)) return;
      endResponse(httpErrorResponse(request, { status: 404, code: 'NOT_FOUND', message: 'Not found.' }, options.log, fetchAPI));
    },
  };
}
