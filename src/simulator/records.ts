/**
 * The simulator's record types and their wire shape. A record keeps a few internal fields the
 * real upstream filters on but never returns (appId, voice file, TTS text, epoch ms); `toWire*`
 * strips them so a response carries exactly the upstream's fields, in the upstream's order.
 */
import { offsetMinutesAt, toLocal, type Zone } from '../time';

/** A half-open instant range: start <= t < end, epoch ms. */
export interface TimeRange {
  start: number;
  end: number;
}

/** A group call task (endpoint 1) plus the internal fields used by filters. */
export interface TaskRecord {
  taskId: number;
  taskName: string;
  status: number;
  rate: string;
  numCnt: number;
  callNum: number;
  success: number;
  fail: number;
  createdTime: string;
  scriptId?: number;
  taskType?: number;
  /** Internal: matched by `idxAppId`. */
  appId: number;
  /** Internal: searched by `searchCondition`. */
  voiceFileName: string;
  /** Internal: searched by `searchCondition`. */
  ttsText: string;
  /** Internal: createdTime as epoch ms (whole seconds). */
  createdMs: number;
}

/** A recall flow (endpoint 2) plus its creation instant. */
export interface FlowRecord {
  keyId: number;
  taskId: number;
  taskName: string;
  createTime: string;
  recallType: number;
  recallInterval: number;
  recallNum: number;
  finishNum: number;
  status: number;
  /** Internal: createTime as epoch ms (whole seconds). */
  createdMs: number;
}

export type WireTask = Omit<TaskRecord, 'appId' | 'voiceFileName' | 'ttsText' | 'createdMs'>;
export type WireFlow = Omit<FlowRecord, 'createdMs'>;

// Records never change after creation (mutations replace them), so the wire view and its JSON
// are cached: serializing a 100-record page from cached fragments is several times faster than
// JSON.stringify over the objects, and the simulator is the baseline of a throughput benchmark.
const taskWire = new WeakMap<TaskRecord, WireTask>();
const flowWire = new WeakMap<FlowRecord, WireFlow>();
const taskJsonCache = new WeakMap<TaskRecord, string>();
const flowJsonCache = new WeakMap<FlowRecord, string>();

export function toWireTask(t: TaskRecord): WireTask {
  let w = taskWire.get(t);
  if (!w) {
    w = {
      taskId: t.taskId,
      taskName: t.taskName,
      status: t.status,
      rate: t.rate,
      numCnt: t.numCnt,
      callNum: t.callNum,
      success: t.success,
      fail: t.fail,
      createdTime: t.createdTime,
    };
    if (t.scriptId !== undefined) w.scriptId = t.scriptId;
    if (t.taskType !== undefined) w.taskType = t.taskType;
    taskWire.set(t, w);
  }
  return w;
}

export function toWireFlow(f: FlowRecord): WireFlow {
  let w = flowWire.get(f);
  if (!w) {
    w = {
      keyId: f.keyId,
      taskId: f.taskId,
      taskName: f.taskName,
      createTime: f.createTime,
      recallType: f.recallType,
      recallInterval: f.recallInterval,
      recallNum: f.recallNum,
      finishNum: f.finishNum,
      status: f.status,
    };
    flowWire.set(f, w);
  }
  return w;
}

export function taskJson(t: TaskRecord): string {
  let j = taskJsonCache.get(t);
  if (j === undefined) taskJsonCache.set(t, (j = JSON.stringify(toWireTask(t))));
  return j;
}

export function flowJson(f: FlowRecord): string {
  let j = flowJsonCache.get(f);
  if (j === undefined) flowJsonCache.set(f, (j = JSON.stringify(toWireFlow(f))));
  return j;
}

/** The provider's zone label inside task names, e.g. `(UTC + 8)` or `(UTC - 5:30)`. */
function zoneLabel(epochMs: number, zone: Zone): string {
  const off = offsetMinutesAt(epochMs, zone);
  const abs = Math.abs(off);
  const mins = abs % 60;
  return `(UTC ${off < 0 ? '-' : '+'} ${Math.floor(abs / 60)}${mins ? `:${String(mins).padStart(2, '0')}` : ''})`;
}

/** A name in the provider's style: `春季促销回访-(UTC + 8)20250817192923`. */
export function stampedName(base: string, epochMs: number, zone: Zone): string {
  return `${base}-${zoneLabel(epochMs, zone)}${toLocal(epochMs, zone).replace(/[- :]/g, '')}`;
}

/** Call progress as the provider formats it: "0", "37.5", "100". */
export function formatRate(callNum: number, numCnt: number): string {
  if (numCnt <= 0 || callNum <= 0) return '0';
  return String(Math.round((callNum / numCnt) * 1000) / 10);
}

/** Both arrays are kept newest first: createdMs desc, then id desc. */
export function compareTasks(a: TaskRecord, b: TaskRecord): number {
  return b.createdMs - a.createdMs || b.taskId - a.taskId;
}

export function compareFlows(a: FlowRecord, b: FlowRecord): number {
  return b.createdMs - a.createdMs || b.keyId - a.keyId;
}
