/**
 * The signed HTTP client for the upstream: one undici Pool (keep-alive) per origin, timeouts per
 * attempt, a deadline per call, retries by the policy in retry.ts, a limit on attempts in flight,
 * and coalescing of identical calls in flight (two resolvers or two clients asking for the same
 * page share one call). It returns the envelope's `data`; it knows nothing of GraphQL.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import pLimit, { type LimitFunction } from 'p-limit';
import { Pool, errors as undiciErrors } from 'undici';
import { unwrapEnvelope } from './envelope';
import { ClientClosedError, UpstreamError, type UpstreamErrorCode } from './errors';
import { postText } from './post-text';
import { decideRetry, type RetryState } from './retry';
import { createSigner } from './sign';

export interface UpstreamClientOptions {
  baseUrl: string;
  apiKey: string;
  apiSecret: string;
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  /** Budget for one call, all its attempts and backoff included. */
  callDeadlineMs: number;
  retries: number;
  retryBaseMs: number;
  /** Attempts in flight at most (the rest queue). */
  concurrency: number;
  /** An upstream answer larger than this is UPSTREAM_INVALID_RESPONSE (a page of 100 is ~40 KB). */
  maxResponseBytes: number;
  connections: number;
  /** Clock for signing; tests move it. */
  now?: () => number;
  random?: () => number;
}

export type UpstreamEvent =
  | { type: 'attempt'; path: string; outcome: 'ok' | 'CANCELLED' | UpstreamErrorCode; durationMs: number }
  | { type: 'retry'; path: string; reason: 'transient' | 'timestamp'; code: UpstreamErrorCode }
  | { type: 'coalesced'; path: string };

export interface CallOptions {
  /**
   * The caller's own deadline (e.g. the GraphQL request's, or its client going away). The caller
   * stops waiting when it fires (with UPSTREAM_TIMEOUT, or with the signal's reason when that is a
   * ClientClosedError); the call itself is cancelled once every caller waiting on it (coalesced
   * ones included) has stopped. A caller without a signal waits for good.
   */
  signal?: AbortSignal;
  /** Called once per attempt actually sent on this caller's behalf (for per-request accounting). */
  onAttempt?: () => void;
}

export interface ClientStats {
  calls: number;
  attempts: number;
  retries: number;
  coalesced: number;
}

/** A call in flight, shared by every caller asking the same thing. */
interface InFlightCall {
  promise: Promise<unknown>;
  /** Aborted by the call's deadline, or once no caller waits any more. */
  controller: AbortController;
  /** Callers still waiting (Infinity once one without a signal waits). */
  waiters: number;
}

/** The abort reason of a call nobody waits for any more (its attempt's metric outcome). */
const CANCELLED = new Error('every caller stopped waiting');

const TIMEOUT_ERRORS = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

export class UpstreamClient {
  readonly stats: ClientStats = { calls: 0, attempts: 0, retries: 0, coalesced: 0 };
  private readonly pool: Pool;
  private readonly prefix: string;
  private readonly limit: LimitFunction;
  private readonly inFlight = new Map<string, InFlightCall>();
  private readonly listeners = new Set<(event: UpstreamEvent) => void>();
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly sign: (nowMs: number) => Readonly<Record<string, string>>;

  constructor(private readonly opts: UpstreamClientOptions) {
    const url = new URL(opts.baseUrl);
    this.prefix = url.pathname.replace(/\/+$/, '');
    this.pool = new Pool(url.origin, {
      connections: opts.connections,
      connectTimeout: opts.connectTimeoutMs,
      headersTimeout: opts.headersTimeoutMs,
      bodyTimeout: opts.bodyTimeoutMs,
      keepAliveTimeout: 30_000,
      // undici cuts an oversized answer off (destroying the socket) and fails the call with
      // ResponseExceededMaxSizeError, mapped to UPSTREAM_INVALID_RESPONSE below.
      maxResponseSize: opts.maxResponseBytes,
    });
    this.limit = pLimit(opts.concurrency);
    this.now = opts.now ?? Date.now;
    this.random = opts.random ?? Math.random;
    this.sign = createSigner(opts.apiKey, opts.apiSecret);
  }

  /** Subscribes to attempts, retries and coalescing (metrics and logs); returns an unsubscribe. */
  onEvent(listener: (event: UpstreamEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** POSTs a signed JSON body to `path` and returns the envelope's data, or throws UpstreamError. */
  async post(path: string, body: object, options: CallOptions = {}): Promise<unknown> {
    return this.send(path, JSON.stringify(body), options, true);
  }

  /** `mayRetryJoined`: a caller may once start over after a joined call ran out of its deadline. */
  private async send(path: string, json: string, options: CallOptions, mayRetryJoined: boolean): Promise<unknown> {
    const key = `${path}\n${json}`;
    // A call already cancelled (or past its deadline) is not worth joining: start a fresh one.
    const candidate = this.inFlight.get(key);
    const joined = candidate && !candidate.controller.signal.aborted ? candidate : undefined;
    if (joined) {
      this.stats.coalesced++;
      this.emit({ type: 'coalesced', path });
      try {
        return await this.wait(joined, options.signal);
      } catch (err) {
        // The call we joined started earlier and ran out of *its* deadline; ours may still have
        // time, so try once on our own rather than inherit a timeout we did not cause.
        // Other callers doing the same share the fresh call (the timed-out one is not joinable).
        if (mayRetryJoined && err instanceof UpstreamError && err.code === 'UPSTREAM_TIMEOUT' && !options.signal?.aborted) {
          return this.send(path, json, options, false);
        }
        throw err;
      }
    }
    this.stats.calls++;
    const controller = new AbortController();
    const entry: InFlightCall = { controller, waiters: 0, promise: Promise.resolve() };
    entry.promise = this.call(path, json, controller, options.onAttempt).finally(() => {
      if (this.inFlight.get(key) === entry) this.inFlight.delete(key);
    });
    this.inFlight.set(key, entry);
    return this.wait(entry, options.signal);
  }

  /** Waits for a call on one caller's behalf; the last caller to give up cancels the call. */
  private wait(entry: InFlightCall, signal: AbortSignal | undefined): Promise<unknown> {
    if (!signal) {
      entry.waiters = Infinity;
      return entry.promise;
    }
    entry.waiters++;
    return raceAbort(entry.promise, signal, () => {
      entry.waiters--;
      if (entry.waiters === 0) entry.controller.abort(CANCELLED);
    });
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  private emit(event: UpstreamEvent): void {
    for (const l of this.listeners) l(event);
  }

  private async call(path: string, json: string, controller: AbortController, onAttempt?: () => void): Promise<unknown> {
    // A plain timer, cleared when the call settles: cheaper than AbortSignal.timeout per call and
    // it does not outlive the call.
    const timer = setTimeout(() => controller.abort(), this.opts.callDeadlineMs);
    try {
      return await this.attempts(path, json, controller.signal, onAttempt);
    } finally {
      clearTimeout(timer);
    }
  }

  private async attempts(path: string, json: string, deadline: AbortSignal, onAttempt?: () => void): Promise<unknown> {
    const state: RetryState = { transient: 0, timestampRetried: false };
    for (;;) {
      try {
        return await this.limit(() => this.attempt(path, json, deadline, onAttempt));
      } catch (err) {
        const error = err instanceof UpstreamError ? err : new UpstreamError('UPSTREAM_UNAVAILABLE', 'upstream call failed');
        const decision = decideRetry(error, state, this.opts.retries, this.opts.retryBaseMs, this.random);
        if (!decision.retry || deadline.aborted) throw error;
        if (decision.reason === 'timestamp') state.timestampRetried = true;
        else state.transient++;
        this.stats.retries++;
        this.emit({ type: 'retry', path, reason: decision.reason, code: error.code });
        if (decision.delayMs > 0) {
          try {
            await sleep(decision.delayMs, undefined, { signal: deadline });
          } catch {
            throw deadlineError();
          }
        }
      }
    }
  }

  private async attempt(path: string, json: string, deadline: AbortSignal, onAttempt?: () => void): Promise<unknown> {
    if (deadline.aborted) throw deadlineError();
    // Counted only once the attempt really leaves (past the queue and the deadline check).
    onAttempt?.();
    this.stats.attempts++;
    const started = performance.now();
    let outcome: 'ok' | 'CANCELLED' | UpstreamErrorCode = 'ok';
    try {
      const res = await postText(
        this.pool,
        {
          path: this.prefix + path,
          headers: {
            'content-type': 'application/json;charset=UTF-8',
            ...this.sign(this.now()),
          },
          body: json,
        },
        deadline,
      );
      const text = res.text;
      if (res.statusCode >= 500 || res.statusCode === 429) {
        throw new UpstreamError('UPSTREAM_UNAVAILABLE', `upstream answered HTTP ${res.statusCode}`, undefined, true);
      }
      if (res.statusCode < 200 || res.statusCode >= 300) {
        throw new UpstreamError('UPSTREAM_ERROR', `upstream answered HTTP ${res.statusCode}`);
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new UpstreamError('UPSTREAM_INVALID_RESPONSE', 'upstream body is not JSON');
      }
      return unwrapEnvelope(parsed);
    } catch (err) {
      const error = toUpstreamError(err, deadline, this.opts.maxResponseBytes);
      outcome = deadline.reason === CANCELLED ? 'CANCELLED' : error.code;
      throw error;
    } finally {
      this.emit({ type: 'attempt', path, outcome, durationMs: performance.now() - started });
    }
  }
}

function deadlineError(): UpstreamError {
  return new UpstreamError('UPSTREAM_TIMEOUT', 'upstream did not answer within the deadline');
}

/** Network-level failures become typed errors; their messages name no host, header or secret. */
function toUpstreamError(err: unknown, deadline: AbortSignal, maxResponseBytes: number): UpstreamError {
  if (err instanceof UpstreamError) return err;
  if (err instanceof undiciErrors.ResponseExceededMaxSizeError) {
    return new UpstreamError('UPSTREAM_INVALID_RESPONSE', `upstream answer exceeds ${maxResponseBytes} bytes`);
  }
  if (deadline.aborted) return deadlineError();
  const code = (err as { code?: unknown })?.code;
  if (typeof code === 'string' && TIMEOUT_ERRORS.has(code)) {
    return new UpstreamError('UPSTREAM_TIMEOUT', 'upstream timed out', undefined, true);
  }
  if (err instanceof undiciErrors.UndiciError || (typeof code === 'string' && /^E[A-Z]+$/.test(code))) {
    return new UpstreamError('UPSTREAM_UNAVAILABLE', `upstream connection failed (${String(code ?? 'network error')})`, undefined, true);
  }
  return new UpstreamError('UPSTREAM_UNAVAILABLE', 'upstream call failed', undefined, true);
}

/** What a caller whose signal fired gets: its client went away, or (any other reason) a timeout. */
function givenUp(signal: AbortSignal): Error {
  return signal.reason instanceof ClientClosedError ? signal.reason : deadlineError();
}

/**
 * Settles with the shared promise, or rejects with a timeout (or the caller's ClientClosedError)
 * when this caller's signal fires first (then `onGiveUp` runs, once).
 */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal, onGiveUp: () => void): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => {}); // nobody else may be listening: a cancelled call must not go unhandled
    onGiveUp();
    return Promise.reject(givenUp(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      onGiveUp();
      reject(givenUp(signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
