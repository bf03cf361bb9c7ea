/**
 * The upstream's failure modes as typed errors with stable codes (API.md's error table).
 * Messages are written for API clients: they never carry the secret, a signature or a URL.
 */

export type UpstreamErrorCode =
  | 'UPSTREAM_UNAUTHENTICATED'
  | 'UPSTREAM_FORBIDDEN_IP'
  | 'UPSTREAM_TIMESTAMP_EXPIRED'
  | 'UPSTREAM_UNAVAILABLE'
  | 'UPSTREAM_BAD_REQUEST'
  | 'UPSTREAM_ERROR'
  | 'UPSTREAM_TIMEOUT'
  | 'UPSTREAM_INVALID_RESPONSE';

export class UpstreamError extends Error {
  override name = 'UpstreamError';
  constructor(
    readonly code: UpstreamErrorCode,
    message: string,
    /** The upstream's business code when it sent one (e.g. -18). */
    readonly upstreamCode?: number,
    /** Whether another attempt may succeed. */
    readonly retryable = false,
  ) {
    super(message);
  }
}

/**
 * Why a caller stopped waiting when it is not a deadline: its own client went away. Passed as the
 * abort reason of the caller's signal (CallOptions.signal), it is what that caller's call rejects
 * with instead of UPSTREAM_TIMEOUT, so a client that hangs up is never counted as the upstream
 * being slow. Not an UpstreamError: the upstream did nothing wrong.
 */
export class ClientClosedError extends Error {
  override name = 'ClientClosedError';
  readonly code = 'CLIENT_CLOSED_REQUEST';
  constructor() {
    super('the client closed the request');
  }
}

/**

 * The upstream's message as clients may see it: at most 200 characters, and no long hex run (an
 * upstream that echoes the request would otherwise hand out a live `Sign`, replayable within the
 * timestamp window).
 */
export function clientSafeUpstreamMessage(message: string): string {
  return message.slice(0, 200).replace(/[0-9a-f]{16,}/gi, '[redacted]');
}

/** Maps an upstream business code (never 0) to its typed error. */
export function errorForCode(code: number, upstreamMessage: string | undefined): UpstreamError {
  const detail = upstreamMessage ? `: ${clientSafeUpstreamMessage(upstreamMessage)}` : '';
  switch (code) {
    case -1:
      return new UpstreamError('UPSTREAM_UNAUTHENTICATED', `upstream rejected the credentials${detail}`, code);
    case -2:
      return new UpstreamError('UPSTREAM_FORBIDDEN_IP', `upstream does not allow this caller's IP${detail}`, code);
    case -16:
      return new UpstreamError('UPSTREAM_TIMESTAMP_EXPIRED', `upstream says the request timestamp expired${detail}`, code, true);
    case -18:
      return new UpstreamError('UPSTREAM_UNAVAILABLE', `upstream system error${detail}`, code, true);
    case -22:
      return new UpstreamError('UPSTREAM_BAD_REQUEST', `upstream rejected the parameters${detail}`, code);
    default:
      return new UpstreamError('UPSTREAM_ERROR', `upstream answered with code ${code}${detail}`, code);
  }
}
