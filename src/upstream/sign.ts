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
