/**
 * The logger: JSON lines, sensitive fields redacted by path, and every configured secret scrubbed
 * from whatever string would carry it (a message, an error, a nested field).
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger';

const SECRET = 'sup3r-s3cret-value-123';
const TOKEN = 'client-bearer-token-0123456789';

function capture(secrets: string[] = [SECRET, TOKEN], level = 'trace') {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const log = createLogger({ level, pretty: false, destination, secrets });
  return { log, lines, parsed: () => lines.map((l) => JSON.parse(l) as Record<string, any>) };
}

describe('createLogger', () => {
  it('writes one JSON object per line with level, time and msg', () => {
    const { log, parsed } = capture();
    log.info({ requestId: 'r1', upstreamCalls: 2 }, 'graphql request');
    const [line] = parsed();
    expect(line).toMatchObject({ level: 30, msg: 'graphql request', requestId: 'r1', upstreamCalls: 2 });
    expect(typeof line!.time).toBe('number');
    expect(line).not.toHaveProperty('pid');
    expect(line).not.toHaveProperty('hostname');
  });

  it('scrubs the secret and the tokens from messages, fields, nested objects and errors', () => {
    const { log, lines } = capture();
    log.info(`signing with ${SECRET} for ${TOKEN}`);
    log.warn({ detail: `x${SECRET}y`, nested: { deeper: [`a ${TOKEN}`, { value: SECRET }] } }, 'nested');
    log.error({ err: new Error(`upstream said: bad secret ${SECRET}`) }, 'upstream failure');
    const err = new Error('wrapped');
    (err as Error & { cause?: unknown }).cause = new Error(`token ${TOKEN} refused`);
    log.error({ err }, 'wrapped failure');
    log.child({ bound: SECRET }).info('child logger');
    expect(lines).toHaveLength(5);
    for (const line of lines) {
      expect(line).not.toContain(SECRET);
      expect(line).not.toContain(TOKEN);
    }
    expect(lines.join('\n')).toContain('[REDACTED]');
    // The rest of the line survives the scrubbing.
    expect(JSON.parse(lines[0]!).msg).toBe('signing with [REDACTED] for [REDACTED]');
    expect(JSON.parse(lines[2]!).err.message).toBe('upstream said: bad secret [REDACTED]');
  });

  it('scrubs a secret that JSON writes escaped (quotes, backslashes)', () => {
    const odd = 'se"cr\\et/42';
    const { log, lines } = capture([odd]);
    log.info({ detail: `value ${odd} here` }, `msg ${odd}`);
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(JSON.stringify(odd).slice(1, -1));
    expect(JSON.parse(lines[0]!).detail).toBe('value [REDACTED] here');
    expect(JSON.parse(lines[0]!).msg).toBe('msg [REDACTED]');
  });

  it('redacts credential fields by path, whatever their value', () => {
    const { log, parsed } = capture([]);
    log.info(
      {
        secret: 'plain-secret',
        apiSecret: 'plain-api-secret',
        token: 'plain-token',
        authorization: 'Bearer plain-auth',
        headers: { authorization: 'Bearer header-auth', Sign: 'abcdef0123456789', 'content-type': 'application/json' },
        req: { headers: { authorization: 'Bearer req-auth' } },
        upstream: { apiSecret: 'nested-api-secret' },
      },
      'credentials',
    );
    const [line] = parsed();
    const text = JSON.stringify(line);
    for (const value of ['plain-secret', 'plain-api-secret', 'plain-token', 'plain-auth', 'header-auth', 'abcdef0123456789', 'req-auth', 'nested-api-secret']) {
      expect(text).not.toContain(value);
    }
    expect(line!.headers['content-type']).toBe('application/json');
    expect(line!.headers.authorization).toBe('[REDACTED]');
  });

  it('ignores secrets too short to scrub safely (they would shred every line)', () => {
    const { log, parsed } = capture(['', 'ab']);
    log.info('about abc');
    expect(parsed()[0]!.msg).toBe('about abc');
  });

  it('respects the level', () => {
    const { log, lines } = capture([SECRET], 'warn');
    log.info('dropped');
    log.debug('dropped too');
    log.warn('kept');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!).msg).toBe('kept');
  });
});
