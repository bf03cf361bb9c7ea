/**
 * Validates a list request body the way the upstream does and turns it into a paging + filter
 * query. Every violation is a `-22` whose reason names the offending param, so a gateway bug shows
 * up as a readable error. `null` on an optional param counts as absent (the provider's Java
 * backend treats it so); unknown params are ignored.
 */
import { fromLocal, type Zone } from '../time';
import type { FlowFilter, TaskFilter } from './store';

export type Endpoint = 'groupCallTasks' | 'recallFlows';

export interface Paging {
  current: number;
  size: number;
}

export type ParsedQuery =
  | { ok: true; endpoint: 'groupCallTasks'; paging: Paging; filter: TaskFilter }
  | { ok: true; endpoint: 'recallFlows'; paging: Paging; filter: FlowFilter }
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

function parse(endpoint: Endpoint, raw: string, rules: ParamRules): ParsedQuery {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw new ParamError('request body is not valid JSON');
  }
  if (!isObject(body)) throw new ParamError('request body must be a JSON object');
  const { current, size, params } = body;
  if (!Number.isSafeInteger(current) || (current as number) < 1) throw new ParamError('current must be an integer >= 1');
  if (!Number.isSafeInteger(size) || (size as number) < 1 || (size as number) > MAX_PAGE_SIZE) {
    throw new ParamError(`size must be an integer from 1 to ${MAX_PAGE_SIZE}`);
  }
  if (!isObject(params)) throw new ParamError('params must be an object');
  const startMs = localTime(params, 'strTime', rules.zone);
  const endMs = localTime(params, 'endTime', rules.zone);
  if (startMs > endMs) throw new ParamError('params.strTime must not be after params.endTime');
  if (endMs - startMs > rules.maxWindowDays * 86_400_000) {
    throw new ParamError(`params.strTime..params.endTime spans more than ${rules.maxWindowDays} days`);
  }
  const paging = { current: current as number, size: size as number };

  if (endpoint === 'recallFlows') {
    const taskName = optionalString(params, 'taskName');
    return { ok: true, endpoint, paging, filter: { startMs, endMs, ...(taskName ? { taskName } : {}) } };
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
  return { ok: true, endpoint, paging, filter };
}

/** Parses a raw request body for `endpoint`; never throws. */
export function parseQuery(endpoint: Endpoint, raw: string, rules: ParamRules): ParsedQuery {
  try {
    return parse(endpoint, raw, rules);
  } catch (err) {
    if (err instanceof ParamError) return { ok: false, reason: err.message };
    throw err;
  }
}
