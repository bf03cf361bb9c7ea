/**
 * The join's per-request state behind one object. A resolver that receives tasks hands them here
 * (`sawTasks`, or `taskList` for a list still being fetched); RecallFlow.parentTask asks
 * `parentOf`, GroupCallTask.recallFlows asks `recallFlowsOf`. Known tasks cost nothing, and parent
 * lookups wait for the task lists in flight before calling upstream. One RequestJoin per request,
 * built on first use through Pothos's context cache (`requestJoin(ctx)`).
 */
import { createContextCache } from '@pothos/core';
import type { GroupCallTaskRecord, RecallFlowRecord } from '../../upstream';
import type { GatewayContext } from '../context';
import { createParentTaskLoader, parentKeyOf, type KnownTasks, type ParentTaskLoader } from './parent-task-loader';
import { createTaskRecallFlowsLoader, type TaskRecallFlowsLoader } from './task-recall-flows-loader';

export class RequestJoin implements KnownTasks {
  /** Every task the request has received so far, by taskId (join candidates at no cost). */
  readonly #known = new Map<number, GroupCallTaskRecord>();
  /** Task lists still being fetched; parent lookups wait for them before calling upstream. */
  readonly #lists = new Set<Promise<void>>();
  readonly #parents: ParentTaskLoader;
  readonly #flows: TaskRecallFlowsLoader;

  constructor(ctx: GatewayContext) {
    this.#parents = createParentTaskLoader(ctx, this);
    this.#flows = createTaskRecallFlowsLoader(ctx);
  }

  /** The parent task of a flow, joined by taskId (batched); null when the upstream has it no more. */
  parentOf(flow: RecallFlowRecord): Promise<GroupCallTaskRecord | null> {
    return this.#parents.load({ taskId: flow.taskId, hint: flow.createdAt, name: flow.taskName });
  }

  /** Every flow of a task created inside `window` (epoch seconds, inclusive), batched across tasks. */
  recallFlowsOf(task: GroupCallTaskRecord, window: { from: number; to: number }): Promise<RecallFlowRecord[]> {
    return this.#flows.load({ taskId: task.taskId, from: window.from, to: window.to });
  }

  /** Tasks the request has received: free for every later parent lookup. */
  sawTasks(records: Iterable<GroupCallTaskRecord>): void {
    for (const record of records) this.sawTask(record);
  }

  sawTask(record: GroupCallTaskRecord): void {
    this.#known.set(record.taskId, record);
    this.#parents.prime(parentKeyOf(record), record);
  }

  /**
   * A task list being fetched: parent lookups of the request wait for it, and its tasks (picked
   * by `tasksOf`) are seen as soon as it arrives. Returns the list.
   */
  taskList<T>(list: Promise<T>, tasksOf: (value: T) => Iterable<GroupCallTaskRecord>): Promise<T> {
    const seen = list.then((value) => {
      this.sawTasks(tasksOf(value));
      return value;
    });
    const settled = seen.then(
      () => undefined,
      () => undefined,
    );
    this.#lists.add(settled);
    void settled.then(() => this.#lists.delete(settled));
    return seen;
  }

  knownTask(taskId: number): GroupCallTaskRecord | undefined {
    return this.#known.get(taskId);
  }

  taskListsInFlight(): Promise<unknown> | undefined {
    return this.#lists.size > 0 ? Promise.allSettled([...this.#lists]) : undefined;
  }
}

/** The request's join state: one per context object (Pothos's context cache, a WeakMap). */
export const requestJoin = createContextCache((ctx: GatewayContext) => new RequestJoin(ctx));
