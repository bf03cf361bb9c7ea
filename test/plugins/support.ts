/**
 * Shared by the production-feature suites: raw HTTP calls with the headers a test needs (the
 * stack's gql sends none), and the gateway as a child process (`node --import tsx src/main.ts`,
 * what `npm start` runs) whose JSON log lines are read for its URL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const PROJECT_DIR = fileURLToPath(new URL('../..', import.meta.url));

export interface HttpResult<T = any> {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body, or undefined when it is not JSON. */
  json: T;
}

async function toResult(res: Response): Promise<HttpResult> {
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** POSTs a GraphQL request body as JSON. */
export async function postGraphQL(
  url: string,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<HttpResult> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...headers },
    body: JSON.stringify(body),
  });
  return toResult(res);
}

export async function getUrl(url: string, headers: Record<string, string> = {}): Promise<HttpResult> {
  return toResult(await fetch(url, { headers }));
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
 * HOME and what `env` gives, so the test runner's NODE_ENV=test and any LAAFFIC_* of the shell
 * do not leak in.
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
