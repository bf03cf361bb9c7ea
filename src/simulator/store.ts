/**
 * The simulator's in-memory tables and their queries. Both arrays stay sorted newest first, so a
 * time window is two binary searches and an unfiltered page is a slice (no per-request O(n) work).
 * Filtered queries scan only the window, and their matches are cached per filter until the data
 * changes, because clients page through the same filter (and the join planner repeats searches).
 */
import { toLocal } from '../time';
import type { Dataset } from './data';
import {
  compareFlows,
  compareTasks,
  formatRate,
  stampedName,
  type FlowRecord,
  type TaskRecord,
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

/** Fields a caller may set on `addTask`; the id and local time are always derived. */
export type TaskInput = Partial<Omit<TaskRecord, 'taskId' | 'createdTime'>>;
/** Fields a caller may set on `addFlow`; the parent id is required, the rest defaults. */
export type FlowInput = Partial<Omit<FlowRecord, 'keyId' | 'createTime' | 'taskId'>> & { taskId: number };

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

export class Store {
  private readonly cache = new Map<string, readonly unknown[]>();
  private maxTaskId: number;
  private maxKeyId: number;

  constructor(readonly dataset: Dataset) {
    this.maxTaskId = dataset.tasks.reduce((m, t) => Math.max(m, t.taskId), 0);
    this.maxKeyId = dataset.flows.reduce((m, f) => Math.max(m, f.keyId), 0);
  }

  selectTasks(f: TaskFilter): Selection<TaskRecord> {
    const tasks = this.dataset.tasks;
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
    const flows = this.dataset.flows;
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

  /** Adds a task with an id above every other; created at `now` unless `createdMs` is given. */
  addTask(input: TaskInput, now: number): TaskRecord {
    const zone = this.dataset.zone;
    const createdMs = Math.floor((input.createdMs ?? now) / 1000) * 1000;
    const numCnt = input.numCnt ?? 100;
    const callNum = input.callNum ?? 0;
    const task: TaskRecord = {
      taskId: ++this.maxTaskId,
      taskName: input.taskName ?? stampedName('DEFAULT_TASK_NAME', createdMs, zone),
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
    };
    // An explicit `scriptId: undefined` / `taskType: undefined` means "absent", like upstream.
    const scriptId = 'scriptId' in input ? input.scriptId : undefined;
    const taskType = 'taskType' in input ? input.taskType : 1;
    if (scriptId !== undefined) task.scriptId = scriptId;
    if (taskType !== undefined) task.taskType = taskType;
    const tasks = this.dataset.tasks;
    tasks.splice(firstIndex(tasks, (x) => compareTasks(x, task) > 0), 0, task);
    this.cache.clear();
    return task;
  }

  /** Removes a task (its flows stay, as orphans: that is how a join miss is simulated). */
  removeTask(taskId: number): boolean {
    const tasks = this.dataset.tasks;
    const i = tasks.findIndex((t) => t.taskId === taskId);
    if (i < 0) return false;
    tasks.splice(i, 1);
    this.cache.clear();
    return true;
  }

  /** Adds a recall flow for `taskId` (the parent may be missing); created at `now` by default. */
  addFlow(input: FlowInput, now: number): FlowRecord {
    const zone = this.dataset.zone;
    const createdMs = Math.floor((input.createdMs ?? now) / 1000) * 1000;
    const parent = this.dataset.tasks.find((t) => t.taskId === input.taskId);
    const recallNum = input.recallNum ?? 3;
    const flow: FlowRecord = {
      keyId: ++this.maxKeyId,
      taskId: input.taskId,
      taskName: input.taskName ?? parent?.taskName ?? 'DEFAULT_TASK_NAME',
      createTime: toLocal(createdMs, zone),
      recallType: input.recallType ?? 1,
      recallInterval: input.recallInterval ?? 10,
      recallNum,
      finishNum: input.finishNum ?? 0,
      status: input.status ?? 0,
      createdMs,
    };
    const flows = this.dataset.flows;
    flows.splice(firstIndex(flows, (x) => compareFlows(x, flow) > 0), 0, flow);
    this.cache.clear();
    return flow;
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
