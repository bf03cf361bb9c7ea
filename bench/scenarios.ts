/**
 * The five measured scenarios. Each is a pool of ready-made request bodies that the load
 * generator cycles through (so the client spends no CPU building them), a per-request header
 * hook (the baseline signs), and a cheap body check that counts failed answers as mismatches.
 *
 * Scenarios 1–3 vary the window by a few seconds from one request to the next: every request
 * is then a distinct upstream call, so they measure the work per request, not the client's
 * coalescing of identical calls in flight. Scenario 4 cycles through real ids; scenario 5 sends
 * one identical query from every connection, which is where coalescing shows.
 */
import { localTime, TASKS_PATH } from './sim-control';

export interface Scenario {
  key: 'baseline' | 'floor' | 'yoga' | 'tasks' | 'join' | 'node' | 'coalesced';
  title: string;
  /** Where the requests go: simulator, a reference (bench/relay-floor.ts, bench/minimal-yoga.ts), or gateway. */
  target: 'simulator' | 'floor' | 'yoga' | 'gateway';
  path: string;
  bodies: string[];
  /** Fresh headers for each request (e.g. a signature), merged over the static ones. */
  headers?: () => Record<string, string>;
  staticHeaders: Record<string, string>;
  /** False marks the answer as failed (counted as a mismatch). */
  verify: (body: string) => boolean;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** How many distinct windows scenarios 1–3 cycle through (shifted by one second each). */
const VARIANTS = 600;
const JOIN_VARIANTS = 100;

export const GRAPHQL_HEADERS = { 'content-type': 'application/json', accept: 'application/graphql-response+json' };

const TASK_FIELDS = 'id taskId name status type rate callProgress numberCount calledCount successCount failCount createdAt scriptId';

export const TASKS_QUERY = `query Tasks($from: DateTime, $to: DateTime) {
  groupCallTasks(first: 20, filter: { createdFrom: $from, createdTo: $to }) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { ${TASK_FIELDS} } }
  }
}`;

export const JOIN_QUERY = `query Join($from: DateTime!, $to: DateTime!) {
  recallFlows(first: 100, filter: { createdFrom: $from, createdTo: $to }) {
    edges { node { keyId taskId parentTask { taskId name status createdAt } } }
  }
}`;

export const NODE_QUERY = `query Node($id: ID!) {
  node(id: $id) { id ... on GroupCallTask { taskId name status createdAt } }
}`;

export const IDS_QUERY = `query Ids { groupCallTasks(first: 50) { edges { node { id } } } }`;

/** ISO-8601 with the zone's offset, e.g. 2024-06-04T14:49:36+08:00. */
export function isoAt(epochMs: number, offset: string): string {
  return `${localTime(epochMs, offset).replace(' ', 'T')}${offset}`;
}

export const gqlBody = (query: string, variables: Record<string, unknown>) => JSON.stringify({ query, variables });

const noGraphQLErrors = (body: string) => body.startsWith('{"data"') && !body.includes('"errors"');

export interface ScenarioInput {
  /** The instant the windows end at (the bench's "now", whole seconds). */
  now: number;
  offset: string;
  busyHour: { start: number; end: number };
  nodeIds: string[];
  sign: () => Record<string, string>;
}

/** The 30-day windows of scenarios 1 and 2: [end - 30 days, end], end = now - k seconds. */
function windows(now: number): Array<{ from: number; to: number }> {
  return Array.from({ length: VARIANTS }, (_, k) => ({ from: now - k * 1000 - 30 * DAY_MS, to: now - k * 1000 }));
}

export function joinWindow(busyHour: { start: number; end: number }, k = 0): { from: number; to: number } {
  // Flows come 10 s..1 h after their parents, so the hour after the busy hour holds their flows.
  return { from: busyHour.start, to: busyHour.end + HOUR_MS - k * 1000 };
}

export function buildScenarios(input: ScenarioInput): Scenario[] {
  const { now, offset } = input;
  const ws = windows(now);
  // Scenario 2's requests, also sent to the two references (R, Y).
  const pageBodies = ws.map((w) => gqlBody(TASKS_QUERY, { from: isoAt(w.from, offset), to: isoAt(w.to, offset) }));
  const pageRequests = { path: '/graphql', bodies: pageBodies, staticHeaders: GRAPHQL_HEADERS };
  return [
    {
      key: 'baseline',
      title: '1. simulator direct (1 page of 20, signed)',
      target: 'simulator',
      path: TASKS_PATH,
      bodies: ws.map((w) =>
        JSON.stringify({ current: 1, size: 20, params: { strTime: localTime(w.from, offset), endTime: localTime(w.to, offset) } }),
      ),
      headers: input.sign,
      staticHeaders: { 'content-type': 'application/json;charset=UTF-8' },
      verify: (body) => body.includes('"records":[{'),
    },
    {
      key: 'floor',
      title: 'R. reference: relay floor, no GraphQL (bench/relay-floor.ts)',
      target: 'floor',
      ...pageRequests,
      verify: (body) => body.includes('"edges":[{'),
    },
    {
      key: 'yoga',
      title: 'Y. reference: minimal graphql-yoga gateway (bench/minimal-yoga.ts)',
      target: 'yoga',
      ...pageRequests,
      verify: noGraphQLErrors,
    },
    {
      key: 'tasks',
      title: '2. gateway groupCallTasks(first: 20)',
      target: 'gateway',
      ...pageRequests,
      verify: noGraphQLErrors,
    },
    {
      key: 'join',
      title: '3. busy-hour join (100 flows + parentTask)',
      target: 'gateway',
      path: '/graphql',
      bodies: Array.from({ length: JOIN_VARIANTS }, (_, k) => {
        const w = joinWindow(input.busyHour, k);
        return gqlBody(JOIN_QUERY, { from: isoAt(w.from, offset), to: isoAt(w.to, offset) });
      }),
      staticHeaders: GRAPHQL_HEADERS,
      verify: (body) => noGraphQLErrors(body) && !body.includes('"parentTask":null'),
    },
    {
      key: 'node',
      title: '4. node(id:) lookups (50 ids cycled)',
      target: 'gateway',
      path: '/graphql',
      bodies: input.nodeIds.map((id) => gqlBody(NODE_QUERY, { id })),
      staticHeaders: GRAPHQL_HEADERS,
      verify: (body) => noGraphQLErrors(body) && !body.includes('"node":null'),
    },
    {
      key: 'coalesced',
      title: '5. scenario 2, one identical query from all clients',
      target: 'gateway',
      path: '/graphql',
      bodies: [gqlBody(TASKS_QUERY, { from: isoAt(ws[0]!.from, offset), to: isoAt(ws[0]!.to, offset) })],
      staticHeaders: GRAPHQL_HEADERS,
      verify: noGraphQLErrors,
    },
  ];
}
