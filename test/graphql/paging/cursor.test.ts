/** paging/cursor.ts: opaque connection cursors round-trip, and anything else is a BAD_USER_INPUT. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, filterFingerprint, type CursorData } from '../../../src/graphql/paging/cursor';
import { InputError } from '../../../src/graphql/errors';

const b64 = (text: string) => Buffer.from(text).toString('base64url');
const valid: CursorData = { offset: 7, from: 1_717_200_000, to: 1_719_792_000, filter: 'abcDEF123_-x' };

function expectBadInput(fn: () => unknown, argName = 'after') {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(InputError);
  expect((thrown as InputError).code).toBe('BAD_USER_INPUT');
  expect((thrown as InputError).message).toContain(`\`${argName}\``);
}

describe('encodeCursor / decodeCursor', () => {
  it('round-trips, opaque base64url', () => {
    const cursor = encodeCursor(valid);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain(String(valid.offset) + ',');
    expect(decodeCursor(cursor, 'after')).toEqual(valid);
  });

  it('round-trips any offset, window and fingerprint (property)', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 10_000_000 }),
        fc.nat({ max: 4_102_444_800 }),
        fc.nat({ max: 400 * 86_400 }),
        fc.string({ maxLength: 40 }),
        (offset, from, span, filter) => {
          const data = { offset, from, to: from + span, filter };
          expect(decodeCursor(encodeCursor(data), 'before')).toEqual(data);
        },
      ),
      { numRuns: 500 },
    );
  });

  const bad: Array<[string, string]> = [
    ['empty', ''],
    ['garbage with punctuation', 'not a cursor!'],
    ['standard base64 with + and /', 'ab+c/de+='],
    ['padded base64', `${encodeCursor(valid)}=`],
    ['base64url of plain text', b64('hello world')],
    ['truncated JSON', encodeCursor(valid).slice(0, 20)],
    ['JSON null', b64('null')],
    ['JSON number', b64('42')],
    ['JSON string', b64('"o"')],
    ['JSON array', b64('[7,1,2,"h"]')],
    ['empty object', b64('{}')],
    ['negative offset', b64(JSON.stringify({ o: -1, f: 1, t: 2, h: 'x' }))],
    ['fractional offset', b64(JSON.stringify({ o: 1.5, f: 1, t: 2, h: 'x' }))],
    ['offset as a string', b64(JSON.stringify({ o: '7', f: 1, t: 2, h: 'x' }))],
    ['unsafe integer offset', b64(JSON.stringify({ o: 2 ** 60, f: 1, t: 2, h: 'x' }))],
    ['missing fingerprint', b64(JSON.stringify({ o: 1, f: 1, t: 2 }))],
    ['fingerprint not a string', b64(JSON.stringify({ o: 1, f: 1, t: 2, h: 5 }))],
    ['window start after its end', b64(JSON.stringify({ o: 1, f: 3, t: 2, h: 'x' }))],
    ['negative window start', b64(JSON.stringify({ o: 1, f: -3, t: 2, h: 'x' }))],
    ['an offset no list reaches (float rounding in the page plan)', b64(JSON.stringify({ o: 9_007_199_254_740_990, f: 1, t: 2, h: 'x' }))],
    ['an offset past a billion', b64(JSON.stringify({ o: 1_000_000_001, f: 1, t: 2, h: 'x' }))],
    ['a window ending after 9998', b64(JSON.stringify({ o: 1, f: 1, t: 253_402_300_799, h: 'x' }))],
    ['huge string', 'A'.repeat(100_000)],
    ['huge but well-formed cursor', encodeCursor({ ...valid, filter: 'x'.repeat(1_000) })],
  ];

  it.each(bad)('refuses %s as BAD_USER_INPUT naming the argument', (_name, cursor) => {
    expectBadInput(() => decodeCursor(cursor, 'after'), 'after');
    expectBadInput(() => decodeCursor(cursor, 'before'), 'before');
  });
});

describe('filterFingerprint', () => {
  it('is short, stable, and tells filters apart', () => {
    const a = filterFingerprint(['tasks', null, null, [1, 5], null, '会员']);
    expect(a).toMatch(/^[A-Za-z0-9_-]{12}$/);
    expect(filterFingerprint(['tasks', null, null, [1, 5], null, '会员'])).toBe(a);
    expect(filterFingerprint(['tasks', null, null, [1], null, '会员'])).not.toBe(a);
    expect(filterFingerprint(['flows', null, null, [1, 5], null, '会员'])).not.toBe(a);
    expect(filterFingerprint(['tasks', null, null, [1, 5], null, '会'])).not.toBe(a);
  });
});
