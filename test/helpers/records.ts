/**
 * Domain fixtures: what the gateway should answer for a simulator record (field by field, enums,
 * DateTime), and what the upstream layer should parse it into, computed from the simulator's data
 * set (stack.sim.dataset) independently of the gateway's code; windows over the data set; the connection shape; the operations several suites send.
 */
import type { Dataset, FlowRecord, TaskRecord } from '../../src/simulator';
import type { GroupCallTaskRecord, RecallFlowRecord } from '../../src/upstream/records';
import type { Stack } from './stack';

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

/**
 * The upstream local date-time as the API's DateTime: same wall time, with the account's offset
 * (`2024-06-04 14:49:36` at `+08:00` → `2024-06-04T14:49:36+08:00`). The suites run the simulator
 * in an offset zone; an IANA zone has no single offset to append.
 */
export function localToIso(local: string, offset: string): string {
  if (!/^[+-]\d{2}:\d{2}$/.test(offset)) throw new Error(`the suites expect an offset zone, got ${offset}`);
  return `${local.replace(' ', 'T')}${offset}`;
}

export interface ExpectedTask {
  taskId: number;
  name: string;
  status: string;
  type: string | null;
  rate: string;
  callProgress: number;
  numberCount: number;
  calledCount: number;
  successCount: number;
  failCount: number;
  createdAt: string;
  scriptId: number | null;
}

export interface ExpectedFlow {
  keyId: number;
  taskId: number;
  taskName: string;
  createdAt: string;
  recallType: string;
  recallIntervalMinutes: number;
  recallAttempts: number;
  finishedAttempts: number;
  status: string;
}

/** Every field of a GroupCallTask (but its opaque id and its recall flows) as the gateway must serve the record. */
export function expectedTask(t: TaskRecord, zone: string): ExpectedTask {
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
    createdAt: localToIso(t.createdTime, zone),
    scriptId: t.scriptId ?? null,
  };
}

/** Every field of a RecallFlow (but its opaque id and parentTask). */
export function expectedFlow(f: FlowRecord, zone: string): ExpectedFlow {
  return {
    keyId: f.keyId,
    taskId: f.taskId,
    taskName: f.taskName,
    createdAt: localToIso(f.createTime, zone),
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

/** Picks the keys of `expected` from `actual`, so toEqual compares exactly those fields. */
export function pick<T extends object>(actual: object | null | undefined, expected: T): Partial<T> {
  const source = (actual ?? {}) as Record<string, unknown>;
  return Object.fromEntries(Object.keys(expected).map((k) => [k, source[k]])) as Partial<T>;
}

/** A group-call task as the upstream layer must parse the simulator's record (src/upstream/records.ts). */
export function expectedUpstreamTask(t: TaskRecord): GroupCallTaskRecord {
  return {
    product: 'GROUP_CALL',
    taskId: t.taskId,
    taskName: t.taskName,
    status: t.status,
    rate: t.rate,
    numCnt: t.numCnt,
    callNum: t.callNum,
    success: t.success,
    fail: t.fail,
    createdTime: t.createdTime,
    createdAt: t.createdMs,
    scriptId: t.scriptId ?? null,
    taskType: t.taskType ?? null,
  };
}

/** A group-call recall flow as the upstream layer must parse the simulator's record. */
export function expectedUpstreamFlow(f: FlowRecord): RecallFlowRecord {
  return {
    product: 'GROUP_CALL',
    keyId: f.keyId,
    taskId: f.taskId,
    taskName: f.taskName,
    createTime: f.createTime,
    createdAt: f.createdMs,
    recallType: f.recallType,
    recallInterval: f.recallInterval,
    recallNum: f.recallNum,
    finishNum: f.finishNum,
    status: f.status,
  };
}

// ---------------------------------------------------------------------------------------------
// Windows over the data set

/** An inclusive window of epoch ms at whole seconds. */
export interface Window {
  from: number;
  to: number;
}

/** A window with its filter values (ISO instants in UTC). */
export interface DatedWindow extends Window {
  createdFrom: string;
  createdTo: string;
}

export const iso = (epochMs: number) => new Date(epochMs).toISOString();

/** The window spanning records[start .. start + count - 1] of a newest-first list. */
export function windowOver(records: ReadonlyArray<{ createdMs: number }>, start: number, count: number): Window {
  return { from: records[start + count - 1]!.createdMs, to: records[start]!.createdMs };
}

export const inWindow = (ms: number, w: Window) => ms >= w.from && ms <= w.to;

/** The filter's createdFrom/createdTo for a window (ISO instants in UTC). */
export const windowFilter = (w: Window) => ({ createdFrom: iso(w.from), createdTo: iso(w.to) });

/** An explicit list window (inclusive, whole seconds) ending at the data set's end. */
export function lastDays(dataset: Dataset, days: number): DatedWindow {
  const to = dataset.now;
  const from = to - days * 86_400_000;
  return { from, to, ...windowFilter({ from, to }) };
}

/** The data set's tasks in the window, newest first (the gateway's and the upstream's order). */
export const tasksIn = (dataset: Dataset, w: Window): TaskRecord[] => dataset.tasks.filter((r) => inWindow(r.createdMs, w));
export const flowsIn = (dataset: Dataset, w: Window): FlowRecord[] => dataset.flows.filter((r) => inWindow(r.createdMs, w));

export function taskById(dataset: Dataset, taskId: number): TaskRecord {
  const t = dataset.tasks.find((x) => x.taskId === taskId);
  if (!t) throw new Error(`task ${taskId} is not in the simulator's data set`);
  return t;
}

/** The recall flows of the simulator's busy hour (their parents were all created in it). */
export function busyWindow(stack: Stack): { from: string; to: string } {
  const { start, end } = stack.sim.dataset.busyHour;
  return { from: iso(start), to: iso(end + 3_600_000) };
}

// ---------------------------------------------------------------------------------------------
// Connections and operations

export type Edge<N> = { cursor: string; node: N };
export interface Conn<N> {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  edges: Array<Edge<N>>;
}

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
