/**
 * The gateway's link to Redis, and the one place that decides whether shared parts use it:
 * mode `cluster` while every connection is ready and answers, `local` otherwise. Shared parts
 * (live watches now; the upstream budget and the id memory later) ask `mode`, listen to
 * `onModeChange`, and report failures with `failed(err)`; each keeps a local fallback of its own.
 * Redis never stands between a query and its answer: commands are never queued while Redis is
 * away (they fail at once), connections reconnect in the background, and the link goes back to
 * `cluster` after a successful PING. It never throws at its users and never crashes the process.
 */
import Redis, { type RedisOptions } from 'ioredis';

export type ClusterMode = 'cluster' | 'local';

/** The subset of a pino logger the cluster layer uses. */
export interface ClusterLog {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface ClusterLinkOptions {
  /** REDIS_URL (redis:// or rediss://). */
  url: string;
  /** REDIS_KEY_PREFIX: every key this deployment writes starts with it. */
  prefix: string;
  log?: ClusterLog;
  /** A command that takes longer fails (and sends the link local). Default 2000 ms. */
  commandTimeoutMs?: number;
  /** Connect timeout per attempt. Default 2000 ms. */
  connectTimeoutMs?: number;
  /** How often, while local, the link checks whether Redis is back. Default 1000 ms. */
  probeMs?: number;
  /** Name for CLIENT LIST (the replica's). */
  name?: string;
}

export interface ClusterLink {
  readonly prefix: string;
  readonly mode: ClusterMode;
  /** The shared command connection (never queues: fails at once while Redis is away). */
  readonly redis: Redis;
  /** A dedicated connection (blocking reads); its health counts for the mode too. */
  connection(name: string, overrides?: Partial<RedisOptions>): Redis;
  /** Closes a dedicated connection. */
  closeConnection(connection: Redis): void;
  onModeChange(listener: (mode: ClusterMode) => void): () => void;
  /**
   * A command failed. Errors Redis answered (a ReplyError: a bug, not an outage) change nothing;
   * anything else (closed, timed out, refused) sends the link local until a probe succeeds.
   * Returns true when the error counts as Redis being unreachable.
   */
  failed(error: unknown): boolean;
  /** Resolves with the mode once every connection is up, or one failed, or after `timeoutMs`. */
  ready(timeoutMs: number): Promise<ClusterMode>;
  close(): Promise<void>;
}

const silent: ClusterLog = { debug() {}, info() {}, warn() {}, error() {} };

/** An error Redis itself answered (as opposed to a transport failure). */
export function isReplyError(error: unknown): boolean {
  return error instanceof Error && error.name === 'ReplyError';
}

/** The URL without its password, for logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable REDIS_URL)';
  }
}

export function createClusterLink(options: ClusterLinkOptions): ClusterLink {
  const log = options.log ?? silent;
  const probeMs = options.probeMs ?? 1_000;
  const base: RedisOptions = {
    // Fail fast, never queue: a shared part falls back to local state instead of waiting.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    commandTimeout: options.commandTimeoutMs ?? 2_000,
    connectTimeout: options.connectTimeoutMs ?? 2_000,
    // Reconnect forever, at most every 2 s.
    retryStrategy: (times) => Math.min(100 * times, 2_000),
    // RESP2 reply shapes (XREAD's [key, entries] pairs) whatever the server speaks.
    protocol: 2,
    connectionName: options.name,
    lazyConnect: false,
  };
  const where = redactUrl(options.url);
  const connections = new Set<Redis>();
  const listeners = new Set<(mode: ClusterMode) => void>();
  let mode: ClusterMode = 'local';
  let closed = false;
  let probing = false;
  let lastFailure = 0;
  let settled: () => void = () => {};
  const firstAttempt = new Promise<void>((resolve) => (settled = resolve));

  const setMode = (next: ClusterMode, reason: string) => {
    if (next === mode || closed) return;
    mode = next;
    if (next === 'cluster') settled();
    if (next === 'local') log.warn({ redis: where, reason }, 'cluster: Redis unreachable; shared parts fall back to local state');
    else log.info({ redis: where }, 'cluster: Redis reachable; shared parts use it again');
    for (const l of listeners) {
      try {
        l(next);
      } catch (err) {
        log.error({ err }, 'cluster: a mode listener failed');
      }
    }
  };

  const probe = async () => {
    if (probing || closed || mode === 'cluster') return;
    // Every connection must be up: a replica that cannot read the streams must not think it can share them.
    for (const c of connections) if (c.status !== 'ready') return;
    if (Date.now() - lastFailure < probeMs) return;
    probing = true;
    try {
      await redis.ping();
      setMode('cluster', 'ping');
    } catch (err) {
      log.debug({ err }, 'cluster: Redis probe failed');
    } finally {
      probing = false;
    }
  };

  const watch = (c: Redis) => {
    connections.add(c);
    c.on('ready', () => void probe());
    c.on('error', (err: Error) => {
      settled();
      log.debug({ err: { message: err.message } }, 'cluster: Redis connection error');
    });
    c.on('close', () => {
      if (!closed && connections.has(c)) {
        lastFailure = Date.now();
        setMode('local', 'connection closed');
      }
    });
    c.on('end', () => settled());
  };

  const redis = new Redis(options.url, base);
  watch(redis);
  const timer = setInterval(() => void probe(), probeMs);
  timer.unref();

  return {
    prefix: options.prefix,
    get mode() {
      return mode;
    },
    redis,
    connection(name, overrides = {}) {
      const c = redis.duplicate({ ...base, connectionName: options.name ? `${options.name}:${name}` : name, ...overrides });
      watch(c);
      return c;
    },
    closeConnection(c) {
      connections.delete(c);
      c.disconnect();
      void probe();
    },
    onModeChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    failed(error) {
      if (isReplyError(error) || closed) return false;
      lastFailure = Date.now();
      setMode('local', error instanceof Error ? error.message : String(error));
      return true;
    },
    async ready(timeoutMs) {
      let timeout: NodeJS.Timeout | undefined;
      await Promise.race([firstAttempt, new Promise<void>((r) => (timeout = setTimeout(r, timeoutMs)))]);
      clearTimeout(timeout);
      return mode;
    },
    async close() {
      closed = true;
      clearInterval(timer);
      listeners.clear();
      for (const c of connections) c.disconnect();
      connections.clear();
    },
  };
}
