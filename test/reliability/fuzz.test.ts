/**
 * Random client input against the real stack (fast-check, bounded runs): page sizes outside
 * 1..100 or null, real and forged cursors, real and forged ids, filters with inverted or absurd
 * windows, statuses (UNKNOWN included), long and odd search strings, and random nesting of
 * recallFlows / parentTask. Every answer is data or errors with a known code: never
 * INTERNAL_SERVER_ERROR, never a 5xx, never a message carrying a stack line; and the server still
 * answers /health at the end.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INPUT_CODES, problems } from '../helpers/expect';
import { getUrl, type HttpResult } from '../helpers/http';
import { iso } from '../helpers/records';
import { startStack, type Stack } from '../helpers/stack';

const NUM_RUNS = Number(process.env.FUZZ_RUNS ?? 150);
const DAY = 86_400_000;
const TASK_STATUSES = ['WAITING_TO_SUBMIT', 'CALLING', 'FINISHED', 'SUBMISSION_FAILED', 'CANCELLED', 'PAUSED', 'SUBMITTING', 'UNKNOWN'];

let stack: Stack;
let unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => {
  unhandled.push(reason);
};
const real = { taskCursors: [] as string[], flowCursors: [] as string[], taskIds: [] as string[], flowIds: [] as string[] };

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  stack = await startStack({ env: { LOG_LEVEL: 'warn', UPSTREAM_CALL_DEADLINE_MS: '5000', REQUEST_DEADLINE_MS: '8000' } });
  const tasks = await stack.gql<any>('{ groupCallTasks(first: 10) { edges { cursor node { id } } } }');
  const flows = await stack.gql<any>('{ recallFlows(first: 10) { edges { cursor node { id } } } }');
  real.taskCursors = tasks.data.groupCallTasks.edges.map((e: any) => e.cursor);
  real.taskIds = tasks.data.groupCallTasks.edges.map((e: any) => e.node.id);
  real.flowCursors = flows.data.recallFlows.edges.map((e: any) => e.cursor);
  real.flowIds = flows.data.recallFlows.edges.map((e: any) => e.node.id);
  expect(real.taskCursors.length).toBe(10);
  expect(real.flowCursors.length).toBe(10);
});

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await stack?.close();
});

const b64url = (s: string) => Buffer.from(s, 'utf8').toString('base64url');
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/** Mostly a valid size or absent; sometimes null, or an integer beyond the 1..100 bounds. */
const pageSize = fc.oneof(
  { weight: 6, arbitrary: fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }) },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 2, arbitrary: fc.oneof(fc.integer({ min: -5, max: 0 }), fc.integer({ min: 101, max: 150 })) },
);

const cursor = fc.option(
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...Array.from({ length: 10 }, (_, i) => i)).map((i) => real.taskCursors[i]!) },
    { weight: 3, arbitrary: fc.constantFrom(...Array.from({ length: 10 }, (_, i) => i)).map((i) => real.flowCursors[i]!) },
    fc.string({ maxLength: 40 }),
    fc.string({ maxLength: 60 }).map(b64url),
    fc.record({ o: fc.integer({ min: -10, max: 10_000 }), f: fc.integer(), t: fc.integer(), h: fc.string({ maxLength: 12 }) }).map((c) => b64url(JSON.stringify(c))),
    fc.string({ minLength: 500, maxLength: 700 }),
  ),
  { nil: undefined, freq: 2 },
);

const nodeId = fc.oneof(
  fc.constantFrom(...Array.from({ length: 10 }, (_, i) => i)).map((i) => real.taskIds[i]!),
  fc.constantFrom(...Array.from({ length: 10 }, (_, i) => i)).map((i) => real.flowIds[i]!),
  fc.string({ maxLength: 40 }).map(b64),
  fc.string({ maxLength: 40 }).map(b64url),
  fc.tuple(fc.constantFrom('GroupCallTask', 'RecallFlow', 'Query', ''), fc.string({ maxLength: 30 })).map(([t, rest]) => b64url(`${t}:${rest}`)),
  fc
    .tuple(fc.constantFrom('GroupCallTask', 'RecallFlow'), fc.array(fc.nat({ max: 2 ** 31 }), { minLength: 1, maxLength: 4 }))
    .map(([t, parts]) => b64url(`${t}:${parts.join('.')}`)),
  fc.string({ maxLength: 300 }),
);

/** Instants from 400 days ago to 30 days ahead, as ISO strings, or junk for the DateTime scalar. */
const instant = fc.option(
  fc.oneof(
    { weight: 8, arbitrary: fc.integer({ min: -400, max: 30 }).chain((d) => fc.integer({ min: 0, max: DAY - 1 }).map((ms) => iso(Date.now() + d * DAY + ms))) },
    { weight: 1, arbitrary: fc.constantFrom('2024-13-01T00:00:00Z', 'yesterday', '', '1970-01-01T00:00:00Z', '9999-12-31T23:59:59+14:00') },
  ),
  { nil: undefined },
);

const searchText = fc.option(
  fc.oneof(
    fc.string({ maxLength: 20 }),
    fc.string({ unit: 'grapheme', maxLength: 20 }),
    fc.constantFrom('会员续费提醒', 'Renewal', '%', '_', "' OR 1=1 --", '\u0000', '5000123'),
    fc.string({ minLength: 190, maxLength: 260 }),
  ),
  { nil: undefined },
);

const taskFilter = fc.option(
  fc.record(
    {
      createdFrom: instant,
      createdTo: instant,
      statuses: fc.option(fc.uniqueArray(fc.constantFrom(...TASK_STATUSES), { maxLength: 4 }), { nil: undefined }),
      appId: fc.option(fc.oneof(fc.integer({ min: -5, max: 200 }), fc.constant(2 ** 33)), { nil: undefined }),
      search: searchText,
    },
    { requiredKeys: [] },
  ),
  { nil: undefined },
);

const flowFilter = fc.option(fc.record({ createdFrom: instant, createdTo: instant, parentTask: searchText }, { requiredKeys: [] }), {
  nil: undefined,
});

/** Inline `first`/`last` for nested connections (literals, so negative and huge values too). */
const nestedArgs = fc
  .record({ first: fc.option(fc.integer({ min: -5, max: 150 }), { nil: undefined }), last: fc.option(fc.integer({ min: -5, max: 150 }), { nil: undefined }) })
  .map(({ first, last }) => {
    const args = [first !== undefined ? `first: ${first}` : '', last !== undefined ? `last: ${last}` : ''].filter(Boolean).join(', ');
    return args ? `(${args})` : '';
  });

/** A selection on GroupCallTask / RecallFlow, nesting the other way up to `depth` more levels. */
const taskSelection: (depth: number) => fc.Arbitrary<string> = (depth) =>
  depth <= 0
    ? fc.constant('id taskId name status type createdAt callProgress')
    : fc.oneof(
        fc.constant('id taskId name status rate scriptId'),
        fc
          .tuple(nestedArgs, flowSelection(depth - 1))
          .map(([args, sel]) => `id taskId recallFlows${args} { totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { cursor node { ${sel} } } }`),
      );

const flowSelection: (depth: number) => fc.Arbitrary<string> = (depth) =>
  depth <= 0
    ? fc.constant('id keyId taskId taskName status recallType createdAt')
    : fc.oneof(
        fc.constant('id keyId taskId finishedAttempts recallAttempts'),
        taskSelection(depth - 1).map((sel) => `id keyId parentTask { ${sel} }`),
      );

/** Usually one of first/last (as clients do), sometimes both or neither; cursors on either side. */
const connectionArgs = fc.oneof(
  { weight: 4, arbitrary: fc.record({ first: pageSize, after: cursor }) },
  { weight: 2, arbitrary: fc.record({ last: pageSize, before: cursor }) },
  { weight: 1, arbitrary: fc.record({ first: pageSize, last: pageSize, after: cursor, before: cursor }) },
);

interface Operation {
  query: string;
  variables: Record<string, unknown>;
}

const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.tuple(connectionArgs, taskFilter, fc.integer({ min: 0, max: 3 }).chain(taskSelection)).map(([args, filter, sel]) => ({
    query: `query Q($first: Int, $last: Int, $after: String, $before: String, $filter: GroupCallTaskFilter) {
      groupCallTasks(first: $first, last: $last, after: $after, before: $before, filter: $filter) {
        totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { ${sel} } } } }`,
    variables: { ...args, filter },
  })),
  fc.tuple(connectionArgs, flowFilter, fc.integer({ min: 0, max: 3 }).chain(flowSelection)).map(([args, filter, sel]) => ({
    query: `query Q($first: Int, $last: Int, $after: String, $before: String, $filter: RecallFlowFilter) {
      recallFlows(first: $first, last: $last, after: $after, before: $before, filter: $filter) {
        totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { ${sel} } } } }`,
    variables: { ...args, filter },
  })),
  fc.tuple(nodeId, taskSelection(1), flowSelection(1)).map(([id, t, f]) => ({
    query: `query Q($id: ID!) { node(id: $id) { id ... on GroupCallTask { ${t} } ... on RecallFlow { ${f} } } }`,
    variables: { id },
  })),
  fc.tuple(fc.array(nodeId, { maxLength: 8 }), taskSelection(0)).map(([ids, t]) => ({
    query: `query Q($ids: [ID!]!) { nodes(ids: $ids) { id ... on GroupCallTask { ${t} } ... on RecallFlow { keyId parentTask { taskId } } } }`,
    variables: { ids },
  })),
);

describe('random client input', () => {
  it(
    `${NUM_RUNS} random operations: data or known error codes, never an internal error`,
    async () => {
      const seen = new Map<string, number>();
      const messages = new Set<string>();
      let withData = 0;
      await fc.assert(
        fc.asyncProperty(operation, async (op) => {
          const answer: HttpResult = await stack.post({ query: op.query, variables: op.variables }, {}, { timeoutMs: 20_000 });
          const found = problems(answer, INPUT_CODES);
          if (answer.status >= 500) found.push(`HTTP ${answer.status}: ${answer.text.slice(0, 300)}`);
          for (const e of answer.json?.errors ?? []) {
            const code = String(e.extensions?.code);
            seen.set(code, (seen.get(code) ?? 0) + 1);
            if (process.env.FUZZ_VERBOSE) messages.add(`${code}: ${e.message.slice(0, 120)}`);
          }
          if (answer.json?.data) withData++;
          if (found.length > 0) throw new Error(`${found.join('\n')}\nvariables: ${JSON.stringify(op.variables).slice(0, 500)}`);
        }),
        { numRuns: NUM_RUNS, seed: Number(process.env.FUZZ_SEED ?? 20_261_121), endOnFailure: true },
      );
      if (process.env.FUZZ_VERBOSE) console.info([...messages].sort().join('\n'));
      const lane = stack.gateway.fastLane!.stats;
      console.info(
        `fuzz: ${NUM_RUNS} runs, ${withData} with data, error codes ${JSON.stringify(Object.fromEntries(seen))}, ` +
          `fast lane answered ${lane.answered}, handed ${lane.forwarded} to yoga`,
      );
      // The generators reach both outcomes: real data and refused input.
      expect(withData).toBeGreaterThan(10);
      // Texts repeat (the same operation shape with other variables), so both paths were fuzzed.
      expect(lane.answered).toBeGreaterThan(10);
      expect(lane.forwarded).toBeGreaterThan(10);
      expect(seen.get('BAD_USER_INPUT') ?? 0).toBeGreaterThan(10);
    },
    90_000,
  );

  it('the server still answers /health, and no rejection went unhandled', async () => {
    const res = await getUrl(`${stack.gateway.url}/health`, {}, { timeoutMs: 5_000 });
    expect(res.status).toBe(200);
    const after = await stack.gql<any>('{ groupCallTasks(first: 3) { edges { node { taskId } } } }');
    expect(after.errors).toBeUndefined();
    expect(after.data.groupCallTasks.edges).toHaveLength(3);
    expect(unhandled.map(String)).toEqual([]);
    unhandled = [];
  });
});
