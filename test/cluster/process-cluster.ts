/**
 * For test/cluster/processes.test.ts: gateway PROCESSES (`node --import tsx src/main.ts`, what
 * `npm start` runs, through spawnGateway) sharing one Redis and one simulator, live subscribers
 * over graphql-ws and graphql-sse (the real client libraries, as an application would use them),
 * Prometheus scrapes, and a sampler of the simulator's call counter that notes when each upstream
 * call arrived.
 */
import { createClient as createSseClient, type Client as SseClient } from 'graphql-sse';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { Simulator } from '../../src/simulator';
import { spawnGateway, upstreamEnv, type GatewayProcess } from '../helpers/stack';

export interface GatewayReplica {
  name: string;
  process: GatewayProcess;
  /** http://127.0.0.1:port (no /graphql). */
  url: string;
  /** Set once the test killed or stopped it. */
  down: boolean;
}

export interface ReplicaEnv {
  sim: Simulator;
  redisUrl: string;
  prefix: string;
  pollIntervalMs: number;
}

/** Starts `names.length` gateway processes against the simulator and Redis; resolves when all are ready. */
export async function startReplicas(names: string[], env: ReplicaEnv): Promise<GatewayReplica[]> {
  const replicas = names.map((name): GatewayReplica => {
    const process = spawnGateway({
      ...upstreamEnv(env.sim),
      // One line: one upstream call per poll of a window of less than 100 tasks.
      LAAFFIC_PRODUCTS: 'GROUP_CALL',
      LOG_LEVEL: 'info',
      REDIS_URL: env.redisUrl,
      REDIS_KEY_PREFIX: env.prefix,
      LIVE_POLL_INTERVAL_MS: String(env.pollIntervalMs),
      GATEWAY_ALLOW_ANONYMOUS: 'true',
    });
    return { name, process, url: '', down: false };
  });
  try {
    await Promise.all(
      replicas.map(async (r) => {
        r.url = await r.process.ready(60_000);
      }),
    );
  } catch (err) {
    await Promise.all(replicas.map((r) => r.process.stop(1_000)));
    throw err;
  }
  return replicas;
}

/** The value of a metric (summed over the label sets that contain `labels`) in a Prometheus text. */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  let total: number | undefined;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{([^}]*)\})?\s+(\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const set = Object.fromEntries([...(m[3] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).some(([k, v]) => set[k] !== v)) continue;
    total = (total ?? 0) + Number(m[4]);
  }
  return total;
}

export async function scrape(replica: GatewayReplica): Promise<string> {
  const res = await fetch(`${replica.url}/metrics`, { signal: AbortSignal.timeout(5_000) });
  return res.text();
}

/** laaffic_live_polls_total (every outcome) of a replica. */
export async function pollsOf(replica: GatewayReplica): Promise<number> {
  return metricValue(await scrape(replica), 'laaffic_live_polls_total') ?? 0;
}

/** laaffic_cluster_mode{part="live"}: 1 cluster, 0 local. */
export async function clusterModeOf(replica: GatewayReplica): Promise<number | undefined> {
  return metricValue(await scrape(replica), 'laaffic_cluster_mode', { part: 'live' });
}

/** The replica's JSON log lines whose `msg` starts with `prefix`. */
export function logLines(replica: GatewayReplica, prefix: string): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const line of replica.process.stdout) {
    try {
      const v = JSON.parse(line) as Record<string, unknown>;
      if (typeof v.msg === 'string' && v.msg.startsWith(prefix)) out.push(v);
    } catch {
      // not JSON
    }
  }
  return out;
}

// ---- subscribers ----

export const TASK_FIELDS = 'taskId name status rate numberCount calledCount successCount failCount';

export const TASK_CHANGES = `subscription Live($filter: GroupCallTaskFilter, $after: String) {
  groupCallTaskChanges(filter: $filter, after: $after) { kind id cursor changedFields observedAt task { ${TASK_FIELDS} } }
}`;

export const TASK_LIST = `query List($filter: GroupCallTaskFilter) {
  groupCallTasks(first: 100, filter: $filter) { totalCount edges { node { id ${TASK_FIELDS} } } }
}`;

export interface TaskFields {
  taskId: number;
  name: string;
  status: string;
  rate: string | null;
  numberCount: number;
  calledCount: number;
  successCount: number;
  failCount: number;
}

export interface ChangeEvent {
  kind: 'INITIAL' | 'ADDED' | 'UPDATED' | 'REMOVED';
  id: string;
  cursor: string;
  changedFields: string[];
  observedAt: string;
  task: TaskFields | null;
  /** When the test process received it (Date.now()). */
  receivedAt: number;
}

export interface Subscriber {
  name: string;
  replica: GatewayReplica;
  transport: 'ws' | 'sse';
  events: ChangeEvent[];
  /** A GraphQL error payload or a transport failure that ended it. */
  error: unknown;
  done: boolean;
  /** The cursor of the last event received. */
  lastCursor(): string | undefined;
  stop(): Promise<void>;
}

type ExecResult = { data?: { groupCallTaskChanges?: Omit<ChangeEvent, 'receivedAt'> } | null; errors?: unknown };

function subscriber(
  name: string,
  replica: GatewayReplica,
  transport: 'ws' | 'sse',
  iterator: AsyncIterableIterator<ExecResult>,
): Subscriber {
  const s: Subscriber = {
    name,
    replica,
    transport,
    events: [],
    error: undefined,
    done: false,
    lastCursor: () => s.events.at(-1)?.cursor,
    stop: async () => {
      await iterator.return?.().catch(() => {});
    },
  };
  void (async () => {
    try {
      for await (const result of iterator) {
        const change = result.data?.groupCallTaskChanges;
        if (result.errors || !change) {
          s.error = result.errors ?? new Error('a payload without data');
          break;
        }
        s.events.push({ ...change, receivedAt: Date.now() });
      }
    } catch (err) {
      s.error = err ?? new Error('the transport failed');
    } finally {
      s.done = true;
    }
  })();
  return s;
}

/** Clients opened by `subscribeMany`, disposed together. */
export class ClientPool {
  private readonly ws: WsClient[] = [];
  private readonly sse: SseClient[] = [];

  /**
   * `count` subscribers on `replica`, half over graphql-ws (`perSocket` per WebSocket) and half over
   * graphql-sse (distinct connections mode: one HTTP stream each). No client retries: a replica
   * that dies ends its subscribers with an error, and the test resumes them elsewhere.
   */
  subscribeMany(
    replica: GatewayReplica,
    count: number,
    variables: Record<string, unknown> | ((i: number) => Record<string, unknown>),
    options: { perSocket?: number; namePrefix?: string; transports?: Array<'ws' | 'sse'> } = {},
  ): Subscriber[] {
    const perSocket = options.perSocket ?? 10;
    const transports = options.transports ?? ['ws', 'sse'];
    const vars = typeof variables === 'function' ? variables : () => variables;
    const out: Subscriber[] = [];
    let ws: WsClient | null = null;
    let onSocket = 0;
    let sse: SseClient | null = null;
    for (let i = 0; i < count; i++) {
      const transport = transports[i % transports.length]!;
      const name = `${options.namePrefix ?? replica.name}-${transport}-${i}`;
      const request = { query: TASK_CHANGES, variables: vars(i) };
      if (transport === 'ws') {
        if (!ws || onSocket >= perSocket) {
          ws = createWsClient({ url: `${replica.url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
          this.ws.push(ws);
          onSocket = 0;
        }
        onSocket++;
        out.push(subscriber(name, replica, 'ws', ws.iterate(request) as AsyncIterableIterator<ExecResult>));
      } else {
        if (!sse) {
          sse = createSseClient({ url: `${replica.url}/graphql`, retryAttempts: 0 });
          this.sse.push(sse);
        }
        out.push(subscriber(name, replica, 'sse', sse.iterate(request) as AsyncIterableIterator<ExecResult>));
      }
    }
    return out;
  }

  async dispose(): Promise<void> {
    for (const c of this.sse) c.dispose();
    await Promise.allSettled(this.ws.map((c) => c.dispose()));
    this.ws.length = 0;
    this.sse.length = 0;
  }
}

/** The records a subscriber knows: its INITIAL events, then every change applied in order. */
export function stateOf(events: readonly ChangeEvent[]): Map<string, TaskFields> {
  const state = new Map<string, TaskFields>();
  for (const e of events) {
    if (e.kind === 'REMOVED') state.delete(e.id);
    else state.set(e.id, e.task!);
  }
  return state;
}

/** An event as compared between subscribers: everything but the time it arrived. */
export const key = (e: ChangeEvent) => `${e.kind}|${e.id}|${e.cursor}|${e.changedFields.join(',')}|${e.observedAt}|${JSON.stringify(e.task)}`;

/** The stream position in a cursor (`{w, e, s}`: watch hash, epoch, stream id). */
export function cursorParts(cursor: string): { watch: string; epoch: string; id: string } {
  const raw = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { w: string; e: string; s: string };
  return { watch: raw.w, epoch: raw.e, id: raw.s };
}

export function compareStreamIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(Number);
  const [bm, bs] = b.split('-').map(Number);
  return am! - bm! || as! - bs!;
}

// ---- the simulator's calls, with their arrival times ----

/**
 * Samples the simulator's `groupCallTasks` counter every few ms and notes the time of each new
 * call (to the sampling period). The simulator runs in this process, so it is a memory read.
 */
export class CallSampler {
  readonly times: number[] = [];
  private last: number;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly sim: Simulator, periodMs = 5) {
    this.last = sim.counters.groupCallTasks;
    this.timer = setInterval(() => this.sample(), periodMs);
  }

  sample(): void {
    const now = this.sim.counters.groupCallTasks;
    const t = Date.now();
    for (let n = this.last; n < now; n++) this.times.push(t);
    this.last = now;
  }

  /** Calls whose arrival was noted in [from, to). */
  between(from: number, to: number): number[] {
    this.sample();
    return this.times.filter((t) => t >= from && t < to);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out (${timeoutMs} ms) waiting for ${what}`);
    await sleep(20);
  }
}
