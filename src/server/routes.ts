/**
 * The gateway's routes, in one table: which paths exist, what answers each, which skip client
 * authentication and which skip the overload guard. Every rule that depends on a path (the 404
 * for unknown paths, bearer auth's open paths, the overload guard's exemption, the request log,
 * the metrics endpoint, yoga's own endpoints) reads it here, so a route added or renamed is
 * added or renamed once and no rule can miss it.
 */

export interface Route {
  path: string;
  /** What answers it: GraphQL (yoga or the fast lane), a probe for an orchestrator, or Prometheus. */
  kind: 'graphql' | 'liveness' | 'readiness' | 'metrics';
  /**
   * Answered without a bearer token even with GATEWAY_TOKENS set: orchestrators' probes send
   * none. /metrics is not open: its labels name operations and endpoints.
   */
  open: boolean;
  /**
   * Answered even past MAX_CONCURRENT_REQUESTS: a probe or a scrape that got 503 under load
   * would have the gateway restarted or blind exactly when it is busiest.
   */
  overloadExempt: boolean;
}

export const ROUTES: readonly Route[] = [
  { path: '/graphql', kind: 'graphql', open: false, overloadExempt: false },
  { path: '/health', kind: 'liveness', open: true, overloadExempt: true },
  { path: '/readiness', kind: 'readiness', open: true, overloadExempt: true },
  { path: '/metrics', kind: 'metrics', open: false, overloadExempt: true },
];

const pathOf = (kind: Route['kind']) => ROUTES.find((r) => r.kind === kind)!.path;

export const GRAPHQL_PATH = pathOf('graphql');
export const HEALTH_PATH = pathOf('liveness');
export const READINESS_PATH = pathOf('readiness');
export const METRICS_PATH = pathOf('metrics');

/** Every path that exists; anything else is 404 (yoga alone would serve GraphQL on `/x/graphql`). */
export const KNOWN_PATHS: readonly string[] = ROUTES.map((r) => r.path);
/** Paths that need no bearer token. */
export const OPEN_PATHS: readonly string[] = ROUTES.filter((r) => r.open).map((r) => r.path);

const OVERLOAD_EXEMPT = new Set(ROUTES.filter((r) => r.overloadExempt).map((r) => r.path));

/** True for a request target (path and query string, as node:http gives it) the overload guard lets through. */
export function overloadExempt(target: string | undefined): boolean {
  return OVERLOAD_EXEMPT.has((target ?? '').split('?', 1)[0]!);
}
