/**
 * What a client should receive for a simulator record, computed from the simulator's data set
 * (stack.sim.dataset) independently of the gateway's code: the client tests compare every node
 * they get over HTTP with these.
 */
import type { Dataset, FlowRecord, TaskRecord } from '../../src/simulator';

const TASK_STATUS = ['WAITING_TO_SUBMIT', 'CALLING', 'FINISHED', 'SUBMISSION_FAILED', 'CANCELLED', 'PAUSED', 'SUBMITTING'];
const TASK_TYPE: Record<number, string> = { 1: 'IVR', 2: 'AI', 3: 'AI_AGENT' };
const FLOW_STATUS = ['PENDING', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED', 'EXECUTION_EXCEPTION'];
const RECALL_TYPE = ['ALL', 'FAILED_ONLY'];

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
  scriptId: number | null;
  createdAt: string;
}

export interface ExpectedFlow {
  keyId: number;
  taskId: number;
  taskName: string;
  createdAt: string;
  status: string;
  recallType: string;
  recallIntervalMinutes: number;
  recallAttempts: number;
  finishedAttempts: number;
}

/** `2024-06-04T14:49:36+08:00` for the stack's zone (the simulator's default `+08:00`). */
export function isoInZone(ms: number, zone: string): string {
  const m = /^([+-])(\d{2}):(\d{2})$/.exec(zone);
  if (!m) throw new Error(`the client tests expect an offset zone, got ${zone}`);
  const offsetMs = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60_000;
  return `${new Date(ms + offsetMs).toISOString().slice(0, 19)}${offsetMs === 0 ? 'Z' : zone}`;
}

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
    scriptId: t.scriptId ?? null,
    createdAt: isoInZone(t.createdMs, zone),
  };
}

export function expectedFlow(f: FlowRecord, zone: string): ExpectedFlow {
  return {
    keyId: f.keyId,
    taskId: f.taskId,
    taskName: f.taskName,
    createdAt: isoInZone(f.createdMs, zone),
    status: FLOW_STATUS[f.status] ?? 'UNKNOWN',
    recallType: RECALL_TYPE[f.recallType] ?? 'UNKNOWN',
    recallIntervalMinutes: f.recallInterval,
    recallAttempts: f.recallNum,
    finishedAttempts: f.finishNum,
  };
}

/** Picks the keys of `expected` from `actual`, so toEqual compares exactly those fields. */
export function pick<T extends object>(actual: object | null | undefined, expected: T): Partial<T> {
  const source = (actual ?? {}) as Record<string, unknown>;
  return Object.fromEntries(Object.keys(expected).map((k) => [k, source[k]])) as Partial<T>;
}

/** An explicit list window (inclusive, whole seconds) ending at the data set's end. */
export interface Window {
  from: number;
  to: number;
  createdFrom: string;
  createdTo: string;
}

export function lastDays(dataset: Dataset, days: number): Window {
  const to = dataset.now;
  const from = to - days * 86_400_000;
  return { from, to, createdFrom: new Date(from).toISOString(), createdTo: new Date(to).toISOString() };
}

export const inWindow = (w: Window) => (r: { createdMs: number }) => r.createdMs >= w.from && r.createdMs <= w.to;

/** The data set's tasks in the window, newest first (the gateway's and the upstream's order). */
export const tasksIn = (dataset: Dataset, w: Window): TaskRecord[] => dataset.tasks.filter(inWindow(w));
export const flowsIn = (dataset: Dataset, w: Window): FlowRecord[] => dataset.flows.filter(inWindow(w));

export function taskById(dataset: Dataset, taskId: number): TaskRecord {
  const t = dataset.tasks.find((x) => x.taskId === taskId);
  if (!t) throw new Error(`task ${taskId} is not in the simulator's data set`);
  return t;
}
