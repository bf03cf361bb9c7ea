import { describe, expect, it } from 'vitest';
import { normalizeEnvelope, unwrapEnvelope } from '../../src/upstream/envelope';
import { errorForCode, UpstreamError, type UpstreamErrorCode } from '../../src/upstream/errors';

function thrown(fn: () => unknown): UpstreamError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UpstreamError);
    return err as UpstreamError;
  }
  throw new Error('expected a throw');
}

const payload = { records: [{ taskId: 1 }], total: 1 };

describe('normalizeEnvelope / unwrapEnvelope: success variants', () => {
  it.each([
    ['code number + msg', { code: 0, msg: 'success', data: payload }],
    ['code string + msg', { code: '0', msg: 'success', data: payload }],
    ['status number + reason', { status: 0, reason: 'success', data: payload }],
    ['status string + reason', { status: '0', reason: 'success', data: payload }],
    ['code number + reason', { code: 0, reason: 'ok', data: payload }],
    ['status string + msg', { status: '0', msg: 'ok', data: payload }],
    ['no message at all', { code: 0, data: payload }],
  ])('%s → data', (_name, body) => {
    expect(unwrapEnvelope(body)).toBe(payload);
    expect(normalizeEnvelope(body).code).toBe(0);
  });

  it('reads the message from msg or reason', () => {
    expect(normalizeEnvelope({ code: 0, msg: 'hello' }).message).toBe('hello');
    expect(normalizeEnvelope({ status: 0, reason: 'there' }).message).toBe('there');
    expect(normalizeEnvelope({ code: 0 }).message).toBeUndefined();
    expect(normalizeEnvelope({ code: 0, msg: 42 }).message).toBeUndefined();
  });

  it('accepts a string code with surrounding spaces and a negative string code', () => {
    expect(normalizeEnvelope({ code: ' 0 ' }).code).toBe(0);
    expect(normalizeEnvelope({ status: '-18' }).code).toBe(-18);
  });
});

describe('error codes', () => {
  const table: Array<[number, UpstreamErrorCode, boolean]> = [
    [-1, 'UPSTREAM_UNAUTHENTICATED', false],
    [-2, 'UPSTREAM_FORBIDDEN_IP', false],
    [-16, 'UPSTREAM_TIMESTAMP_EXPIRED', true],
    [-18, 'UPSTREAM_UNAVAILABLE', true],
    [-22, 'UPSTREAM_BAD_REQUEST', false],
    [-99, 'UPSTREAM_ERROR', false],
    [7, 'UPSTREAM_ERROR', false],
  ];

  const shapes = [
    ['code number, msg, data null', (c: number) => ({ code: c, msg: 'boom', data: null })],
    ['code string, msg, data absent', (c: number) => ({ code: String(c), msg: 'boom' })],
    ['status number, reason, data absent', (c: number) => ({ status: c, reason: 'boom' })],
    ['status string, reason, data null', (c: number) => ({ status: String(c), reason: 'boom', data: null })],
  ] as const;

  for (const [code, expected, retryable] of table) {
    for (const [shape, make] of shapes) {
      it(`${code} (${shape}) → ${expected}`, () => {
        const err = thrown(() => unwrapEnvelope(make(code)));
        expect(err.code).toBe(expected);
        expect(err.upstreamCode).toBe(code);
        expect(err.retryable).toBe(retryable);
        expect(err.message).toContain('boom');
      });
    }
  }

  it('names the unknown numeric code in the message of UPSTREAM_ERROR', () => {
    const err = errorForCode(-99, undefined);
    expect(err.code).toBe('UPSTREAM_ERROR');
    expect(err.upstreamCode).toBe(-99);
    expect(err.message).toContain('-99');
  });

  it('bounds the upstream message it echoes', () => {
    const err = errorForCode(-18, 'x'.repeat(5000));
    expect(err.message.length).toBeLessThan(300);
  });

  it('never echoes a long hex run (an upstream echoing the request would hand out its Sign)', () => {
    const sign = '05d7a50893e22a5c4bb3216ae3396c7c';
    const err = errorForCode(-1, `bad sign ${sign} for timestamp 1630468800`);
    expect(err.message).not.toContain(sign);
    expect(err.message).toContain('[redacted]');
    expect(err.message).toContain('1630468800');
  });

  it('fails even when a failure envelope carries data', () => {
    expect(thrown(() => unwrapEnvelope({ code: -22, msg: 'bad', data: payload })).code).toBe('UPSTREAM_BAD_REQUEST');
  });
});

describe('bodies that are not an envelope', () => {
  it.each([
    ['null', null],
    ['a number', 0],
    ['a string', '{"code":0}'],
    ['an array', [{ code: 0 }]],
    ['true', true],
    ['undefined', undefined],
  ])('%s → UPSTREAM_INVALID_RESPONSE', (_name, body) => {
    const err = thrown(() => unwrapEnvelope(body));
    expect(err.code).toBe('UPSTREAM_INVALID_RESPONSE');
    expect(err.upstreamCode).toBeUndefined();
    expect(err.retryable).toBe(false);
  });

  it.each([
    ['no code or status', { msg: 'success', data: payload }],
    ['a non-numeric code', { code: 'ok', data: payload }],
    ['a fractional code', { code: 0.5, data: payload }],
    ['a boolean code', { code: false, data: payload }],
    ['null code and status', { code: null, status: null, data: payload }],
    ['an object code', { code: { value: 0 }, data: payload }],
  ])('an object with %s → UPSTREAM_INVALID_RESPONSE', (_name, body) => {
    expect(thrown(() => unwrapEnvelope(body)).code).toBe('UPSTREAM_INVALID_RESPONSE');
  });
});
