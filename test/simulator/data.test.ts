import { describe, expect, it } from 'vitest';
import { generateDataset, type Dataset } from '../../src/simulator';
import { parseZone, toLocal } from '../../src/time';
import { NOW } from '../helpers/upstream-client';

const zone = parseZone('+08:00');
const HOUR = 3_600_000;
const DAY = 86_400_000;

describe('generateDataset', () => {
  const ds: Dataset = generateDataset({ seed: 42, now: NOW, zone });

  it('is deterministic for a seed and now, and differs for another seed', () => {
    const again = generateDataset({ seed: 42, now: NOW, zone });
    expect(again.tasks.slice(0, 50)).toEqual(ds.tasks.slice(0, 50));
    expect(again.flows.slice(0, 50)).toEqual(ds.flows.slice(0, 50));
    expect(again.tasks.at(-1)).toEqual(ds.tasks.at(-1));
    expect(again.busyHour).toEqual(ds.busyHour);
    expect(again.quietDays).toEqual(ds.quietDays);
    const other = generateDataset({ seed: 7, now: NOW, zone });
    expect(other.tasks.slice(0, 5)).not.toEqual(ds.tasks.slice(0, 5));
  });

  it('has the default sizes, spread over the last 180 days', () => {
    expect(ds.tasks.length).toBe(6000);
    expect(ds.tasks.length).toBeGreaterThanOrEqual(5000);
    expect(ds.flows.length).toBeGreaterThanOrEqual(1500);
    for (const t of ds.tasks) {
      expect(t.createdMs).toBeLessThan(NOW);
      expect(t.createdMs).toBeGreaterThanOrEqual(NOW - 180 * DAY);
    }
  });

  it('keeps both tables newest first with ids increasing with time', () => {
    for (let i = 1; i < ds.tasks.length; i++) {
      const [a, b] = [ds.tasks[i - 1]!, ds.tasks[i]!];
      expect(a.createdMs >= b.createdMs && a.taskId > b.taskId).toBe(true);
    }
    for (let i = 1; i < ds.flows.length; i++) {
      const [a, b] = [ds.flows[i - 1]!, ds.flows[i]!];
      expect(a.createdMs >= b.createdMs && a.keyId > b.keyId).toBe(true);
    }
    const lowest = ds.tasks.at(-1)!.taskId;
    expect(lowest).toBeGreaterThan(5_000_000);
    expect(lowest).toBeLessThan(5_001_100);
  });

  it('gives tasks the upstream fields with consistent values', () => {
    for (const t of ds.tasks) {
      expect(t.createdTime).toBe(toLocal(t.createdMs, zone));
      expect(t.callNum).toBeLessThanOrEqual(t.numCnt);
      expect(t.success + t.fail).toBeLessThanOrEqual(t.callNum);
      expect(t.rate).toMatch(/^\d+(\.\d)?$/);
      expect([101, 102, 103]).toContain(t.appId);
    }
    const share = (pred: (t: (typeof ds.tasks)[number]) => boolean) => ds.tasks.filter(pred).length / ds.tasks.length;
    expect(share((t) => t.scriptId === undefined)).toBeGreaterThan(0.2);
    expect(share((t) => t.scriptId === undefined)).toBeLessThan(0.4);
    expect(share((t) => t.taskType === undefined)).toBeGreaterThan(0.05);
    expect(share((t) => t.taskType === undefined)).toBeLessThan(0.15);
    expect(ds.tasks.some((t) => t.taskType === 3)).toBe(true);
    expect(ds.tasks.filter((t) => t.status === 9)).toHaveLength(5);
    expect(new Set(ds.tasks.map((t) => t.status))).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 9]));
    expect(ds.flows.filter((f) => f.status === 7)).toHaveLength(2);
    expect(ds.tasks.some((t) => /^春季促销回访-\(UTC \+ 8\)\d{14}$/.test(t.taskName))).toBe(true);
    expect(ds.tasks.some((t) => t.taskName.startsWith('DEFAULT_TASK_NAME-(UTC + 8)'))).toBe(true);
    expect(ds.tasks.some((t) => /^[A-Za-z -]+ \d+$/.test(t.taskName))).toBe(true);
    expect(new Set(ds.tasks.map((t) => t.taskName)).size).toBeLessThan(ds.tasks.length);
  });

  it('creates every flow 10 s to 1 h after its parent, never in the future', () => {
    const byId = new Map(ds.tasks.map((t) => [t.taskId, t]));
    const perParent = new Map<number, number>();
    for (const f of ds.flows) {
      const parent = byId.get(f.taskId)!;
      expect(parent).toBeDefined();
      expect(f.taskName).toBe(parent.taskName);
      expect(f.createTime).toBe(toLocal(f.createdMs, zone));
      expect(f.createdMs - parent.createdMs).toBeGreaterThanOrEqual(10_000);
      expect(f.createdMs - parent.createdMs).toBeLessThanOrEqual(HOUR);
      expect(f.createdMs).toBeLessThanOrEqual(NOW);
      expect(f.finishNum).toBeLessThanOrEqual(f.recallNum);
      perParent.set(f.taskId, (perParent.get(f.taskId) ?? 0) + 1);
    }
    expect(new Set(ds.flows.map((f) => f.keyId)).size).toBe(ds.flows.length);
    expect([...perParent.values()].some((n) => n > 1)).toBe(true);
  });

  it('has a busy hour 3..10 days ago with >= 150 tasks, each with exactly one flow', () => {
    const { start, end } = ds.busyHour;
    expect(end - start).toBe(HOUR);
    expect(toLocal(start, zone)).toMatch(/:00:00$/);
    expect(NOW - start).toBeGreaterThanOrEqual(3 * DAY);
    expect(NOW - start).toBeLessThanOrEqual(10 * DAY);
    const busy = ds.tasks.filter((t) => t.createdMs >= start && t.createdMs < end);
    expect(busy.length).toBeGreaterThanOrEqual(150);
    for (const t of busy) expect(ds.flows.filter((f) => f.taskId === t.taskId)).toHaveLength(1);
  });

  it('has quiet days with no tasks and no flows', () => {
    expect(ds.quietDays.length).toBeGreaterThanOrEqual(3);
    for (const d of ds.quietDays) {
      expect(d.end - d.start).toBe(DAY);
      expect(toLocal(d.start, zone)).toMatch(/ 00:00:00$/);
      expect(ds.tasks.filter((t) => t.createdMs >= d.start && t.createdMs < d.end)).toHaveLength(0);
      expect(ds.flows.filter((f) => f.createdMs >= d.start && f.createdMs < d.end)).toHaveLength(0);
    }
  });

  it('honours taskCount, flowCount and an IANA zone', () => {
    const small = generateDataset({ seed: 1, now: NOW, zone: parseZone('America/New_York'), taskCount: 500, flowCount: 300 });
    expect(small.tasks).toHaveLength(500);
    expect(small.flows).toHaveLength(300);
    expect(small.tasks.some((t) => t.taskName.includes('(UTC - 4)'))).toBe(true);
  });
});
