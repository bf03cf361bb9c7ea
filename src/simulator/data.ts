/**
 * Generates the simulator's deterministic data set: thousands of group call tasks over the last
 * 180 days (with quiet days, busy hours and one marked "busy hour" whose every task has exactly one
 * recall flow, for join-planning tests) and recall flows created 10 s..1 h after their parents.
 * Same seed + same `now` → identical data; only the seeded PRNG is used.
 */
import { fromLocal, toLocal, type Zone } from '../time';
import { mulberry32, pick, randInt, weighted, type Rng } from './prng';
import {
  compareFlows,
  compareTasks,
  formatRate,
  stampedName,
  type FlowRecord,
  type TaskRecord,
  type TimeRange,
} from './records';

export interface DatasetOptions {
  seed?: number;
  /** The data set ends just before this instant (epoch ms). */
  now: number;
  zone: Zone;
  taskCount?: number;
  flowCount?: number;
}

export interface Dataset {
  seed: number;
  /** `now` truncated to the second. */
  now: number;
  zone: Zone;
  /** Newest first (createdMs desc, taskId desc). */
  tasks: TaskRecord[];
  /** Newest first (createdMs desc, keyId desc). */
  flows: FlowRecord[];
  /** An hour (local-hour aligned, 3..10 days ago) with >= 150 tasks, each with exactly one flow. */
  busyHour: TimeRange;
  /** Local calendar days with no task and no flow. */
  quietDays: TimeRange[];
}

export const DEFAULT_TASK_COUNT = 6000;
export const DEFAULT_FLOW_COUNT = 1800;
export const DEFAULT_SEED = 42;

const HOUR = 3_600_000;
const DAY = 86_400_000;
const SPAN_DAYS = 180;
const QUIET_DAY_COUNT = 4;
const OTHER_BUSY_HOURS = 7;
const UNKNOWN_TASK_STATUS = 9;
const UNKNOWN_TASK_STATUS_COUNT = 5;
const UNKNOWN_FLOW_STATUS = 7;
const UNKNOWN_FLOW_STATUS_COUNT = 2;
const FIRST_TASK_ID = 5_000_000;
const FIRST_KEY_ID = 880_000;
const MIN_FLOW_DELAY_S = 10;
const MAX_FLOW_DELAY_S = 3600;

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
const VOICE_FILES = [
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

  // 2. Tasks: ids increase with creation time.
  const tasks: TaskRecord[] = [];
  const busyTasks: TaskRecord[] = [];
  let taskId = FIRST_TASK_ID + randInt(rng, 0, 999);
  for (const slot of slots) {
    taskId += randInt(rng, 1, 3);
    const task = makeTask(rng, taskId, slot.ms, now, zone);
    tasks.push(task);
    if (slot.busy) busyTasks.push(task);
  }
  if (tasks.length >= 50) {
    for (const i of distinctIndices(rng, tasks.length, UNKNOWN_TASK_STATUS_COUNT)) tasks[i]!.status = UNKNOWN_TASK_STATUS;
  }

  // 3. Flows: one per busy-hour task, then the rest on random other parents (some get several).
  const flowDrafts: Array<{ parent: TaskRecord; ms: number }> = [];
  for (const parent of busyTasks) {
    flowDrafts.push({ parent, ms: parent.createdMs + randInt(rng, MIN_FLOW_DELAY_S, MAX_FLOW_DELAY_S) * 1000 });
  }
  const busySet = new Set(busyTasks);
  // A parent created within an hour before a quiet day could put its flow inside that day.
  const eligible = tasks.filter(
    (t) =>
      !busySet.has(t) &&
      now - t.createdMs >= MIN_FLOW_DELAY_S * 1000 &&
      !quietDays.some((d) => t.createdMs >= d.start - HOUR && t.createdMs < d.start),
  );
  let remaining = flowCount - flowDrafts.length;
  while (remaining > 0 && eligible.length > 0) {
    const parent = pick(rng, eligible);
    const k = Math.min(remaining, rng() < 0.15 ? randInt(rng, 2, 4) : 1);
    const maxDelay = Math.min(MAX_FLOW_DELAY_S, Math.floor((now - parent.createdMs) / 1000));
    for (let j = 0; j < k; j++) {
      flowDrafts.push({ parent, ms: parent.createdMs + randInt(rng, MIN_FLOW_DELAY_S, maxDelay) * 1000 });
    }
    remaining -= k;
  }
  flowDrafts.sort((a, b) => a.ms - b.ms);
  const flows: FlowRecord[] = [];
  let keyId = FIRST_KEY_ID + randInt(rng, 0, 99);
  for (const draft of flowDrafts) {
    keyId += randInt(rng, 1, 2);
    flows.push(makeFlow(rng, keyId, draft.parent, draft.ms, zone));
  }
  if (flows.length >= 20) {
    for (const i of distinctIndices(rng, flows.length, UNKNOWN_FLOW_STATUS_COUNT)) flows[i]!.status = UNKNOWN_FLOW_STATUS;
  }

  tasks.sort(compareTasks);
  flows.sort(compareFlows);
  return { seed, now, zone, tasks, flows, busyHour, quietDays };
}

function makeTask(rng: Rng, taskId: number, createdMs: number, now: number, zone: Zone): TaskRecord {
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
    taskId,
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
  };
  if (scriptId !== undefined) task.scriptId = scriptId;
  if (taskType !== undefined) task.taskType = taskType;
  return task;
}

function makeFlow(rng: Rng, keyId: number, parent: TaskRecord, createdMs: number, zone: Zone): FlowRecord {
  const status = weighted(rng, FLOW_STATUS);
  const recallNum = randInt(rng, 1, 5);
  return {
    keyId,
    taskId: parent.taskId,
    taskName: parent.taskName,
    createTime: toLocal(createdMs, zone),
    recallType: rng() < 0.6 ? 1 : 0,
    recallInterval: pick(rng, [5, 10, 15, 30, 60, 120]),
    recallNum,
    finishNum: status === 2 ? recallNum : status === 0 ? 0 : randInt(rng, 0, recallNum),
    status,
    createdMs,
  };
}

function distinctIndices(rng: Rng, length: number, count: number): number[] {
  const chosen = new Set<number>();
  while (chosen.size < Math.min(count, length)) chosen.add(Math.floor(rng() * length));
  return [...chosen];
}
