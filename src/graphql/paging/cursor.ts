/**
 * Opaque connection cursors: base64url of a small JSON carrying the offset, the pinned window
 * (so later pages do not shift when new records arrive) and a fingerprint of the filter.
 */
import { createHash } from 'node:crypto';
import { InputError } from '../errors';

export interface CursorData {
  /** Offset of the edge in the list. */
  offset: number;
  /** Window start and end, epoch seconds, as pinned when the first page was served. */
  from: number;
  to: number;
  /** Fingerprint of the filter the list was asked with. */
  filter: string;
}

export function encodeCursor(c: CursorData): string {
  // Same bytes as JSON.stringify({ o, f, t, h }) (h is a base64url fingerprint: nothing to
  // escape), without building an object per edge.
  return Buffer.from(`{"o":${c.offset},"f":${c.from},"t":${c.to},"h":${JSON.stringify(c.filter)}}`).toString('base64url');
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
/** Ten million pages of 100. */
export const MAX_OFFSET = 1_000_000_000;
/** End of 9998, in epoch seconds (see ../date-time.ts). */
export const MAX_WINDOW_SECONDS = Math.floor(Date.UTC(9998, 11, 31, 23, 59, 59) / 1000);

/** The JSON object inside any of our cursors, or undefined when the text is not one. */
export function cursorObject(cursor: string): Record<string, unknown> | undefined {
  if (cursor.length === 0 || cursor.length > 512 || !/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  try {
    const raw: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Decodes a cursor, or throws a BAD_USER_INPUT error naming the argument. */
export function decodeCursor(cursor: string, argName: string): CursorData {
  const bad = () => new InputError(`\`${argName}\` is not a valid cursor for this list`);
  const raw = cursorObject(cursor);
  if (!raw) throw bad();
  const { o, f, t, h } = raw;
  // Bounds no real list reaches: a larger offset cannot be paged (float rounding in the page
  // plan), and a window outside what the upstream's date-times can spell is no list's.
  if (!isInt(o) || !isInt(f) || !isInt(t) || typeof h !== 'string' || f > t || o > MAX_OFFSET || t > MAX_WINDOW_SECONDS) throw bad();
  return { offset: o, from: f, to: t, filter: h };
}

/** A short stable hash of the filter arguments as the client gave them (defaults excluded). */
export function filterFingerprint(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 12);
}
