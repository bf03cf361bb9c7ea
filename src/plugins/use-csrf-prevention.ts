/**
 * CSRF prevention, as @graphql-yoga/plugin-csrf-prevention does it (same rule), with the gateway's
 * own refusal: a request a browser may send cross-site without a preflight (a GET, or a POST whose
 * Content-Type is absent, form-urlencoded, multipart or text/plain) must carry the CSRF header
 * (GraphiQL sends it; JSON POSTs never need it). yoga's plugin answered 403 coded
 * GRAPHQL_VALIDATION_FAILED ("Required CSRF header(s) not present"); this one answers 403
 * CSRF_HEADER_REQUIRED through http-errors.ts (the one body, the request id, one log line).
 */
import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import { httpErrorResponse } from '../server/http-errors';

/** Content types a browser sends without a CORS preflight (the Fetch standard's CORS-safelisted ones). */
const NON_PREFLIGHTED_CONTENT_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];

export interface CsrfPreventionOptions {
  /** The header that proves a preflight happened (x-graphql-yoga-csrf, what GraphiQL sends). */
  header: string;
  log: Logger;
}

/** True when a browser would have preflighted a request of this Content-Type (so no CSRF header is needed). */
export function preflighted(contentType: string | null): boolean {
  if (!contentType) return false;
  const type = contentType.toLowerCase();
  return !NON_PREFLIGHTED_CONTENT_TYPES.some((t) => type.startsWith(t));
}

export function useCsrfPrevention({ header, log }: CsrfPreventionOptions): Plugin {
  return {
    onRequestParse({ request, endResponse, fetchAPI }) {
      if (preflighted(request.headers.get('content-type')) || request.headers.has(header)) return;
      const message = `CSRF prevention: this request needs the ${header} header (a GET or a form POST without it could come from another site's page).`;
      endResponse(httpErrorResponse(request, { status: 403, code: 'CSRF_HEADER_REQUIRED', message }, log, fetchAPI));
    },
  };
}
