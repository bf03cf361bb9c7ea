/**
 * The simulator's in-memory tables and their queries, one `LineStore` per product line, sharing
 * one id allocator (task ids, flow keyIds and node keyIds are each one sequence across the lines).
 * The listed arrays stay sorted newest first, so a time window is two binary searches and an
 * unfiltered page is a slice (no per-request O(n) work). Filtered queries scan only the window,
 * and their matches are cached per filter until the line's data changes, because clients page
 * through the same filter (and the join planner repeats searches).
 *
 * Records are never mutated in place once stored (the wire caches in records.ts key on the
 * object): a change replaces the record, at the same position since createdMs never changes.
 */
import { toLocal, type Zone } from '../time';
import { makeChildTask, nodeSettingsFor } from './data';
import type { Dataset, LineData } from './data';
import { mixSeed, mulberry32 } from './prng';
import {
  compareFlows,
  compareTasks,
  formatRate,
  LINES,
  stampedName,
  toWireDetail,
  type FlowRecord,
  type Line,
  type TaskRecord,
  type WireFlowDetail,
} from './records';

export interface TaskFilter {
  /** Inclusive bounds, epoch ms at whole seconds. */
  startMs: number;
  endMs: number;
  /** Empty or absent = every status. */
  statusList?: number[];
  appId?: number;
  search?: string;
}

export interface FlowFilter {
  startMs: number;
  endMs: number;
  /** Fuzzy on the parent task name, or exactly the parent task id. */
  taskName?: string;
}

/** A query result: its size, and any slice of it (already newest first). */
export interface Selection<T> {
  total: number;
  page(offset: number, limit: number): T[];
}

type InternalTaskField = 'taskId' | 'createdTime' | 'line' | 'flowKeyId' | 'node';
type InternalFlowField = 'keyId' | 'createTime' | 'taskId' | 'line' | 'nodeKeyIds' | 'nodeTaskIds' | 'nodeSettings';

/**
 * Fields a caller may set on `addTask`; the id and local time are always derived. `line`
 * defaults to `groupCall`; `taskType` to 1 (group call) or 3 (AI Agent).
 */
export type TaskInput = Partial<Omit<TaskRecord, InternalTaskField>> & { line?: Line };
/**
 * Fields a caller may set on `addFlow`; the parent id is required, the rest defaults. `line`
 * defaults to the parent's line (group call when the parent is unknown).
 */
export type FlowInput = Partial<Omit<FlowRecord, InternalFlowField>> & { taskId: number; line?: Line };

/** What a task patch may change (`null` removes an optional field). */
export interface TaskPatch {
  taskName?: string;
  status?: number;
  rate?: string;
  numCnt?: number;
  callNum?: number;
  success?: number;
  fail?: number;
  scriptId?: number | null;
  taskType?: number | null;
  appId?: number;
  voiceFileName?: string;
  ttsText?: string;
}

/** What a flow patch may change. */
export interface FlowPatch {
  taskName?: string;
  recallType?: number;
  recallInterval?: number;
  recallNum?: number;
  finishNum?: number;
  status?: number;
}

/** A record change the caller asked for that cannot be made (HTTP 400 / 404 at the control). */
export class RecordError extends Error {
  constructor(
    message: string,
    readonly notFound = false,
  ) {
    super(message);
  }
}

const CACHE_LIMIT = 256;

/** First index where `pred` holds; `pred` must be false…false true…true over the array. */
function firstIndex<T>(arr: readonly T[], pred: (x: T) => boolean): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (pred(arr[mid]!)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function windowOf<T extends { createdMs: number }>(arr: readonly T[], startMs: number, endMs: number): [number, number] {
  const from = firstIndex(arr, (x) => x.createdMs <= endMs);
  const to = firstIndex(arr, (x) => x.createdMs < startMs);
  return [from, Math.max(from, to)];
}

function rangeSelection<T>(arr: readonly T[], from: number, to: number): Selection<T> {
  return {
    total: to - from,
    page: (offset, limit) => arr.slice(Math.min(to, from + offset), Math.min(to, from + offset + limit)),
  };
}

function listSelection<T>(list: readonly T[]): Selection<T> {
  return { total: list.length, page: (offset, limit) => list.slice(offset, offset + limit) };
}

/** Inserts into a newest-first array at its place. */
function insertSorted<T>(arr: T[], item: T, compare: (a: T, b: T) => number): void {
  arr.splice(firstIndex(arr, (x) => compare(x, item) > 0), 0, item);
}

/** Replaces `old` by `next` (same createdMs and id) in a newest-first array; false when absent. */
function replaceSorted<T>(arr: T[], old: T, next: T, compare: (a: T, b: T) => number): boolean {
  let i = firstIndex(arr, (x) => compare(x, old) >= 0);
  if (arr[i] !== old) i = arr.indexOf(old);
  if (i < 0) return false;
  arr[i] = next;
  return true;
}

function removeFrom<T>(arr: T[], item: T): void {
  const i = arr.indexOf(item);
  if (i >= 0) arr.splice(i, 1);
}

const haystacks = new WeakMap<TaskRecord, string>();
function haystack(t: TaskRecord): string {
  let h = haystacks.get(t);
  if (h === undefined) {
    // NUL keeps a search from matching across two fields.
    h = `${t.taskName}\u0000${t.voiceFileName}\u0000${t.ttsText}`.toLowerCase();
    haystacks.set(t, h);
  }
  return h;
}

/** One product line's tables: the listed tasks, every task by id (unlisted child tasks too), flows. */
export class LineStore {
  private readonly cache = new Map<string, readonly unknown[]>();
  private readonly taskById = new Map<number, TaskRecord>();
  private readonly flowById = new Map<number, FlowRecord>();

  constructor(readonly data: LineData) {
    for (const t of data.tasks) this.taskById.set(t.taskId, t);
    for (const t of data.childTasks) this.taskById.set(t.taskId, t);
    for (const f of data.flows) this.flowById.set(f.keyId, f);
  }

  get line(): Line {
    return this.data.line;
  }

  /** Every task of the line by id, listed or not. */
  task(taskId: number): TaskRecord | undefined {
    return this.taskById.get(taskId);
  }

  flow(keyId: number): FlowRecord | undefined {
    return this.flowById.get(keyId);
  }

  /** Every task of the line, listed or not (ids ascending order not guaranteed). */
  allTasks(): IterableIterator<TaskRecord> {
    return this.taskById.values();
  }

  isListed(t: TaskRecord): boolean {
    return t.flowKeyId === undefined || this.data.childrenListed;
  }

  selectTasks(f: TaskFilter): Selection<TaskRecord> {
    const tasks = this.data.tasks;
    const [from, to] = windowOf(tasks, f.startMs, f.endMs);
    const statuses = f.statusList && f.statusList.length > 0 ? new Set(f.statusList) : undefined;
    const search = f.search ? f.search.toLowerCase() : undefined;
    if (!statuses && f.appId === undefined && !search) return rangeSelection(tasks, from, to);
    const key = `t|${from}|${to}|${statuses ? [...statuses].sort().join(',') : ''}|${f.appId ?? ''}|${search ?? ''}`;
    return listSelection(
      this.cached(key, () => {
        const out: TaskRecord[] = [];
        for (let i = from; i < to; i++) {
          const t = tasks[i]!;
          if (statuses && !statuses.has(t.status)) continue;
          if (f.appId !== undefined && t.appId !== f.appId) continue;
          if (search && !haystack(t).includes(search)) continue;
          out.push(t);
        }
        return out;
      }),
    );
  }

  selectFlows(f: FlowFilter): Selection<FlowRecord> {
    const flows = this.data.flows;
    const [from, to] = windowOf(flows, f.startMs, f.endMs);
    if (!f.taskName) return rangeSelection(flows, from, to);
    const needle = f.taskName.toLowerCase();
    const exactId = f.taskName;
    return listSelection(
      this.cached(`f|${from}|${to}|${needle}|${exactId}`, () => {
        const out: FlowRecord[] = [];
        for (let i = from; i < to; i++) {
          const fl = flows[i]!;
          if (fl.taskName.toLowerCase().includes(needle) || String(fl.taskId) === exactId) out.push(fl);
        }
        return out;
      }),
    );
  }

  /** The listed tasks created in [startMs, endMs] (inclusive), newest first. */
  tasksBetween(startMs: number, endMs: number): TaskRecord[] {
    const [from, to] = windowOf(this.data.tasks, startMs, endMs);
    return this.data.tasks.slice(from, to);
  }

  insertTask(t: TaskRecord): void {
    this.taskById.set(t.taskId, t);
    if (t.flowKeyId !== undefined) insertSorted(this.data.childTasks, t, compareTasks);
    if (this.isListed(t)) insertSorted(this.data.tasks, t, compareTasks);
    this.cache.clear();
  }

  replaceTask(next: TaskRecord): void {
    const old = this.taskById.get(next.taskId);
    if (!old) throw new RecordError(`no task ${next.taskId} in the ${this.line} line`, true);
    this.taskById.set(next.taskId, next);
    if (old.flowKeyId !== undefined) replaceSorted(this.data.childTasks, old, next, compareTasks);
    if (this.isListed(old)) replaceSorted(this.data.tasks, old, next, compareTasks);
    this.cache.clear();
  }

  removeTask(taskId: number): boolean {
    const t = this.taskById.get(taskId);
    if (!t) return false;
    this.taskById.delete(taskId);
    removeFrom(this.data.tasks, t);
    removeFrom(this.data.childTasks, t);
    this.cache.clear();
    return true;
  }

  insertFlow(f: FlowRecord): void {
    this.flowById.set(f.keyId, f);
    insertSorted(this.data.flows, f, compareFlows);
    this.cache.clear();
  }

  replaceFlow(next: FlowRecord): void {
    const old = this.flowById.get(next.keyId);
    if (!old) throw new RecordError(`no recall flow ${next.keyId} in the ${this.line} line`, true);
    this.flowById.set(next.keyId, next);
    replaceSorted(this.data.flows, old, next, compareFlows);
    this.cache.clear();
  }

  detail(keyId: number): WireFlowDetail | undefined {
    const f = this.flowById.get(keyId);
    return f && toWireDetail(f);
  }

  private cached<T>(key: string, compute: () => T[]): readonly T[] {
    const hit = this.cache.get(key);
    if (hit) {
      // Re-insert so the Map's insertion order doubles as LRU order.
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit as readonly T[];
    }
    const value = compute();
    this.cache.set(key, value);
    if (this.cache.size > CACHE_LIMIT) {
      const oldest = this.cache.keys().next();
      if (!oldest.done) this.cache.delete(oldest.value);
    }
    return value;
  }
}

/** Both lines plus the shared id sequences and the record changes that span tables. */
export class Store {
  readonly lines: Record<Line, LineStore>;
  private maxTaskId = 0;
  private maxKeyId = 0;
  private maxNodeId = 0;
  /** Draws for what a change creates (child tasks' counts), keyed by the new id: order-independent. */
  private readonly seed: number;

  constructor(readonly dataset: Dataset) {
    this.seed = dataset.seed;
    this.lines = { groupCall: new LineStore(dataset.lines.groupCall), aiAgent: new LineStore(dataset.lines.aiAgent) };
    for (const line of LINES) {
      for (const t of this.lines[line].allTasks()) this.maxTaskId = Math.max(this.maxTaskId, t.taskId);
      for (const f of dataset.lines[line].flows) {
        this.maxKeyId = Math.max(this.maxKeyId, f.keyId);
        for (const n of f.nodeKeyIds) this.maxNodeId = Math.max(this.maxNodeId, n);
      }
    }
  }

  get zone(): Zone {
    return this.dataset.zone;
  }

  /** The line that holds `taskId`, if any. */
  lineOfTask(taskId: number): Line | undefined {
    return LINES.find((l) => this.lines[l].task(taskId) !== undefined);
  }

  /** Stores a new task (its taskId is assigned: one above every other id). */
  insertNewTask(line: Line, draft: TaskRecord): TaskRecord {
    const task = { ...draft, taskId: ++this.maxTaskId, line };
    this.lines[line].insertTask(task);
    return task;
  }

  /** Adds a task with an id above every other; created at `now` unless `createdMs` is given. */
  addTask(input: TaskInput, now: number): TaskRecord {
    const line = input.line ?? 'groupCall';
    const zone = this.zone;
    const createdMs = Math.floor((input.createdMs ?? now) / 1000) * 1000;
    const numCnt = input.numCnt ?? 100;
    const callNum = input.callNum ?? 0;
    const task: TaskRecord = {
      taskId: 0,
      taskName: input.taskName ?? stampedName(line === 'aiAgent' ? 'AI_AGENT_TASK' : 'DEFAULT_TASK_NAME', createdMs, zone),
      status: input.status ?? 0,
      rate: input.rate ?? formatRate(callNum, numCnt),
      numCnt,
      callNum,
      success: input.success ?? 0,
      fail: input.fail ?? 0,
      createdTime: toLocal(createdMs, zone),
      appId: input.appId ?? 101,
      voiceFileName: input.voiceFileName ?? '',
      ttsText: input.ttsText ?? '',
      createdMs,
      line,
    };
    // An explicit `scriptId: undefined` / `taskType: undefined` means "absent", like upstream.
    const scriptId = 'scriptId' in input ? input.scriptId : line === 'aiAgent' ? 3001 : undefined;
    const taskType = 'taskType' in input ? input.taskType : line === 'aiAgent' ? 3 : 1;
    if (scriptId !== undefined) task.scriptId = scriptId;
    if (taskType !== undefined) task.taskType = taskType;
    return this.insertNewTask(line, task);
  }

  /** Removes a task from whichever line holds it (its flows stay, as orphans: a join miss). */
  removeTask(taskId: number): boolean {
    return LINES.some((l) => this.lines[l].removeTask(taskId));
  }

  /**
   * Adds a recall flow for `taskId` (the parent may be missing); created at `now` by default.
   * Nodes up to `finishNum` get finished child tasks, created at `now`.
   */
  addFlow(input: FlowInput, now: number): FlowRecord {
    const line = input.line ?? this.lineOfTask(input.taskId) ?? 'groupCall';
    const zone = this.zone;
    const createdMs = Math.floor((input.createdMs ?? now) / 1000) * 1000;
    const parent = this.lines[line].task(input.taskId);
    const recallNum = input.recallNum ?? 3;
    const finishNum = input.finishNum ?? 0;
    if (finishNum > recallNum) throw new RecordError(`finishNum ${finishNum} is above recallNum ${recallNum}`);
    const flow: FlowRecord = {
      keyId: ++this.maxKeyId,
      taskId: input.taskId,
      taskName: input.taskName ?? parent?.taskName ?? 'DEFAULT_TASK_NAME',
      createTime: toLocal(createdMs, zone),
      recallType: input.recallType ?? 1,
      recallInterval: input.recallInterval ?? 10,
      recallNum,
      finishNum,
      status: input.status ?? 0,
      createdMs,
      line,
      nodeKeyIds: this.nodeIds(recallNum),
      nodeTaskIds: [],
      nodeSettings: nodeSettingsFor(line, parent),
    };
    const withNodes = this.startNodes(flow, finishNum, now, 2);
    this.lines[line].insertFlow(withNodes);
    return withNodes;
  }

  /** Changes fields of a task at once; answers the new record. */
  patchTask(line: Line, taskId: number, patch: TaskPatch): TaskRecord {
    const old = this.lines[line].task(taskId);
    if (!old) throw new RecordError(`no task ${taskId} in the ${line} line`, true);
    const next: TaskRecord = { ...old };
    for (const [key, value] of Object.entries(patch) as Array<[keyof TaskPatch, unknown]>) {
      if (value === undefined) continue;
      if (value === null) delete (next as unknown as Record<string, unknown>)[key];
      else (next as unknown as Record<string, unknown>)[key] = value;
    }
    if (patch.rate === undefined && (patch.callNum !== undefined || patch.numCnt !== undefined)) {
      next.rate = formatRate(next.callNum, next.numCnt);
    }
    this.lines[line].replaceTask(next);
    return next;
  }

  /**
   * Changes fields of a flow at once; answers the new record. The nodes follow: a finishNum above
   * the started nodes starts the missing ones (finished child tasks created at `now`); recallNum
   * may not drop below the started nodes.
   */
  patchFlow(line: Line, keyId: number, patch: FlowPatch, now: number): FlowRecord {
    const old = this.lines[line].flow(keyId);
    if (!old) throw new RecordError(`no recall flow ${keyId} in the ${line} line`, true);
    const next: FlowRecord = { ...old, ...definedOnly(patch) };
    if (next.recallNum < old.nodeTaskIds.length) {
      throw new RecordError(`recallNum ${next.recallNum} is below the ${old.nodeTaskIds.length} nodes already started`);
    }
    if (next.finishNum > next.recallNum) throw new RecordError(`finishNum ${next.finishNum} is above recallNum ${next.recallNum}`);
    if (next.nodeKeyIds.length < next.recallNum) {
      next.nodeKeyIds = [...next.nodeKeyIds, ...this.nodeIds(next.recallNum - next.nodeKeyIds.length)];
    }
    const withNodes = this.startNodes(next, next.finishNum, now, 2);
    this.lines[line].replaceFlow(withNodes);
    return withNodes;
  }

  /**
   * Starts the flow's nodes up to node `upTo` that have not started: a child task each (of
   * `status`, created at `now`). Answers the flow with their ids (a new record when any started).
   */
  startNodes(flow: FlowRecord, upTo: number, now: number, status: number): FlowRecord {
    if (flow.nodeTaskIds.length >= upTo) return flow;
    const store = this.lines[flow.line];
    const parent = store.task(flow.taskId) ?? standInParent(flow, this.zone);
    const nodeTaskIds = [...flow.nodeTaskIds];
    for (let k = nodeTaskIds.length + 1; k <= upTo; k++) {
      const previousId = nodeTaskIds[k - 2];
      const previous = previousId === undefined ? undefined : store.task(previousId);
      const rng = mulberry32(mixSeed(this.seed, 0xc41d, this.maxTaskId + 1));
      const draft = makeChildTask(rng, parent, flow, k, Math.floor(now / 1000) * 1000, this.zone, previous, status);
      draft.flowKeyId = flow.keyId;
      nodeTaskIds.push(this.insertNewTask(flow.line, draft).taskId);
    }
    return { ...flow, nodeTaskIds };
  }

  private nodeIds(n: number): number[] {
    const ids: number[] = [];
    for (let i = 0; i < n; i++) ids.push(++this.maxNodeId);
    return ids;
  }
}

/** What a node's child task copies when the flow's parent is not (or no longer) in the list. */
function standInParent(flow: FlowRecord, zone: Zone): TaskRecord {
  return {
    taskId: flow.taskId,
    taskName: flow.taskName,
    status: 2,
    rate: '100',
    numCnt: 100,
    callNum: 100,
    success: 0,
    fail: 0,
    createdTime: toLocal(flow.createdMs, zone),
    appId: 101,
    voiceFileName: '',
    ttsText: '',
    createdMs: flow.createdMs,
    line: flow.line,
    ...(flow.line === 'aiAgent' ? { taskType: 3 } : {}),
  };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
