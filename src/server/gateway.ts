/**
 * The gateway as a running service: what is built once per process and shared by the two ways a
 * request is answered (yoga and the fast lane), wired in one place, behind the HTTP guards, and
 * closed in order (drain the server, then the upstream pool). Everything else is in its own room:
 * guards.ts, yoga.ts, fast-lane.ts, context.ts, routes.ts, http-errors.ts.
 */
import { setMaxListeners } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCluster, createClusterMetrics, type Cluster } from '../cluster';
import type { Config } from '../config';
import { createGatewayContext, type LiveAccess } from '../graphql/context';
import { graphqlChangedFields, liveGlobalId } from '../graphql/live';
import { schema } from '../graphql/schema';
import { createLiveHub, createLiveMetrics, createUpstreamListSource, type LiveHub, type LiveRecord } from '../live';
import type { Logger } from '../logger';
import { createBearerCheck } from '../plugins/use-bearer-auth';
import { createCostMeter } from '../plugins/use-cost-limit';
import { createUpstream, endpointNames, type Upstream, type UpstreamCredentials } from '../upstream';
import { createCompiledOperations } from './compiled-operations';
import { createContextFactory } from './context';
import { createFastLane, type FastLane } from './fast-lane';
import { guardServer, readTimeouts } from './guards';
import { createMetrics, type GatewayMetrics } from './metrics';
import { createParseCache } from './parse-cache';
import { createPreparedOperations } from './prepared-operations';
import { createReadiness } from './readiness';
import { GRAPHQL_PATH, METRICS_PATH } from './routes';
import { attachWebSocket, type GatewayWebSocket } from './websocket';
import { createGatewayYoga, type GatewayYoga } from './yoga';

export interface Gateway {
  yoga: GatewayYoga;
  upstream: Upstream;
  metrics: GatewayMetrics;
  server: Server;
  url: string;
  /** The fast lane (absent with GATEWAY_FAST_LANE=false or persisted operations). */
  fastLane?: FastLane;
  /** yoga's parse cache (bounded in entries and characters). */
  parseCache: ReturnType<typeof createParseCache>;
  /** Live updates: the hub behind the Subscription fields. */
  live: LiveHub<LiveRecord>;
  /** What replicas share (Redis with REDIS_URL, else this process's memory). */
  cluster: Cluster;
  /** graphql-ws on the GraphQL route. */
  websocket: GatewayWebSocket;
  /** Stops accepting, drains in-flight requests (up to SHUTDOWN_TIMEOUT_MS), closes the pool. */
  close(): Promise<void>;
}

export async function startGateway(config: Config, credentials: UpstreamCredentials, log: Logger): Promise<Gateway> {
  const upstream = createUpstream(config.upstream, credentials);
  const metrics = createMetrics(
    upstream.client,
    endpointNames(config.upstream.lines),
    METRICS_PATH,
  );
  // Fired when the shutdown deadline passes: every request still in flight ends its upstream work.
  const shutdown = new AbortController();
  // Every request and subscription in progress listens to it (until its context is disposed).
  setMaxListeners(0, shutdown.signal);
  // Live updates: one hub per process over the cluster's shared state (Redis or memory).
  const cluster = await createCluster({
    redisUrl: config.cluster.redisUrl,
    keyPrefix: config.cluster.keyPrefix,
    pollIntervalMs: config.live.pollIntervalMs,
    log,
    metrics: createClusterMetrics(metrics.registry),
  });
  const hub = createLiveHub<LiveRecord>({
    ...config.live,
    store: cluster.watchStore,
    source: createUpstreamListSource({ lines: upstream.lines, defaultWindowMs: config.defaultWindowDays * 86_400_000, idOf: liveGlobalId }),
    lines: config.upstream.lines.map((l) => l.id),
    mapChangedFields: graphqlChangedFields,
    log,
    metrics: createLiveMetrics(metrics.registry),
  });
  const contextDeps = {
    lines: upstream.lines,
    settings: {
      zone: config.upstream.zone,
      defaultWindowDays: config.defaultWindowDays,
      maxWindowDays: config.maxWindowDays,
      join: config.join,
      requestDeadlineMs: config.server.requestDeadlineMs,
    },
    log,
    observeBatch: metrics.observeBatch,
    shutdown: shutdown.signal,
  };
  // A poll's context is never disposed (its events resolve whenever each subscriber reads them):
  // it holds no listener on the shutdown signal, only its own unref'd deadline timer.
  const live: LiveAccess = { hub, pollContext: () => createGatewayContext({ ...contextDeps, shutdown: undefined, live }) };
  const createContext = createContextFactory({ ...contextDeps, live });
  const { persistedOperations } = config;
  // One graphql-jit compilation per operation, whichever path executes it.
  const compiled = createCompiledOperations(schema, {
    onError: (refusal) => log.error({ errors: refusal.errors }, 'graphql-jit could not compile an operation'),
  });
  // The fast lane answers plain POSTs of operations yoga has accepted before; with an allow-list
  // of persisted operations every request goes through yoga (the lane only knows query texts).
  const prepared = config.fastLane && !persistedOperations ? createPreparedOperations(schema, undefined, compiled) : undefined;
  const costMeter = createCostMeter();
  const parseCache = createParseCache();
  const yoga = createGatewayYoga({
    createContext,
    log,
    options: {
      tokens: config.auth.tokens,
      limits: config.limits,
      introspection: config.introspection,
      graphiql: config.graphiql,
      cors: config.corsOrigins,
      persistedOperations,
      readiness: createReadiness(upstream.client, upstream.api, config.readinessCacheMs),
      plugins: prepared ? [metrics.plugin, prepared.plugin] : [metrics.plugin],
      costMeter,
      parseCache,
      compiled,
    },
  });
  const lane = prepared
    ? createFastLane({
        endpoint: GRAPHQL_PATH,
        schema,
        prepared,
        costMeter,
        maxCost: config.limits.cost,
        bearer: config.auth.tokens.length > 0 ? createBearerCheck(config.auth.tokens) : undefined,
        createContext,
        log,
        observeOperation: metrics.observeOperation,
        yoga,
        hideSuggestions: !config.introspection,
      })
    : undefined;

  const server = createServer(readTimeouts(config.server.readTimeoutMs));
  const guarded = guardServer(
    server,
    {
      log,
      maxConcurrentRequests: config.server.maxConcurrentRequests,
      maxBodyBytes: config.limits.bodyBytes,
      shutdownTimeoutMs: config.shutdownTimeoutMs,
      onShutdownDeadline: () => shutdown.abort(),
    },
    lane?.handle ?? yoga,
  );
  server.maxConnections = config.server.maxConnections;
  const websocket = attachWebSocket(server, {
    yoga,
    log,
    bearer: config.auth.tokens.length > 0 ? createBearerCheck(config.auth.tokens) : undefined,
    persistedOperations,
    maxMessageBytes: config.limits.bodyBytes,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.server.port, config.server.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = config.server.host === '0.0.0.0' || config.server.host === '::' ? 'localhost' : config.server.host;
  return {
    yoga,
    upstream,
    metrics,
    server,
    url: `http://${host}:${port}`,
    fastLane: lane,
    parseCache,
    live: hub,
    cluster,
    websocket,
    async close() {
      // Stop accepting first; then end the subscriptions (LIVE_SHUTTING_DOWN, with a cursor to
      // resume elsewhere), so their streams finish and the drain is not held by them.
      const drained = guarded.drain();
      // The hub first: its LIVE_SHUTTING_DOWN errors must reach graphql-ws clients before the close frames.
      await hub.close();
      await websocket.close();
      await drained;
      await cluster.close();
      await upstream.client.close();
    },
  };
}
