/**
 * Client authentication by bearer token (GATEWAY_TOKENS). Tokens are compared as SHA-256
 * digests with timingSafeEqual, against every configured token, so timing says nothing.
 * A request without a valid token gets HTTP 401 and never reaches the schema (no upstream call).
 * The GraphiQL page itself (a browser GET for HTML) stays reachable; its queries need the token.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';

const digest = (value: string) => createHash('sha256').update(value).digest();

export function useBearerAuth(options: { tokens: string[]; endpoint: string }): Plugin {
  const digests = options.tokens.map(digest);
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname !== options.endpoint) return;
      if (request.method === 'GET' && (request.headers.get('accept') ?? '').includes('text/html')) return;
      const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get('authorization') ?? '');
      let ok = false;
      if (match) {
        const given = digest(match[1]!);
        for (const d of digests) ok = timingSafeEqual(d, given) || ok;
      }
      if (ok) return;
      endResponse(
        new fetchAPI.Response(
          JSON.stringify({
            errors: [{ message: match ? 'Invalid bearer token.' : 'Missing bearer token.', extensions: { code: 'UNAUTHENTICATED' } }],
          }),
          { status: 401, headers: { 'content-type': 'application/json; charset=utf-8', 'www-authenticate': 'Bearer' } },
        ),
      );
    },
  };
}
