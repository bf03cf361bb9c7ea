/**
 * A raw upstream client: calls straight to the simulator, as the provider's API is called (no
 * gateway). A signed POST over real loopback HTTP (undici), an envelope reader that accepts the
 * four variants so tests assert on the code, not the shape, the control endpoints, and the
 * provider's paths. Used by the simulator suites.
 */
import { createHash } from 'node:crypto';
import { request } from 'undici';
import type { Simulator } from '../../src/simulator';

export const TASKS = '/v3/voice/group/call/query';
/** The group-call line's recall flows (the provider's v3 path). */
export const FLOWS = '/v3/voice/recallFlow/queryPage';
/** The un-prefixed recall-flow path: the AI Agent line's (the group-call line's in the legacy mapping). */
export const AGENT_FLOWS = '/voice/recallFlow/queryPage';
export const FLOWS_V3 = '/v3/voice/recallFlow/queryPage';
/** The AI Agent task list (params.taskType: 3 required). */
export const AGENT_TASKS = '/voice/group/call/query';
export const DETAIL = '/voice/recallFlow/queryDetail';
export const DETAIL_V3 = '/v3/voice/recallFlow/queryDetail';

export interface CallOptions {
  key?: string;
  secret?: string;
  timestamp?: string | number;
  /** Replaces the computed Sign. */
  sign?: string;
  /** Header names (as sent) to leave out. */
  omit?: string[];
  headers?: Record<string, string>;
  /** Sent as is instead of JSON.stringify(body). */
  rawBody?: string;
}

export interface CallResult {
  status: number;
  text: string;
  headers: Record<string, string | string[] | undefined>;
}

export const md5 = (s: string) => createHash('md5').update(s).digest('hex');
export const nowSeconds = () => Math.floor(Date.now() / 1000);

export async function call(sim: Simulator, path: string, body: unknown, opts: CallOptions = {}): Promise<CallResult> {
  const key = opts.key ?? sim.apiKey;
  const timestamp = String(opts.timestamp ?? nowSeconds());
  const headers: Record<string, string> = {
    'content-type': 'application/json;charset=UTF-8',
    'Api-Key': key,
    Timestamp: timestamp,
    Sign: opts.sign ?? md5(key + (opts.secret ?? sim.apiSecret) + timestamp),
    ...opts.headers,
  };
  for (const name of opts.omit ?? []) delete headers[name];
  const res = await request(`${sim.url}${path}`, {
    method: 'POST',
    headers,
    body: opts.rawBody ?? JSON.stringify(body),
  });
  return { status: res.statusCode, text: await res.body.text(), headers: res.headers };
}

export interface Unwrapped<T = Page> {
  code: number;
  message: string;
  data: T | null;
  style: 'code' | 'status' | 'code-string' | 'status-string';
}

export interface Page<R = Record<string, unknown>> {
  records: R[];
  total: number;
  size: number;
  current: number;
  pages: number;
  searchCount: boolean;
}

export function unwrap<T = Page>(text: string): Unwrapped<T> {
  const env = JSON.parse(text) as Record<string, unknown>;
  const raw = 'code' in env ? env.code : env.status;
  const style = `${'code' in env ? 'code' : 'status'}${typeof raw === 'string' ? '-string' : ''}` as Unwrapped['style'];
  return {
    code: Number(raw),
    message: String('code' in env ? env.msg : env.reason),
    data: (env.data ?? null) as T | null,
    style,
  };
}

/** Calls and unwraps, expecting HTTP 200. */
export async function query<R = Record<string, unknown>>(
  sim: Simulator,
  path: string,
  body: unknown,
  opts?: CallOptions,
): Promise<Unwrapped<Page<R>>> {
  const res = await call(sim, path, body, opts);
  if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${res.text}`);
  return unwrap<Page<R>>(res.text);
}

/** Calls a detail endpoint and unwraps, expecting HTTP 200. */
export async function detail<D = DetailData>(sim: Simulator, path: string, keyId: unknown, opts?: CallOptions): Promise<Unwrapped<D>> {
  const res = await call(sim, path, { keyId }, opts);
  if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${res.text}`);
  return unwrap<D>(res.text);
}

export interface DetailData {
  keyId: number;
  recallInterval: number;
  recallNum: number;
  recallType: number;
  status: number;
  nodeList: Array<{ keyId: number; taskId?: number; nodeStatus: number; [setting: string]: unknown }>;
}

/**
 * A control endpoint (no auth): method, path, body (JSON.stringify'd, or a string sent as is);
 * answers the status and parsed JSON.
 */
export async function control<T = Record<string, any>>(sim: Simulator, method: 'GET' | 'POST', path: string, json?: unknown) {
  const body = json === undefined ? undefined : typeof json === 'string' ? json : JSON.stringify(json);
  const res = await request(`${sim.url}${path}`, { method, ...(body === undefined ? {} : { body }) });
  return { status: res.statusCode, body: (await res.body.json()) as T };
}

export function body(params: Record<string, unknown>, current = 1, size = 100) {
  return { current, size, params };
}

/** The fixed "now" of the suites' data sets: 2025-08-20 12:00:00 at +08:00. */
export const NOW = Date.UTC(2025, 7, 20, 4, 0, 0);
/** A window (under 366 days) around the whole data set generated at NOW. */
export const ALL = { strTime: '2025-02-01 00:00:00', endTime: '2025-08-21 00:00:00' };
