/**
 * Soak: 60 s of steady load (10 clients looping a mix of task pages with cursors, the busy-hour
 * join, node lookups and nested recall flows) against the in-process stack. The heap after a
 * forced GC once the load has warmed up, and again after the soak, must stay within 20 %; and no
 * request may fail.
 *
 * The GC is forced without `--expose-gc` on the worker: the flag is set at run time and a fresh
 * vm context then carries `gc`. Both heap readings are taken the same way: load stopped, the
 * request deadline (3 s) passed so its timers have fired, then two full GCs.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAULT_CODES, problems } from '../helpers/expect';
import { type HttpResult } from '../helpers/http';
import { busyWindow, iso, JOIN_QUERY, TASKS_QUERY } from '../helpers/records';
import { startStack, type Stack } from '../helpers/stack';

const SOAK_MS = Number(process.env.SOAK_MS ?? 60_000);
const WARMUP_MS = 4_000;
const CLIENTS = 10;
const REQUEST_DEADLINE_MS = 3_000;
const MAX_GROWTH = 0.2;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let stack: Stack;
let taskIds: string[] = [];

beforeAll(async () => {
  stack = await startStack({
    env: { LOG_LEVEL: 'warn', UPSTREAM_CALL_DEADLINE_MS: '2000', REQUEST_DEADLINE_MS: String(REQUEST_DEADLINE_MS) },
  });
  const ids = await stack.gql<any>('{ groupCallTasks(first: 50) { edges { node { id } } } }');
  taskIds = ids.data.groupCallTasks.edges.map((e: any) => e.node.id);
  expect(taskIds).toHaveLength(50);
});
afterAll(() => stack?.close());

const NODE_QUERY = 'query N($id: ID!) { node(id: $id) { id ... on GroupCallTask { taskId name status createdAt } } }';
const NESTED_QUERY = `query Nested($after: String) {
  groupCallTasks(first: 5, after: $after) {
    pageInfo { endCursor }
    edges { node { taskId recallFlows(first: 5) { totalCount edges { node { keyId parentTask { taskId } } } } } }
  }
}`;

/** One client's loop: a task page (following its cursor), the join, a node, nested flows. */
async function client(c: number, until: number, out: { answers: number; failures: string[] }): Promise<void> {
  let after: string | undefined;
  for (let i = 0; performance.now() < until; i++) {
    let answer: HttpResult;
    switch (i % 4) {
      case 0: {
        const to = Date.now() - ((c * 7 + i) % 600) * 1000;
        answer = await stack.post({ query: TASKS_QUERY, variables: { first: 20, from: iso(to - 30 * 86_400_000), to: iso(to) } }, {}, { timeoutMs: 10_000 });
        break;
      }
      case 1: {
        const w = busyWindow(stack);
        answer = await stack.post({ query: JOIN_QUERY, variables: { first: 100, from: w.from, to: w.to } }, {}, { timeoutMs: 10_000 });
        break;
      }
      case 2:
        answer = await stack.post({ query: NODE_QUERY, variables: { id: taskIds[(c * 13 + i) % taskIds.length] } }, {}, { timeoutMs: 10_000 });
        break;
      default: {
        answer = await stack.post({ query: NESTED_QUERY, variables: { after } }, {}, { timeoutMs: 10_000 });
        const data = answer.json?.data as { groupCallTasks?: { pageInfo: { endCursor: string | null } } } | undefined;
        // Walk a few pages, then start over.
        after = i % 40 === 39 ? undefined : (data?.groupCallTasks?.pageInfo.endCursor ?? undefined);
      }
    }
    out.answers++;
    const found = problems(answer, FAULT_CODES);
    if (answer.json?.errors) found.push(`errors: ${JSON.stringify(answer.json.errors).slice(0, 300)}`);
    if (found.length > 0 && out.failures.length < 20) out.failures.push(...found);
  }
}

async function load(ms: number) {
  const out = { answers: 0, failures: [] as string[] };
  const until = performance.now() + ms;
  await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c, until, out)));
  return out;
}

/** Heap used after the request deadline has passed and two full GCs. */
async function settledHeap(): Promise<number> {
  await sleep(REQUEST_DEADLINE_MS + 500);
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;

describe('soak', () => {
  it(
    `${SOAK_MS / 1000} s of steady load: no failures, heap within ${MAX_GROWTH * 100} % of the warmed-up heap`,
    async () => {
      const warm = await load(WARMUP_MS);
      expect(warm.failures).toEqual([]);
      const before = await settledHeap();

      // The soak itself, with a heap sample (under load, after GC) every 10 s for the record.
      const samples: string[] = [];
      const sampler = setInterval(() => {
        gc();
        samples.push(mb(process.memoryUsage().heapUsed));
      }, 10_000);
      const started = performance.now();
      let soak: Awaited<ReturnType<typeof load>>;
      try {
        soak = await load(SOAK_MS);
      } finally {
        clearInterval(sampler);
      }
      const seconds = (performance.now() - started) / 1000;
      const after = await settledHeap();
      const growth = (after - before) / before;
      console.info(
        `soak: ${soak.answers} requests in ${seconds.toFixed(0)} s (${(soak.answers / seconds).toFixed(0)}/s), ` +
          `heap ${mb(before)} → ${mb(after)} (${(growth * 100).toFixed(1)} %), under load: ${samples.join(', ')}; ` +
          `rss ${mb(process.memoryUsage().rss)}`,
      );
      expect(soak.failures).toEqual([]);
      expect(soak.answers).toBeGreaterThan(CLIENTS * 10);
      expect(growth).toBeLessThan(MAX_GROWTH);
    },
    SOAK_MS + 60_000,
  );
});
