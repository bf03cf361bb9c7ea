/**
 * Runtime validation of the upstream's page payloads and records. A record with a missing or
 * mistyped field is UPSTREAM_INVALID_RESPONSE (never a crash, never a silent NaN). Unknown enum
 * codes stay plain integers: mapping them is the schema's business.
 */
import { z } from 'zod';
import { UpstreamError } from './errors';
import { fromLocal, type Zone } from '../time';
import type { ProductLineId } from './lines';

// GraphQL's Int is 32-bit: a larger number could not be served, so it is an invalid answer here.
const INT_MAX = 2_147_483_647;
const int = z.number().int().min(-INT_MAX - 1).max(INT_MAX);
const localTime = z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/, 'expected YYYY-MM-DD HH:mm:ss');
// `rate` is documented as a string; a number is the same information, so accept and keep it verbatim.
const rate = z.union([z.string(), z.number().transform(String)]).nullish();

const GroupCallTaskWire = z.object({
  taskId: int,
  taskName: z.string(),
  status: int,
  rate,
  numCnt: int,
  callNum: int,
  success: int,
  fail: int,
  createdTime: localTime,
  scriptId: int.nullish(),
  taskType: int.nullish(),
});

const RecallFlowWire = z.object({
  keyId: int,
  taskId: int,
  taskName: z.string(),
  createTime: localTime,
  recallType: int,
  recallInterval: int,
  recallNum: int,
  finishNum: int,
  status: int,
});

const PageWire = z.object({
  records: z.array(z.unknown()).nullish(),
  total: z.union([int, z.string().regex(/^\d+$/).transform(Number)]).pipe(z.number().int().min(0).max(INT_MAX)),
});

export interface GroupCallTaskRecord {
  /** The product line whose list the record came from (not an upstream field). */
  product: ProductLineId;
  taskId: number;
  taskName: string;
  status: number;
  rate: string | null;
  numCnt: number;
  callNum: number;
  success: number;
  fail: number;
  /** The upstream's local date-time, verbatim. */
  createdTime: string;
  /** createdTime as epoch ms in the configured zone. */
  createdAt: number;
  scriptId: number | null;
  taskType: number | null;
}

export interface RecallFlowRecord {
  /** The product line whose list the record came from (not an upstream field). */
  product: ProductLineId;
  keyId: number;
  taskId: number;
  taskName: string;
  createTime: string;
  /** createTime as epoch ms in the configured zone. */
  createdAt: number;
  recallType: number;
  recallInterval: number;
  recallNum: number;
  finishNum: number;
  status: number;
}

export interface Page<T> {
  records: T[];
  total: number;
}

function invalid(what: string, error: z.ZodError): UpstreamError {
  const issue = error.issues[0];
  const where = issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid';
  return new UpstreamError('UPSTREAM_INVALID_RESPONSE', `upstream sent an invalid ${what} (${where})`);
}

const isInt = (v: unknown): v is number => typeof v === 'number' && (v | 0) === v;
const isOptInt = (v: unknown): v is number | null | undefined => v == null || isInt(v);
const LOCAL_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const isLocalTime = (v: unknown): v is string => typeof v === 'string' && LOCAL_TIME.test(v);

/**
 * Validates one page. Well-formed records take a hand-written fast path (zod costs several times
 * more per record, and every page of every request goes through here); anything the fast path
 * does not accept goes through the zod schema, which either accepts it (e.g. a numeric `rate`)
 * or names the bad field in the error.
 */
function parsePage<W, T>(
  data: unknown,
  what: string,
  record: z.ZodType<W>,
  fast: (raw: Record<string, unknown>) => T | undefined,
  map: (w: W) => T,
): Page<T> {
  let raws: unknown[];
  let total: number;
  const d = data as { records?: unknown; total?: unknown } | null;
  if (typeof d === 'object' && d !== null && (d.records == null || Array.isArray(d.records)) && isInt(d.total) && d.total >= 0) {
    raws = (d.records as unknown[] | null | undefined) ?? [];
    total = d.total;
  } else {
    const page = PageWire.safeParse(data);
    if (!page.success) throw invalid(`${what} page`, page.error);
    raws = page.data.records ?? [];
    total = page.data.total;
  }
  const records = raws.map((raw, i) => {
    const quick = typeof raw === 'object' && raw !== null ? fast(raw as Record<string, unknown>) : undefined;
    if (quick !== undefined) return quick;
    const r = record.safeParse(raw);
    if (!r.success) throw invalid(`${what} record at index ${i}`, r.error);
    return map(r.data);
  });
  return { records, total };
}

function epoch(local: string, zone: Zone, what: string): number {
  try {
    return fromLocal(local, zone);
  } catch {
    throw new UpstreamError('UPSTREAM_INVALID_RESPONSE', `upstream sent an impossible ${what}: ${local}`);
  }
}

export function parseGroupCallTaskPage(data: unknown, zone: Zone, product: ProductLineId = 'GROUP_CALL'): Page<GroupCallTaskRecord> {
  return parsePage(
    data,
    'group call task',
    GroupCallTaskWire,
    (r) => {
      const { taskId, taskName, status, rate, numCnt, callNum, success, fail, createdTime, scriptId, taskType } = r;
      if (
        !isInt(taskId) || typeof taskName !== 'string' || !isInt(status) || !(rate == null || typeof rate === 'string') ||
        !isInt(numCnt) || !isInt(callNum) || !isInt(success) || !isInt(fail) || !isLocalTime(createdTime) ||
        !isOptInt(scriptId) || !isOptInt(taskType)
      ) {
        return undefined;
      }
      return {
        product, taskId, taskName, status, rate: rate ?? null, numCnt, callNum, success, fail, createdTime,
        createdAt: epoch(createdTime, zone, 'createdTime'),
        scriptId: scriptId ?? null,
        taskType: taskType ?? null,
      };
    },
    (w) => ({
      product,
      ...w,
      rate: w.rate ?? null,
      scriptId: w.scriptId ?? null,
      taskType: w.taskType ?? null,
      createdAt: epoch(w.createdTime, zone, 'createdTime'),
    }),
  );
}

export function parseRecallFlowPage(data: unknown, zone: Zone, product: ProductLineId = 'GROUP_CALL'): Page<RecallFlowRecord> {
  return parsePage(
    data,
    'recall flow',
    RecallFlowWire,
    (r) => {
      const { keyId, taskId, taskName, createTime, recallType, recallInterval, recallNum, finishNum, status } = r;
      if (
        !isInt(keyId) || !isInt(taskId) || typeof taskName !== 'string' || !isLocalTime(createTime) || !isInt(recallType) ||
        !isInt(recallInterval) || !isInt(recallNum) || !isInt(finishNum) || !isInt(status)
      ) {
        return undefined;
      }
      return {
        product, keyId, taskId, taskName, createTime, recallType, recallInterval, recallNum, finishNum, status,
        createdAt: epoch(createTime, zone, 'createTime'),
      };
    },
    (w) => ({ product, ...w, createdAt: epoch(w.createTime, zone, 'createTime') }),
  );
}

// The detail is documented partly (API.md, "Recall flow detail"): nodes may lack a task id (not
// started yet), nodeList may be absent or null. A node's other fields (voice settings) are not served.
const RecallNodeWire = z.object({
  keyId: int,
  // 0 or below names no task: an unstarted node, as far as a caller can tell.
  taskId: int.nullish().transform((v) => (v == null || v <= 0 ? null : v)),
  // Documented, but the pages are partial: a node without one is of an unknown status (-1), not a broken answer.
  nodeStatus: int.nullish().transform((v) => v ?? -1),
});

const RecallFlowDetailWire = z.object({
  keyId: int,
  recallInterval: int,
  recallNum: int,
  recallType: int,
  status: int,
  nodeList: z.array(RecallNodeWire).nullish(),
});

export interface RecallNodeRecord {
  keyId: number;
  /** The group call task the node runs as; null when the upstream names none (yet). */
  taskId: number | null;
  status: number;
}

export interface RecallFlowDetailRecord {
  product: ProductLineId;
  keyId: number;
  recallInterval: number;
  recallNum: number;
  recallType: number;
  status: number;
  /** The flow's process nodes, one per redial attempt, in the upstream's order. */
  nodes: RecallNodeRecord[];
}

export function parseRecallFlowDetail(data: unknown, product: ProductLineId = 'GROUP_CALL'): RecallFlowDetailRecord {
  const d = RecallFlowDetailWire.safeParse(data);
  if (!d.success) throw invalid('recall flow detail', d.error);
  const { nodeList, ...flow } = d.data;
  return {
    product,
    ...flow,
    nodes: (nodeList ?? []).map((n) => ({ keyId: n.keyId, taskId: n.taskId, status: n.nodeStatus })),
  };
}
