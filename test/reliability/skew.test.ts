/**
 * Clock skew: the upstream refuses a stale Timestamp with -16. The gateway re-signs with a fresh
 * timestamp exactly once; a clock 10 minutes apart cannot be fixed by that, so the query fails
 * with UPSTREAM_TIMESTAMP_EXPIRED after exactly two upstream calls, and never loops.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { errorCodes, FAULT_CODES, problems } from '../helpers/expect';
import { startStack, type Stack } from '../helpers/stack';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ env: { LOG_LEVEL: 'warn', UPSTREAM_RETRY_BASE_MS: '5' } });
});
afterAll(() => stack?.close());
afterEach(() => {
  stack.sim.setClockSkew(0);
  stack.sim.setFaults({});
});

const TASKS = 'query { groupCallTasks(first: 5) { totalCount edges { node { taskId } } } }';
const FLOWS = 'query { recallFlows(first: 5) { totalCount edges { node { keyId } } } }';

/** Counts the simulator calls one query causes, after giving any stray retry time to show up. */
async function callsFor(query: string) {
  stack.resetCalls();
  const answer = await stack.post({ query }, {}, { timeoutMs: 15_000 });
  await sleep(300);
  return { answer, calls: stack.calls() };
}

describe('upstream clock 10 minutes ahead', () => {
  it('a task list fails with UPSTREAM_TIMESTAMP_EXPIRED after exactly one fresh-signature retry', async () => {
    stack.sim.setClockSkew(600);
    const { answer, calls } = await callsFor(TASKS);
    expect(problems(answer, FAULT_CODES)).toEqual([]);
    expect(errorCodes(answer)).toEqual(['UPSTREAM_TIMESTAMP_EXPIRED']);
    expect(answer.json?.errors?.[0]?.path).toEqual(['groupCallTasks']);
    expect(calls).toEqual({ tasks: 2, flows: 0 });
  });

  it('a recall flow list does the same: 2 calls, then the error', async () => {
    stack.sim.setClockSkew(600);
    const { answer, calls } = await callsFor(FLOWS);
    expect(errorCodes(answer)).toEqual(['UPSTREAM_TIMESTAMP_EXPIRED']);
    expect(calls).toEqual({ tasks: 0, flows: 2 });
  });

  it('does not loop across repeated queries either: 2 calls each', async () => {
    stack.sim.setClockSkew(600);
    for (let i = 0; i < 3; i++) {
      const { answer, calls } = await callsFor(TASKS);
      expect(errorCodes(answer)).toEqual(['UPSTREAM_TIMESTAMP_EXPIRED']);
      expect(calls.tasks).toBe(2);
    }
  });

  it('a clock behind by 10 minutes is refused the same way', async () => {
    stack.sim.setClockSkew(-600);
    const { answer, calls } = await callsFor(TASKS);
    expect(errorCodes(answer)).toEqual(['UPSTREAM_TIMESTAMP_EXPIRED']);
    expect(calls).toEqual({ tasks: 2, flows: 0 });
  });
});

describe('what a fresh signature does fix', () => {
  it('one stray -16 (a request that sat too long) costs one retry and succeeds', async () => {
    stack.sim.queueFault('error-code', { code: -16 });
    const { answer, calls } = await callsFor(TASKS);
    expect(answer.json?.errors).toBeUndefined();
    expect(calls).toEqual({ tasks: 2, flows: 0 });
  });

  it('a skew inside the tolerance is no problem: 1 call', async () => {
    stack.sim.setClockSkew(120);
    const { answer, calls } = await callsFor(TASKS);
    expect(answer.json?.errors).toBeUndefined();
    expect(calls).toEqual({ tasks: 1, flows: 0 });
  });

  it('once the clocks agree again, queries succeed with 1 call', async () => {
    stack.sim.setClockSkew(600);
    expect(errorCodes((await callsFor(TASKS)).answer)).toEqual(['UPSTREAM_TIMESTAMP_EXPIRED']);
    stack.sim.setClockSkew(0);
    const { answer, calls } = await callsFor(TASKS);
    expect(answer.json?.errors).toBeUndefined();
    expect(calls).toEqual({ tasks: 1, flows: 0 });
  });
});
