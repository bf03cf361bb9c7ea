/**
 * Normalises the upstream's inconsistent envelopes: the status is `code` or `status`, a number or
 * a numeric string; the message is `msg` or `reason`. Returns the payload or throws a typed error.
 */
import { errorForCode, UpstreamError } from './errors';

export interface Envelope {
  code: number;
  message: string | undefined;
  data: unknown;
}

function toCode(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value.trim());
  return undefined;
}

/** Reads the envelope fields from a parsed JSON body; throws UPSTREAM_INVALID_RESPONSE if it is not one. */
export function normalizeEnvelope(body: unknown): Envelope {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new UpstreamError('UPSTREAM_INVALID_RESPONSE', 'upstream body is not a JSON object');
  }
  const b = body as Record<string, unknown>;
  const code = toCode(b.code ?? b.status);
  if (code === undefined) {
    throw new UpstreamError('UPSTREAM_INVALID_RESPONSE', 'upstream body has no numeric code or status');
  }
  const rawMessage = b.msg ?? b.reason;
  return { code, message: typeof rawMessage === 'string' ? rawMessage : undefined, data: b.data };
}

/** The payload of a successful envelope; a non-zero code becomes its typed error. */
export function unwrapEnvelope(body: unknown): unknown {
  const env = normalizeEnvelope(body);
  if (env.code !== 0) throw errorForCode(env.code, env.message);
  return env.data;
}
