/**
 * Shared assertions on GraphQL answers: data and no errors (ok), the error codes of an answer, what
 * is wrong with an answer under random input or upstream faults (problems), pageInfo against the
 * edges, and page walks over real HTTP.
 */
import { expect } from 'vitest';
import type { GraphQLResponse, HttpResult } from './http';
import type { Conn } from './records';
import type { Stack } from './stack';

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
 * (GraphQL validation covers graphql-armor's depth/alias/token limits, QUERY_TOO_COSTLY is the
 * cost limit) and documents the parser refuses.
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

/** Asserts a response has data and no errors, and returns the data. */
export function ok<R extends GraphQLResponse<unknown> & { status: number }>(res: R): NonNullable<R['data']> {
  if (res.errors) expect(res.errors).toEqual(undefined);
  expect(res.status).toBe(200);
  expect(res.data).toBeTruthy();
  return res.data as NonNullable<R['data']>;
}

/** The error codes of a response body, in order. */
export const codes = (res: GraphQLResponse | undefined) => (res?.errors ?? []).map((e) => e.extensions?.code);

/** The error codes of an HTTP answer, in order, as strings ('NONE' for an error without one). */
export const errorCodes = (answer: HttpResult): string[] => codes(answer.json).map((code) => String(code ?? 'NONE'));

/** What is wrong with an answer (empty when it is data or errors with allowed codes, nothing leaked). */
export function problems(answer: HttpResult, allowed: ReadonlySet<string>): string[] {
  const out: string[] = [];
  const b = answer.json as GraphQLResponse | undefined;
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

/** Asserts pageInfo's cursors are the first and last edges' cursors. */
export function expectCursorsMatchEdges(c: Conn<unknown>) {
  expect(c.pageInfo.startCursor).toBe(c.edges[0]?.cursor ?? null);
  expect(c.pageInfo.endCursor).toBe(c.edges[c.edges.length - 1]?.cursor ?? null);
}

/**
 * Walks a list with first/after (or last/before) of `size` until its end, checking pageInfo on
 * every page and counting upstream calls per page. Returns the nodes in list order.
 */
export async function walk<N>(
  stack: Stack,
  field: 'groupCallTasks' | 'recallFlows',
  filterType: 'GroupCallTaskFilter' | 'RecallFlowFilter',
  selection: string,
  filter: Record<string, unknown>,
  direction: 'forward' | 'backward',
  size: number,
): Promise<{ nodes: N[]; pages: number; callsPerPage: number[]; totals: number[] }> {
  const query =
    direction === 'forward'
      ? `query($n: Int, $c: String, $f: ${filterType}) { ${field}(first: $n, after: $c, filter: $f) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { ${selection} } } } }`
      : `query($n: Int, $c: String, $f: ${filterType}) { ${field}(last: $n, before: $c, filter: $f) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { ${selection} } } } }`;
  const pages: N[][] = [];
  const callsPerPage: number[] = [];
  const totals: number[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 500; i++) {
    stack.resetCalls();
    const data: Record<string, Conn<N>> = ok(await stack.gql<Record<string, Conn<N>>>(query, { n: size, c: cursor, f: filter }));
    const calls = stack.calls();
    callsPerPage.push(calls.tasks + calls.flows);
    const c: Conn<N> = data[field]!;
    totals.push(c.totalCount);
    expectCursorsMatchEdges(c);
    const nodes = c.edges.map((e) => e.node);
    if (direction === 'forward') {
      pages.push(nodes);
      expect(c.pageInfo.hasPreviousPage).toBe(i > 0);
      if (!c.pageInfo.hasNextPage) break;
      expect(nodes).toHaveLength(size);
      cursor = c.pageInfo.endCursor;
    } else {
      pages.unshift(nodes);
      expect(c.pageInfo.hasNextPage).toBe(i > 0);
      if (!c.pageInfo.hasPreviousPage) break;
      expect(nodes).toHaveLength(size);
      cursor = c.pageInfo.startCursor;
    }
  }
  return { nodes: pages.flat(), pages: pages.length, callsPerPage, totals };
}
