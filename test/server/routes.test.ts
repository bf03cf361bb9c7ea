/**
 * The routes table (src/server/routes.ts) and what its readers derive from it: the known paths
 * (404 otherwise), the open ones (no token), the overload guard's exemptions. The behaviour of
 * each reader over HTTP is tested with it (use-known-routes via use-bearer-auth.test.ts, guards).
 */
import { describe, expect, it } from 'vitest';
import { GRAPHQL_PATH, HEALTH_PATH, KNOWN_PATHS, METRICS_PATH, OPEN_PATHS, overloadExempt, READINESS_PATH, ROUTES } from '../../src/server/routes';

describe('routes', () => {
  it('names each path once', () => {
    expect([GRAPHQL_PATH, HEALTH_PATH, READINESS_PATH, METRICS_PATH]).toEqual(['/graphql', '/health', '/readiness', '/metrics']);
    expect(new Set(ROUTES.map((r) => r.path)).size).toBe(ROUTES.length);
    expect(KNOWN_PATHS).toEqual(['/graphql', '/health', '/readiness', '/metrics']);
  });

  it('leaves the probes open, never GraphQL or the metrics', () => {
    expect(OPEN_PATHS).toEqual(['/health', '/readiness']);
  });

  it('exempts probes and scrapes from the overload guard, query string or not, and nothing else', () => {
    for (const target of ['/health', '/readiness', '/metrics', '/health?full=1', '/metrics?x']) expect(overloadExempt(target), target).toBe(true);
    for (const target of ['/graphql', '/graphql?query={__typename}', '/health/', '/x/health', '', undefined]) expect(overloadExempt(target), String(target)).toBe(false);
  });
});
