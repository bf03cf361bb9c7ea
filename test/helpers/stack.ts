/**
 * Starting a stack, the one way the suites do it: the embedded simulator and the gateway on
 * ephemeral loopback ports, talking real HTTP, with the gateway's log lines captured (tests assert
 * on them, e.g. that no secret leaks). In process (`startStack`), or the real entry point as a
 * child process (`spawnGateway`: `node --import tsx src/main.ts`, what `npm start` runs) whose
 * JSON log lines are read for its URL. And the gateway's yoga alone, without network (`offlineYoga`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { loadConfig, type Config } from '../../src/config';
import { createLogger, type Logger } from '../../src/logger';
import { createContextFactory } from '../../src/server/context';
import { startGateway, type Gateway } from '../../src/server/gateway';
import { createGatewayYoga, type GatewayYoga, type YogaOptions } from '../../src/server/yoga';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator';
import { postGraphQL, type GraphQLResponse, type HeaderValues, type HttpResult, type RequestOptions } from './http';

export const PROJECT_DIR = fileURLToPath(new URL('../..', import.meta.url));

// ---------------------------------------------------------------------------------------------
// Log capture

export interface LogCapture {
  log: Logger;
  /** Every log line written, raw. */
  lines: string[];
  /** The lines parsed (parseLines). */
  parsed(): Array<Record<string, any>>;
}

/** A JSON logger writing into memory, for code under test that takes a logger. */
export function captureLog(opts: { level?: Config['log']['level']; secrets?: string[] } = {}): LogCapture {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const log = createLogger({ level: opts.level ?? 'info', pretty: false, destination, secrets: opts.secrets });
  return { log, lines, parsed: () => parseLines(lines) };
}

/** Parses the JSON log lines of a stack (`stack.logs`) or a child, skipping anything else. */
export function parseLines(lines: string[]): Array<Record<string, any>> {
  const out: Array<Record<string, any>> = [];
  for (const line of lines) {
    try {
      const v = JSON.parse(line);
      if (v && typeof v === 'object') out.push(v);
    } catch {
      // not a JSON line
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// In process

export interface Stack {
  sim: Simulator;
  gateway: Gateway;
  config: Config;
  /** The GraphQL endpoint, `${gateway.url}/graphql`. */
  url: string;
  /** Every log line the gateway wrote, raw. */
  logs: string[];
  /** POSTs a GraphQL operation; returns the HTTP status and the parsed body. */
  gql<T = any>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T> & { status: number }>;
  /** POSTs a GraphQL request body to the endpoint (postGraphQL). */
  post(body: object | string, headers?: HeaderValues, opts?: RequestOptions): Promise<HttpResult>;
  /** Resets the simulator's call counters. */
  resetCalls(): void;
  /** Calls the simulator served per endpoint since the last reset. */
  calls(): { tasks: number; flows: number };
  /** Closes the gateway, and the simulator unless it was given (`simulator`). */
  close(): Promise<void>;
}

export interface StackOptions {
  /** Options of the stack's own simulator. */
  sim?: SimulatorOptions;
  /** An already running simulator to use instead (several gateways on one upstream); close() leaves it running. */
  simulator?: Simulator;
  /** Extra environment for the gateway's config (strings, as from the shell). */
  env?: Record<string, string>;
}

/**
 * The gateway's environment in a stack: loopback, an ephemeral port, JSON logs, short retry
 * waits, the simulator's zone, and one product line unless a suite asks for more (the
 * single-line suites pin today's call counts).
 */
export function stackEnv(sim: Simulator): Record<string, string> {
  return {
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    LOG_PRETTY: 'false',
    UPSTREAM_RETRY_BASE_MS: '5',
    LAAFFIC_TIMEZONE: sim.timezone,
    LAAFFIC_PRODUCTS: 'GROUP_CALL',
  };
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  if (opts.sim && opts.simulator) throw new Error('startStack: give simulator options or a simulator, not both');
  const sim = opts.simulator ?? (await startSimulator(opts.sim));
  const ownsSim = opts.simulator === undefined;
  try {
    const config = loadConfig({ ...stackEnv(sim), ...opts.env });
    const capture = captureLog({ level: config.log.level, secrets: [sim.apiSecret] });
    const gateway = await startGateway(config, { baseUrl: sim.url, apiKey: sim.apiKey, apiSecret: sim.apiSecret }, capture.log);
    const url = `${gateway.url}/graphql`;
    return {
      sim,
      gateway,
      config,
      url,
      logs: capture.lines,
      async gql(query, variables) {
        const res = await postGraphQL(url, { query, variables });
        return { status: res.status, ...(res.json as GraphQLResponse) };
      },
      post: (body, headers, requestOpts) => postGraphQL(url, body, headers, requestOpts),
      resetCalls: () => sim.resetCounters(),
      calls: () => ({ tasks: sim.counters.groupCallTasks, flows: sim.counters.recallFlows }),
      async close() {
        await gateway.close();
        if (ownsSim) await sim.close();
      },
    };
  } catch (err) {
    if (ownsSim) await sim.close();
    throw err;
  }
}

/**
 * The gateway's yoga (createGatewayYoga) with the default configuration, no upstream and no network:
 * driven through `yoga.fetch`, with operations that never call the upstream.
 */
export function offlineYoga(options: Partial<YogaOptions> = {}): GatewayYoga {
  const config = loadConfig({});
  const log = createLogger({ level: 'silent', pretty: false });
  const createContext = createContextFactory({
    lines: new Map(),
    settings: { zone: config.upstream.zone, defaultWindowDays: config.defaultWindowDays, join: config.join, requestDeadlineMs: 5_000 },
    log,
  });
  return createGatewayYoga({ createContext, log, options });
}

/**
 * Waits until the simulator has received no request for `quietMs` (calls the gateway still runs
 * in the background, e.g. retries after a request's deadline, have ended), at most `maxMs`.
 */
export async function waitQuiet(stack: Stack, quietMs = 300, maxMs = 10_000): Promise<void> {
  const total = () => stack.sim.counters.groupCallTasks + stack.sim.counters.recallFlows;
  const deadline = Date.now() + maxMs;
  let last = total();
  let stillSince = Date.now();
  while (Date.now() < deadline) {
    await sleep(50);
    const now = total();
    if (now !== last) {
      last = now;
      stillSince = Date.now();
    } else if (Date.now() - stillSince >= quietMs) {
      return;
    }
  }
  throw new Error(`the upstream did not fall quiet within ${maxMs} ms`);
}

// ---------------------------------------------------------------------------------------------
// Child process

/** The environment that points a spawned gateway at `sim` (credentials, zone, loopback, ephemeral port). */
export function upstreamEnv(sim: Simulator): Record<string, string> {
  return {
    LAAFFIC_BASE_URL: sim.url,
    LAAFFIC_API_KEY: sim.apiKey,
    LAAFFIC_API_SECRET: sim.apiSecret,
    LAAFFIC_TIMEZONE: sim.timezone,
    PORT: '0',
    HOST: '127.0.0.1',
  };
}

export interface GatewayProcess {
  child: ChildProcess;
  /** Every stdout line so far. */
  stdout: string[];
  /** Everything written to stderr so far. */
  stderr(): string;
  /** Resolves with the exit code (or the signal's name) when the process ends. */
  exited: Promise<number | string>;
  /** The gateway's base URL (no /graphql), read from its 'gateway ready' log line. */
  ready(timeoutMs?: number): Promise<string>;
  /** SIGTERM, then SIGKILL if it has not ended within `graceMs`. Safe to call twice. */
  stop(graceMs?: number): Promise<number | string>;
}

/**
 * Spawns `node --import tsx src/main.ts` in the project with a clean environment: only PATH,
 * HOME, LOG_PRETTY=false and what `env` gives (nothing else: not the stack's defaults), so the
 * test runner's NODE_ENV=test and any LAAFFIC_* of the shell do not leak in.
 */
export function spawnGateway(env: Record<string, string>): GatewayProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: PROJECT_DIR,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', LOG_PRETTY: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  let stderr = '';
  let partial = '';
  const waiters = new Set<() => void>();
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    partial += chunk;
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    stdout.push(...lines.filter(Boolean));
    for (const w of waiters) w();
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      resolve(code ?? signal ?? -1);
      for (const w of waiters) w();
    });
  });
  let exitValue: number | string | undefined;
  void exited.then((v) => (exitValue = v));

  const ready = (timeoutMs = 15_000) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        for (const line of parseLines(stdout)) {
          if (typeof line.msg === 'string' && line.msg.startsWith('gateway ready') && typeof line.url === 'string') {
            cleanup();
            resolve(line.url.replace(/\/graphql$/, ''));
            return;
          }
        }
        if (exitValue !== undefined || child.exitCode !== null) {
          cleanup();
          reject(new Error(`gateway exited (${String(exitValue ?? child.exitCode)}) before it was ready:\n${stderr}\n${stdout.join('\n')}`));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`gateway not ready within ${timeoutMs} ms:\n${stderr}\n${stdout.join('\n')}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });

  const stop = async (graceMs = 5_000) => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const v = await exited;
      clearTimeout(timer);
      return v;
    }
    return exited;
  };

  return { child, stdout, stderr: () => stderr, exited, ready, stop };
}
