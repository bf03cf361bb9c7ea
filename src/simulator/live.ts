/**
 * The simulator's live mode: records change over time the way campaigns do, one step per tick.
 *
 * The simulator keeps its own clock: the data set's `now` plus `stepMs` per tick. A tick moves
 * only a bounded set of records, so windows older than the horizon stay exactly as they were:
 * - running tasks: those in status 0 (waiting to submit), 6 (submitting) or 1 (calling) created
 *   within `horizonHours` before the data set's `now`, plus every task created or patched into
 *   such a status since (new tasks, child tasks, the controls). Per tick a task moves
 *   0 → 6 → 1 (each with probability 0.7), then while calling dials 8–25 % of its numbers
 *   (`callNum`, `success`, `fail` and `rate` grow), and is `FINISHED` (2) once all are dialled.
 * - live flows: status 0 (pending) or 1 (in progress), created within the horizon or since. Node
 *   k starts at the first tick at or after createTime + k × recallInterval (once node k-1 is
 *   done): its child task is created then (status 0, in the flow's line) and runs like any task;
 *   when it finishes, the node is done (`finishNum` + 1), and the flow is `COMPLETED` (2) after its
 *   last node. A pending flow turns in progress when its first node starts.
 * - new records: per tick and line, a new campaign task appears (created at the clock) with
 *   probability 1 - exp(-rate × step), rate 12/h (group call) and 4/h (AI Agent); a new recall
 *   flow on a task of the line created 10 s..1 h before the clock, 4/h and 2/h.
 *
 * Every draw comes from a PRNG keyed by (seed, record id or line, tick number), and records are
 * visited in id order, so the state is a pure function of the seed, the data set's `now`, the
 * number of ticks and the control calls made between them.
 */
import { toLocal } from '../time';
import { AGENT_BASES, RECALL_INTERVALS, VOICE_FILES } from './data';
import { mixSeed, mulberry32, pick, randInt, type Rng } from './prng';
import { formatRate, LINES, stampedName, type FlowRecord, type Line, type TaskRecord } from './records';
import type { Store } from './store';

export interface LiveOptions {
  /** Real milliseconds between automatic ticks; 0 or absent: no timer (ticks only on demand). */
  tickMs?: number;
  /** Simulated milliseconds one tick advances the clock; default tickMs when set, else 60 000. */
  stepMs?: number;
  /** Tasks and flows created this long before the data set's now keep moving; default 6. */
  horizonHours?: number;
}

export interface LiveState {
  /** Whether a timer ticks on its own. */
  running: boolean;
  tickMs: number;
  stepMs: number;
  horizonHours: number;
  /** Ticks so far (timer and on demand). */
  ticks: number;
  /** The simulator's clock (epoch ms): the data set's now + ticks × stepMs. */
  now: number;
  /** The clock as the account's local date-time. */
  nowLocal: string;
  /** Records that still move. */
  runningTasks: number;
  liveFlows: number;
}

export const DEFAULT_STEP_MS = 60_000;
export const DEFAULT_HORIZON_HOURS = 6;
export const MAX_STEPS_PER_CALL = 10_000;

const HOUR = 3_600_000;
const MOVING_TASK = new Set([0, 6, 1]);
const LIVE_FLOW = new Set([0, 1]);
const NEW_TASKS_PER_HOUR: Record<Line, number> = { groupCall: 12, aiAgent: 4 };
const NEW_FLOWS_PER_HOUR: Record<Line, number> = { groupCall: 4, aiAgent: 2 };
const TASK_SALT = 0x7a5c;
const FLOW_SALT = 0xf10e;
const NEW_SALT = 0x0e3;
const GROUP_CALL_BASES = ['会员续费提醒', '活动邀约', '物流到货提醒', 'Renewal reminder', 'Promo call'];

export class LiveEngine {
  private ticks = 0;
  private clock: number;
  private readonly stepMs: number;
  private readonly tickMs: number;
  private readonly horizonHours: number;
  private readonly tasks: Record<Line, Set<number>> = { groupCall: new Set(), aiAgent: new Set() };
  private readonly flows: Record<Line, Set<number>> = { groupCall: new Set(), aiAgent: new Set() };
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Store,
    private readonly seed: number,
    opts: LiveOptions = {},
  ) {
    this.tickMs = opts.tickMs ?? 0;
    this.stepMs = opts.stepMs ?? (this.tickMs > 0 ? this.tickMs : DEFAULT_STEP_MS);
    this.horizonHours = opts.horizonHours ?? DEFAULT_HORIZON_HOURS;
    this.clock = store.dataset.now;
    const since = this.clock - this.horizonHours * HOUR;
    for (const line of LINES) {
      const ls = store.lines[line];
      for (const t of ls.allTasks()) if (t.createdMs >= since) this.watchTask(t);
      for (const f of ls.data.flows) if (f.createdMs >= since) this.watchFlow(f);
    }
  }

  /** The simulator's clock (epoch ms, whole seconds). */
  now(): number {
    return this.clock;
  }

  /** Starts the timer (when tickMs > 0). */
  start(): void {
    if (this.tickMs <= 0 || this.timer) return;
    this.timer = setInterval(() => this.tick(1), this.tickMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  state(): LiveState {
    let runningTasks = 0;
    let liveFlows = 0;
    for (const line of LINES) {
      runningTasks += this.tasks[line].size;
      liveFlows += this.flows[line].size;
    }
    return {
      running: this.timer !== undefined,
      tickMs: this.tickMs,
      stepMs: this.stepMs,
      horizonHours: this.horizonHours,
      ticks: this.ticks,
      now: this.clock,
      nowLocal: toLocal(this.clock, this.store.zone),
      runningTasks,
      liveFlows,
    };
  }

  /** Keeps a task moving if its status is a moving one (called for every new or patched task). */
  watchTask(t: TaskRecord): void {
    if (MOVING_TASK.has(t.status)) this.tasks[t.line].add(t.taskId);
    else this.tasks[t.line].delete(t.taskId);
  }

  /** Keeps a flow moving while it is pending or in progress. */
  watchFlow(f: FlowRecord): void {
    if (LIVE_FLOW.has(f.status)) this.flows[f.line].add(f.keyId);
    else this.flows[f.line].delete(f.keyId);
  }

  /** Advances `steps` ticks at once. */
  tick(steps = 1): LiveState {
    for (let i = 0; i < steps; i++) this.step();
    return this.state();
  }

  private step(): void {
    this.ticks++;
    this.clock += this.stepMs;
    LINES.forEach((line, lineIndex) => {
      this.moveTasks(line);
      this.moveFlows(line);
      this.createRecords(line, lineIndex);
    });
  }

  private rng(...parts: number[]): Rng {
    return mulberry32(mixSeed(this.seed, ...parts, this.ticks));
  }

  private moveTasks(line: Line): void {
    const ls = this.store.lines[line];
    for (const id of [...this.tasks[line]].sort((a, b) => a - b)) {
      const t = ls.task(id);
      if (!t || !MOVING_TASK.has(t.status)) {
        this.tasks[line].delete(id);
        continue;
      }
      const next = advanceTask(t, this.rng(TASK_SALT, id));
      if (next !== t) ls.replaceTask(next);
      this.watchTask(next);
    }
  }

  private moveFlows(line: Line): void {
    const ls = this.store.lines[line];
    for (const keyId of [...this.flows[line]].sort((a, b) => a - b)) {
      let f = ls.flow(keyId);
      if (!f || !LIVE_FLOW.has(f.status)) {
        this.flows[line].delete(keyId);
        continue;
      }
      const started = f.nodeTaskIds.length;
      if (started > f.finishNum) {
        // A node is running: done when its child task is (or when that task was removed).
        const child = ls.task(f.nodeTaskIds[started - 1]!);
        if (child && child.status !== 2) continue;
        const finishNum = f.finishNum + 1;
        f = { ...f, finishNum, status: finishNum >= f.recallNum ? 2 : 1 };
        ls.replaceFlow(f);
      }
      const next = f.nodeTaskIds.length + 1;
      if (LIVE_FLOW.has(f.status) && next <= f.recallNum && this.clock >= f.createdMs + next * f.recallInterval * 60_000) {
        const withNode = this.store.startNodes(f, next, this.clock, 0);
        const startedFlow = { ...withNode, status: 1 };
        ls.replaceFlow(startedFlow);
        this.watchTask(ls.task(startedFlow.nodeTaskIds[next - 1]!)!);
        f = startedFlow;
      }
      this.watchFlow(f);
    }
  }

  private createRecords(line: Line, lineIndex: number): void {
    const r = this.rng(NEW_SALT, lineIndex);
    const stepHours = this.stepMs / HOUR;
    if (r() < 1 - Math.exp(-NEW_TASKS_PER_HOUR[line] * stepHours)) {
      const numCnt = r() < 0.5 ? randInt(r, 1, 200) : randInt(r, 201, 3000);
      const task =
        line === 'aiAgent'
          ? this.store.addTask(
              { line, taskName: stampedName(pick(r, AGENT_BASES), this.clock, this.store.zone), numCnt, scriptId: randInt(r, 3001, 3040) },
              this.clock,
            )
          : this.store.addTask(
              {
                line,
                taskName: stampedName(pick(r, GROUP_CALL_BASES), this.clock, this.store.zone),
                numCnt,
                taskType: r() < 0.55 ? 1 : 2,
                scriptId: randInt(r, 1001, 1060),
                voiceFileName: pick(r, VOICE_FILES),
                appId: pick(r, [101, 102, 103]),
              },
              this.clock,
            );
      this.watchTask(task);
    }
    if (r() < 1 - Math.exp(-NEW_FLOWS_PER_HOUR[line] * stepHours)) {
      const parents = this.store.lines[line]
        .tasksBetween(this.clock - HOUR, this.clock - 10_000)
        .filter((t) => t.flowKeyId === undefined);
      if (parents.length === 0) return;
      const parent = pick(r, parents);
      const flow = this.store.addFlow(
        {
          line,
          taskId: parent.taskId,
          recallType: r() < 0.6 ? 1 : 0,
          recallInterval: pick(r, RECALL_INTERVALS),
          recallNum: randInt(r, 1, 5),
        },
        this.clock,
      );
      this.watchFlow(flow);
    }
  }
}

/** One tick of a running task (a new record when anything changed). */
function advanceTask(t: TaskRecord, r: Rng): TaskRecord {
  if (t.status === 0) return r() < 0.7 ? { ...t, status: 6 } : t;
  if (t.status === 6) return r() < 0.7 ? { ...t, status: 1 } : t;
  // Calling: dial a share of the numbers left.
  const left = t.numCnt - t.callNum;
  if (left <= 0) return { ...t, status: 2, rate: formatRate(t.callNum, t.numCnt) };
  const dialled = Math.min(left, Math.max(1, Math.ceil(t.numCnt * (0.08 + r() * 0.17))));
  const success = Math.floor(dialled * (0.2 + r() * 0.5));
  const fail = randInt(r, 0, dialled - success);
  const callNum = t.callNum + dialled;
  return {
    ...t,
    callNum,
    success: t.success + success,
    fail: t.fail + fail,
    rate: formatRate(callNum, t.numCnt),
    status: callNum >= t.numCnt ? 2 : 1,
  };
}
