/**
 * The HTTP-level guards in front of yoga and the fast lane, so that no client can make the
 * gateway hold memory or sockets without bound, and no malformed request reaches a parser that
 * would answer it with a stack trace: requests in progress (503), malformed or repeated Host or a
 * malformed target (400), a body in a content coding the gateway does not decode (415), body size
 * (413), slow clients (408), and the drain of a graceful shutdown. Each refusal is answered
 * through http-errors.ts (same body, request id, log line as every HTTP-level error). The media
 * type of a Content-Type is folded to lower case here, for yoga and the fast lane alike.
 */
import { STATUS_CODES, type IncomingMessage, type Server, type ServerOptions, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { clientMessage } from '../graphql/errors';
import { answerHttpError, answerHttpErrorOnSocket } from './http-errors';
import { overloadExempt } from './routes';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface GuardOptions {
  log: Logger;
  /** MAX_CONCURRENT_REQUESTS: past it, a request gets 503 OVERLOADED at once (probes excepted, routes.ts). */
  maxConcurrentRequests: number;
  /** MAX_BODY_BYTES: a larger body, declared or streamed, gets 413 before anyone reads it. */
  maxBodyBytes: number;
  /** SHUTDOWN_TIMEOUT_MS: how long the drain lets in-flight requests finish. */
  shutdownTimeoutMs: number;
  /** Called when the drain's deadline passes: the requests still in flight must end their work now. */
  onShutdownDeadline: () => void;
}

export interface GuardedServer {
  /**
   * Graceful shutdown: stops accepting, ends keep-alive connections as their responses finish,
   * lets in-flight requests finish up to the deadline, then ends them and closes what is left.
   */
  drain(): Promise<void>;
}

/**
 * The read timeouts of the server: slow clients (a trickled header or body) are cut off. Node's
 * defaults wait 60 s for headers and 300 s for a body, checked every 30 s, while each such socket
 * holds its buffers.
 */
export function readTimeouts(readTimeoutMs: number): ServerOptions {
  return {
    requestTimeout: readTimeoutMs,
    headersTimeout: Math.min(10_000, readTimeoutMs),
    connectionsCheckingInterval: Math.min(1_000, readTimeoutMs),
  };
}

/** After the shutdown deadline, how long the ended requests get to write their answers. */
const SHUTDOWN_ANSWER_GRACE_MS = 1_000;

// A host name, IPv4 or [IPv6] address, with an optional port: nothing that could carry a path.
const HOST_HEADER = /^(?:[A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * yoga builds each request's URL from the Host header and the request target; a malformed one
 * (a space, a path, an absolute-form target) would end in a TypeError with a stack trace in the
 * response, or route by a path hidden in Host. Such requests get a plain 400 instead.
 */
export function badRequestTarget(req: IncomingMessage): boolean {
  const host = req.headers.host;
  // The pattern rules out paths; WHATWG URL parsing (what yoga runs) rules out the rest
  // (a port over 65535, an IPv4 part over 255, a broken IPv6 literal).
  return !(req.url ?? '').startsWith('/') || (host !== undefined && (!HOST_HEADER.test(host) || !URL.canParse(`http://${host}`)));
}

/** True when the request carries more than one Host header (RFC 9112, 3.2: answered 400). Node keeps the first. */
export function repeatedHost(req: IncomingMessage): boolean {
  let seen = 0;
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.length === 4 && raw[i]!.toLowerCase() === 'host' && ++seen > 1) return true;
  return false;
}

/**
 * The Content-Encoding of a request body the gateway would have to decode, or undefined for none
 * (absent, or only `identity`). The gateway decodes none: request bodies are small JSON, and an
 * inflater is one more thing a client could make expand past MAX_BODY_BYTES (RFC 9110, 8.4.1:
 * answered 415 with Accept-Encoding).
 */
export function encodedBody(req: IncomingMessage): string | undefined {
  const coding = req.headers['content-encoding'];
  if (coding === undefined) return undefined;
  const codings = coding.split(',').map((c) => c.trim().toLowerCase()).filter((c) => c !== '' && c !== 'identity');
  return codings.length > 0 ? coding : undefined;
}

/**
 * A media type's name is case-insensitive (RFC 9110, 8.3.1), but yoga and the fast lane compare
 * it as spelt: `APPLICATION/JSON` got an empty 415. The type is folded to lower case (and the
 * white space before its parameters dropped); parameters are left as sent.
 */
export function normalizeContentType(contentType: string): string {
  const semicolon = contentType.indexOf(';');
  const type = (semicolon < 0 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
  return semicolon < 0 ? type : `${type}${contentType.slice(semicolon)}`;
}

/**
 * Answers 413 before yoga (or the fast lane) reads a body larger than the limit (declared or
 * streamed), with the log line every request gets.
 */
function limitBody(limit: number, log: Logger, next: Handler): Handler {
  const tooLarge = (res: ServerResponse) => {
    // Already answered (the body grew past the limit after an answer): that answer stands and is logged.
    if (res.headersSent) return;
    answerHttpError(res, { status: 413, code: 'PAYLOAD_TOO_LARGE', message: `Request body exceeds ${limit} bytes.`, headers: { connection: 'close' } }, log);
  };
  return (req, res) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      tooLarge(res);
      req.resume();
      return;
    }
    let seen = 0;
    req.on('data', (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > limit) {
        tooLarge(res);
        req.destroy();
      }
    });
    next(req, res);
  };
}

/**
 * What Node answers itself to the client errors the gateway leaves to it (malformed HTTP,
 * oversized headers or chunk extensions: lib/_http_server.js), since listening to `clientError`
 * (for the 408) turns Node's answers off. These come before any request exists: no id, no body.
 */
function nodeAnswer(code: string | undefined): string {
  const status = code === 'HPE_HEADER_OVERFLOW' ? 431 : code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW' ? 413 : 400;
  return `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\n\r\n`;
}

/** Puts the guards in front of `next` as `server`'s request and clientError listeners. */
export function guardServer(server: Server, options: GuardOptions, next: Handler): GuardedServer {
  const { log } = options;
  const handle = limitBody(options.maxBodyBytes, log, next);
  // Responses in progress: the overload guard counts them, the drain waits for them.
  const pending = new Set<ServerResponse>();
  // The response a socket is carrying, for a read timeout that cuts it (its id, whether it began).
  const carrying = new WeakMap<Duplex, ServerResponse>();
  // While closing, a response ends its keep-alive connection: server.close() only waits for
  // connections, and an idle keep-alive one would otherwise hold the drain until the deadline.
  let closing = false;

  // Event streams (SSE subscriptions) in progress: long-lived by design and bounded by
  // LIVE_MAX_SUBSCRIPTIONS instead, so they do not count against MAX_CONCURRENT_REQUESTS.
  let streams = 0;

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    pending.add(res);
    carrying.set(req.socket, res);
    if (/text\/event-stream/i.test(req.headers.accept ?? '')) {
      streams++;
      res.once('close', () => streams--);
    }
    if (closing) res.setHeader('connection', 'close');
    res.once('close', () => {
      pending.delete(res);
      if (carrying.get(req.socket) === res) carrying.delete(req.socket);
    });
    res.once('finish', () => {
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
    // More requests in progress than the limit: a 503 at once, before the body is read, rather
    // than memory and latency growing with the queue (8,000 concurrent requests on a slow
    // upstream ran a 192 MB gateway out of heap). Probes and scrapes still answer.
    if (pending.size - streams > options.maxConcurrentRequests && !overloadExempt(req.url)) {
      answerHttpError(res, { status: 503, code: 'OVERLOADED', message: 'The gateway is at capacity; retry shortly.', headers: { 'retry-after': '1' } }, log);
      req.resume();
      return;
    }
    if (badRequestTarget(req)) {
      answerHttpError(res, { status: 400, code: 'BAD_REQUEST', message: 'Malformed Host header or request target.', headers: { connection: 'close' } }, log);
      req.resume();
      return;
    }
    if (repeatedHost(req)) {
      answerHttpError(res, { status: 400, code: 'BAD_REQUEST', message: 'More than one Host header (RFC 9112 requires exactly one).', headers: { connection: 'close' } }, log);
      req.resume();
      return;
    }
    const coding = encodedBody(req);
    if (coding !== undefined) {
      const message = clientMessage(`Content-Encoding "${coding}" is not supported: send the body uncompressed.`);
      answerHttpError(res, { status: 415, code: 'UNSUPPORTED_CONTENT_ENCODING', message, headers: { 'accept-encoding': 'identity', connection: 'close' } }, log);
      req.resume();
      return;
    }
    const contentType = req.headers['content-type'];
    if (contentType !== undefined) req.headers['content-type'] = normalizeContentType(contentType);
    handle(req, res);
  });

  // A request not read whole within the read timeouts: Node reports it here instead of to a
  // request listener (there may be no request yet: a trickled header). It is answered 408 like
  // every HTTP-level error, with the id of the request that was being read if there is one.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    const inFlight = carrying.get(socket);
    // Node's own rule: answer only if nothing of a response has been written on the socket yet.
    const canAnswer = socket.writable && !inFlight?.headersSent;
    if (canAnswer && err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      answerHttpErrorOnSocket(socket, { status: 408, code: 'REQUEST_TIMEOUT', message: 'The request was not received in time.' }, log, inFlight?.req);
    } else if (canAnswer) socket.write(nodeAnswer(err.code));
    socket.destroy(err);
  });

  return {
    async drain() {
      closing = true;
      for (const res of pending) if (!res.headersSent) res.setHeader('connection', 'close');
      const drained = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), options.shutdownTimeoutMs);
      });
      if ((await Promise.race([drained, deadline])) === 'timeout') {
        // Requests still waiting on the upstream end now, as at their own deadline, so each gets
        // an answer (UPSTREAM_TIMEOUT) and a true log line instead of a reset connection.
        log.warn({ timeoutMs: options.shutdownTimeoutMs, inFlight: pending.size }, 'shutdown deadline passed: ending the requests in flight');
        options.onShutdownDeadline();
        let grace: NodeJS.Timeout | undefined;
        await Promise.race([drained, new Promise<void>((resolve) => (grace = setTimeout(resolve, SHUTDOWN_ANSWER_GRACE_MS)))]);
        clearTimeout(grace);
        server.closeAllConnections();
        await drained;
      }
      clearTimeout(timer);
    },
  };
}
