/**
 * Environment → one validated, typed configuration object, read once at start.
 * A bad value throws ConfigError naming the variable; the secret is never echoed back.
 */
import { z } from 'zod';
import { parseZone, type Zone } from './upstream/local-time';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');
const path = z.string().regex(/^\/[\w\-./]*$/, 'must be a path starting with /');

/** Every environment variable the gateway reads, with its default. The README mirrors this table. */
const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LAAFFIC_API_KEY: z.string().min(1).optional(),
  LAAFFIC_API_SECRET: z.string().min(1).optional(),
  LAAFFIC_BASE_URL: z.url({ protocol: /^https?$/ }).default('https://api.laaffic.com'),
  LAAFFIC_TIMEZONE: z.string().default('+08:00'),
  LAAFFIC_TASKS_PATH: path.default('/v3/voice/group/call/query'),
  LAAFFIC_RECALL_FLOWS_PATH: path.default('/voice/recallFlow/queryPage'),
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
  DEFAULT_WINDOW_DAYS: int(1, 3660).default(30),
  JOIN_LOOKBACK_HOURS: int(1, 24 * 366).default(24),
  JOIN_SKEW_MINUTES: int(0, 24 * 60).default(5),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_PRETTY: bool.optional(),
  SIMULATOR_PORT: int(0, 65535).default(0),
});

export type Env = z.infer<typeof EnvSchema>;

export interface Config {
  nodeEnv: Env['NODE_ENV'];
  upstream: {
    apiKey: string | undefined;
    apiSecret: string | undefined;
    baseUrl: string;
    zone: Zone;
    tasksPath: string;
    recallFlowsPath: string;
    connectTimeoutMs: number;
    headersTimeoutMs: number;
    bodyTimeoutMs: number;
    callDeadlineMs: number;
    retries: number;
    retryBaseMs: number;
    concurrency: number;
    connections: number;
  };
  server: { port: number; host: string; requestDeadlineMs: number };
  defaultWindowDays: number;
  join: { lookbackHours: number; skewMinutes: number };
  log: { level: Env['LOG_LEVEL']; pretty: boolean };
  /** True when no upstream key is configured: main starts the embedded simulator. */
  useSimulator: boolean;
  simulatorPort: number;
}

/** Reads and validates the environment. Throws ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings mean "unset", as they do for most shells and compose files.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${String(i.path[0])}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  let zone: Zone;
  try {
    zone = parseZone(e.LAAFFIC_TIMEZONE);
  } catch {
    throw new ConfigError(`invalid configuration:\n  LAAFFIC_TIMEZONE: expected an offset like +08:00 or an IANA zone like Asia/Shanghai`);
  }
  if (e.LAAFFIC_API_KEY && !e.LAAFFIC_API_SECRET) {
    throw new ConfigError('invalid configuration:\n  LAAFFIC_API_SECRET: required when LAAFFIC_API_KEY is set');
  }
  return {
    nodeEnv: e.NODE_ENV,
    upstream: {
      apiKey: e.LAAFFIC_API_KEY,
      apiSecret: e.LAAFFIC_API_SECRET,
      baseUrl: e.LAAFFIC_BASE_URL.replace(/\/+$/, ''),
      zone,
      tasksPath: e.LAAFFIC_TASKS_PATH,
      recallFlowsPath: e.LAAFFIC_RECALL_FLOWS_PATH,
      connectTimeoutMs: e.UPSTREAM_CONNECT_TIMEOUT_MS,
      headersTimeoutMs: e.UPSTREAM_HEADERS_TIMEOUT_MS,
      bodyTimeoutMs: e.UPSTREAM_BODY_TIMEOUT_MS,
      callDeadlineMs: e.UPSTREAM_CALL_DEADLINE_MS,
      retries: e.UPSTREAM_RETRIES,
      retryBaseMs: e.UPSTREAM_RETRY_BASE_MS,
      concurrency: e.UPSTREAM_CONCURRENCY,
      connections: e.UPSTREAM_CONNECTIONS,
    },
    server: { port: e.PORT, host: e.HOST, requestDeadlineMs: e.REQUEST_DEADLINE_MS },
    defaultWindowDays: e.DEFAULT_WINDOW_DAYS,
    join: { lookbackHours: e.JOIN_LOOKBACK_HOURS, skewMinutes: e.JOIN_SKEW_MINUTES },
    log: { level: e.LOG_LEVEL, pretty: e.LOG_PRETTY ?? Boolean(process.stdout.isTTY) },
    useSimulator: !e.LAAFFIC_API_KEY,
    simulatorPort: e.SIMULATOR_PORT,
  };
}
