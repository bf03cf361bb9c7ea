/**
 * The retry policy, as pure functions. Only safe cases are retried (every call is a read):
 * network errors, timeouts of a single attempt, HTTP 5xx and -18 with exponential backoff and
 * full jitter; -16 exactly once with a fresh signature; never -1, -2, -22 or a bad body.
 */
import { UpstreamError } from './errors';

export interface RetryState {
  /** Retries already spent on transient failures. */
  transient: number;
  /** Whether the one fresh-timestamp retry after -16 has been used. */
  timestampRetried: boolean;
}

export type RetryDecision = { retry: false } | { retry: true; delayMs: number; reason: 'transient' | 'timestamp' };

const MAX_DELAY_MS = 5_000;

/** Full-jitter exponential backoff: uniform in [0, base * 2^n], capped. */
export function backoffDelay(transientRetriesSoFar: number, baseMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_DELAY_MS, baseMs * 2 ** transientRetriesSoFar);
  return Math.round(random() * ceiling);
}

export function decideRetry(
  error: UpstreamError,
  state: RetryState,
  maxRetries: number,
  baseMs: number,
  random: () => number = Math.random,
): RetryDecision {
  if (error.code === 'UPSTREAM_TIMESTAMP_EXPIRED') {
    // A fresh signature fixes a request that sat too long; it cannot fix a skewed clock, so once.
    return state.timestampRetried ? { retry: false } : { retry: true, delayMs: 0, reason: 'timestamp' };
  }
  if (!error.retryable || state.transient >= maxRetries) return { retry: false };
  return { retry: true, delayMs: backoffDelay(state.transient, baseMs, random), reason: 'transient' };
}
