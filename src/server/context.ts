/**
 * One factory of per-request contexts for both ways a request is executed (yoga and the fast
 * lane), so both give resolvers the same upstream API, settings, metrics hook and shutdown
 * signal: a dependency added here reaches both, and neither can be wired without it.
 */
import { createGatewayContext, type GatewayContext } from '../graphql/context';

/** What every context is built from: upstream API, settings, logger, metrics hook, shutdown signal. */
export type ContextDeps = Parameters<typeof createGatewayContext>[0];

/**
 * A context for one request; `signal` fires when its client goes away; `connectionId` names the
 * transport connection it came on (a WebSocket's, for the per-connection subscription limit).
 */
export type ContextFactory = (signal?: AbortSignal, connectionId?: string) => GatewayContext;

export function createContextFactory(deps: ContextDeps): ContextFactory {
  return (signal, connectionId) => createGatewayContext(deps, signal, connectionId);
}
