import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { authHeaders, createSigner, sign } from '../../src/upstream/sign';

const KEY = 'bDqJFiq9';
const SECRET = '7bz1lzh9';
const VECTOR = '05d7a50893e22a5c4bb3216ae3396c7c';

describe('sign', () => {
  it("reproduces the provider's test vector exactly", () => {
    expect(sign(KEY, SECRET, '1630468800')).toBe(VECTOR);
  });

  it('is lowercase 32-char hex md5 of key + secret + timestamp', () => {
    const s = sign('k', 's', '123');
    expect(s).toMatch(/^[0-9a-f]{32}$/);
    expect(s).toBe(createHash('md5').update('ks123').digest('hex'));
    // Order matters: secret + key would be a different signature.
    expect(s).not.toBe(sign('s', 'k', '123'));
    expect(sign(KEY, SECRET, '1630468801')).not.toBe(VECTOR);
  });

  it('hashes non-ASCII credentials as UTF-8', () => {
    expect(sign('键', '密', '1')).toBe(createHash('md5').update('键密1', 'utf8').digest('hex'));
  });
});

describe('authHeaders', () => {
  it('puts the key, the timestamp in seconds and the vector signature in the three headers', () => {
    const h = authHeaders(KEY, SECRET, 1630468800_999);
    expect(h).toEqual({ 'Api-Key': KEY, Timestamp: '1630468800', Sign: VECTOR });
  });

  it('truncates (never rounds) milliseconds to seconds', () => {
    expect(authHeaders(KEY, SECRET, 1630468800_000).Timestamp).toBe('1630468800');
    expect(authHeaders(KEY, SECRET, 1630468800_500).Timestamp).toBe('1630468800');
    expect(authHeaders(KEY, SECRET, 1630468801_000).Timestamp).toBe('1630468801');
  });

  it('defaults to the current clock in seconds (10 digits, not 13)', () => {
    const before = Math.floor(Date.now() / 1000);
    const h = authHeaders(KEY, SECRET);
    const after = Math.floor(Date.now() / 1000);
    expect(h.Timestamp).toMatch(/^\d{10}$/);
    expect(Number(h.Timestamp)).toBeGreaterThanOrEqual(before);
    expect(Number(h.Timestamp)).toBeLessThanOrEqual(after);
    expect(h.Sign).toBe(sign(KEY, SECRET, h.Timestamp!));
  });

  it('never puts the secret in a header', () => {
    const h = authHeaders(KEY, SECRET, 1630468800_000);
    for (const v of Object.values(h)) expect(v).not.toContain(SECRET);
  });
});

describe('createSigner', () => {
  it('signs like authHeaders, once per second: the same headers within a second, fresh ones the next', () => {
    const signer = createSigner(KEY, SECRET);
    const a = signer(1630468800_000);
    expect(a).toEqual(authHeaders(KEY, SECRET, 1630468800_000));
    expect(a.Sign).toBe(VECTOR);
    expect(signer(1630468800_999)).toBe(a);
    const b = signer(1630468801_000);
    expect(b).toEqual(authHeaders(KEY, SECRET, 1630468801_000));
    expect(b).not.toBe(a);
    // A clock that steps back signs for the second it reports, never a remembered later one.
    expect(signer(1630468800_100)).toEqual(a);
  });

  it('hands out headers nobody can change', () => {
    const h = createSigner(KEY, SECRET)(1630468800_000) as Record<string, string>;
    expect(() => {
      h.Sign = 'x';
    }).toThrow(TypeError);
  });
});
