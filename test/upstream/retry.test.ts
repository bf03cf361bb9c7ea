import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { errorForCode, UpstreamError } from '../../src/upstream/errors';
import { backoffDelay, decideRetry, type RetryState } from '../../src/upstream/retry';

const fresh = (): RetryState => ({ transient: 0, timestampRetried: false });
const half = () => 0.5;

describe('decideRetry', () => {
  it.each([-1, -2, -22, -99])('never retries business code %i', (code) => {
    const err = errorForCode(code, undefined);
    expect(decideRetry(err, fresh(), 10, 1, half)).toEqual({ retry: false });
  });

  it('never retries an invalid response, a non-retryable timeout or a plain UPSTREAM_ERROR', () => {
    for (const err of [
      new UpstreamError('UPSTREAM_INVALID_RESPONSE', 'bad body'),
      new UpstreamError('UPSTREAM_TIMEOUT', 'deadline'),
      new UpstreamError('UPSTREAM_ERROR', 'HTTP 404'),
    ]) {
      expect(decideRetry(err, fresh(), 10, 1, half).retry).toBe(false);
    }
  });

  it('retries -16 exactly once, immediately, with the timestamp reason', () => {
    const err = errorForCode(-16, undefined);
    const first = decideRetry(err, fresh(), 3, 100, half);
    expect(first).toEqual({ retry: true, delayMs: 0, reason: 'timestamp' });
    expect(decideRetry(err, { transient: 0, timestampRetried: true }, 3, 100, half)).toEqual({ retry: false });
  });

  it('retries -16 once even with zero transient retries configured, and independently of them', () => {
    const err = errorForCode(-16, undefined);
    expect(decideRetry(err, fresh(), 0, 1, half).retry).toBe(true);
    expect(decideRetry(err, { transient: 5, timestampRetried: false }, 3, 1, half).retry).toBe(true);
  });

  it('retries -18, 5xx-style and network errors up to maxRetries, then stops', () => {
    const errors = [
      errorForCode(-18, undefined),
      new UpstreamError('UPSTREAM_UNAVAILABLE', 'HTTP 500', undefined, true),
      new UpstreamError('UPSTREAM_TIMEOUT', 'headers timeout', undefined, true),
    ];
    for (const err of errors) {
      const state = fresh();
      let retries = 0;
      for (;;) {
        const d = decideRetry(err, state, 3, 10, half);
        if (!d.retry) break;
        expect(d.reason).toBe('transient');
        state.transient++;
        retries++;
        expect(retries).toBeLessThanOrEqual(3);
      }
      expect(retries).toBe(3);
    }
  });

  it('does not retry transient errors when maxRetries is 0', () => {
    expect(decideRetry(errorForCode(-18, undefined), fresh(), 0, 10, half)).toEqual({ retry: false });
  });

  it('uses exponential backoff for the transient delay', () => {
    const err = errorForCode(-18, undefined);
    const max = () => 1;
    expect(decideRetry(err, { transient: 0, timestampRetried: false }, 5, 10, max)).toMatchObject({ delayMs: 10 });
    expect(decideRetry(err, { transient: 1, timestampRetried: false }, 5, 10, max)).toMatchObject({ delayMs: 20 });
    expect(decideRetry(err, { transient: 2, timestampRetried: false }, 5, 10, max)).toMatchObject({ delayMs: 40 });
  });
});

describe('backoffDelay', () => {
  it('is full jitter: 0 at random()=0, the ceiling at random()→1', () => {
    expect(backoffDelay(0, 100, () => 0)).toBe(0);
    expect(backoffDelay(3, 100, () => 0)).toBe(0);
    expect(backoffDelay(0, 100, () => 0.999999)).toBe(100);
    expect(backoffDelay(3, 100, () => 0.999999)).toBe(800);
    expect(backoffDelay(2, 100, () => 0.5)).toBe(200);
  });

  it('caps the ceiling at 5 s however many retries', () => {
    expect(backoffDelay(10, 100, () => 0.999999)).toBe(5000);
    expect(backoffDelay(60, 100, () => 0.999999)).toBe(5000);
    expect(backoffDelay(2000, 1, () => 0.999999)).toBe(5000);
  });

  it('property: an integer in [0, min(5000, base·2^n)] for any jitter draw', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 64 }),
        fc.integer({ min: 1, max: 60_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (n, base, r) => {
          const d = backoffDelay(n, base, () => r);
          expect(Number.isInteger(d)).toBe(true);
          expect(d).toBeGreaterThanOrEqual(0);
          expect(d).toBeLessThanOrEqual(Math.min(5000, base * 2 ** n));
        },
      ),
    );
  });

  it('varies with the random draw (the jitter is real)', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 50; i++) seen.add(backoffDelay(4, 100));
    expect(seen.size).toBeGreaterThan(5);
    for (const d of seen) expect(d).toBeLessThanOrEqual(1600);
  });
});
