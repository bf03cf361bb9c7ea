/**
 * The gateway as a running service: upstream client, metrics, readiness and yoga behind a
 * node:http server with a request body limit, plus a graceful close (stop accepting, let
 * in-flight requests finish up to a deadline, close the upstream pool).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { createMetrics, type GatewayMetrics } from '../plugins/use-metrics';
import { loadPersistedOperations } from '../plugins/use-persisted-operations';
import { createReadiness } from './readiness';
import { createUpstream, type Upstream, type UpstreamCredentials } from '../upstream';
import { createFastLane, type FastLane } from './fast-lane';
import { createGatewayContext } from '../graphql/context';
import { schema } from '../graphql/schema';
import { createBearerCheck } from '../plugins/use-bearer-auth';
import { createCostMeter } from '../plugins/use-cost-limit';
import { createPreparedOperations } from './prepared-operations';
import { logGraphQLRequest, requestIdFrom } from '../plugins/use-request-log';
import { createParseCache } from './parse-cache';
import { createGatewayYoga, GRAPHQL_ENDPOINT, HEALTH_ENDPOINT, METRICS_ENDPOINT, READINESS_ENDPOINT, type GatewayYoga } from './yoga';

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
  /** Stops accepting, drains in-flight requests (up to SHUTDOWN_TIMEOUT_MS), closes the pool. */
  close(): Promise<void>;
}

/**
 * Answers 413 before yoga (or the fast lane) reads a body larger than the limit (declared or
 * streamed), with the request log line every GraphQL request gets.
 */
function limitBody(limit: number, log: Logger, handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const tooLarge = (res: ServerResponse) => {
    if (res.headersSent) return;
    const requestId = requestIdFrom(res.req.headers['x-request-id'] as string | undefined);
    res.writeHead(413, { 'content-type': 'application/json; charset=utf-8', connection: 'close', 'x-request-id': requestId });
    res.end(JSON.stringify({ errors: [{ message: `Request body exceeds ${limit} bytes.`, extensions: { code: 'PAYLOAD_TOO_LARGE' } }] }));
    logGraphQLRequest(log, { requestId, operationName: null, start: performance.now(), upstreamCalls: 0, status: 413, codes: ['PAYLOAD_TOO_LARGE'] });
  };
  return (req: IncomingMessage, res: ServerResponse) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      tooLarge(res);
      req.resume();
      return;
    }
    let seen = 0;
    req.on('data', (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > limit) {
        tooLarge(res);
        req.destroy();
      }
    });
    handler(req, res);
  };
}

/** After the shutdown deadline, how long the ended requests get to write their answers. */
const SHUTDOWN_ANSWER_GRACE_MS = 1_000;

const PROBES = new Set([HEALTH_ENDPOINT, READINESS_ENDPOINT, METRICS_ENDPOINT]);
const isProbe = (target: string | undefined) => PROBES.has((target ?? '').split('?', 1)[0]!);

/**
 * More requests in progress than MAX_CONCURRENT_REQUESTS: a 503 at once, before the body is
 * read, rather than memory and latency growing with the queue (8,000 concurrent requests on a
 * slow upstream ran a 192 MB gateway out of heap). Probes still answer.
 */
function overloaded(req: IncomingMessage, res: ServerResponse, log: Logger): void {
  const requestId = requestIdFrom(req.headers['x-request-id'] as string | undefined);
  res.writeHead(503, { 'content-type': 'application/json; charset=utf-8', 'retry-after': '1', 'x-request-id': requestId });
  res.end(JSON.stringify({ errors: [{ message: 'The gateway is at capacity; retry shortly.', extensions: { code: 'OVERLOADED' } }] }));
  req.resume();
  logGraphQLRequest(log, { requestId, operationName: null, start: performance.now(), upstreamCalls: 0, status: 503, codes: ['OVERLOADED'] });
}

// A host name, IPv4 or [IPv6] address, with an optional port: nothing that could carry a path.
const HOST_HEADER = /^(?:[A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * yoga builds each request's URL from the Host header and the request target; a malformed one
 * (a space, a path, an absolute-form target) would end in a TypeError with a stack trace in the
 * response, or route by a path hidden in Host. Such requests get a plain 400 instead.
 */
export function badRequestTarget(req: IncomingMessage): boolean {
  const host = req.headers.host;
  // The pattern rules out paths; WHATWG URL parsing (what yoga runs) rules out the rest
  // (a port over 65535, an IPv4 part over 255, a broken IPv6 literal).
  return !(req.url ?? '').startsWith('/') || (host !== undefined && (!HOST_HEADER.test(host) || !URL.canParse(`http://${host}`)));
}

export async function startGateway(config: Config, credentials: UpstreamCredentials, log: Logger): Promise<Gateway> {
  const upstream = createUpstream(config.upstream, credentials);
  const metrics = createMetrics(upstream.client, {
    [config.upstream.tasksPath]: 'groupCallTasks',
    [config.upstream.recallFlowsPath]: 'recallFlows',
  });
  const settings = {
    zone: config.upstream.zone,
    defaultWindowDays: config.defaultWindowDays,
    join: config.join,
    requestDeadlineMs: config.server.requestDeadlineMs,
  };
  const persistedOperations = config.persistedOperationsFile ? loadPersistedOperations(config.persistedOperationsFile) : undefined;
  // The fast lane answers plain POSTs of operations yoga has accepted before; with an allow-list
  // of persisted operations every request goes through yoga (the lane only knows query texts).
  const prepared = config.fastLane && !persistedOperations ? createPreparedOperations(schema) : undefined;
  const costMeter = createCostMeter();
  // Fired when the shutdown deadline passes: every request still in flight ends its upstream work.
  const shutdown = new AbortController();
  const parseCache = createParseCache();
  const yoga = createGatewayYoga({
    api: upstream.api,
    log,
    settings,
    shutdown: shutdown.signal,
    options: {
      tokens: config.auth.tokens,
      limits: config.limits,
      introspection: config.introspection,
      graphiql: config.graphiql,
      cors: config.corsOrigins,
      persistedOperations,
      readiness: createReadiness(upstream.client, upstream.api, config.readinessCacheMs),
      plugins: prepared ? [metrics.plugin, prepared.plugin] : [metrics.plugin],
      observeBatch: metrics.observeBatch,
      costMeter,
      parseCache,
    },
  });
  const lane = prepared
    ? createFastLane({
        endpoint: GRAPHQL_ENDPOINT,
        schema,
        prepared,
        costMeter,
        maxCost: config.limits.cost,
        bearer: config.auth.tokens.length > 0 ? createBearerCheck(config.auth.tokens) : undefined,
        createContext: () => createGatewayContext({ api: upstream.api, settings, log, observeBatch: metrics.observeBatch, shutdown: shutdown.signal }),
        log,
        observeOperation: metrics.observeOperation,
        yoga,
      })
    : undefined;
  const handle = limitBody(config.limits.bodyBytes, log, lane?.handle ?? yoga);
  // While closing, a response ends its keep-alive connection: server.close() only waits for
  // connections, and an idle keep-alive one would otherwise hold the drain until the deadline.
  let closing = false;
  const pending = new Set<ServerResponse>();
  // Slow clients (a trickled header or body) are cut off: Node's defaults wait 60 s for headers
  // and 300 s for a body, checked every 30 s, while each such socket holds its buffers.
  const readTimeoutMs = config.server.readTimeoutMs;
  const serverOptions = {
    requestTimeout: readTimeoutMs,
    headersTimeout: Math.min(10_000, readTimeoutMs),
    connectionsCheckingInterval: Math.min(1_000, readTimeoutMs),
  };
  const server = createServer(serverOptions, (req, res) => {
    pending.add(res);
    if (closing) res.setHeader('connection', 'close');
    res.once('close', () => pending.delete(res));
    res.once('finish', () => {
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
    if (pending.size > config.server.maxConcurrentRequests && !isProbe(req.url)) {
      overloaded(req, res, log);
      return;
    }
    if (badRequestTarget(req)) {
      res.writeHead(400, { 'content-type': 'application/json; charset=utf-8', connection: 'close' });
      res.end(JSON.stringify({ errors: [{ message: 'Malformed Host header or request target.', extensions: { code: 'BAD_REQUEST' } }] }));
      req.resume();
      return;
    }
    handle(req, res);
  });
  server.maxConnections = config.server.maxConnections;
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
    async close() {
      closing = true;
      for (const res of pending) if (!res.headersSent) res.setHeader('connection', 'close');
      const drained = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), config.shutdownTimeoutMs);
      });
      if ((await Promise.race([drained, deadline])) === 'timeout') {
        // Requests still waiting on the upstream end now, as at their own deadline, so each gets
        // an answer (UPSTREAM_TIMEOUT) and a true log line instead of a reset connection.
        log.warn({ timeoutMs: config.shutdownTimeoutMs, inFlight: pending.size }, 'shutdown deadline passed: ending the requests in flight');
        shutdown.abort();
        let grace: NodeJS.Timeout | undefined;
        await Promise.race([drained, new Promise<void>((resolve) => (grace = setTimeout(resolve, SHUTDOWN_ANSWER_GRACE_MS)))]);
        clearTimeout(grace);
        server.closeAllConnections();
        await drained;
      }
      clearTimeout(timer);
      await upstream.client.close();
    },
  };
}
