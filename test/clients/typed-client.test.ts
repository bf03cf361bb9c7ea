/**
 * The README's typed client (test/clients/typed-client-example.ts, typed by the client-preset
 * output in test/generated/) runs against the gateway over HTTP, and what it prints is the
 * simulator's flows with their parent tasks. `npx tsc --noEmit` type-checks the same file, and
 * once the README carries the snippet, it has to be this file verbatim.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedFlow, expectedTask, flowsIn, lastDays, taskById } from '../helpers/records';
import { startStack, type Stack } from '../helpers/stack';
import { listFlowsWithParents, recallFlowsWithParents } from './typed-client-example';

let stack: Stack;
const endpoint = () => `${stack.gateway.url}/graphql`;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

describe('typed client example', () => {
  it('lists every flow of a window with its parent task, paging by endCursor', async () => {
    const w = lastDays(stack.sim.dataset, 12);
    const flows = flowsIn(stack.sim.dataset, w);
    expect(flows.length).toBeGreaterThan(100); // more than one page of 100
    const lines = await listFlowsWithParents(endpoint(), { createdFrom: w.createdFrom, createdTo: w.createdTo });
    const zone = stack.sim.timezone;
    expect(lines).toEqual(
      flows.map((record) => {
        const f = expectedFlow(record, zone);
        const p = expectedTask(taskById(stack.sim.dataset, record.taskId), zone);
        return `${f.createdAt} flow ${f.keyId} ${f.status} ${f.finishedAttempts}/${f.recallAttempts} <- task ${p.taskId} ${p.name} (${p.status})`;
      }),
    );
  });

  it('with no variables: the 20 newest flows of the default window, typed, with their parents', async () => {
    const page = await recallFlowsWithParents(endpoint(), {});
    const newest = stack.sim.dataset.flows.slice(0, 20);
    expect(page.edges.map((e) => e.node.keyId)).toEqual(newest.map((f) => f.keyId));
    expect(page.pageInfo.hasNextPage).toBe(true);
    for (const [i, { node }] of page.edges.entries()) {
      const parent = expectedTask(taskById(stack.sim.dataset, newest[i]!.taskId), stack.sim.timezone);
      expect(node.parentTask).toEqual({
        id: expect.any(String),
        taskId: parent.taskId,
        name: parent.name,
        status: parent.status,
        createdAt: parent.createdAt,
        callProgress: parent.callProgress,
      });
    }
  });

  it('surfaces a GraphQL error as an exception', async () => {
    await expect(recallFlowsWithParents(endpoint(), { first: 101 })).rejects.toThrow(/between 1 and 100/);
  });

  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  it.skipIf(!readme.includes('typed-client-example.ts'))('the README shows this file verbatim', () => {
    const source = readFileSync(new URL('./typed-client-example.ts', import.meta.url), 'utf8');
    expect(readme).toContain('```ts\n' + source + '```');
  });
});
