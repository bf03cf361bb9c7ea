/**
 * The one log line of a request and its id, whichever part of the server answered it (yoga's
 * request-log plugin, the fast lane, an HTTP-level error): one format, so a log search by request
 * id or outcome finds every request, and no path can leak a header into it (none is logged).
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';

const REQUEST_ID = /^[\w.:-]{1,100}$/;

/** The client's x-request-id when it is a sane one (it is echoed and logged), else a fresh UUID. */
export function requestIdFrom(given: string | string[] | null | undefined): string {
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
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
  /**
   * The client went away before it was answered: logged as status 499 (nginx's "client closed
   * request") with outcome `client_closed`, whatever errors its cut-short execution produced
   * (its upstream calls end with CLIENT_CLOSED_REQUEST, never UPSTREAM_TIMEOUT).
   */
  clientClosed?: boolean;
}

/** The status a request's log line and HTTP metric carry when its client went away. */
export const CLIENT_CLOSED_STATUS = 499;

const MAX_LOGGED_NAME = 200;

/** Writes the one log line of a request. */
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
      status: line.clientClosed ? CLIENT_CLOSED_STATUS : line.status,
      outcome: line.clientClosed ? 'client_closed' : codes.length === 0 ? 'ok' : codes.join(','),
    },
    'graphql request',
  );
}
