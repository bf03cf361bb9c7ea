import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { md5Sign, startSimulator, type Simulator } from '../../src/simulator';
import { ALL, body, call, FLOWS, md5, NOW, nowSeconds, query, TASKS, unwrap } from '../helpers/upstream-client';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ now: NOW, taskCount: 500, flowCount: 200 });
});
afterAll(() => sim.close());

const ok = body(ALL, 1, 5);

describe('signature', () => {
  it('matches the provider test vector', () => {
    expect(md5Sign('bDqJFiq9', '7bz1lzh9', '1630468800')).toBe('05d7a50893e22a5c4bb3216ae3396c7c');
  });

  it('accepts a correct sign, in lowercase or uppercase hex', async () => {
    expect((await query(sim, TASKS, ok)).code).toBe(0);
    const ts = nowSeconds();
    const upper = md5(sim.apiKey + sim.apiSecret + ts).toUpperCase();
    expect((await query(sim, TASKS, ok, { timestamp: ts, sign: upper })).code).toBe(0);
  });

  it('answers -1 for a wrong sign, a wrong secret or a wrong key', async () => {
    const wrongSign = await query(sim, TASKS, ok, { sign: '0'.repeat(32) });
    expect(wrongSign.code).toBe(-1);
    expect(wrongSign.message).toBe('authentication error');
    expect(wrongSign.data).toBeNull();
    expect((await query(sim, TASKS, ok, { secret: 'not-the-secret' })).code).toBe(-1);
    // Signed consistently with the other key: only the key itself is wrong.
    expect((await query(sim, FLOWS, ok, { key: 'someone-else' })).code).toBe(-1);
  });

  it.each(['Api-Key', 'Timestamp', 'Sign'])('answers -1 when %s is missing', async (name) => {
    expect((await query(sim, TASKS, ok, { omit: [name] })).code).toBe(-1);
  });

  it('checks the signature before the timestamp', async () => {
    expect((await query(sim, TASKS, ok, { timestamp: nowSeconds() - 3600, sign: 'bad' })).code).toBe(-1);
  });
});

describe('timestamp window', () => {
  it('accepts a timestamp inside the tolerance and answers -16 outside it', async () => {
    expect((await query(sim, TASKS, ok, { timestamp: nowSeconds() - 290 })).code).toBe(0);
    expect((await query(sim, TASKS, ok, { timestamp: nowSeconds() + 290 })).code).toBe(0);
    const stale = await query(sim, TASKS, ok, { timestamp: nowSeconds() - 320 });
    expect(stale.code).toBe(-16);
    expect(stale.message).toBe('timestamp expired');
    expect((await query(sim, TASKS, ok, { timestamp: nowSeconds() + 320 })).code).toBe(-16);
  });

  it('answers -16 for a timestamp in milliseconds or not decimal', async () => {
    expect((await query(sim, TASKS, ok, { timestamp: Date.now() })).code).toBe(-16);
    expect((await query(sim, TASKS, ok, { timestamp: '17e8' })).code).toBe(-16);
  });

  it('answers -16 while the simulator clock is skewed by setClockSkew(600)', async () => {
    sim.setClockSkew(600);
    try {
      expect((await query(sim, FLOWS, ok)).code).toBe(-16);
      // A client that re-signs with the server's time gets through.
      expect((await query(sim, FLOWS, ok, { timestamp: nowSeconds() + 600 })).code).toBe(0);
    } finally {
      sim.setClockSkew(0);
    }
    expect((await query(sim, FLOWS, ok)).code).toBe(0);
  });

  it('honours clockSkewSeconds and timestampToleranceSeconds options', async () => {
    const skewed = await startSimulator({ now: NOW, taskCount: 50, flowCount: 10, clockSkewSeconds: -400, timestampToleranceSeconds: 30 });
    try {
      expect((await query(skewed, TASKS, ok)).code).toBe(-16);
      expect((await query(skewed, TASKS, ok, { timestamp: nowSeconds() - 400 })).code).toBe(0);
      expect((await query(skewed, TASKS, ok, { timestamp: nowSeconds() - 440 })).code).toBe(-16);
    } finally {
      await skewed.close();
    }
  });
});

describe('routing', () => {
  it('answers 404 for an unknown path and 405 for a non-POST', async () => {
    const missing = await call(sim, '/v3/voice/group/call/nope', ok);
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.text)).toMatchObject({ error: 'not found' });
    const get = await request(`${sim.url}${TASKS}`, { method: 'GET' });
    expect(get.statusCode).toBe(405);
    expect(get.headers.allow).toBe('POST');
    expect(JSON.parse(await get.body.text())).toMatchObject({ error: 'method not allowed' });
  });

  it('serves recall flows on both paths', async () => {
    const a = await call(sim, FLOWS, ok);
    const b = await call(sim, '/v3/voice/recallFlow/queryPage', ok);
    expect(unwrap(a.text).data).toEqual(unwrap(b.text).data);
  });
});
