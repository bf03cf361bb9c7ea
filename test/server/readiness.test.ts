/**
 * /readiness: 200 while the upstream answers, 503 once it stops (after the cache period); the
 * probe is shared and cached, so a burst of checks costs at most one upstream call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getUrl } from '../helpers/http';
import { startStack, type Stack } from '../helpers/stack';

// Long enough that a loaded machine still answers the "within the period" checks inside it.
const CACHE_MS = 800;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let stack: Stack;
const readiness = () => getUrl(`${stack.gateway.url}/readiness`);
const totalCalls = () => stack.calls().tasks + stack.calls().flows;

beforeAll(async () => {
  stack = await startStack({ env: { READINESS_CACHE_MS: String(CACHE_MS) } });
  stack.resetCalls();
});
afterAll(async () => {
  await stack?.close();
});

describe('/readiness', () => {
  it('answers a burst of 50 concurrent checks with 200 and at most one upstream call', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, () => readiness()));
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(200));
    expect(totalCalls()).toBeLessThanOrEqual(1);
    expect(totalCalls()).toBe(1); // the one shared probe (nothing else has called upstream yet)
  });

  it('serves checks within the cache period without calling upstream', async () => {
    stack.resetCalls();
    for (let i = 0; i < 5; i++) expect((await readiness()).status).toBe(200);
    expect(totalCalls()).toBe(0);
  });

  it('probes again after the cache period, still once per burst', async () => {
    await sleep(CACHE_MS + 100);
    stack.resetCalls();
    const results = await Promise.all(Array.from({ length: 50 }, () => readiness()));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(totalCalls()).toBe(1);
  });

  it('counts a recent successful GraphQL call as proof of readiness (no probe)', async () => {
    await sleep(CACHE_MS + 100);
    const res = await stack.gql('{ groupCallTasks(first: 1) { totalCount } }');
    expect(res.errors).toBeUndefined();
    stack.resetCalls();
    expect((await readiness()).status).toBe(200);
    expect(totalCalls()).toBe(0);
  });

  it('answers 503 once the upstream is gone and the cache period has passed', async () => {
    await stack.sim.close();
    await sleep(CACHE_MS + 150);
    const results = await Promise.all(Array.from({ length: 20 }, () => readiness()));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(503));
    // /health is liveness only: the process is up, whatever the upstream does.
    expect((await getUrl(`${stack.gateway.url}/health`)).status).toBe(200);
  });
});
