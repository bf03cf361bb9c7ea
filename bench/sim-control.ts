/**
 * What the benchmark needs from the simulator process: its control endpoints (`/__sim/*`) and
 * the upstream's request signing, written here from the spec (API.md) rather than imported from
 * the gateway, so the baseline does not share the gateway's code path.
 */
import { createHash } from 'node:crypto';

export const TASKS_PATH = '/v3/voice/group/call/query';
export const FLOWS_PATH = '/voice/recallFlow/queryPage';

export interface SimInfo {
  apiKey: string;
  timezone: string;
  taskCount: number;
  flowCount: number;
  busyHour: { start: number; end: number };
  now: number;
}

export interface SimCounters {
  groupCallTasks: number;
  recallFlows: number;
}

export const totalCalls = (c: SimCounters) => c.groupCallTasks + c.recallFlows;

export function md5Hex(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

/** The three auth headers for `nowMs`: Api-Key, Timestamp (seconds), Sign = md5(key+secret+ts). */
export function signedHeaders(apiKey: string, apiSecret: string, nowMs = Date.now()): Record<string, string> {
  const timestamp = String(Math.floor(nowMs / 1000));
  return { 'Api-Key': apiKey, Timestamp: timestamp, Sign: md5Hex(apiKey + apiSecret + timestamp) };
}

/** A signer that computes one md5 per second, not per request (the bench's client must stay cheap). */
export function cachedSigner(apiKey: string, apiSecret: string): () => Record<string, string> {
  let second = -1;
  let headers: Record<string, string> = {};
  return () => {
    const now = Date.now();
    const s = Math.floor(now / 1000);
    if (s !== second) {
      second = s;
      headers = signedHeaders(apiKey, apiSecret, now);
    }
    return headers;
  };
}

/** `YYYY-MM-DD HH:mm:ss` in a fixed offset such as `+08:00` (the simulator's default zone). */
export function localTime(epochMs: number, offset: string): string {
  const m = /^([+-])(\d{2}):(\d{2})$/.exec(offset);
  if (!m) throw new Error(`the bench only handles fixed-offset zones, got ${offset}`);
  const minutes = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
  return new Date(Math.floor(epochMs / 1000) * 1000 + minutes * 60_000).toISOString().slice(0, 19).replace('T', ' ');
}

export class SimControl {
  constructor(readonly url: string) {}

  async info(): Promise<SimInfo> {
    return this.json<SimInfo>('GET', '/__sim/info');
  }

  async counters(): Promise<SimCounters> {
    return this.json<SimCounters>('GET', '/__sim/counters');
  }

  async resetCounters(): Promise<void> {
    await this.json('POST', '/__sim/counters/reset');
  }

  private async json<T>(method: string, path: string): Promise<T> {
    const res = await fetch(this.url + path, { method, signal: AbortSignal.timeout(5_000) });
    if (!res.ok) throw new Error(`simulator ${method} ${path}: HTTP ${res.status}`);
    return (await res.json()) as T;
  }
}
