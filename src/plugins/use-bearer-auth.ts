/**
 * Client authentication by bearer token (GATEWAY_TOKENS). Tokens are compared as SHA-256
 * digests with timingSafeEqual, against every configured token, so timing says nothing.
 * A request without a valid token gets HTTP 401 and never reaches the schema (no upstream call).
 * The GraphiQL page itself (a browser GET for HTML) stays reachable; its queries need the token.
 * /metrics needs a token too (scrapers send one: Prometheus' `authorization` setting), since its
 * labels name operations and endpoints; /health and /readiness stay open for probes.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import { httpErrorResponse } from '../server/http-errors';

const digest = (value: string) => createHash('sha256').update(value).digest();

export type BearerCheck = (authorization: string | null | undefined) => 'ok' | 'missing' | 'invalid';

/** Checks an Authorization header against the configured tokens (shared with the fast lane). */
export function createBearerCheck(tokens: string[]): BearerCheck {
  const digests = tokens.map(digest);
  return (authorization) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match) return 'missing';
    const given = digest(match[1]!);
    let ok = false;
    for (const d of digests) ok = timingSafeEqual(d, given) || ok;
    return ok ? 'ok' : 'invalid';
  };
}

export interface BearerAuthOptions {
  /** The accepted tokens (GATEWAY_TOKENS); at least one. */
  tokens: string[];
  /** The GraphQL endpoint, whose GraphiQL page (a browser GET for HTML) needs no token. */
  endpoint: string;
  /** Paths that need no token (probes); every other path does, so a route added later is protected by default. */
  open: readonly string[];
  /** Where a refused request's log line goes (it never reaches the request-log plugin). */
  log: Logger;
}

export function useBearerAuth(options: BearerAuthOptions): Plugin {
  const check = createBearerCheck(options.tokens);
  const openPaths = new Set(options.open);
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (openPaths.has(url.pathname)) return;
      const graphiqlPage =
        url.pathname === options.endpoint && request.method === 'GET' && (request.headers.get('accept') ?? '').includes('text/html');
      if (graphiqlPage) return;
      const outcome = check(request.headers.get('authorization'));
      if (outcome === 'ok') return;
      const message = outcome === 'invalid' ? 'Invalid bearer token.' : 'Missing bearer token.';
      endResponse(httpErrorResponse(request, { status: 401, code: 'UNAUTHENTICATED', message, headers: { 'www-authenticate': 'Bearer' } }, options.log, fetchAPI));
    },
  };
}
