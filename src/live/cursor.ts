/**
 * Live cursors: opaque positions in a watch's event stream, base64url of `{w, e, s}`: the watch's
 * hash, the stream's epoch (a random name a stream gets when its watch starts afresh, so a position
 * of a stream that has since been replaced is recognised as such) and the entry's stream id
 * (`<ms>-<seq>`, Redis's format; the memory store uses the same).
 * A malformed cursor, or one of another watch, is BAD_USER_INPUT; one of an older epoch, or one
 * whose events are no longer held, is not an error: the subscription restarts with INITIAL events.
 */
import { badInput } from './errors';

export interface StreamPosition {
  epoch: string;
  /** A stream entry id, `<ms>-<seq>`. */
  id: string;
}

export interface LiveCursor extends StreamPosition {
  /** The watch's hash. */
  watch: string;
}

const ID = /^(\d{1,16})-(\d{1,16})$/;
const NAME = /^[A-Za-z0-9_-]{1,64}$/;

export const isStreamId = (id: string) => ID.test(id);

/** Orders two stream ids (`<ms>-<seq>`): negative, zero or positive. */
export function compareIds(a: string, b: string): number {
  const [, am = '0', as = '0'] = ID.exec(a) ?? [];
  const [, bm = '0', bs = '0'] = ID.exec(b) ?? [];
  return Number(am) - Number(bm) || Number(as) - Number(bs);
}

export function encodeLiveCursor(c: LiveCursor): string {
  return Buffer.from(JSON.stringify({ w: c.watch, e: c.epoch, s: c.id })).toString('base64url');
}

/** Decodes a cursor given as `after` for the watch with hash `watch`; throws BAD_USER_INPUT. */
export function decodeLiveCursor(cursor: string, watch: string): LiveCursor {
  const bad = () => badInput('`after` is not a valid cursor for this subscription');
  if (typeof cursor !== 'string' || cursor.length === 0 || cursor.length > 256 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw bad();
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad();
  const { w, e, s } = raw as Record<string, unknown>;
  if (typeof w !== 'string' || typeof e !== 'string' || typeof s !== 'string' || !NAME.test(w) || !NAME.test(e) || !ID.test(s)) throw bad();
  if (w !== watch) throw badInput('`after` is a cursor of another subscription (another filter or other ids)');
  return { watch: w, epoch: e, id: s };
}
