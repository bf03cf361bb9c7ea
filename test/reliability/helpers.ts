/**
 * Shared pieces of the reliability suites: raw timed GraphQL POSTs (the answer is kept even when
 * it is not JSON), the codes a client may legitimately see, a checker for well-formed answers,
 * and a wait for the upstream to fall quiet (no call still running in the background).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Stack } from '../helpers/stack';

/** The upstream failure codes the gateway documents (README, Errors). */
export const UPSTREAM_CODES = [
  'UPSTREAM_UNAUTHENTICATED',
  'UPSTREAM_FORBIDDEN_IP',
  'UPSTREAM_TIMESTAMP_EXPIRED',
  'UPSTREAM_UNAVAILABLE',
  'UPSTREAM_BAD_REQUEST',
  'UPSTREAM_ERROR',
  'UPSTREAM_TIMEOUT',
  'UPSTREAM_INVALID_RESPONSE',
] as const;

/** Codes an upstream fault may produce, plus the client's own input errors. */
export const FAULT_CODES: ReadonlySet<string> = new Set([...UPSTREAM_CODES, 'BAD_USER_INPUT']);

/**
 * Codes random client input may produce: the above, plus the limits checked before execution
 * (depth, aliases, tokens, directives with their own codes; QUERY_TOO_COSTLY is the cost limit),
 * documents the parser or validation refuses, and operations a request does not select.
 */
export const INPUT_CODES: ReadonlySet<string> = new Set([
  ...FAULT_CODES,
  'GRAPHQL_VALIDATION_FAILED',
  'GRAPHQL_PARSE_FAILED',
  'QUERY_TOO_COSTLY',
  'QUERY_TOO_DEEP',
  'TOO_MANY_ALIASES',
  'TOO_MANY_TOKENS',
  'TOO_MANY_DIRECTIVES',
  'OPERATION_RESOLUTION_FAILURE',
]);

export interface GraphQLErrorShape {
  message: string;
  path?: Array<string | number>;
  extensions?: Record<string, unknown>;
}

export interface Answer {
  status: number;
  /** Wall time from sending to the whole body read, ms. */
  ms: number;
  text: string;
  body?: { data?: unknown; errors?: GraphQLErrorShape[] };
}

/** POSTs one operation; never throws for an HTTP answer (a network failure or timeout does throw). */
export async function post(url: string, query: string, variables?: Record<string, unknown>, timeoutMs = 30_000): Promise<Answer> {
  const started = performance.now();
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  const ms = performance.now() - started;
  let body: Answer['body'];
  try {
    body = JSON.parse(text) as Answer['body'];
  } catch {
    body = undefined;
  }
  return { status: res.status, ms, text, body };
}

/** What is wrong with an answer (empty when it is data or errors with allowed codes, nothing leaked). */
export function problems(answer: Answer, allowed: ReadonlySet<string>): string[] {
  const out: string[] = [];
  const b = answer.body;
  if (!b || typeof b !== 'object') return [`HTTP ${answer.status}, body is not JSON: ${answer.text.slice(0, 200)}`];
  if (!('data' in b) && !b.errors) out.push(`HTTP ${answer.status}, neither data nor errors: ${answer.text.slice(0, 200)}`);
  for (const e of b.errors ?? []) {
    const code = e.extensions?.code;
    if (typeof code !== 'string' || !allowed.has(code)) out.push(`unexpected code ${String(code)}: ${e.message}`);
    if (code === 'INTERNAL_SERVER_ERROR') out.push(`INTERNAL_SERVER_ERROR: ${e.message}`);
    // A stack trace line ("    at fn (file:1:2)") or a JS error prefix ("TypeError: ") means internals
    // leaked; graphql-js's own "Syntax Error: …" for a bad document is fine.
    if (/(?<!Syntax )\b[A-Za-z]*Error: |\n\s+at\s/.test(e.message)) out.push(`internal detail in message: ${e.message.slice(0, 200)}`);
    if ('stacktrace' in (e.extensions ?? {}) || 'exception' in (e.extensions ?? {})) out.push(`stack in extensions: ${e.message}`);
  }
  return out;
}

export const errorCodes = (answer: Answer): string[] =>
  (answer.body?.errors ?? []).map((e) => String(e.extensions?.code ?? 'NONE'));

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

/** Runs `clients` loops concurrently, each calling `step(client, i)` `perClient` times. */
export async function concurrently<T>(clients: number, perClient: number, step: (client: number, i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let i = 0; i < perClient; i++) results.push(await step(c, i));
    }),
  );
  return results;
}

export const iso = (epochMs: number) => new Date(epochMs).toISOString();

export const TASKS_QUERY = /* GraphQL */ `
  query Tasks($first: Int, $from: DateTime, $to: DateTime) {
    groupCallTasks(first: $first, filter: { createdFrom: $from, createdTo: $to }) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { id taskId name status type createdAt numberCount calledCount } }
    }
  }
`;

export const JOIN_QUERY = /* GraphQL */ `
  query Join($first: Int, $from: DateTime!, $to: DateTime!) {
    recallFlows(first: $first, filter: { createdFrom: $from, createdTo: $to }) {
      totalCount
      edges { node { id keyId taskId createdAt parentTask { id taskId name status createdAt } } }
    }
  }
`;

/** The recall flows of the simulator's busy hour (their parents were all created in it). */
export function busyWindow(stack: Stack): { from: string; to: string } {
  const { start, end } = stack.sim.dataset.busyHour;
  return { from: iso(start), to: iso(end + 3_600_000) };
}
