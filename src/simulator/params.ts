/**
 * Validates a request body the way the upstream does and turns it into a query: paging + filter
 * for the lists, a keyId for a recall-flow detail. Every violation is a `-22` whose reason names
 * the offending param, so a gateway bug shows up as a readable error. `null` on an optional param
 * counts as absent (the provider's Java backend treats it so); unknown params are ignored.
 */
import { fromLocal, type Zone } from '../time';
import type { FlowFilter, TaskFilter } from './store';

/**
 * What a path asks for: a task list (`tasks`, or `agentTasks`: the AI Agent list, which also
 * requires `params.taskType: 3`), a recall-flow list, or a recall-flow detail.
 */
export type QueryKind = 'tasks' | 'agentTasks' | 'flows' | 'detail';

/** The task type the AI Agent task list requires ("fixed as 3 (AI Agent Group Call)"). */
export const AI_AGENT_TASK_TYPE = 3;

export interface Paging {
  current: number;
  size: number;
}

export type ParsedQuery =
  | { ok: true; kind: 'tasks' | 'agentTasks'; paging: Paging; filter: TaskFilter }
  | { ok: true; kind: 'flows'; paging: Paging; filter: FlowFilter }
  | { ok: true; kind: 'detail'; keyId: number }
  | { ok: false; reason: string };

export interface ParamRules {
  zone: Zone;
  maxWindowDays: number;
}

export const MAX_PAGE_SIZE = 100;

class ParamError extends Error {}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function localTime(params: Record<string, unknown>, name: string, zone: Zone): number {
  const v = params[name];
  if (v === undefined || v === null || v === '') throw new ParamError(`params.${name} is required`);
  if (typeof v !== 'string') throw new ParamError(`params.${name} must be a 'YYYY-MM-DD HH:mm:ss' string`);
  try {
    return fromLocal(v, zone);
  } catch {
    throw new ParamError(`params.${name} is not a valid 'YYYY-MM-DD HH:mm:ss' date-time: ${JSON.stringify(v)}`);
  }
}

function optionalInt(params: Record<string, unknown>, name: string): number | undefined {
  const v = params[name];
  if (v === undefined || v === null) return undefined;
  if (!Number.isSafeInteger(v)) throw new ParamError(`params.${name} must be an integer`);
  return v as number;
}

function optionalString(params: Record<string, unknown>, name: string): string | undefined {
  const v = params[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new ParamError(`params.${name} must be a string`);
  return v;
}

function parse(kind: QueryKind, raw: string, rules: ParamRules): ParsedQuery {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw new ParamError('request body is not valid JSON');
  }
  if (!isObject(body)) throw new ParamError('request body must be a JSON object');
  if (kind === 'detail') {
    const { keyId } = body;
    if (keyId === undefined || keyId === null) throw new ParamError('keyId is required');
    if (!Number.isSafeInteger(keyId)) throw new ParamError('keyId must be an integer');
    return { ok: true, kind, keyId: keyId as number };
  }
  const { current, size, params } = body;
  if (!Number.isSafeInteger(current) || (current as number) < 1) throw new ParamError('current must be an integer >= 1');
  if (!Number.isSafeInteger(size) || (size as number) < 1 || (size as number) > MAX_PAGE_SIZE) {
    throw new ParamError(`size must be an integer from 1 to ${MAX_PAGE_SIZE}`);
  }
  if (!isObject(params)) throw new ParamError('params must be an object');
  if (kind === 'agentTasks') {
    const taskType = params.taskType;
    if (taskType === undefined || taskType === null) {
      throw new ParamError(`params.taskType is required: fixed as ${AI_AGENT_TASK_TYPE} (AI Agent group call)`);
    }
    if (taskType !== AI_AGENT_TASK_TYPE) {
      throw new ParamError(`params.taskType must be ${AI_AGENT_TASK_TYPE} (AI Agent group call), got ${JSON.stringify(taskType)}`);
    }
  }
  const startMs = localTime(params, 'strTime', rules.zone);
  const endMs = localTime(params, 'endTime', rules.zone);
  if (startMs > endMs) throw new ParamError('params.strTime must not be after params.endTime');
  if (endMs - startMs > rules.maxWindowDays * 86_400_000) {
    throw new ParamError(`params.strTime..params.endTime spans more than ${rules.maxWindowDays} days`);
  }
  const paging = { current: current as number, size: size as number };

  if (kind === 'flows') {
    const taskName = optionalString(params, 'taskName');
    return { ok: true, kind, paging, filter: { startMs, endMs, ...(taskName ? { taskName } : {}) } };
  }
  const filter: TaskFilter = { startMs, endMs };
  const statusList = params.statusList;
  if (statusList !== undefined && statusList !== null) {
    if (!Array.isArray(statusList) || !statusList.every((s) => Number.isSafeInteger(s))) {
      throw new ParamError('params.statusList must be an array of integers');
    }
    filter.statusList = statusList as number[];
  }
  const appId = optionalInt(params, 'idxAppId');
  if (appId !== undefined) filter.appId = appId;
  const search = optionalString(params, 'searchCondition');
  if (search) filter.search = search;
  return { ok: true, kind, paging, filter };
}

/** Parses a raw request body for a path of `kind`; never throws. */
export function parseQuery(kind: QueryKind, raw: string, rules: ParamRules): ParsedQuery {
  try {
    return parse(kind, raw, rules);
  } catch (err) {
    if (err instanceof ParamError) return { ok: false, reason: err.message };
    throw err;
  }
}
