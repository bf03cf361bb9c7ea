/**
 * A second reference for the bench (scenario Y): the minimal graphql-yoga gateway the issue's
 * calibration speaks of ("a minimal graphql-yoga gateway measured about 0.15 here"), written the
 * way a competent one usually is: `createSchema` from SDL with plain resolvers, yoga's defaults
 * (its parse/validate cache and executor), one signed upstream call per request through an undici
 * `Pool` of 32 keep-alive connections like the gateway's and the relay floor's (so the comparison
 * is about the GraphQL side, not the HTTP client: with the global `fetch`, 100 sockets and
 * ~35 % more CPU per request). Its answer has the gateway's shape and sizes: the same global ids
 * and cursors (the gateway's own encoders), enums and ISO date-times. None of the gateway's
 * production work: no auth, cost limit, deadlines, retries, coalescing, logs or metrics.
 * Measured in the same run as the simulator, it calibrates the machine: the 0.3 target
 * was set where such a gateway reached 0.15.
 * Environment: REFERENCE_PORT, HOST, LAAFFIC_BASE_URL, LAAFFIC_API_KEY, LAAFFIC_API_SECRET, LAAFFIC_TIMEZONE.
 */
import { createServer } from 'node:http';
import { createSchema, createYoga } from 'graphql-yoga';
import { Pool } from 'undici';
import { encodeCursor, filterFingerprint } from '../src/graphql/paging/cursor';
import { encodeGlobalID, taskLocalId } from '../src/graphql/paging/global-id';
import type { WireTask } from '../src/simulator/records';
import { fromLocal, parseZone, toIsoWithOffset, toLocal } from '../src/time';
import { authHeaders } from '../src/upstream/sign';
import { TASKS_PATH } from './sim-control';

const env = (name: string) => {
  const v = process.env[name];
  if (!v) throw new Error(`minimal-yoga: ${name} is required`);
  return v;
};
const pool = new Pool(new URL(env('LAAFFIC_BASE_URL')).origin, { connections: 32, keepAliveTimeout: 30_000 });
const apiKey = env('LAAFFIC_API_KEY');
const apiSecret = env('LAAFFIC_API_SECRET');
const zone = parseZone(env('LAAFFIC_TIMEZONE'));

/** A task as the upstream sends it (the wire shape the simulator serves). */
type Task = WireTask;

const STATUS = ['WAITING_TO_SUBMIT', 'CALLING', 'FINISHED', 'SUBMISSION_FAILED', 'CANCELLED', 'PAUSED', 'SUBMITTING'];
const TYPE: Record<number, string> = { 1: 'IVR', 2: 'AI', 3: 'AI_AGENT' };

const typeDefs = /* GraphQL */ `
  scalar DateTime
  enum GroupCallTaskStatus { WAITING_TO_SUBMIT CALLING FINISHED SUBMISSION_FAILED CANCELLED PAUSED SUBMITTING UNKNOWN }
  enum GroupCallTaskType { IVR AI AI_AGENT UNKNOWN }
  input GroupCallTaskFilter { createdFrom: DateTime, createdTo: DateTime }
  type PageInfo { hasNextPage: Boolean!, hasPreviousPage: Boolean!, startCursor: String, endCursor: String }
  type GroupCallTask {
    id: ID!
    taskId: Int!
    name: String!
    status: GroupCallTaskStatus!
    type: GroupCallTaskType
    rate: String
    callProgress: Float!
    numberCount: Int!
    calledCount: Int!
    successCount: Int!
    failCount: Int!
    createdAt: DateTime!
    scriptId: Int
  }
  type GroupCallTaskEdge { cursor: String!, node: GroupCallTask! }
  type GroupCallTaskConnection { totalCount: Int!, pageInfo: PageInfo!, edges: [GroupCallTaskEdge!]! }
  type Query { groupCallTasks(first: Int, filter: GroupCallTaskFilter): GroupCallTaskConnection! }
`;

const resolvers = {
  Query: {
    async groupCallTasks(_: unknown, args: { first?: number; filter?: { createdFrom?: string; createdTo?: string } }) {
      const size = args.first ?? 20;
      const to = args.filter?.createdTo ? Date.parse(args.filter.createdTo) : Date.now();
      const from = args.filter?.createdFrom ? Date.parse(args.filter.createdFrom) : to - 30 * 86_400_000;
      const res = await pool.request({
        path: TASKS_PATH,
        method: 'POST',
        headers: { 'content-type': 'application/json;charset=UTF-8', ...authHeaders(apiKey, apiSecret) },
        body: JSON.stringify({ current: 1, size, params: { strTime: toLocal(from, zone), endTime: toLocal(to, zone) } }),
      });
      const envelope = (await res.body.json()) as { code?: number | string; status?: number | string; data?: { total: number; records: Task[] } };
      if (Number(envelope.code ?? envelope.status) !== 0 || !envelope.data) throw new Error('upstream error');
      const { total, records } = envelope.data;
      const filter = filterFingerprint(['tasks', from, to, [], null, null]);
      const window = { from: Math.floor(from / 1000), to: Math.floor(to / 1000), filter };
      const edges = records.map((node, i) => ({ cursor: encodeCursor({ offset: i, ...window }), node }));
      return {
        totalCount: total,
        edges,
        pageInfo: {
          hasNextPage: total > records.length,
          hasPreviousPage: false,
          startCursor: edges[0]?.cursor ?? null,
          endCursor: edges.at(-1)?.cursor ?? null,
        },
      };
    },
  },
  GroupCallTask: {
    id: (t: Task) => encodeGlobalID('GroupCallTask', taskLocalId({ taskId: t.taskId, created: Math.floor(fromLocal(t.createdTime, zone) / 1000) })),
    name: (t: Task) => t.taskName,
    status: (t: Task) => STATUS[t.status] ?? 'UNKNOWN',
    type: (t: Task) => (t.taskType === undefined ? null : (TYPE[t.taskType] ?? 'UNKNOWN')),
    callProgress: (t: Task) => (t.numCnt === 0 ? 0 : t.callNum / t.numCnt),
    numberCount: (t: Task) => t.numCnt,
    calledCount: (t: Task) => t.callNum,
    successCount: (t: Task) => t.success,
    failCount: (t: Task) => t.fail,
    createdAt: (t: Task) => toIsoWithOffset(fromLocal(t.createdTime, zone), zone),
  },
};

const yoga = createYoga({ schema: createSchema({ typeDefs, resolvers }), logging: 'warn' });
const server = createServer((req, res) => {
  if (req.url === '/health') {
    res.end('ok');
    return;
  }
  void yoga(req, res);
});
server.listen(Number(env('REFERENCE_PORT')), env('HOST'));
