/**
 * The join's per-request state behind one object. A resolver that receives tasks hands them here
 * (`sawTasks`, or `taskList` for a list still being fetched); RecallFlow.parentTask asks
 * `parentOf`, GroupCallTask.recallFlows asks `recallFlowsOf`, RecallFlow.attempts asks
 * `attemptsOf` and RecallAttempt.task asks `attemptTask`. Known tasks cost nothing, and task
 * lookups wait for the task lists in flight before calling upstream. Everything is kept per
 * product line: a record is joined in its own line only (a task id is one line's). One
 * RequestJoin per request, built on first use (`requestJoin(ctx)`) and kept on the context.
 */
import type { GroupCallTaskRecord, ProductLineId, RecallFlowRecord, RecallNodeRecord } from '../../upstream';
import type { GatewayContext } from '../context';
import { lineApi } from '../product';
import { createParentTaskLoader, parentKeyOf, type KnownTasks, type ParentTaskLoader } from './parent-task-loader';
import { createRecallFlowDetailsLoader, type RecallFlowDetailsLoader } from './recall-flow-details-loader';
import { createTaskRecallFlowsLoader, type TaskRecallFlowsLoader } from './task-recall-flows-loader';

/** One line's share of the request's join state. */
class LineJoin implements KnownTasks {
  /** Every task of this line the request has received so far, by taskId. */
  readonly #known = new Map<number, GroupCallTaskRecord>();
  readonly parents: ParentTaskLoader;
  readonly flows: TaskRecallFlowsLoader;
  readonly details: RecallFlowDetailsLoader;

  constructor(
    ctx: GatewayContext,
    line: ProductLineId,
    private readonly inFlight: () => Promise<unknown> | undefined,
  ) {
    const api = lineApi(ctx, line);
    this.parents = createParentTaskLoader(ctx, api, this);
    this.flows = createTaskRecallFlowsLoader(ctx, api);
    this.details = createRecallFlowDetailsLoader(ctx, api);
  }

  sawTask(record: GroupCallTaskRecord): void {
    this.#known.set(record.taskId, record);
    this.parents.prime(parentKeyOf(record), record);
  }

  knownTask(taskId: number): GroupCallTaskRecord | undefined {
    return this.#known.get(taskId);
  }

  taskListsInFlight(): Promise<unknown> | undefined {
    return this.inFlight();
  }
}

export class RequestJoin {
  /** Task lists still being fetched (of any line); task lookups wait for them before calling upstream. */
  readonly #lists = new Set<Promise<void>>();
  readonly #lines = new Map<ProductLineId, LineJoin>();

  constructor(private readonly ctx: GatewayContext) {}

  #line(line: ProductLineId): LineJoin {
    let join = this.#lines.get(line);
    if (!join) {
      join = new LineJoin(this.ctx, line, () => this.taskListsInFlight());
      this.#lines.set(line, join);
    }
    return join;
  }

  /** The parent task of a flow, joined by taskId in the flow's line (batched); null when the upstream has it no more. */
  parentOf(flow: RecallFlowRecord): Promise<GroupCallTaskRecord | null> {
    return this.#line(flow.product).parents.load({ taskId: flow.taskId, hint: flow.createdAt, name: flow.taskName });
  }

  /** Every flow of a task created inside `window` (epoch seconds, inclusive), in the task's line, batched across tasks. */
  recallFlowsOf(task: GroupCallTaskRecord, window: { from: number; to: number }): Promise<RecallFlowRecord[]> {
    return this.#line(task.product).flows.load({ taskId: task.taskId, from: window.from, to: window.to });
  }

  /** A flow's redial attempts (its detail's nodes): one upstream call per flow, batched per request. */
  async attemptsOf(flow: RecallFlowRecord): Promise<RecallNodeRecord[]> {
    return (await this.#line(flow.product).details.load(flow.keyId)).nodes;
  }

  /**
   * The task an attempt runs as, in the flow's line, through the same planner as parents: it was
   * created after its flow, by the time the flow's last redial is due (plus the join's skew).
   */
  attemptTask(flow: RecallFlowRecord, node: RecallNodeRecord): Promise<GroupCallTaskRecord | null> {
    if (node.taskId === null) return Promise.resolve(null);
    const { skewMinutes } = this.ctx.settings.join;
    const to = flow.createdAt + (Math.max(0, flow.recallNum) + 1) * Math.max(0, flow.recallInterval) * 60_000 + skewMinutes * 60_000;
    return this.#line(flow.product).parents.load({
      taskId: node.taskId,
      hint: flow.createdAt,
      name: '',
      window: { from: flow.createdAt, to },
    });
  }

  /** Tasks the request has received: free for every later lookup in their line. */
  sawTasks(records: Iterable<GroupCallTaskRecord>): void {
    for (const record of records) this.sawTask(record);
  }

  sawTask(record: GroupCallTaskRecord): void {
    // A task of a line this gateway does not serve cannot be looked up anyway.
    if (this.ctx.lines.has(record.product)) this.#line(record.product).sawTask(record);
  }

  /**
   * A task list being fetched: lookups of the request wait for it, and its tasks (picked by
   * `tasksOf`) are seen as soon as it arrives. Returns the list.
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

  knownTask(line: ProductLineId, taskId: number): GroupCallTaskRecord | undefined {
    return this.#lines.get(line)?.knownTask(taskId);
  }

  taskListsInFlight(): Promise<unknown> | undefined {
    return this.#lists.size > 0 ? Promise.allSettled([...this.#lists]) : undefined;
  }
}

/**
 * The request's join state: one per context object, created on first use and kept on the context
 * itself (the context is complete when built; the join is state that grows during execution).
 * Not Pothos's createContextCache: its WeakMap gave every request an ephemeron for the garbage
 * collector, measured at 11 % more CPU per request (`npm run bench:ab`). While a subscription event
 * resolves, the poll's join (ctx.livePoll): every subscriber of the poll and every event of it
 * share one, so a page of events costs what a page of a list does.
 */
export function requestJoin(ctx: GatewayContext): RequestJoin {
  const owner = ctx.livePoll ?? ctx;
  return (owner.join ??= new RequestJoin(owner)) as RequestJoin;
}
