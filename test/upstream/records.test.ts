import { describe, expect, it } from 'vitest';
import { UpstreamError } from '../../src/upstream/errors';
import { parseZone } from '../../src/time';
import { parseGroupCallTaskPage, parseRecallFlowDetail, parseRecallFlowPage } from '../../src/upstream/records';

const PLUS8 = parseZone('+08:00');
const NY = parseZone('America/New_York');

const task = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  taskId: 5001857,
  taskName: '满意度调查-(UTC + 8)20240604144936',
  status: 2,
  rate: '100',
  numCnt: 30,
  callNum: 30,
  success: 20,
  fail: 10,
  createdTime: '2024-06-04 14:49:36',
  scriptId: 1033,
  taskType: 2,
  ...over,
});

const flow = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  keyId: 880460,
  taskId: 5001857,
  taskName: 'Renewal reminder 26',
  createTime: '2024-06-04 14:50:26',
  recallType: 1,
  recallInterval: 30,
  recallNum: 5,
  finishNum: 5,
  status: 2,
  ...over,
});

const page = (records: unknown, extra: Record<string, unknown> = {}) => ({
  records,
  total: Array.isArray(records) ? records.length : 0,
  size: 20,
  current: 1,
  pages: 1,
  searchCount: true,
  ...extra,
});

function invalid(fn: () => unknown): UpstreamError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(UpstreamError);
  const e = caught as UpstreamError;
  expect(e.code).toBe('UPSTREAM_INVALID_RESPONSE');
  expect(e.retryable).toBe(false);
  return e;
}

/** True when any number anywhere in the value is NaN or infinite. */
function hasNaN(v: unknown): boolean {
  if (typeof v === 'number') return !Number.isFinite(v);
  if (Array.isArray(v)) return v.some(hasNaN);
  if (v && typeof v === 'object') return Object.values(v).some(hasNaN);
  return false;
}

describe('parseGroupCallTaskPage', () => {
  it('parses a valid page into typed records with createdAt in the zone', () => {
    const p = parseGroupCallTaskPage(page([task(), task({ taskId: 5001856, createdTime: '2024-01-01 00:00:00' })]), PLUS8);
    expect(p.total).toBe(2);
    expect(p.records).toHaveLength(2);
    expect(p.records[0]).toEqual({ product: 'GROUP_CALL', ...task(), createdAt: Date.UTC(2024, 5, 4, 6, 49, 36) });
    expect(p.records[1]!.createdAt).toBe(Date.UTC(2023, 11, 31, 16));
    expect(hasNaN(p)).toBe(false);
  });

  it('computes createdAt with the configured zone, DST included', () => {
    const p = parseGroupCallTaskPage(page([task({ createdTime: '2024-07-15 00:00:00' })]), NY);
    expect(p.records[0]!.createdAt).toBe(Date.UTC(2024, 6, 15, 4));
  });

  it('passes unknown enum codes through as plain numbers', () => {
    const p = parseGroupCallTaskPage(page([task({ status: 9, taskType: 3 }), task({ status: 42, taskType: 99 })]), PLUS8);
    expect(p.records.map((r) => [r.status, r.taskType])).toEqual([
      [9, 3],
      [42, 99],
    ]);
  });

  it('maps absent or null scriptId / taskType / rate to null', () => {
    const absent = task();
    delete absent.scriptId;
    delete absent.taskType;
    delete absent.rate;
    const p = parseGroupCallTaskPage(page([absent, task({ scriptId: null, taskType: null, rate: null })]), PLUS8);
    for (const r of p.records) {
      expect(r.scriptId).toBeNull();
      expect(r.taskType).toBeNull();
      expect(r.rate).toBeNull();
    }
  });

  it('keeps a numeric rate as its string form', () => {
    expect(parseGroupCallTaskPage(page([task({ rate: 37.5 })]), PLUS8).records[0]!.rate).toBe('37.5');
    expect(parseGroupCallTaskPage(page([task({ rate: 0 })]), PLUS8).records[0]!.rate).toBe('0');
  });

  it('treats null or absent records as an empty page and accepts a numeric-string total', () => {
    expect(parseGroupCallTaskPage({ records: null, total: 0 }, PLUS8)).toEqual({ records: [], total: 0 });
    expect(parseGroupCallTaskPage({ total: '0' }, PLUS8)).toEqual({ records: [], total: 0 });
    expect(parseGroupCallTaskPage(page([task()], { total: '1234' }), PLUS8).total).toBe(1234);
  });

  it.each(['taskId', 'taskName', 'status', 'numCnt', 'callNum', 'success', 'fail', 'createdTime'])(
    'a record without %s is UPSTREAM_INVALID_RESPONSE naming the field',
    (field) => {
      const bad = task();
      delete bad[field];
      const e = invalid(() => parseGroupCallTaskPage(page([task(), bad]), PLUS8));
      expect(e.message).toContain(field);
      expect(e.message).toContain('index 1');
    },
  );

  it.each<[string, unknown]>([
    ['taskId', 'abc'],
    ['taskId', '5001857'],
    ['taskId', 1.5],
    ['taskId', null],
    ['status', '2'],
    ['numCnt', true],
    ['success', {}],
    ['taskName', 123],
    ['scriptId', 'x'],
    ['taskType', 1.25],
    ['rate', ['0']],
    ['createdTime', 1717483776000],
    ['createdTime', '2024-06-04T14:49:36'],
    ['createdTime', '2024-06-04'],
  ])('a mistyped %s (%j) is UPSTREAM_INVALID_RESPONSE', (field, value) => {
    const e = invalid(() => parseGroupCallTaskPage(page([task({ [field]: value })]), PLUS8));
    expect(e.message).toContain(field);
  });

  it.each(['2024-02-30 10:00:00', '2023-02-29 00:00:00', '2024-13-01 00:00:00', '2024-06-04 25:00:00', '2024-06-04 23:61:00'])(
    'an impossible createdTime %j is UPSTREAM_INVALID_RESPONSE, not a NaN',
    (createdTime) => {
      const e = invalid(() => parseGroupCallTaskPage(page([task({ createdTime })]), PLUS8));
      expect(e.message).toContain('createdTime');
      expect(e.message).not.toContain('NaN');
    },
  );

  it.each<[string, unknown]>([
    ['null', null],
    ['a string', 'records'],
    ['an array', [task()]],
    ['records not an array', { records: { 0: task() }, total: 1 }],
    ['no total', { records: [task()] }],
    ['a negative total', { records: [], total: -1 }],
    ['a fractional total', { records: [], total: 1.5 }],
    ['a non-numeric total', { records: [], total: 'many' }],
    ['a total past 32 bits (GraphQL Int)', { records: [], total: 2 ** 31 }],
    ['a numeric-string total past 32 bits', { records: [], total: '4294967296' }],
  ])('a page that is %s is UPSTREAM_INVALID_RESPONSE', (_name, data) => {
    invalid(() => parseGroupCallTaskPage(data, PLUS8));
  });

  it('a number GraphQL Int cannot carry (taskId, a count) is UPSTREAM_INVALID_RESPONSE, naming the field', () => {
    expect(invalid(() => parseGroupCallTaskPage(page([task({ taskId: 2 ** 31 })]), PLUS8)).message).toContain('taskId');
    expect(invalid(() => parseGroupCallTaskPage(page([task({ numCnt: -(2 ** 31) - 1 })]), PLUS8)).message).toContain('numCnt');
    expect(parseGroupCallTaskPage(page([task({ taskId: 2 ** 31 - 1 })]), PLUS8).records[0]!.taskId).toBe(2 ** 31 - 1);
  });

  it('rejects a record that is not an object', () => {
    invalid(() => parseGroupCallTaskPage(page([task(), null]), PLUS8));
    invalid(() => parseGroupCallTaskPage(page(['5001857']), PLUS8));
  });
});

describe('parseRecallFlowPage', () => {
  it('parses a valid page with createdAt in the zone', () => {
    const p = parseRecallFlowPage(page([flow()]), PLUS8);
    expect(p).toEqual({ records: [{ product: 'GROUP_CALL', ...flow(), createdAt: Date.UTC(2024, 5, 4, 6, 50, 26) }], total: 1 });
  });

  it('passes unknown status and recallType codes through', () => {
    const p = parseRecallFlowPage(page([flow({ status: 7, recallType: 5 })]), PLUS8);
    expect(p.records[0]).toMatchObject({ status: 7, recallType: 5 });
  });

  it.each(['keyId', 'taskId', 'taskName', 'createTime', 'recallType', 'recallInterval', 'recallNum', 'finishNum', 'status'])(
    'a flow without %s is UPSTREAM_INVALID_RESPONSE',
    (field) => {
      const bad = flow();
      delete bad[field];
      expect(invalid(() => parseRecallFlowPage(page([bad]), PLUS8)).message).toContain(field);
    },
  );

  it('a mistyped keyId ("abc") or taskId is UPSTREAM_INVALID_RESPONSE', () => {
    expect(invalid(() => parseRecallFlowPage(page([flow({ keyId: 'abc' })]), PLUS8)).message).toContain('keyId');
    expect(invalid(() => parseRecallFlowPage(page([flow({ taskId: '5001857' })]), PLUS8)).message).toContain('taskId');
  });

  it('an impossible createTime is UPSTREAM_INVALID_RESPONSE', () => {
    expect(invalid(() => parseRecallFlowPage(page([flow({ createTime: '2024-02-30 00:00:00' })]), PLUS8)).message).toContain(
      'createTime',
    );
  });
});

describe('records carry their product line', () => {
  it('stamps each task and flow with the line the caller names', () => {
    expect(parseGroupCallTaskPage(page([task({ taskType: 3 })]), PLUS8, 'AI_AGENT').records[0]!.product).toBe('AI_AGENT');
    expect(parseRecallFlowPage(page([flow()]), PLUS8, 'AI_AGENT').records[0]!.product).toBe('AI_AGENT');
  });
});

// The provider's AI Agent example (API.md, "Recall flow detail"): parent 5009611, node task 5009612.
const detail = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  keyId: 880461,
  recallInterval: 10,
  recallNum: 2,
  recallType: 0,
  status: 1,
  nodeList: [
    { keyId: 91, taskId: 5009612, nodeStatus: 2, scriptId: 77 },
    { keyId: 92, nodeStatus: 0 },
  ],
  ...over,
});

describe('parseRecallFlowDetail', () => {
  it('parses the flow and its nodes in the upstream order; a node without a task id has taskId null', () => {
    expect(parseRecallFlowDetail(detail(), 'AI_AGENT')).toEqual({
      product: 'AI_AGENT',
      keyId: 880461,
      recallInterval: 10,
      recallNum: 2,
      recallType: 0,
      status: 1,
      nodes: [
        { keyId: 91, taskId: 5009612, status: 2 },
        { keyId: 92, taskId: null, status: 0 },
      ],
    });
  });

  it('reads a null or 0 taskId as no task, and an absent or null nodeList as no nodes', () => {
    const d = parseRecallFlowDetail(detail({ nodeList: [{ keyId: 1, taskId: null, nodeStatus: 0 }, { keyId: 2, taskId: 0, nodeStatus: 0 }] }));
    expect(d.nodes.map((n) => n.taskId)).toEqual([null, null]);
    expect(parseRecallFlowDetail(detail({ nodeList: null })).nodes).toEqual([]);
    const absent = detail();
    delete absent.nodeList;
    expect(parseRecallFlowDetail(absent).nodes).toEqual([]);
  });

  it('passes unknown node status codes through; a node without one is of unknown status (-1)', () => {
    expect(parseRecallFlowDetail(detail({ nodeList: [{ keyId: 1, taskId: 5, nodeStatus: 9 }] })).nodes[0]!.status).toBe(9);
    expect(parseRecallFlowDetail(detail({ nodeList: [{ keyId: 1, taskId: 5 }] })).nodes[0]!.status).toBe(-1);
  });

  it.each([
    ['a missing keyId', (d: Record<string, unknown>) => delete d.keyId, 'keyId'],
    ['a mistyped node taskId', (d: Record<string, unknown>) => (d.nodeList = [{ keyId: 1, taskId: 'x', nodeStatus: 0 }]), 'taskId'],
    ['a node with a mistyped nodeStatus', (d: Record<string, unknown>) => (d.nodeList = [{ keyId: 1, taskId: 5, nodeStatus: 'done' }]), 'nodeStatus'],
    ['a node without keyId', (d: Record<string, unknown>) => (d.nodeList = [{ taskId: 5, nodeStatus: 1 }]), 'keyId'],
    ['nodeList not an array', (d: Record<string, unknown>) => (d.nodeList = 'none'), 'nodeList'],
  ])('%s is UPSTREAM_INVALID_RESPONSE naming the field', (_what, mutate, field) => {
    const d = detail();
    mutate(d);
    expect(invalid(() => parseRecallFlowDetail(d)).message).toContain(field);
  });

  it('a body that is not an object is UPSTREAM_INVALID_RESPONSE', () => {
    invalid(() => parseRecallFlowDetail(null));
    invalid(() => parseRecallFlowDetail([detail()]));
  });
});
