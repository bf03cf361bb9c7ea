/**
 * Runtime validation of the upstream's page payloads and records. A record with a missing or
 * mistyped field is UPSTREAM_INVALID_RESPONSE (never a crash, never a silent NaN). Unknown enum
 * codes stay plain integers: mapping them is the schema's business.
 */
import { z } from 'zod';
import { UpstreamError } from './errors';
import { fromLocal, type Zone } from './local-time';

const int = z.number().int();
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
  total: z.union([int, z.string().regex(/^\d+$/).transform(Number)]).pipe(z.number().int().min(0)),
});

export interface GroupCallTaskRecord {
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

function parsePage<W, T>(data: unknown, what: string, record: z.ZodType<W>, map: (w: W) => T): Page<T> {
  const page = PageWire.safeParse(data);
  if (!page.success) throw invalid(`${what} page`, page.error);
  const records = (page.data.records ?? []).map((raw, i) => {
    const r = record.safeParse(raw);
    if (!r.success) throw invalid(`${what} record at index ${i}`, r.error);
    return map(r.data);
  });
  return { records, total: page.data.total };
}

function epoch(local: string, zone: Zone, what: string): number {
  try {
    return fromLocal(local, zone);
  } catch {
    throw new UpstreamError('UPSTREAM_INVALID_RESPONSE', `upstream sent an impossible ${what}: ${local}`);
  }
}

export function parseGroupCallTaskPage(data: unknown, zone: Zone): Page<GroupCallTaskRecord> {
  return parsePage(data, 'group call task', GroupCallTaskWire, (w) => ({
    ...w,
    rate: w.rate ?? null,
    scriptId: w.scriptId ?? null,
    taskType: w.taskType ?? null,
    createdAt: epoch(w.createdTime, zone, 'createdTime'),
  }));
}

export function parseRecallFlowPage(data: unknown, zone: Zone): Page<RecallFlowRecord> {
  return parsePage(data, 'recall flow', RecallFlowWire, (w) => ({
    ...w,
    createdAt: epoch(w.createTime, zone, 'createTime'),
  }));
}
