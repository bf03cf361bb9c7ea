/**
 * The simulator's record types and their wire shape. A record keeps a few internal fields the
 * real upstream filters on but never returns (appId, voice file, TTS text, epoch ms, its product
 * line, a child task's flow and node, a flow's nodes); `toWire*` strips them so a response carries
 * exactly the upstream's fields, in the upstream's order.
 */
import { offsetMinutesAt, toLocal, type Zone } from '../time';

/** A half-open instant range: start <= t < end, epoch ms. */
export interface TimeRange {
  start: number;
  end: number;
}

/**
 * The provider's two product lines: `groupCall` (IVR taskType 1 and AI taskType 2, the `/v3/...`
 * endpoints) and `aiAgent` (AI Agent group calls, taskType 3, the un-prefixed endpoints).
 */
export type Line = 'groupCall' | 'aiAgent';
export const LINES: readonly Line[] = ['groupCall', 'aiAgent'];

/** A group call task (endpoint 1, or the AI Agent task list) plus the internal fields used by filters. */
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
  /** Internal: the product line whose list holds the task. */
  line: Line;
  /** Internal, child tasks only: the recall flow (keyId) whose node this task runs. */
  flowKeyId?: number;
  /** Internal, child tasks only: the node's number k (1 = the first redial). */
  node?: number;
}

/** A recall flow (endpoint 2, either line) plus its creation instant and its nodes. */
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
  /** Internal: the product line whose lists hold the flow. */
  line: Line;
  /** Internal: the node keyIds, one per planned redial (index k-1 for node k); at least recallNum long. */
  nodeKeyIds: number[];
  /** Internal: the child task ids of the started nodes, in node order (node k at index k-1). */
  nodeTaskIds: number[];
  /** Internal: the settings every node of the flow repeats (voice settings, or the AI Agent scriptId). */
  nodeSettings: Record<string, unknown>;
}

/** A task as the upstream sends it. */
export interface WireTask {
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
}

/** A recall flow as the upstream sends it. */
export interface WireFlow {
  keyId: number;
  taskId: number;
  taskName: string;
  createTime: string;
  recallType: number;
  recallInterval: number;
  recallNum: number;
  finishNum: number;
  status: number;
}

/** One node of a recall flow's detail; `taskId` is absent while the node has not started. */
export interface WireNode {
  keyId: number;
  taskId?: number;
  nodeStatus: number;
  [setting: string]: unknown;
}

/** The `data` of a recall-flow detail (`queryDetail`). */
export interface WireFlowDetail {
  keyId: number;
  recallInterval: number;
  recallNum: number;
  recallType: number;
  status: number;
  nodeList: WireNode[];
}

// Records never change after creation (mutations, the live mode included, replace them), so the
// wire view and its JSON are cached: serializing a 100-record page from cached fragments is
// several times faster than JSON.stringify over the objects, and the simulator is the baseline
// of a throughput benchmark.
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

/** Flow statuses after which the node that would come next is still listed (without a taskId). */
const LISTS_NEXT_NODE = new Set([0, 1, 3, 4]);

/**
 * A flow's detail, by the simulator's node rule (see README, "Recall flow detail"), node 1 first:
 * - every started node, with its child task's id: nodeStatus 2 for k <= finishNum; a node started
 *   after those is running: 1 (or the flow's status, 3 or 4, when the flow was cancelled or
 *   failed meanwhile);
 * - when no node is running and not all have started, the next node, without a taskId, while the
 *   flow is pending or in progress (nodeStatus 0), cancelled (3) or failed (4);
 * - the later nodes are omitted.
 */
export function toWireDetail(f: FlowRecord): WireFlowDetail {
  const nodeList: WireNode[] = [];
  const started = f.nodeTaskIds.length;
  for (let i = 0; i < started; i++) {
    const k = i + 1;
    const nodeStatus = k <= f.finishNum ? 2 : f.status === 3 || f.status === 4 ? f.status : 1;
    nodeList.push({ keyId: f.nodeKeyIds[i]!, taskId: f.nodeTaskIds[i]!, nodeStatus, ...f.nodeSettings });
  }
  if (started <= f.finishNum && started < f.recallNum && LISTS_NEXT_NODE.has(f.status)) {
    nodeList.push({ keyId: f.nodeKeyIds[started]!, nodeStatus: f.status === 3 || f.status === 4 ? f.status : 0, ...f.nodeSettings });
  }
  return {
    keyId: f.keyId,
    recallInterval: f.recallInterval,
    recallNum: f.recallNum,
    recallType: f.recallType,
    status: f.status,
    nodeList,
  };
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

/** The simulator's name for the child task that runs node k of a flow on `parentName`. */
export function childTaskName(parentName: string, k: number): string {
  return `${parentName}-recall${k}`;
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
