/**
 * What the engine reports, as an interface (the engine does not know Prometheus), and its
 * prom-client implementation for the gateway's registry.
 */
import { Counter, Gauge, type Registry } from 'prom-client';

export type PollOutcome = 'changed' | 'unchanged' | 'failed' | 'too_large';

export interface LiveMetrics {
  /** Subscriptions open in this process. */
  subscriptions(count: number): void;
  /** Watches this process holds (with subscribers here, or polled from here). */
  watches(count: number): void;
  /** One poll by this process: its outcome and the upstream calls it cost. */
  polled(outcome: PollOutcome, upstreamCalls: number): void;
  /** Events this process appended to watch streams. */
  events(count: number): void;
  /** A subscription ended with this error code. */
  ended(code: string): void;
}

export const noLiveMetrics: LiveMetrics = {
  subscriptions() {},
  watches() {},
  polled() {},
  events() {},
  ended() {},
};

export function createLiveMetrics(registry: Registry): LiveMetrics {
  const subscriptions = new Gauge({ name: 'laaffic_live_subscriptions', help: 'Live subscriptions open in this process', registers: [registry] });
  const watches = new Gauge({ name: 'laaffic_live_watches', help: 'Live watches held by this process', registers: [registry] });
  const polls = new Counter({ name: 'laaffic_live_polls_total', help: 'Polls of live watches by this process, by outcome', labelNames: ['outcome'], registers: [registry] });
  const upstream = new Counter({ name: 'laaffic_live_upstream_calls_total', help: 'Upstream calls made by live polls', registers: [registry] });
  const events = new Counter({ name: 'laaffic_live_events_total', help: 'Change events appended to watch streams by this process', registers: [registry] });
  const ended = new Counter({ name: 'laaffic_live_subscription_errors_total', help: 'Subscriptions ended with an error, by code', labelNames: ['code'], registers: [registry] });
  return {
    subscriptions: (n) => subscriptions.set(n),
    watches: (n) => watches.set(n),
    polled: (outcome, calls) => {
      polls.inc({ outcome });
      if (calls > 0) upstream.inc(calls);
    },
    events: (n) => {
      if (n > 0) events.inc(n);
    },
    ended: (code) => ended.inc({ code }),
  };
}
