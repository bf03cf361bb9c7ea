/**
 * The upstream's request authentication: `Sign` = md5(apiKey + apiSecret + Timestamp) in hex
 * (case-insensitive), and a `Timestamp` in seconds close enough to the server's clock. Written
 * here with node:crypto rather than shared with the gateway's signer, so a signing bug in the
 * gateway cannot be mirrored by the double that is supposed to catch it.
 */
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export function md5Sign(apiKey: string, apiSecret: string, timestamp: string): string {
  return createHash('md5').update(apiKey + apiSecret + timestamp, 'utf8').digest('hex');
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** True when Api-Key matches and Sign is the md5 of key + secret + Timestamp. */
export function isAuthentic(headers: IncomingHttpHeaders, apiKey: string, apiSecret: string): boolean {
  const key = header(headers, 'api-key');
  const timestamp = header(headers, 'timestamp');
  const sign = header(headers, 'sign');
  if (key === undefined || timestamp === undefined || sign === undefined) return false;
  if (key !== apiKey) return false;
  return sign.toLowerCase() === md5Sign(apiKey, apiSecret, timestamp);
}

/** True when Timestamp is decimal seconds within `toleranceSeconds` of `serverNowSeconds`. */
export function isFresh(headers: IncomingHttpHeaders, serverNowSeconds: number, toleranceSeconds: number): boolean {
  const timestamp = header(headers, 'timestamp');
  if (timestamp === undefined || !/^\d{1,15}$/.test(timestamp)) return false;
  return Math.abs(Number(timestamp) - serverNowSeconds) <= toleranceSeconds;
}
