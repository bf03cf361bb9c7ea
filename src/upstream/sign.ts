/** Request signing: Sign = lowercase hex MD5 of apiKey + apiSecret + timestamp (seconds). */
import { createHash } from 'node:crypto';

export function sign(apiKey: string, apiSecret: string, timestamp: string): string {
  return createHash('md5').update(apiKey + apiSecret + timestamp).digest('hex');
}

/** The three auth headers for one attempt; each attempt signs afresh (a -16 retry needs a new timestamp). */
export function authHeaders(apiKey: string, apiSecret: string, nowMs: number = Date.now()): Record<string, string> {
  const timestamp = String(Math.floor(nowMs / 1000));
  return { 'Api-Key': apiKey, Timestamp: timestamp, Sign: sign(apiKey, apiSecret, timestamp) };
}

/**
 * authHeaders for one account, remembering the current second's: every call within a second
 * carries the same Timestamp and Sign, so the MD5 is computed once a second, not once a call.
 * The returned object is shared: callers copy it (spread), never change it.
 */
export function createSigner(apiKey: string, apiSecret: string): (nowMs?: number) => Readonly<Record<string, string>> {
  let second = Number.NaN;
  let headers: Readonly<Record<string, string>> = {};
  return (nowMs = Date.now()) => {
    const s = Math.floor(nowMs / 1000);
    if (s !== second) {
      headers = Object.freeze(authHeaders(apiKey, apiSecret, s * 1000));
      second = s;
    }
    return headers;
  };
}
