/**
 * Generates the simulator's deterministic data set, both product lines over the last 180 days:
 *
 * - group calls (IVR / AI): thousands of tasks (quiet days, busy hours, and one marked `busyHour`
 *   whose every task has exactly one recall flow, for join-planning tests) and recall flows
 *   created 10 s..1 h after their parents. Drawn exactly as before the AI Agent line existed:
 *   same seed + same `now` → the same records in every field but the ids (see below).
 * - AI Agent group calls (taskType 3): its own tasks and flows, with its own marked
 *   `agentBusyHour`, drawn from a second seeded stream so the group-call draws are untouched.
 * - child tasks: node k of a flow runs as a task of the flow's line, created k × recallInterval
 *   minutes after the flow (pushed out of the quiet days and the line's busy hour, by whole
 *   window lengths, so those stay clean), for every node up to `finishNum`. A flow whose nodes
 *   could not all have started before `now` has its `finishNum` (and a `completed` status) cut
 *   back to the nodes that did.
 * - ids: task ids of both lines, child tasks included, come from ONE sequence in creation order
 *   (as the provider's examples suggest); flow keyIds likewise; node keyIds from a third.
 *
 * Only the seeded PRNG is used.
 */
import { fromLocal, toLocal, type Zone } from '../time';
import { mixSeed, mulberry32, pick, randInt, weighted, type Rng } from './prng';
import {
  childTaskName,
  compareFlows,
  compareTasks,
  formatRate,
  stampedName,
  type FlowRecord,
  type Line,
  type TaskRecord,
  type TimeRange,
} from './records';

export interface DatasetOptions {
  seed?: number;
  /** The data set ends just before this instant (epoch ms). */
  now: number;
  zone: Zone;
  /** Group-call campaign tasks (child tasks come on top). */
  taskCount?: number;
  flowCount?: number;
  /** AI Agent campaign tasks (child tasks come on top). */
  agentTaskCount?: number;
  agentFlowCount?: number;
  /**
   * Whether the group-call task list holds its flows' child tasks (the faithful view; the
   * simulator's `productLines` option). Default false: the group-call list is the campaign tasks
   * only, as before the product lines; the child tasks exist (ids, detail nodes) but are unlisted.
   * The AI Agent list always holds its child tasks.
   */
  listGroupCallChildren?: boolean;
}

/** One product line's tables. */
export interface LineData {
  line: Line;
  /** The task list as served, newest first (createdMs desc, taskId desc). */
  tasks: TaskRecord[];
  /** Newest first (createdMs desc, keyId desc). */
  flows: FlowRecord[];
  /** Every child task of a started node, newest first; also in `tasks` when `childrenListed`. */
  childTasks: TaskRecord[];
  childrenListed: boolean;
  /** An hour (local-hour aligned, 3..10 days ago) whose every task has exactly one flow. */
  busyHour: TimeRange;
}

export interface Dataset {
  seed: number;
  /** `now` truncated to the second. */
  now: number;
  zone: Zone;
  /** The group-call task list (= lines.groupCall.tasks). */
  tasks: TaskRecord[];
  /** The group-call recall flows (= lines.groupCall.flows). */
  flows: FlowRecord[];
  /** Group-call line: an hour (3..10 days ago) with >= 150 tasks, each with exactly one flow. */
  busyHour: TimeRange;
  /** AI Agent line: an hour (3..10 days ago, another day) with >= 120 tasks, each with exactly one flow. */
  agentBusyHour: TimeRange;
  /** Local calendar days with no task and no flow in either line. */
  quietDays: TimeRange[];
  lines: Record<Line, LineData>;
}

export const DEFAULT_TASK_COUNT = 6000;
export const DEFAULT_FLOW_COUNT = 1800;
export const DEFAULT_AGENT_TASK_COUNT = 1500;
export const DEFAULT_AGENT_FLOW_COUNT = 500;
export const DEFAULT_SEED = 42;

const HOUR = 3_600_000;
const DAY = 86_400_000;
const MINUTE = 60_000;
const SPAN_DAYS = 180;
const QUIET_DAY_COUNT = 4;
const OTHER_BUSY_HOURS = 7;
const UNKNOWN_TASK_STATUS = 9;
const UNKNOWN_TASK_STATUS_COUNT = 5;
const UNKNOWN_FLOW_STATUS = 7;
const UNKNOWN_FLOW_STATUS_COUNT = 2;
const FIRST_TASK_ID = 5_000_000;
const FIRST_KEY_ID = 880_000;
const FIRST_NODE_ID = 7_300_000;
const MIN_FLOW_DELAY_S = 10;
const MAX_FLOW_DELAY_S = 3600;
export const RECALL_INTERVALS = [5, 10, 15, 30, 60, 120] as const;
/** Busy-hour AI Agent flows redial at least an hour later, so no child task lands in that hour. */
const AGENT_BUSY_INTERVALS = [60, 120] as const;

// Salts of the streams drawn besides the group-call one (which is mulberry32(seed) itself).
const AGENT_SALT = 0xa6e47;
const CHILD_SALT = 0xc41d;
const ID_SALT = 0x1d5;

const CN_BASES = [
  '春季促销回访',
  '会员续费提醒',
  '订单确认通知',
  '满意度调查',
  '物流到货提醒',
  '账单催缴',
  '新品上市推广',
  '活动邀约',
  '售后回访',
];
const EN_BASES = ['Renewal reminder', 'Payment follow-up', 'Survey batch', 'Delivery notice', 'Promo call'];
export const VOICE_FILES = [
  'spring_promo_v2.wav',
  'renewal_reminder_01.mp3',
  'order_confirm.wav',
  'survey_intro_cn.wav',
  'payment_due.mp3',
  '物流通知.wav',
];
const TTS_TEXTS = [
  '您好，您的会员即将到期，请及时续费。',
  '您好，这里是客服中心，您的订单已发货，请注意查收。',
  '尊敬的客户，春季促销活动火热进行中，回复1了解详情。',
  '您好，请对本次服务进行评价，满意请按1。',
  'Hello, your subscription renews next week. Press 1 to talk to an agent.',
  'This is a reminder that your payment is due on Friday.',
  'Your parcel will be delivered tomorrow between 9 and 12.',
];
export const AGENT_BASES = ['AI坐席回访', '智能客服邀约', 'AI Agent 续费关怀', 'AI Agent survey', 'Agent collections'];
const AGENT_OPENINGS = [
  '您好，我是智能客服小蓝，想占用您一分钟时间。',
  '您好，这里是会员中心的AI助理，您的权益即将到期。',
  'Hi, this is the virtual assistant calling about your recent order.',
  'Hello, I am calling on behalf of your insurer about your renewal.',
];

// Daytime-heavy activity, by local hour; used as an acceptance probability.
const HOUR_WEIGHT = [
  0.04, 0.02, 0.02, 0.02, 0.02, 0.05, 0.15, 0.35, 0.7, 1, 1, 0.9, 0.6, 0.8, 1, 1, 0.9, 0.8, 0.6, 0.45,
  0.35, 0.25, 0.15, 0.08,
];

const RECENT_STATUS: ReadonlyArray<readonly [number, number]> = [
  [0, 1], [1, 3], [2, 3], [3, 0.3], [4, 0.5], [5, 1], [6, 1],
];
const OLD_STATUS: ReadonlyArray<readonly [number, number]> = [
  [0, 0.2], [1, 0.2], [2, 10], [3, 1], [4, 1.5], [5, 0.5], [6, 0.1],
];
const FLOW_STATUS: ReadonlyArray<readonly [number, number]> = [[0, 0.1], [1, 0.12], [2, 0.55], [3, 0.13], [4, 0.1]];

export function generateDataset(opts: DatasetOptions): Dataset {
  const seed = opts.seed ?? DEFAULT_SEED;
  const rng = mulberry32(seed);
  const zone = opts.zone;
  const now = Math.floor(opts.now / 1000) * 1000;
  const taskCount = Math.max(0, Math.floor(opts.taskCount ?? DEFAULT_TASK_COUNT));
  const flowCount = Math.max(0, Math.floor(opts.flowCount ?? DEFAULT_FLOW_COUNT));
  const from = now - SPAN_DAYS * DAY;

  const localDayStart = (ms: number) => fromLocal(`${toLocal(ms, zone).slice(0, 10)} 00:00:00`, zone);
  const localHourStart = (ms: number) => fromLocal(`${toLocal(ms, zone).slice(0, 13)}:00:00`, zone);

  // ---- The group-call line. Every draw below is as it was before the AI Agent line existed. ----
  const busyDay = localDayStart(now - randInt(rng, 3, 9) * DAY);
  const busyStart = localHourStart(busyDay + randInt(rng, 9, 17) * HOUR + HOUR / 2);
  const busyHour: TimeRange = { start: busyStart, end: busyStart + HOUR };

  // Quiet days sit well before the busy hour so they never overlap it.
  const quietDays: TimeRange[] = [];
  const usedDayOffsets = new Set<number>();
  while (quietDays.length < QUIET_DAY_COUNT) {
    const k = randInt(rng, 12, SPAN_DAYS - 10);
    if (usedDayOffsets.has(k)) continue;
    usedDayOffsets.add(k);
    const start = localDayStart(now - k * DAY);
    quietDays.push({ start, end: localDayStart(start + 36 * HOUR) });
  }
  quietDays.sort((a, b) => a.start - b.start);
  const inQuietDay = (ms: number) => quietDays.some((d) => ms >= d.start && ms < d.end);

  const otherBusy: TimeRange[] = [];
  while (otherBusy.length < OTHER_BUSY_HOURS) {
    const k = randInt(rng, 1, SPAN_DAYS - 2);
    if (usedDayOffsets.has(k)) continue;
    const start = localHourStart(localDayStart(now - k * DAY) + randInt(rng, 9, 20) * HOUR + HOUR / 2);
    const end = start + HOUR;
    if (end > now || start < from || start === busyStart || otherBusy.some((h) => h.start === start)) continue;
    otherBusy.push({ start, end });
  }

  // 1. Creation instants (whole seconds), marking the busy-hour ones.
  const busyCount = Math.min(taskCount, randInt(rng, 160, 190));
  const otherBusyTotal = Math.min(taskCount - busyCount, Math.round(taskCount * 0.06));
  const slots: Array<{ ms: number; busy: boolean }> = [];
  const inHour = (h: TimeRange) => h.start + randInt(rng, 0, 3599) * 1000;
  for (let i = 0; i < busyCount; i++) slots.push({ ms: inHour(busyHour), busy: true });
  for (let i = 0; i < otherBusyTotal; i++) slots.push({ ms: inHour(otherBusy[i % OTHER_BUSY_HOURS]!), busy: false });
  const spanSeconds = Math.floor((now - from) / 1000);
  while (slots.length < taskCount) {
    const ms = from + Math.floor(rng() * spanSeconds) * 1000;
    if (ms >= now || (ms >= busyHour.start && ms < busyHour.end) || inQuietDay(ms)) continue;
    const hour = Number(toLocal(ms, zone).slice(11, 13));
    if (rng() >= (HOUR_WEIGHT[hour] ?? 1)) continue;
    slots.push({ ms, busy: false });
  }
  // Stable sort keeps ties in draw order, so ids stay deterministic.
  slots.sort((a, b) => a.ms - b.ms);

  // 2. Tasks, in creation order. The id draws are kept (and dropped) so that every later draw is
  //    as before; the final ids come from the one sequence of both lines (step 8).
  const tasks: TaskRecord[] = [];
  const busyTasks: TaskRecord[] = [];
  randInt(rng, 0, 999);
  for (const slot of slots) {
    randInt(rng, 1, 3);
    const task = makeTask(rng, slot.ms, now, zone);
    tasks.push(task);
    if (slot.busy) busyTasks.push(task);
  }
  if (tasks.length >= 50) {
    for (const i of distinctIndices(rng, tasks.length, UNKNOWN_TASK_STATUS_COUNT)) tasks[i]!.status = UNKNOWN_TASK_STATUS;
  }

  // 3. Flows: one per busy-hour task, then the rest on random other parents (some get several).
  const flowDrafts: FlowDraft[] = [];
  for (const parent of busyTasks) {
    flowDrafts.push({ parent, ms: parent.createdMs + randInt(rng, MIN_FLOW_DELAY_S, MAX_FLOW_DELAY_S) * 1000 });
  }
  const busySet = new Set(busyTasks);
  const eligible = eligibleParents(tasks, busySet, quietDays, now);
  addRandomFlowDrafts(rng, flowDrafts, eligible, flowCount - flowDrafts.length, now);
  flowDrafts.sort((a, b) => a.ms - b.ms);
  const flows: FlowRecord[] = [];
  const parentOf = new Map<FlowRecord, TaskRecord>();
  randInt(rng, 0, 99);
  for (const draft of flowDrafts) {
    randInt(rng, 1, 2);
    const flow = makeFlow(rng, 'groupCall', draft.parent, draft.ms, zone, RECALL_INTERVALS);
    flows.push(flow);
    parentOf.set(flow, draft.parent);
  }
  if (flows.length >= 20) {
    for (const i of distinctIndices(rng, flows.length, UNKNOWN_FLOW_STATUS_COUNT)) flows[i]!.status = UNKNOWN_FLOW_STATUS;
  }

  // ---- 4. The AI Agent line, from its own stream. ----
  const arng = mulberry32(mixSeed(seed, AGENT_SALT));
  const agentTaskCount = Math.max(0, Math.floor(opts.agentTaskCount ?? DEFAULT_AGENT_TASK_COUNT));
  const agentFlowCount = Math.max(0, Math.floor(opts.agentFlowCount ?? DEFAULT_AGENT_FLOW_COUNT));
  let agentBusyDay: number;
  do agentBusyDay = localDayStart(now - randInt(arng, 3, 9) * DAY);
  while (agentBusyDay === busyDay);
  const agentBusyStart = localHourStart(agentBusyDay + randInt(arng, 9, 17) * HOUR + HOUR / 2);
  const agentBusyHour: TimeRange = { start: agentBusyStart, end: agentBusyStart + HOUR };

  // Each busy-hour task has one flow, so a small flow count bounds the busy hour too.
  const agentBusyCount = Math.min(agentTaskCount, agentFlowCount, randInt(arng, 125, 145));
  const agentSlots: Array<{ ms: number; busy: boolean }> = [];
  for (let i = 0; i < agentBusyCount; i++) agentSlots.push({ ms: agentBusyStart + randInt(arng, 0, 3599) * 1000, busy: true });
  while (agentSlots.length < agentTaskCount) {
    const ms = from + Math.floor(arng() * spanSeconds) * 1000;
    if (ms >= now || (ms >= agentBusyHour.start && ms < agentBusyHour.end) || inQuietDay(ms)) continue;
    const hour = Number(toLocal(ms, zone).slice(11, 13));
    if (arng() >= (HOUR_WEIGHT[hour] ?? 1)) continue;
    agentSlots.push({ ms, busy: false });
  }
  agentSlots.sort((a, b) => a.ms - b.ms);
  const agentTasks: TaskRecord[] = [];
  const agentBusyTasks: TaskRecord[] = [];
  for (const slot of agentSlots) {
    const task = makeAgentTask(arng, slot.ms, now, zone);
    agentTasks.push(task);
    if (slot.busy) agentBusyTasks.push(task);
  }
  const agentDrafts: FlowDraft[] = [];
  for (const parent of agentBusyTasks) {
    agentDrafts.push({
      parent,
      ms: parent.createdMs + randInt(arng, MIN_FLOW_DELAY_S, MAX_FLOW_DELAY_S) * 1000,
      intervals: AGENT_BUSY_INTERVALS,
    });
  }
  const agentEligible = eligibleParents(agentTasks, new Set(agentBusyTasks), quietDays, now);
  addRandomFlowDrafts(arng, agentDrafts, agentEligible, agentFlowCount - agentDrafts.length, now);
  agentDrafts.sort((a, b) => a.ms - b.ms);
  const agentFlows: FlowRecord[] = [];
  for (const draft of agentDrafts) {
    const flow = makeFlow(arng, 'aiAgent', draft.parent, draft.ms, zone, draft.intervals ?? RECALL_INTERVALS);
    agentFlows.push(flow);
    parentOf.set(flow, draft.parent);
  }

  // ---- 5. Child tasks of the started nodes, both lines. ----
  const crng = mulberry32(mixSeed(seed, CHILD_SALT));
  const childrenOf = new Map<FlowRecord, TaskRecord[]>();
  const gcChildren = makeChildren(crng, flows, parentOf, [busyHour, ...quietDays], now, zone, childrenOf);
  const agentChildren = makeChildren(crng, agentFlows, parentOf, [agentBusyHour, ...quietDays], now, zone, childrenOf);

  // ---- 6. One task id sequence over both lines, in creation order. ----
  const irng = mulberry32(mixSeed(seed, ID_SALT));
  const allTasks = [...tasks, ...gcChildren, ...agentTasks, ...agentChildren];
  // Array.prototype.sort is stable: ties keep the order above (each part is in creation order).
  allTasks.sort((a, b) => a.createdMs - b.createdMs);
  let taskId = FIRST_TASK_ID + randInt(irng, 0, 999);
  for (const t of allTasks) t.taskId = taskId += randInt(irng, 1, 3);

  // ---- 7. One flow keyId sequence over both lines; node keyIds in flow order. ----
  const allFlows = [...flows, ...agentFlows];
  allFlows.sort((a, b) => a.createdMs - b.createdMs);
  let keyId = FIRST_KEY_ID + randInt(irng, 0, 99);
  let nodeId = FIRST_NODE_ID + randInt(irng, 0, 99);
  for (const f of allFlows) {
    f.keyId = keyId += randInt(irng, 1, 2);
    for (let k = 0; k < f.recallNum; k++) f.nodeKeyIds.push(++nodeId);
    f.taskId = parentOf.get(f)!.taskId;
    const children = childrenOf.get(f) ?? [];
    f.nodeTaskIds = children.map((c) => c.taskId);
    for (const c of children) c.flowKeyId = f.keyId;
  }

  // ---- 8. Tables, newest first. ----
  const listGroupCallChildren = opts.listGroupCallChildren ?? false;
  const gcList = listGroupCallChildren ? [...tasks, ...gcChildren] : tasks;
  const agentList = [...agentTasks, ...agentChildren];
  for (const list of [gcList, agentList, gcChildren, agentChildren]) list.sort(compareTasks);
  flows.sort(compareFlows);
  agentFlows.sort(compareFlows);

  return {
    seed,
    now,
    zone,
    tasks: gcList,
    flows,
    busyHour,
    agentBusyHour,
    quietDays,
    lines: {
      groupCall: { line: 'groupCall', tasks: gcList, flows, childTasks: gcChildren, childrenListed: listGroupCallChildren, busyHour },
      aiAgent: { line: 'aiAgent', tasks: agentList, flows: agentFlows, childTasks: agentChildren, childrenListed: true, busyHour: agentBusyHour },
    },
  };
}

interface FlowDraft {
  parent: TaskRecord;
  ms: number;
  intervals?: readonly number[];
}

/** Parents a random flow may have: not a busy-hour task, old enough, not just before a quiet day. */
function eligibleParents(tasks: TaskRecord[], busy: Set<TaskRecord>, quietDays: TimeRange[], now: number): TaskRecord[] {
  // A parent created within an hour before a quiet day could put its flow inside that day.
  return tasks.filter(
    (t) =>
      !busy.has(t) &&
      now - t.createdMs >= MIN_FLOW_DELAY_S * 1000 &&
      !quietDays.some((d) => t.createdMs >= d.start - HOUR && t.createdMs < d.start),
  );
}

function addRandomFlowDrafts(rng: Rng, drafts: FlowDraft[], eligible: TaskRecord[], count: number, now: number): void {
  let remaining = count;
  while (remaining > 0 && eligible.length > 0) {
    const parent = pick(rng, eligible);
    const k = Math.min(remaining, rng() < 0.15 ? randInt(rng, 2, 4) : 1);
    const maxDelay = Math.min(MAX_FLOW_DELAY_S, Math.floor((now - parent.createdMs) / 1000));
    for (let j = 0; j < k; j++) {
      drafts.push({ parent, ms: parent.createdMs + randInt(rng, MIN_FLOW_DELAY_S, maxDelay) * 1000 });
    }
    remaining -= k;
  }
}

/** Moves `ms` out of the blocked windows by whole window lengths. */
function pushOut(ms: number, blocked: readonly TimeRange[]): number {
  for (let moved = true; moved; ) {
    moved = false;
    for (const w of blocked) {
      if (ms >= w.start && ms < w.end) {
        ms += w.end - w.start;
        moved = true;
      }
    }
  }
  return ms;
}

/** When node k of `flow` starts: k × recallInterval after the flow, after node k-1, out of `blocked`. */
export function nodeStartTimes(flow: FlowRecord, blocked: readonly TimeRange[]): number[] {
  const times: number[] = [];
  let prev = flow.createdMs;
  for (let k = 1; k <= flow.recallNum; k++) {
    const t = pushOut(Math.max(flow.createdMs + k * flow.recallInterval * MINUTE, prev + 1000), blocked);
    times.push(t);
    prev = t;
  }
  return times;
}

/** The numbers a redial calls: all of the parent's (recallType 0) or those not reached yet (1). */
export function childNumberCount(recallType: number, parent: Pick<TaskRecord, 'numCnt' | 'success'>, previous?: Pick<TaskRecord, 'numCnt' | 'success'>): number {
  const base = previous ?? parent;
  return Math.max(1, recallType === 1 ? base.numCnt - base.success : parent.numCnt);
}

/** A child task (node `k` of a flow on `parent`), finished unless `status` says otherwise. */
export function makeChildTask(
  rng: Rng,
  parent: TaskRecord,
  flow: Pick<FlowRecord, 'recallType' | 'line'>,
  k: number,
  createdMs: number,
  zone: Zone,
  previous?: TaskRecord,
  status = 2,
): TaskRecord {
  const numCnt = childNumberCount(flow.recallType, parent, previous);
  const callNum = status === 2 ? numCnt : 0;
  const success = Math.floor(callNum * (0.1 + rng() * 0.3));
  const fail = callNum === 0 ? 0 : randInt(rng, 0, callNum - success);
  const task: TaskRecord = {
    taskId: 0,
    taskName: childTaskName(parent.taskName, k),
    status,
    rate: formatRate(callNum, numCnt),
    numCnt,
    callNum,
    success,
    fail,
    createdTime: toLocal(createdMs, zone),
    appId: parent.appId,
    voiceFileName: parent.voiceFileName,
    ttsText: parent.ttsText,
    createdMs,
    line: flow.line,
    node: k,
  };
  if (parent.scriptId !== undefined) task.scriptId = parent.scriptId;
  if (parent.taskType !== undefined) task.taskType = parent.taskType;
  return task;
}

/**
 * The child tasks of every started node of `flows` (in creation order). A node started when it
 * is among the first `finishNum` and its start time is before `now`; a flow whose finished nodes
 * could not all have started by `now` gets its finishNum cut back (and a "completed" status
 * turned into "in progress").
 */
function makeChildren(
  rng: Rng,
  flows: FlowRecord[],
  parentOf: Map<FlowRecord, TaskRecord>,
  blocked: readonly TimeRange[],
  now: number,
  zone: Zone,
  childrenOf: Map<FlowRecord, TaskRecord[]>,
): TaskRecord[] {
  const all: TaskRecord[] = [];
  for (const flow of flows) {
    const parent = parentOf.get(flow)!;
    const times = nodeStartTimes(flow, blocked);
    let started = 0;
    while (started < flow.finishNum && times[started]! < now) started++;
    if (started < flow.finishNum) {
      flow.finishNum = started;
      if (flow.status === 2) flow.status = 1;
    }
    const children: TaskRecord[] = [];
    for (let k = 1; k <= started; k++) {
      children.push(makeChildTask(rng, parent, flow, k, times[k - 1]!, zone, children[k - 2]));
    }
    childrenOf.set(flow, children);
    all.push(...children);
  }
  return all;
}

function makeTask(rng: Rng, createdMs: number, now: number, zone: Zone): TaskRecord {
  const status = weighted(rng, now - createdMs < DAY ? RECENT_STATUS : OLD_STATUS);
  const numCnt = weighted<() => number>(rng, [
    [() => randInt(rng, 1, 50), 0.3],
    [() => randInt(rng, 51, 1000), 0.5],
    [() => randInt(rng, 1001, 20000), 0.2],
  ])();
  const callNum = status === 2 ? numCnt : status === 0 || status === 3 || status === 6 ? 0 : randInt(rng, 0, numCnt);
  const success = Math.floor(callNum * (0.2 + rng() * 0.5));
  const fail = randInt(rng, 0, callNum - success);
  const taskType = rng() < 0.1 ? undefined : weighted(rng, [[1, 0.55], [2, 0.42], [3, 0.03]] as const);
  const scriptId = rng() < 0.3 ? undefined : randInt(rng, 1001, 1060);
  const appId = weighted(rng, [[101, 0.5], [102, 0.3], [103, 0.2]] as const);
  const r = rng();
  const taskName =
    r < 0.4
      ? stampedName(pick(rng, CN_BASES), createdMs, zone)
      : r < 0.55
        ? stampedName('DEFAULT_TASK_NAME', createdMs, zone)
        : r < 0.7
          ? `${pick(rng, CN_BASES)} 第${randInt(rng, 1, 20)}批`
          : `${pick(rng, EN_BASES)} ${randInt(rng, 1, 60)}`;
  const voiceFileName = rng() < 0.5 ? pick(rng, VOICE_FILES) : '';
  const ttsText = voiceFileName === '' || rng() < 0.2 ? pick(rng, TTS_TEXTS) : '';
  const task: TaskRecord = {
    taskId: 0,
    taskName,
    status,
    rate: formatRate(callNum, numCnt),
    numCnt,
    callNum,
    success,
    fail,
    createdTime: toLocal(createdMs, zone),
    appId,
    voiceFileName,
    ttsText,
    createdMs,
    line: 'groupCall',
  };
  if (scriptId !== undefined) task.scriptId = scriptId;
  if (taskType !== undefined) task.taskType = taskType;
  return task;
}

/** An AI Agent campaign task: taskType 3, an AI Agent template as scriptId, no voice file. */
function makeAgentTask(rng: Rng, createdMs: number, now: number, zone: Zone): TaskRecord {
  const status = weighted(rng, now - createdMs < DAY ? RECENT_STATUS : OLD_STATUS);
  const numCnt = rng() < 0.4 ? randInt(rng, 1, 100) : randInt(rng, 101, 5000);
  const callNum = status === 2 ? numCnt : status === 0 || status === 3 || status === 6 ? 0 : randInt(rng, 0, numCnt);
  const success = Math.floor(callNum * (0.3 + rng() * 0.5));
  const fail = randInt(rng, 0, callNum - success);
  const r = rng();
  const taskName =
    r < 0.6 ? stampedName(pick(rng, AGENT_BASES), createdMs, zone) : `${pick(rng, AGENT_BASES)} 第${randInt(rng, 1, 30)}批`;
  return {
    taskId: 0,
    taskName,
    status,
    rate: formatRate(callNum, numCnt),
    numCnt,
    callNum,
    success,
    fail,
    createdTime: toLocal(createdMs, zone),
    scriptId: randInt(rng, 3001, 3040),
    taskType: 3,
    appId: weighted(rng, [[101, 0.5], [102, 0.3], [103, 0.2]] as const),
    voiceFileName: '',
    ttsText: rng() < 0.5 ? pick(rng, AGENT_OPENINGS) : '',
    createdMs,
    line: 'aiAgent',
  };
}

/**
 * The settings each node of a flow repeats. Group-call line: the voice settings the provider
 * documents (partly) for IVR/AI nodes, taken from the parent task; the value types are the
 * simulator's guess. AI Agent line: the parent's AI Agent template (`scriptId`).
 */
export function nodeSettingsFor(line: Line, parent: TaskRecord | undefined): Record<string, unknown> {
  if (line === 'aiAgent') return { scriptId: parent?.scriptId ?? null };
  const voiceFile = parent?.voiceFileName ?? '';
  const text = parent?.ttsText ?? '';
  const chinese = /[\u4e00-\u9fff]/.test(text || voiceFile);
  const sms = parent?.appId === 103;
  return {
    source: voiceFile ? 1 : 2,
    voiceFileId: voiceFile ? 60_001 + Math.max(0, VOICE_FILES.indexOf(voiceFile)) : null,
    uploadName: voiceFile || null,
    text: voiceFile ? null : text,
    lan: chinese ? 'zh-CN' : 'en-US',
    speakingRate: 1,
    ssmlGender: 'FEMALE',
    accent: chinese ? 'zh-CN-XiaoxiaoNeural' : 'en-US-JennyNeural',
    hangUpSms: sms ? 1 : 0,
    smsContent: sms ? '感谢接听，详情请查看短信链接。' : null,
  };
}

export function makeFlow(
  rng: Rng,
  line: Line,
  parent: TaskRecord,
  createdMs: number,
  zone: Zone,
  intervals: readonly number[],
): FlowRecord {
  const status = weighted(rng, FLOW_STATUS);
  const recallNum = randInt(rng, 1, 5);
  return {
    keyId: 0,
    taskId: parent.taskId,
    taskName: parent.taskName,
    createTime: toLocal(createdMs, zone),
    recallType: rng() < 0.6 ? 1 : 0,
    recallInterval: pick(rng, intervals),
    recallNum,
    finishNum: status === 2 ? recallNum : status === 0 ? 0 : randInt(rng, 0, recallNum),
    status,
    createdMs,
    line,
    nodeKeyIds: [],
    nodeTaskIds: [],
    nodeSettings: nodeSettingsFor(line, parent),
  };
}

function distinctIndices(rng: Rng, length: number, count: number): number[] {
  const chosen = new Set<number>();
  while (chosen.size < Math.min(count, length)) chosen.add(Math.floor(rng() * length));
  return [...chosen];
}
