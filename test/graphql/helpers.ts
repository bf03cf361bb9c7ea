/**
 * Shared helpers for the schema-layer integration suites: what the gateway should answer for a
 * simulator record (field by field, enums, DateTime), windows over the simulator's data set, and
 * page walks over real HTTP.
 */
import { expect } from 'vitest';
import type { FlowRecord, TaskRecord } from '../../src/simulator';
import type { GraphQLResponse, Stack } from '../helpers/stack';

export const TASK_STATUS: Record<number, string> = {
  0: 'WAITING_TO_SUBMIT',
  1: 'CALLING',
  2: 'FINISHED',
  3: 'SUBMISSION_FAILED',
  4: 'CANCELLED',
  5: 'PAUSED',
  6: 'SUBMITTING',
};
export const TASK_TYPE: Record<number, string> = { 1: 'IVR', 2: 'AI', 3: 'AI_AGENT' };
export const RECALL_TYPE: Record<number, string> = { 0: 'ALL', 1: 'FAILED_ONLY' };
export const FLOW_STATUS: Record<number, string> = {
  0: 'PENDING',
  1: 'IN_PROGRESS',
  2: 'COMPLETED',
  3: 'CANCELLED',
  4: 'EXECUTION_EXCEPTION',
};

export const TASK_FIELDS =
  'id taskId name status type rate callProgress numberCount calledCount successCount failCount createdAt scriptId';
export const FLOW_FIELDS =
  'id keyId taskId taskName createdAt recallType recallIntervalMinutes recallAttempts finishedAttempts status';

/** The upstream local date-time as the API's DateTime: same wall time, with the account's offset. */
export const localToIso = (local: string, offset: string) => `${local.replace(' ', 'T')}${offset}`;

/** Every field of a GroupCallTask (but its opaque id) as the gateway must serve the record. */
export function expectedTask(t: TaskRecord, offset: string) {
  return {
    taskId: t.taskId,
    name: t.taskName,
    status: TASK_STATUS[t.status] ?? 'UNKNOWN',
    type: t.taskType === undefined ? null : (TASK_TYPE[t.taskType] ?? 'UNKNOWN'),
    rate: t.rate,
    callProgress: t.numCnt > 0 ? t.callNum / t.numCnt : 0,
    numberCount: t.numCnt,
    calledCount: t.callNum,
    successCount: t.success,
    failCount: t.fail,
    createdAt: localToIso(t.createdTime, offset),
    scriptId: t.scriptId ?? null,
  };
}

/** Every field of a RecallFlow (but its opaque id and parentTask). */
export function expectedFlow(f: FlowRecord, offset: string) {
  return {
    keyId: f.keyId,
    taskId: f.taskId,
    taskName: f.taskName,
    createdAt: localToIso(f.createTime, offset),
    recallType: RECALL_TYPE[f.recallType] ?? 'UNKNOWN',
    recallIntervalMinutes: f.recallInterval,
    recallAttempts: f.recallNum,
    finishedAttempts: f.finishNum,
    status: FLOW_STATUS[f.status] ?? 'UNKNOWN',
  };
}

export const withoutId = <T extends { id?: unknown }>(node: T) => {
  const { id: _id, ...rest } = node;
  return rest;
};

/** An inclusive window of epoch ms at whole seconds. */
export interface Window {
  from: number;
  to: number;
}

/** The window spanning records[start .. start + count - 1] of a newest-first list. */
export function windowOver(records: ReadonlyArray<{ createdMs: number }>, start: number, count: number): Window {
  return { from: records[start + count - 1]!.createdMs, to: records[start]!.createdMs };
}

export const inWindow = (ms: number, w: Window) => ms >= w.from && ms <= w.to;

/** The filter's createdFrom/createdTo for a window (ISO instants in UTC). */
export const windowFilter = (w: Window) => ({ createdFrom: new Date(w.from).toISOString(), createdTo: new Date(w.to).toISOString() });

export type Edge<N> = { cursor: string; node: N };
export interface Conn<N> {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  edges: Array<Edge<N>>;
}

/** Asserts a response has data and no errors, and returns the data. */
export function ok<R extends GraphQLResponse<unknown> & { status: number }>(res: R): NonNullable<R['data']> {
  if (res.errors) expect(res.errors).toEqual(undefined);
  expect(res.status).toBe(200);
  expect(res.data).toBeTruthy();
  return res.data as NonNullable<R['data']>;
}

/** The error codes of a response, in order. */
export const codes = (res: GraphQLResponse) => (res.errors ?? []).map((e) => e.extensions?.code);

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
