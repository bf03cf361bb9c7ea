/**
 * The per-request context: the upstream API with this request's deadline and call accounting,
 * the request's clock, memories (list totals) and DataLoaders. Resolvers read only this.
 */
import type { Logger } from 'pino';
import type { CallOptions, LaafficApi } from '../upstream';
import type { Zone } from '../upstream/local-time';
import { createParentTaskLoader, type ParentTaskLoader } from './parent-task-loader';
import { createTaskRecallFlowsLoader, type TaskRecallFlowsLoader } from './task-recall-flows-loader';

export interface GatewaySettings {
  zone: Zone;
  defaultWindowDays: number;
  join: { lookbackHours: number; skewMinutes: number };
  requestDeadlineMs: number;
}

export interface RequestStats {
  /** Upstream attempts sent on this request's behalf (coalesced calls not included). */
  upstreamCalls: number;
}

export interface GatewayContext {
  api: LaafficApi;
  settings: GatewaySettings;
  log: Logger;
  /** The request's "now" (epoch ms): one clock for every defaulted window of the request. */
  now: number;
  call: CallOptions;
  stats: RequestStats;
  /** List totals already learnt in this request, by list key. */
  totals: Map<string, number>;
  parentTasks: ParentTaskLoader;
  taskRecallFlows: TaskRecallFlowsLoader;
}

export interface ContextDeps {
  api: LaafficApi;
  settings: GatewaySettings;
  log: Logger;
}

export function createGatewayContext(deps: ContextDeps, signal?: AbortSignal): GatewayContext {
  const stats: RequestStats = { upstreamCalls: 0 };
  const deadline = AbortSignal.timeout(deps.settings.requestDeadlineMs);
  const call: CallOptions = {
    signal: signal ? AbortSignal.any([signal, deadline]) : deadline,
    onAttempt: () => {
      stats.upstreamCalls++;
    },
  };
  const ctx = {
    api: deps.api,
    settings: deps.settings,
    log: deps.log,
    now: Date.now(),
    call,
    stats,
    totals: new Map<string, number>(),
  } as GatewayContext;
  ctx.parentTasks = createParentTaskLoader(ctx);
  ctx.taskRecallFlows = createTaskRecallFlowsLoader(ctx);
  return ctx;
}
