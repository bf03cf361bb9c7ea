import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator';
import { FLOWS, NOW, query, TASKS } from '../helpers/upstream-client';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ now: NOW, taskCount: 500, flowCount: 200 });
});
afterAll(() => sim.close());

const params = { strTime: '2025-08-01 00:00:00', endTime: '2025-08-20 00:00:00' };

describe('parameter validation (-22)', () => {
  it.each<[string, unknown, string]>([
    ['page 0', { current: 0, size: 10, params }, 'current'],
    ['a fractional page', { current: 1.5, size: 10, params }, 'current'],
    ['a page as a string', { current: '1', size: 10, params }, 'current'],
    ['size 0', { current: 1, size: 0, params }, 'size'],
    ['size 101', { current: 1, size: 101, params }, 'size'],
    ['missing size', { current: 1, params }, 'size'],
    ['missing params', { current: 1, size: 10 }, 'params'],
    ['missing strTime', { current: 1, size: 10, params: { endTime: params.endTime } }, 'strTime'],
    ['missing endTime', { current: 1, size: 10, params: { strTime: params.strTime } }, 'endTime'],
    ['malformed endTime', { current: 1, size: 10, params: { ...params, endTime: '2025-08-20T00:00:00' } }, 'endTime'],
    ['impossible endTime', { current: 1, size: 10, params: { ...params, endTime: '2025-02-30 00:00:00' } }, 'endTime'],
    ['strTime after endTime', { current: 1, size: 10, params: { strTime: params.endTime, endTime: params.strTime } }, 'strTime'],
    [
      'a window over 366 days',
      { current: 1, size: 10, params: { strTime: '2024-08-18 00:00:00', endTime: '2025-08-20 00:00:00' } },
      'days',
    ],
    ['statusList not an array', { current: 1, size: 10, params: { ...params, statusList: 2 } }, 'statusList'],
    ['statusList of strings', { current: 1, size: 10, params: { ...params, statusList: ['2'] } }, 'statusList'],
    ['idxAppId as a string', { current: 1, size: 10, params: { ...params, idxAppId: '101' } }, 'idxAppId'],
    ['searchCondition as a number', { current: 1, size: 10, params: { ...params, searchCondition: 5 } }, 'searchCondition'],
    ['a JSON array body', [1, 2], 'JSON object'],
  ])('rejects %s', async (_name, requestBody, mentioned) => {
    const res = await query(sim, TASKS, requestBody);
    expect(res.code).toBe(-22);
    expect(res.data).toBeNull();
    expect(res.message).toContain('parameter error');
    expect(res.message).toContain(mentioned);
  });

  it('rejects a body that is not JSON', async () => {
    const res = await query(sim, TASKS, null, { rawBody: '{"current":1,' });
    expect(res.code).toBe(-22);
  });

  it('rejects a non-string taskName on recall flows', async () => {
    const res = await query(sim, FLOWS, { current: 1, size: 10, params: { ...params, taskName: 5000001 } });
    expect(res.code).toBe(-22);
    expect(res.message).toContain('taskName');
  });

  it('accepts the limits: size 1 and 100, a 366-day window, nulls for optional params', async () => {
    expect((await query(sim, TASKS, { current: 1, size: 1, params })).code).toBe(0);
    expect((await query(sim, TASKS, { current: 1, size: 100, params })).code).toBe(0);
    const year = { strTime: '2024-08-19 00:00:00', endTime: '2025-08-20 00:00:00' };
    expect((await query(sim, TASKS, { current: 1, size: 10, params: year })).code).toBe(0);
    const nulls = { ...params, statusList: null, idxAppId: null, searchCondition: null };
    expect((await query(sim, TASKS, { current: 1, size: 10, params: nulls })).code).toBe(0);
    expect((await query(sim, FLOWS, { current: 1, size: 10, params: { ...params, taskName: null } })).code).toBe(0);
  });

  it('honours maxWindowDays', async () => {
    const narrow = await startSimulator({ now: NOW, taskCount: 50, flowCount: 10, maxWindowDays: 7 });
    try {
      const res = await query(narrow, TASKS, { current: 1, size: 10, params });
      expect(res.code).toBe(-22);
      expect(res.message).toContain('7 days');
      const week = { strTime: '2025-08-13 00:00:00', endTime: '2025-08-20 00:00:00' };
      expect((await query(narrow, TASKS, { current: 1, size: 10, params: week })).code).toBe(0);
    } finally {
      await narrow.close();
    }
  });
});
