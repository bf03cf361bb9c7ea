/**
 * Every error the gateway answers at the HTTP level, before or instead of GraphQL execution
 * (400 bad target, 401, 404, 408, 413, 500, 503), is built here: the same GraphQL-shaped JSON
 * body, the request's id in `x-request-id`, and the request's one log line. Three writers share
 * the builder because the answer leaves by three doors: a node:http response (the guards, the
 * fast lane), a fetch Response (yoga plugins: auth, unknown routes), and the raw socket (a
 * request read timeout, where Node has no response object to give).
 */
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { logGraphQLRequest, requestIdFrom } from './log-line';

export interface HttpError {
  status: number;
  /** `extensions.code` of the one error in the body (README, Error codes). */
  code: string;
  message: string;
  /** Headers besides content-type and x-request-id (e.g. retry-after, www-authenticate). */
  headers?: Record<string, string>;
  /** The request's id; default: the client's x-request-id when sane, else a fresh one. */
  requestId?: string;
  /** performance.now() when the request arrived (the log line's duration); default: now. */
  start?: number;
}

const CONTENT_TYPE = 'application/json; charset=utf-8';

/** The body of every HTTP-level error: one GraphQL error with its code, no data. */
export function httpErrorBody(code: string, message: string): string {
  return JSON.stringify({ errors: [{ message, extensions: { code } }] });
}

function headersOf(error: HttpError, requestId: string): Record<string, string> {
  return { 'content-type': CONTENT_TYPE, ...error.headers, 'x-request-id': requestId };
}

function logLine(log: Logger, error: HttpError, requestId: string): void {
  logGraphQLRequest(log, { requestId, operationName: null, start: error.start ?? performance.now(), upstreamCalls: 0, status: error.status, codes: [error.code] });
}

/**
 * Answers on a node:http response. When an answer has already begun (headers sent), the
 * connection is cut instead, so the client never reads a response with a second one spliced in;
 * the log line is written either way.
 */
export function answerHttpError(res: ServerResponse, error: HttpError, log: Logger): void {
  const requestId = error.requestId ?? requestIdFrom(res.req?.headers['x-request-id']);
  if (!res.headersSent && !res.destroyed) {
    const body = httpErrorBody(error.code, error.message);
    res.writeHead(error.status, { ...headersOf(error, requestId), 'content-length': String(Buffer.byteLength(body)) });
    res.end(body);
  } else if (!res.writableFinished) res.destroy();
  logLine(log, error, requestId);
}

// Requests answered (and logged) here that yoga may still see: a fetch Request a plugin ended, a
// node:http request whose body a read timeout cut off while yoga was reading it.
const answeredRequests = new WeakSet<object>();

/** True when `request` (fetch or node:http) was answered and logged here: the request-log plugin leaves it alone. */
export function answeredAsHttpError(request: object | undefined): boolean {
  return request !== undefined && answeredRequests.has(request);
}

/** The same answer as a fetch Response, for a yoga plugin that ends a request (auth's 401, the unknown route's 404). */
export function httpErrorResponse(request: Request, error: HttpError, log: Logger, fetchAPI: { Response: typeof Response } = globalThis): Response {
  const requestId = error.requestId ?? requestIdFrom(request.headers.get('x-request-id'));
  const body = httpErrorBody(error.code, error.message);
  answeredRequests.add(request);
  logLine(log, error, requestId);
  return new fetchAPI.Response(body, { status: error.status, headers: headersOf(error, requestId) });
}

/**
 * The same answer written as raw HTTP/1.1 on a socket, for the client errors Node reports with
 * no response object (`clientError`: a request read timeout). The connection always closes: the
 * request on it was never read whole, so nothing after it can be parsed. `interrupted` is the
 * request that was being read, if any (its id; whoever was reading it must not log it again).
 */
export function answerHttpErrorOnSocket(socket: Duplex, error: HttpError, log: Logger, interrupted?: IncomingMessage): void {
  const requestId = error.requestId ?? requestIdFrom(interrupted?.headers['x-request-id']);
  if (interrupted) answeredRequests.add(interrupted);
  const body = httpErrorBody(error.code, error.message);
  const headers = { ...headersOf(error, requestId), 'content-length': String(Buffer.byteLength(body)), connection: 'close' };
  const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  socket.write(`HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? ''}\r\n${head}\r\n${body}`);
  logLine(log, error, requestId);
}
