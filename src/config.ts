/**
 * Environment → one validated, typed configuration object, read once at start.
 * A bad value throws ConfigError naming the variable; the secret is never echoed back.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { PRODUCT_LINE_IDS, productLine, type ProductLine, type ProductLineId, type UpstreamOptions } from './upstream';
import { parseZone, type Zone } from './time';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

// Decimal only: `z.coerce` would read a blank value as 0 and `0x1F90` as 8080.
const int = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^[+-]?\d+$/, 'expected a decimal integer')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');
const DEFAULT_TIMEZONE = '+08:00';
const path = z.string().regex(/^\/[\w\-./]*$/, 'must be a path starting with /');

/** Every environment variable the gateway reads, with its default. The README mirrors this table. */
const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LAAFFIC_API_KEY: z.string().min(1).optional(),
  LAAFFIC_API_SECRET: z.string().min(1).optional(),
  LAAFFIC_BASE_URL: z.url({ protocol: /^https?$/ }).default('https://api.laaffic.com'),
  LAAFFIC_TIMEZONE: z.string().default(DEFAULT_TIMEZONE),
  LAAFFIC_PRODUCTS: z.string().optional(),
  LAAFFIC_GROUP_CALL_TASKS_PATH: path.optional(),
  LAAFFIC_GROUP_CALL_RECALL_FLOWS_PATH: path.optional(),
  LAAFFIC_GROUP_CALL_RECALL_FLOW_DETAIL_PATH: path.optional(),
  LAAFFIC_AI_AGENT_TASKS_PATH: path.optional(),
  LAAFFIC_AI_AGENT_RECALL_FLOWS_PATH: path.optional(),
  LAAFFIC_AI_AGENT_RECALL_FLOW_DETAIL_PATH: path.optional(),
  // Before the AI Agent line: the (one) line's paths. They keep that meaning: the group-call line's.
  LAAFFIC_TASKS_PATH: path.optional(),
  LAAFFIC_RECALL_FLOWS_PATH: path.optional(),
  PORT: int(0, 65535).default(4000),
  HOST: z.string().min(1).default('0.0.0.0'),
  UPSTREAM_CONNECT_TIMEOUT_MS: int(1, 120_000).default(3_000),
  UPSTREAM_HEADERS_TIMEOUT_MS: int(1, 300_000).default(10_000),
  UPSTREAM_BODY_TIMEOUT_MS: int(1, 300_000).default(10_000),
  UPSTREAM_CALL_DEADLINE_MS: int(1, 300_000).default(15_000),
  REQUEST_DEADLINE_MS: int(1, 600_000).default(25_000),
  UPSTREAM_RETRIES: int(0, 10).default(3),
  UPSTREAM_RETRY_BASE_MS: int(1, 60_000).default(100),
  UPSTREAM_CONCURRENCY: int(1, 1024).default(16),
  UPSTREAM_CONNECTIONS: int(1, 1024).default(32),
  UPSTREAM_MAX_RESPONSE_BYTES: int(1_000, 1_000_000_000).default(4_000_000),
  DEFAULT_WINDOW_DAYS: int(1, 3660).default(30),
  LAAFFIC_MAX_WINDOW_DAYS: int(1, 3660).default(366),
  JOIN_LOOKBACK_HOURS: int(1, 24 * 366).default(24),
  JOIN_SKEW_MINUTES: int(0, 24 * 60).default(5),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_PRETTY: bool.optional(),
  SIMULATOR_PORT: int(0, 65535).default(0),
  GATEWAY_TOKENS: z.string().optional(),
  GATEWAY_ALLOW_ANONYMOUS: bool.optional(),
  GRAPHQL_INTROSPECTION: bool.optional(),
  GRAPHIQL: bool.optional(),
  GATEWAY_FAST_LANE: bool.default(true),
  CORS_ORIGINS: z.string().optional(),
  MAX_DEPTH: int(1, 100).default(12),
  MAX_ALIASES: int(0, 1000).default(15),
  MAX_TOKENS: int(10, 100_000).default(2_000),
  MAX_DIRECTIVES: int(0, 1000).default(20),
  MAX_COST: int(1, 10_000_000).default(5_000),
  MAX_BODY_BYTES: int(100, 100_000_000).default(100_000),
  MAX_CONCURRENT_REQUESTS: int(1, 1_000_000).default(1_000),
  MAX_CONNECTIONS: int(1, 1_000_000).default(4_096),
  REQUEST_READ_TIMEOUT_MS: int(100, 600_000).default(30_000),
  PERSISTED_OPERATIONS_FILE: z.string().min(1).optional(),
  SHUTDOWN_TIMEOUT_MS: int(0, 600_000).default(10_000),
  READINESS_CACHE_MS: int(0, 3_600_000).default(10_000),
  // Live updates and the cluster (src/live/, src/cluster/).
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'expected a redis:// or rediss:// URL' }).optional(),
  // No glob characters (keys are listed by prefix) and no braces (a watch's keys share a {hash tag}).
  REDIS_KEY_PREFIX: z.string().max(100).regex(/^[^\s*?[\]{}\\]*$/, 'no spaces, no * ? [ ] { } \\').default('laaffic:'),
  LIVE_POLL_INTERVAL_MS: int(100, 3_600_000).default(5_000),
  LIVE_MAX_RECORDS: int(1, 100_000).default(1_000),
  LIVE_REPLAY_EVENTS: int(1, 1_000_000).default(1_000),
  LIVE_MAX_FAILED_POLLS: int(1, 1_000).default(3),
  LIVE_MAX_SUBSCRIPTIONS: int(1, 10_000_000).default(10_000),
  LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION: int(1, 1_000_000).default(100),
  LIVE_MAX_BUFFERED_EVENTS: int(1, 1_000_000).default(1_000),
});

export type Env = z.infer<typeof EnvSchema>;

/**
 * CORS_ORIGINS: unset or `*` = any origin (without credentials: clients authenticate with a bearer
 * header, never cookies); a comma-separated list of origins = only those; `none` = no CORS.
 */
function parseCorsOrigins(value: string | undefined): '*' | string[] | false {
  const v = value?.trim();
  if (!v || v === '*') return '*';
  if (v === 'none') return false;
  const origins = v.split(',').map((o) => o.trim()).filter(Boolean);
  for (const o of origins) {
    if (!URL.canParse(o) || new URL(o).origin !== o) throw new ConfigError(`invalid configuration:\n  CORS_ORIGINS: not an origin (scheme://host[:port]): ${o}`);
  }
  return origins;
}

/**
 * LAAFFIC_PRODUCTS: unset = every line; otherwise a comma-separated list of GROUP_CALL / AI_AGENT
 * (case and spaces ignored, duplicates dropped).
 */
function parseProducts(value: string | undefined): ProductLineId[] | string {
  if (value === undefined || value.trim() === '') return [...PRODUCT_LINE_IDS];
  const ids: ProductLineId[] = [];
  for (const raw of value.split(',')) {
    const id = raw.trim().toUpperCase();
    if (id === '') continue;
    if (!(PRODUCT_LINE_IDS as readonly string[]).includes(id)) return `unknown product line "${raw.trim()}" (expected ${PRODUCT_LINE_IDS.join(', ')})`;
    if (!ids.includes(id as ProductLineId)) ids.push(id as ProductLineId);
  }
  return ids.length > 0 ? ids : `expected at least one of ${PRODUCT_LINE_IDS.join(', ')}`;
}

/**
 * The served lines with their paths. LAAFFIC_TASKS_PATH / LAAFFIC_RECALL_FLOWS_PATH, from before
 * there were two lines, still name the group-call line's paths; set beside the new name with
 * another value, they are a start-up error rather than a silent choice.
 */
function buildLines(e: Env, ids: ProductLineId[], lines: string[]): ProductLine[] {
  const legacy = (name: string, old: string | undefined, current: string | undefined, fresh: string) => {
    if (old !== undefined && current !== undefined && old !== current) {
      lines.push(`  ${name}: replaced by ${fresh}, which is set to another value (set only ${fresh})`);
    }
    return current ?? old;
  };
  const defined = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
  const all: Record<ProductLineId, ProductLine> = {
    GROUP_CALL: productLine(
      'GROUP_CALL',
      defined({
        tasksPath: legacy('LAAFFIC_TASKS_PATH', e.LAAFFIC_TASKS_PATH, e.LAAFFIC_GROUP_CALL_TASKS_PATH, 'LAAFFIC_GROUP_CALL_TASKS_PATH'),
        recallFlowsPath: legacy('LAAFFIC_RECALL_FLOWS_PATH', e.LAAFFIC_RECALL_FLOWS_PATH, e.LAAFFIC_GROUP_CALL_RECALL_FLOWS_PATH, 'LAAFFIC_GROUP_CALL_RECALL_FLOWS_PATH'),
        recallFlowDetailPath: e.LAAFFIC_GROUP_CALL_RECALL_FLOW_DETAIL_PATH,
      }),
    ),
    AI_AGENT: productLine(
      'AI_AGENT',
      defined({
        tasksPath: e.LAAFFIC_AI_AGENT_TASKS_PATH,
        recallFlowsPath: e.LAAFFIC_AI_AGENT_RECALL_FLOWS_PATH,
        recallFlowDetailPath: e.LAAFFIC_AI_AGENT_RECALL_FLOW_DETAIL_PATH,
      }),
    ),
  };
  return ids.map((id) => all[id]);
}

/**
 * PERSISTED_OPERATIONS_FILE: a JSON object `{ "<sha256 hash>": "<operation text>" }`, read once at
 * start. Answers the operations, or what is wrong with the file.
 */
function readPersistedOperations(file: string): Map<string, string> | string {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    return `cannot read a JSON object from ${file} (${(err as Error).message})`;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || !Object.values(raw).every((v) => typeof v === 'string')) {
    return 'expected an object of hash → operation text';
  }
  return new Map(Object.entries(raw as Record<string, string>));
}

export interface Config {
  nodeEnv: Env['NODE_ENV'];
  /** The upstream layer's options, plus the credentials when set (none = the simulator). */
  upstream: UpstreamOptions & {
    baseUrl: string;
    apiKey: string | undefined;
    apiSecret: string | undefined;
  };
  server: {
    port: number;
    host: string;
    requestDeadlineMs: number;
    /** Requests in progress at most; more get 503 OVERLOADED (probes excepted). */
    maxConcurrentRequests: number;
    /** Open client connections at most (Node closes the others at once). */
    maxConnections: number;
    /** Time a client has to send a whole request (headers within min(this, 10 s)). */
    readTimeoutMs: number;
  };
  defaultWindowDays: number;
  /** The longest window the upstream serves, in days: longer ones are refused as BAD_USER_INPUT before any call. */
  maxWindowDays: number;
  join: { lookbackHours: number; skewMinutes: number };
  log: { level: Env['LOG_LEVEL']; pretty: boolean };
  auth: { tokens: string[]; allowAnonymous: boolean };
  /** Operation limits, all enforced before any upstream call. */
  limits: { depth: number; aliases: number; tokens: number; directives: number; cost: number; bodyBytes: number };
  introspection: boolean;
  graphiql: boolean;
  /** Answer repeated plain POSTs on node:http directly (src/server/fast-lane.ts). */
  fastLane: boolean;
  /** Allowed browser origins ('*' = any, without credentials; false = no CORS). */
  corsOrigins: '*' | string[] | false;
  /** PERSISTED_OPERATIONS_FILE read: hash → operation text, the only operations that run; unset = any operation. */
  persistedOperations: Map<string, string> | undefined;
  shutdownTimeoutMs: number;
  readinessCacheMs: number;
  /** Live updates (src/live/): the names are LiveHubOptions' (`createLiveHub({ ...config.live, store, source })`). */
  live: {
    pollIntervalMs: number;
    /** A watch listing more records is refused (LIVE_WATCH_TOO_LARGE). */
    maxRecords: number;
    /** Events each watch's stream keeps for resuming with `after`. */
    replayEvents: number;
    /** Consecutive failed polls before the watch ends (LIVE_UPSTREAM_FAILED). */
    maxFailedPolls: number;
    /** Subscriptions in this process at most (LIVE_TOO_MANY_SUBSCRIPTIONS). */
    maxSubscriptions: number;
    /** Subscriptions per transport connection at most (LIVE_TOO_MANY_SUBSCRIPTIONS). */
    maxSubscriptionsPerConnection: number;
    /** Events waiting for one subscriber at most (more: LIVE_SLOW_CONSUMER). */
    maxBuffered: number;
  };
  /** What replicas share through Redis (src/cluster/); no URL = one process, all in memory. */
  cluster: {
    redisUrl: string | undefined;
    keyPrefix: string;
  };
  /** True when no upstream key is configured: main starts the embedded simulator. */
  useSimulator: boolean;
  simulatorPort: number;
}

/** Reads and validates the environment. Throws ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings mean "unset", as they do for most shells and compose files.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(cleaned);
  // Collect every problem (schema, time zone, credentials) so one run names all bad variables.
  const lines = parsed.success ? [] : parsed.error.issues.map((i) => `  ${String(i.path[0])}: ${i.message}`);
  let zone: Zone | undefined;
  try {
    zone = parseZone(cleaned.LAAFFIC_TIMEZONE ?? DEFAULT_TIMEZONE);
  } catch {
    lines.push('  LAAFFIC_TIMEZONE: expected an offset like +08:00 or an IANA zone like Asia/Shanghai');
  }
  if (cleaned.LAAFFIC_API_KEY && !cleaned.LAAFFIC_API_SECRET) {
    lines.push('  LAAFFIC_API_SECRET: required when LAAFFIC_API_KEY is set');
  }
  const products = parseProducts(cleaned.LAAFFIC_PRODUCTS);
  if (typeof products === 'string') lines.push(`  LAAFFIC_PRODUCTS: ${products}`);
  const productLines = parsed.success && typeof products !== 'string' ? buildLines(parsed.data, products, lines) : [];
  const persisted = cleaned.PERSISTED_OPERATIONS_FILE ? readPersistedOperations(cleaned.PERSISTED_OPERATIONS_FILE) : undefined;
  if (typeof persisted === 'string') lines.push(`  PERSISTED_OPERATIONS_FILE: ${persisted}`);
  if (!parsed.success || zone === undefined || typeof persisted === 'string' || lines.length > 0) {
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  // The defaulted window and the join's window must fit in what the upstream serves.
  const windowProblems: string[] = [];
  if (e.DEFAULT_WINDOW_DAYS > e.LAAFFIC_MAX_WINDOW_DAYS) {
    windowProblems.push(`  DEFAULT_WINDOW_DAYS: ${e.DEFAULT_WINDOW_DAYS} is longer than LAAFFIC_MAX_WINDOW_DAYS (${e.LAAFFIC_MAX_WINDOW_DAYS})`);
  }
  if (e.JOIN_LOOKBACK_HOURS * 60 + e.JOIN_SKEW_MINUTES > e.LAAFFIC_MAX_WINDOW_DAYS * 24 * 60) {
    windowProblems.push(`  JOIN_LOOKBACK_HOURS: with JOIN_SKEW_MINUTES, longer than LAAFFIC_MAX_WINDOW_DAYS (${e.LAAFFIC_MAX_WINDOW_DAYS} days)`);
  }
  if (windowProblems.length > 0) throw new ConfigError(`invalid configuration:\n${windowProblems.join('\n')}`);
  const tokens = (e.GATEWAY_TOKENS ?? '').split(',').map((t) => t.trim()).filter(Boolean);
  if (tokens.some((t) => t.length < 16)) {
    throw new ConfigError('invalid configuration:\n  GATEWAY_TOKENS: every token must be at least 16 characters');
  }
  const production = e.NODE_ENV === 'production';
  const allowAnonymous = e.GATEWAY_ALLOW_ANONYMOUS ?? false;
  if (production && tokens.length === 0 && !allowAnonymous) {
    throw new ConfigError(
      'invalid configuration:\n  GATEWAY_TOKENS: required when NODE_ENV=production (or set GATEWAY_ALLOW_ANONYMOUS=true to run without client auth)',
    );
  }
  return {
    nodeEnv: e.NODE_ENV,
    auth: { tokens, allowAnonymous },
    limits: {
      depth: e.MAX_DEPTH,
      aliases: e.MAX_ALIASES,
      tokens: e.MAX_TOKENS,
      directives: e.MAX_DIRECTIVES,
      cost: e.MAX_COST,
      bodyBytes: e.MAX_BODY_BYTES,
    },
    introspection: e.GRAPHQL_INTROSPECTION ?? !production,
    graphiql: e.GRAPHIQL ?? !production,
    fastLane: e.GATEWAY_FAST_LANE,
    corsOrigins: parseCorsOrigins(e.CORS_ORIGINS),
    persistedOperations: persisted,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    readinessCacheMs: e.READINESS_CACHE_MS,
    upstream: {
      apiKey: e.LAAFFIC_API_KEY,
      apiSecret: e.LAAFFIC_API_SECRET,
      baseUrl: e.LAAFFIC_BASE_URL.replace(/\/+$/, ''),
      zone,
      lines: productLines,
      connectTimeoutMs: e.UPSTREAM_CONNECT_TIMEOUT_MS,
      headersTimeoutMs: e.UPSTREAM_HEADERS_TIMEOUT_MS,
      bodyTimeoutMs: e.UPSTREAM_BODY_TIMEOUT_MS,
      callDeadlineMs: e.UPSTREAM_CALL_DEADLINE_MS,
      retries: e.UPSTREAM_RETRIES,
      retryBaseMs: e.UPSTREAM_RETRY_BASE_MS,
      concurrency: e.UPSTREAM_CONCURRENCY,
      connections: e.UPSTREAM_CONNECTIONS,
      maxResponseBytes: e.UPSTREAM_MAX_RESPONSE_BYTES,
    },
    server: {
      port: e.PORT,
      host: e.HOST,
      requestDeadlineMs: e.REQUEST_DEADLINE_MS,
      maxConcurrentRequests: e.MAX_CONCURRENT_REQUESTS,
      maxConnections: e.MAX_CONNECTIONS,
      readTimeoutMs: e.REQUEST_READ_TIMEOUT_MS,
    },
    defaultWindowDays: e.DEFAULT_WINDOW_DAYS,
    maxWindowDays: e.LAAFFIC_MAX_WINDOW_DAYS,
    join: { lookbackHours: e.JOIN_LOOKBACK_HOURS, skewMinutes: e.JOIN_SKEW_MINUTES },
    log: { level: e.LOG_LEVEL, pretty: e.LOG_PRETTY ?? Boolean(process.stdout.isTTY) },
    live: {
      pollIntervalMs: e.LIVE_POLL_INTERVAL_MS,
      maxRecords: e.LIVE_MAX_RECORDS,
      replayEvents: e.LIVE_REPLAY_EVENTS,
      maxFailedPolls: e.LIVE_MAX_FAILED_POLLS,
      maxSubscriptions: e.LIVE_MAX_SUBSCRIPTIONS,
      maxSubscriptionsPerConnection: e.LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION,
      maxBuffered: e.LIVE_MAX_BUFFERED_EVENTS,
    },
    cluster: { redisUrl: e.REDIS_URL, keyPrefix: e.REDIS_KEY_PREFIX },
    useSimulator: !e.LAAFFIC_API_KEY,
    simulatorPort: e.SIMULATOR_PORT,
  };
}
