import { describe, expect, it } from 'vitest';
import { compareIds, decodeLiveCursor, encodeLiveCursor } from '../../src/live/cursor';
import { LiveError } from '../../src/live/errors';

const bad = (cursor: string, watch = 'w1') => {
  try {
    decodeLiveCursor(cursor, watch);
  } catch (err) {
    return { code: (err as LiveError).code, message: (err as Error).message };
  }
  return null;
};

describe('live cursors', () => {
  it('round-trip', () => {
    const c = { watch: 'abcDEF_-12', epoch: 'e9', id: '1700000000000-3' };
    const text = encodeLiveCursor(c);
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeLiveCursor(text, 'abcDEF_-12')).toEqual(c);
  });

  it('refuse a malformed cursor with BAD_USER_INPUT', () => {
    for (const c of ['', '***', 'x'.repeat(300), Buffer.from('not json').toString('base64url'), Buffer.from('[1]').toString('base64url'),
      Buffer.from(JSON.stringify({ w: 'w1', e: 'e', s: 'abc' })).toString('base64url'),
      Buffer.from(JSON.stringify({ w: 'w1', e: '', s: '1-0' })).toString('base64url'),
      Buffer.from(JSON.stringify({ w: 'w1', s: '1-0' })).toString('base64url')]) {
      expect(bad(c)?.code, c).toBe('BAD_USER_INPUT');
    }
  });

  it("refuse another watch's cursor with BAD_USER_INPUT", () => {
    const c = encodeLiveCursor({ watch: 'other', epoch: 'e', id: '1-0' });
    expect(bad(c)).toEqual({ code: 'BAD_USER_INPUT', message: expect.stringContaining('another subscription') });
  });

  it('order stream ids numerically', () => {
    expect(compareIds('10-0', '9-5')).toBeGreaterThan(0);
    expect(compareIds('9-10', '9-9')).toBeGreaterThan(0);
    expect(compareIds('9-1', '9-1')).toBe(0);
    expect(compareIds('0-0', '1-0')).toBeLessThan(0);
  });
});
