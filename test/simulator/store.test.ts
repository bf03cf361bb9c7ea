/**
 * The simulator's queries (src/simulator/store.ts) over real HTTP: the task list's window and
 * filters, paging, the recall-flow list, and the envelope variants the answers come in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type FlowRecord, type Simulator, type TaskRecord } from '../../src/simulator';
import { toLocal } from '../../src/time';
import { ALL, body, FLOWS, NOW, query, TASKS } from '../helpers/upstream-client';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ now: NOW, envelope: 'code' });
});
afterAll(() => sim.close());

const local = (ms: number) => toLocal(ms, sim.dataset.zone);

type WireTask = { taskId: number; status: number; createdTime: string; taskName: string };
type WireFlow = { keyId: number; taskId: number; taskName: string; createTime: string };

async function allPages<R>(path: string, params: Record<string, unknown>, size: number): Promise<{ records: R[]; total: number }> {
  const first = await query<R>(sim, path, body(params, 1, size));
  expect(first.code).toBe(0);
  const records = [...first.data!.records];
  for (let page = 2; page <= first.data!.pages; page++) {
    const next = await query<R>(sim, path, body(params, page, size));
    expect(next.data!.total).toBe(first.data!.total);
    records.push(...next.data!.records);
  }
  return { records, total: first.data!.total };
}

const inWindow = (ms: number, strTime: string, endTime: string) => local(ms) >= strTime && local(ms) <= endTime;
const taskIds = (tasks: TaskRecord[]) => tasks.map((t) => t.taskId);

describe('group call task window and filters', () => {
  it('returns upstream-shaped records, newest first, without internal fields', async () => {
    const res = await query<Record<string, unknown>>(sim, TASKS, body(ALL, 1, 100));
    const records = res.data!.records;
    expect(records).toHaveLength(100);
    expect(res.data).toMatchObject({ total: sim.dataset.tasks.length, size: 100, current: 1, pages: Math.ceil(sim.dataset.tasks.length / 100), searchCount: true });
    for (const r of records) {
      expect(Object.keys(r).filter((k) => !['scriptId', 'taskType'].includes(k)).sort()).toEqual(
        ['callNum', 'createdTime', 'fail', 'numCnt', 'rate', 'status', 'success', 'taskId', 'taskName'],
      );
    }
    expect(records.map((r) => r.taskId)).toEqual(taskIds(sim.dataset.tasks.slice(0, 100)));
  });

  it('includes both window ends, to the second', async () => {
    const t = sim.dataset.tasks[1234]!;
    const sameTime = sim.dataset.tasks.filter((x) => x.createdTime === t.createdTime);
    const exact = await query<WireTask>(sim, TASKS, body({ strTime: t.createdTime, endTime: t.createdTime }));
    expect(exact.data!.records.map((r) => r.taskId)).toEqual(taskIds(sameTime));
    const after = local(t.createdMs + 1000);
    const before = local(t.createdMs - 1000);
    const fromNext = await query<WireTask>(sim, TASKS, body({ strTime: after, endTime: ALL.endTime }, 1, 100));
    expect(fromNext.data!.records.some((r) => r.taskId === t.taskId)).toBe(false);
    const untilPrev = await query<WireTask>(sim, TASKS, body({ strTime: ALL.strTime, endTime: before }, 1, 1));
    expect(untilPrev.data!.total).toBe(sim.dataset.tasks.filter((x) => x.createdMs < t.createdMs).length);
  });

  it('answers an empty window and a quiet day with no records', async () => {
    const empty = await query(sim, TASKS, body({ strTime: '2020-01-01 00:00:00', endTime: '2020-01-02 00:00:00' }));
    expect(empty.data).toMatchObject({ records: [], total: 0, pages: 0 });
    const quiet = sim.dataset.quietDays[0]!;
    const day = await query(sim, TASKS, body({ strTime: local(quiet.start), endTime: local(quiet.end - 1000) }));
    expect(day.data!.total).toBe(0);
  });

  it('filters by statusList (empty = all), including an unknown status', async () => {
    const params = { ...ALL, statusList: [3, 9] };
    const { records, total } = await allPages<WireTask>(TASKS, params, 100);
    const expected = sim.dataset.tasks.filter((t) => t.status === 3 || t.status === 9);
    expect(total).toBe(expected.length);
    expect(records.map((r) => r.taskId)).toEqual(taskIds(expected));
    expect(records.filter((r) => r.status === 9)).toHaveLength(5);
    const all = await query(sim, TASKS, body({ ...ALL, statusList: [] }, 1, 1));
    expect(all.data!.total).toBe(sim.dataset.tasks.length);
  });

  it('filters by idxAppId within a window', async () => {
    const params = { strTime: '2025-07-01 00:00:00', endTime: '2025-07-31 23:59:59', idxAppId: 102 };
    const res = await query(sim, TASKS, body(params, 1, 1));
    const expected = sim.dataset.tasks.filter((t) => t.appId === 102 && inWindow(t.createdMs, params.strTime, params.endTime));
    expect(expected.length).toBeGreaterThan(0);
    expect(res.data!.total).toBe(expected.length);
    expect((await query(sim, TASKS, body({ ...params, idxAppId: 999 }))).data!.total).toBe(0);
  });

  it.each([
    ['a Chinese substring of the name', '促销'],
    ['a case-insensitive ASCII substring', 'RENEWAL reminder'],
    ['a voice file name', 'survey_intro'],
    ['TTS text only', 'parcel will be delivered'],
  ])('searchCondition matches %s', async (_what, search) => {
    const params = { ...ALL, searchCondition: search };
    const needle = search.toLowerCase();
    const expected = sim.dataset.tasks.filter((t) =>
      [t.taskName, t.voiceFileName, t.ttsText].some((s) => s.toLowerCase().includes(needle)),
    );
    expect(expected.length).toBeGreaterThan(0);
    const res = await query<WireTask>(sim, TASKS, body(params, 1, 100));
    expect(res.data!.total).toBe(expected.length);
    expect(res.data!.records.map((r) => r.taskId)).toEqual(taskIds(expected.slice(0, 100)));
  });

  it('combines filters', async () => {
    const params = { ...ALL, statusList: [2], idxAppId: 101, searchCondition: '续费' };
    const expected = sim.dataset.tasks.filter(
      (t) => t.status === 2 && t.appId === 101 && [t.taskName, t.voiceFileName, t.ttsText].some((s) => s.includes('续费')),
    );
    const { records } = await allPages<WireTask>(TASKS, params, 100);
    expect(records.map((r) => r.taskId)).toEqual(taskIds(expected));
  });
});

describe('paging', () => {
  const params = { strTime: '2025-06-01 00:00:00', endTime: '2025-07-15 00:00:00' };

  it('pages concatenate to the whole filtered list, without duplicates', async () => {
    const expected = sim.dataset.tasks.filter((t) => inWindow(t.createdMs, params.strTime, params.endTime));
    expect(expected.length).toBeGreaterThan(300);
    const { records, total } = await allPages<WireTask>(TASKS, params, 37);
    expect(total).toBe(expected.length);
    expect(new Set(records.map((r) => r.taskId)).size).toBe(records.length);
    expect(records.map((r) => r.taskId)).toEqual(taskIds(expected));
  });

  it('answers a page beyond the end with no records and the right total', async () => {
    const first = await query(sim, TASKS, body(params, 1, 50));
    const { total, pages } = first.data!;
    expect(pages).toBe(Math.ceil(total / 50));
    const last = await query(sim, TASKS, body(params, pages, 50));
    expect(last.data!.records).toHaveLength(total - (pages - 1) * 50);
    const beyond = await query(sim, TASKS, body(params, pages + 3, 50));
    expect(beyond.data).toMatchObject({ records: [], total, current: pages + 3, size: 50, pages });
  });
});

describe('recall flows', () => {
  const flowIds = (flows: FlowRecord[]) => flows.map((f) => f.keyId);

  it('lists a window newest first', async () => {
    const params = { strTime: '2025-08-01 00:00:00', endTime: '2025-08-20 12:00:00' };
    const { records, total } = await allPages<WireFlow>(FLOWS, params, 100);
    const expected = sim.dataset.flows.filter((f) => inWindow(f.createdMs, params.strTime, params.endTime));
    expect(total).toBe(expected.length);
    expect(records.map((r) => r.keyId)).toEqual(flowIds(expected));
    expect(Object.keys(records[0]!).sort()).toEqual(
      ['createTime', 'finishNum', 'keyId', 'recallInterval', 'recallNum', 'recallType', 'status', 'taskId', 'taskName'],
    );
  });

  it('matches taskName fuzzily and case-insensitively', async () => {
    const params = { ...ALL, taskName: 'payment FOLLOW' };
    const expected = sim.dataset.flows.filter((f) => f.taskName.toLowerCase().includes('payment follow'));
    expect(expected.length).toBeGreaterThan(0);
    const { records } = await allPages<WireFlow>(FLOWS, params, 100);
    expect(records.map((r) => r.keyId)).toEqual(flowIds(expected));
    const chinese = await query(sim, FLOWS, body({ ...ALL, taskName: '回访' }, 1, 1));
    expect(chinese.data!.total).toBe(sim.dataset.flows.filter((f) => f.taskName.includes('回访')).length);
  });

  it('matches taskName as an exact parent task id', async () => {
    const counts = new Map<number, number>();
    for (const f of sim.dataset.flows) counts.set(f.taskId, (counts.get(f.taskId) ?? 0) + 1);
    const parentId = [...counts.entries()].find(([, n]) => n > 1)![0];
    const { records } = await allPages<WireFlow>(FLOWS, { ...ALL, taskName: String(parentId) }, 100);
    const expected = sim.dataset.flows.filter((f) => f.taskId === parentId || f.taskName.toLowerCase().includes(String(parentId)));
    expect(records.map((r) => r.keyId)).toEqual(flowIds(expected));
    expect(records.filter((r) => r.taskId === parentId)).toHaveLength(counts.get(parentId)!);
    // A prefix of the id is not an id match: whatever comes back matched by name.
    const prefix = String(parentId).slice(0, 6);
    const byPrefix = await allPages<WireFlow>(FLOWS, { ...ALL, taskName: prefix }, 100);
    expect(byPrefix.records.every((r) => r.taskName.includes(prefix))).toBe(true);
  });

  it('finds the busy hour flows and their parents with a few calls', async () => {
    const { start, end } = sim.dataset.busyHour;
    const busy = await query<WireTask>(sim, TASKS, body({ strTime: local(start), endTime: local(end - 1000) }, 1, 100));
    expect(busy.data!.total).toBeGreaterThanOrEqual(150);
    const flows = await allPages<WireFlow>(FLOWS, { strTime: local(start), endTime: local(end + 3_600_000) }, 100);
    const busyIds = new Set(sim.dataset.tasks.filter((t) => t.createdMs >= start && t.createdMs < end).map((t) => t.taskId));
    expect(flows.records.filter((f) => busyIds.has(f.taskId))).toHaveLength(busyIds.size);
  });
});

describe('envelopes', () => {
  it('rotates through all four variants by default', async () => {
    const rotating = await startSimulator({ now: NOW, taskCount: 100, flowCount: 20 });
    try {
      const styles = [];
      for (let i = 0; i < 4; i++) {
        const res = await query(rotating, i % 2 ? TASKS : FLOWS, body(ALL, 1, 1));
        expect(res.code).toBe(0);
        expect(res.message).toBe('success');
        expect(res.data!.records).toHaveLength(1);
        styles.push(res.style);
      }
      expect(new Set(styles)).toEqual(new Set(['code', 'status', 'code-string', 'status-string']));
      const error = await query(rotating, TASKS, body(ALL, 0, 1));
      expect(error.code).toBe(-22);
    } finally {
      await rotating.close();
    }
  });

  it.each(['code', 'status', 'code-string', 'status-string'] as const)('can be fixed to %s', async (style) => {
    const fixed = await startSimulator({ now: NOW, taskCount: 50, flowCount: 10, envelope: style });
    try {
      for (let i = 0; i < 2; i++) expect((await query(fixed, TASKS, body(ALL, 1, 1))).style).toBe(style);
      const failed = await query(fixed, TASKS, body(ALL, 1, 1), { sign: 'x' });
      expect(failed).toMatchObject({ code: -1, style, data: null });
    } finally {
      await fixed.close();
    }
  });
});
