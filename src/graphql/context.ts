/**
 * The per-request context: the upstream API with this request's deadline and call accounting,
 * the request's clock and memory of list totals. Resolvers read only this; the join's
 * per-request state (loaders, known tasks) is created on first use and kept on it
 * (join/request-join.ts), so the context is complete when built.
 */
import { setMaxListeners } from 'node:events';
import type { Logger } from 'pino';
import type { LiveHub, LiveRecord } from '../live';
import type { CallOptions, LaafficApi, ProductLineId } from '../upstream';
import { ClientClosedError } from '../upstream/errors';
import type { Zone } from '../time';

export interface GatewaySettings {
  zone: Zone;
  defaultWindowDays: number;
  /** The longest window the upstream serves (LAAFFIC_MAX_WINDOW_DAYS); absent = not checked. */
  maxWindowDays?: number;
  join: { lookbackHours: number; skewMinutes: number };
  requestDeadlineMs: number;
}

export interface RequestStats {
  /** Upstream attempts sent on this request's behalf (coalesced calls not included). */
  upstreamCalls: number;
}

/** What the Subscription fields need: the live hub, and a request-like context per poll. */
export interface LiveAccess {
  hub: LiveHub<LiveRecord>;
  /** A fresh context (no client signal) shared by every event of one poll, so their joins batch. */
  pollContext(): GatewayContext;
}

export interface GatewayContext {
  /** Live updates (absent where the gateway runs none, e.g. unit tests). */
  live?: LiveAccess;
  /** The transport connection the request came on (a WebSocket; an SSE request is its own). */
  connectionId?: string;
  /**
   * While a subscription event resolves: the poll's context, whose join state the event's nested
   * fields use (set by the Subscription field's resolver; events of one subscription resolve one
   * after another).
   */
  livePoll?: GatewayContext;
  /** The request's join state, created on first use by join/request-join.ts (`requestJoin(ctx)`, typed there). */
  join?: unknown;
  /** The endpoints of each product line the gateway serves, in the configured order. */
  lines: ReadonlyMap<ProductLineId, LaafficApi>;
  settings: GatewaySettings;
  log: Logger;
  /** The request's "now" (epoch ms): one clock for every defaulted window of the request. */
  now: number;
  call: CallOptions;
  stats: RequestStats;
  /** List totals already learnt in this request, by list key. */
  totals: Map<string, number>;
  /** Reports each DataLoader batch size (metrics). */
  observeBatch: (loader: string, size: number) => void;
  /** Releases the request's deadline timer (called when execution ends). */
  dispose: () => void;
  /** Cancels the request's upstream calls (the client went away: they end with CLIENT_CLOSED_REQUEST). */
  abort: () => void;
}

export interface ContextDeps {
  lines: ReadonlyMap<ProductLineId, LaafficApi>;
  live?: LiveAccess;
  settings: GatewaySettings;
  log: Logger;
  /** Reports each DataLoader batch size (metrics). */
  observeBatch?: (loader: string, size: number) => void;
  /** Fires when the server's shutdown deadline passes: the request ends its upstream work. */
  shutdown?: AbortSignal;
}

export function createGatewayContext(deps: ContextDeps, signal?: AbortSignal, connectionId?: string): GatewayContext {
  const stats: RequestStats = { upstreamCalls: 0 };
  // One controller per request, aborted by the deadline or by the client going away. A plain
  // timer (cleared by dispose() when execution ends) is much cheaper than AbortSignal.timeout
  // plus AbortSignal.any on every request.
  const controller = new AbortController();
  // Every upstream call of the request listens to this one signal; dozens are normal.
  setMaxListeners(0, controller.signal);
  const timer = setTimeout(() => {
    controller.abort();
    // A request refused before execution is never disposed: its listener on the server-wide
    // shutdown signal goes at the deadline at the latest.
    deps.shutdown?.removeEventListener('abort', onShutdown);
  }, deps.settings.requestDeadlineMs);
  timer.unref();
  // The client going away is not a timeout: its calls end with a ClientClosedError (README, Error
  // codes), so neither its log line nor the upstream's error series count it as the upstream's.
  const onClientAbort = () => controller.abort(new ClientClosedError());
  // The shutdown deadline ends the request as its own deadline would: UPSTREAM_TIMEOUT.
  const onShutdown = () => controller.abort();
  signal?.addEventListener('abort', onClientAbort, { once: true });
  deps.shutdown?.addEventListener('abort', onShutdown, { once: true });
  const call: CallOptions = {
    signal: controller.signal,
    onAttempt: () => {
      stats.upstreamCalls++;
    },
  };
  return {
    lines: deps.lines,
    live: deps.live,
    connectionId,
    settings: deps.settings,
    log: deps.log,
    now: Date.now(),
    call,
    stats,
    totals: new Map<string, number>(),
    observeBatch: deps.observeBatch ?? (() => {}),
    dispose: () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onClientAbort);
      deps.shutdown?.removeEventListener('abort', onShutdown);
    },
    abort: onClientAbort,
  };
}
