/**
 * The live engine's failure modes as typed errors with stable codes (the pattern of
 * upstream/errors.ts). A subscription ends with one of these thrown from its iterator; input
 * problems (a bad cursor, a malformed watch) are thrown by `subscribe` itself, synchronously.
 * Messages are written for API clients: no internals, no upstream URL, no Redis address.
 */

export type LiveErrorCode =
  /** The watch or the cursor given by the client is wrong (malformed, of another watch). */
  | 'BAD_USER_INPUT'
  /** The watched window holds more than LIVE_MAX_RECORDS records. */
  | 'LIVE_WATCH_TOO_LARGE'
  /** LIVE_MAX_FAILED_POLLS consecutive polls failed; `causeCode` is the last failure's code. */
  | 'LIVE_UPSTREAM_FAILED'
  /** The subscriber did not keep up: more than LIVE_MAX_BUFFERED_EVENTS events waited for it. */
  | 'LIVE_SLOW_CONSUMER'
  /** LIVE_MAX_SUBSCRIPTIONS (process) or LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION reached. */
  | 'LIVE_TOO_MANY_SUBSCRIPTIONS'
  /** The gateway is shutting down: resume elsewhere with the last cursor. */
  | 'LIVE_SHUTTING_DOWN'
  /** This process runs no live hub (an embedding without one, e.g. a unit test's schema). */
  | 'LIVE_UNAVAILABLE';

export class LiveError extends Error {
  override name = 'LiveError';
  constructor(
    readonly code: LiveErrorCode,
    message: string,
    /** For LIVE_UPSTREAM_FAILED: the code of the last poll's failure (e.g. UPSTREAM_UNAVAILABLE). */
    readonly causeCode?: string,
  ) {
    super(message);
  }

  /** What a GraphQL error's `extensions` should carry. */
  get extensions(): Record<string, unknown> {
    return this.causeCode !== undefined ? { code: this.code, cause: this.causeCode } : { code: this.code };
  }
}

export const badInput = (message: string) => new LiveError('BAD_USER_INPUT', message);

/** The code of any error that has a string `code` (UpstreamError, LiveError, …), else undefined. */
export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
