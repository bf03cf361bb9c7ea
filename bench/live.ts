/**
 * The live scenario of `npm run bench` (issue 14): SSE subscribers spread over gateway replicas
 * sharing one Redis, all on ONE watch of 500 running tasks (5 upstream pages), against a simulator
 * whose live mode the bench ticks.
 *
 * Its own processes (after the request scenarios, which have stopped by then): a simulator
 * (`src/simulator/main.ts`, live mode without a timer: the bench ticks it), 500 tasks added in one
 * second of its clock through `/__sim/records/add-task` (status CALLING: every tick dials 8–25 % of
 * each one's numbers, so each tick changes all of them), the gateway replicas (the production
 * build, as in the request scenarios, plus REDIS_URL, a key prefix of their own and
 * LIVE_POLL_INTERVAL_MS), and the Redis the tests use (test/helpers/redis.ts: REDIS_URL, else
 * 127.0.0.1:6379, else a redis-server it starts), whose keys under the prefix are deleted at the end.
 * The subscribers are plain SSE streams (node:http, `accept: text/event-stream`, GraphQL over SSE
 * as graphql-sse's distinct connections mode speaks it), round robin over the replicas, with
 * `initial: false` (changes only: the INITIAL burst of 500 events × every subscriber is a one-off
 * at subscribe time, not what is measured).
 *
 * Measured:
 * - upstream calls per interval: the simulator's task-list calls over the rounds, per poll interval;
 *   the target is the watch's pages (5), whatever the subscriber count. Calls are exact, so this is
 *   the one figure that fails the run (and CI's --quick run);
 * - change-to-client latency, from the moment the bench changes the simulator (the control call is
 *   sent) to the event's arrival at each subscriber: "single change" rounds patch one task's name
 *   (one event to every subscriber), "tick" rounds tick live mode (all 500 tasks change: 500 events
 *   to every subscriber, the fan-out under load). Target p99 <= interval + 500 ms; reported only;
 * - memory: each replica's RSS before the subscribers connect and once they are all live (and its
 *   peak over the rounds); per 1,000 subscribers per replica, target < 50 MB; reported only.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { request, type ClientRequest } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { deleteKeys, redisUrl, releaseRedis } from '../test/helpers/redis';
import { PRODUCTION_NODE_OPTIONS } from './node-options';
import { cpuTimeMs, freePort, HOST, procStatusBytes, RssSampler, startChild, waitForHttp, type Child } from './procs';
import { SimControl } from './sim-control';

const API_KEY = 'sim-demo-key';
const API_SECRET = 'sim-demo-secret';
const TIMEZONE = '+08:00';
const PAGE = 100;

export interface LiveOptions {
  root: string;
  quick: boolean;
  /** SSE subscribers in all (default 1,000; quick 150). */
  subscribers?: number;
  replicas?: number;
  /** LIVE_POLL_INTERVAL_MS of the replicas (default 1000). */
  intervalMs?: number;
  /** Running tasks in the watched window (default 500: 5 pages). */
  tasks?: number;
  singleRounds?: number;
  tickRounds?: number;
  /** The gateway's entry (the production build). */
  gatewayEntry: string;
  /** Extra gateway environment. */
  gatewayEnv?: Record<string, string>;
}

export interface LatencyFigures {
  rounds: number;
  /** Events measured (subscribers × events per round, summed). */
  events: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface LiveResult {
  subscribers: number;
  replicas: number;
  intervalMs: number;
  tasks: number;
  /** Upstream pages of one poll of the watch: the target for calls per interval. */
  pagesPerPoll: number;
  durationMs: number;
  upstreamCalls: number;
  polls: number;
  /** Replicas whose poll counter moved during the rounds (1 = one poller cluster-wide). */
  pollingReplicas: number;
  upstreamCallsPerInterval: number;
  upstreamCallsPerPoll: number;
  /** The gating check: calls over the rounds <= pages × (intervals + 1). */
  callsWithinTarget: boolean;
  single: LatencyFigures;
  tick: LatencyFigures & {
    eventsPerSubscriberPerRound: number;
    deliveredPerSec: number;
    /** CPU the replicas spent per event delivered to a subscriber during the ticks (all three, user + system), µs. */
    replicaCpuUsPerEvent: number;
    /** The same for the bench's own clients (receiving and timing), µs. */
    benchCpuUsPerEvent: number;
  };
  rss: Array<{ replica: string; beforeBytes: number; afterBytes: number; peakBytes: number; subscribers: number }>;
  /** Each replica's longest event-loop delay seen over the rounds, ms. */
  eventLoopLagMaxMs: number[];
  /** Highest (after − before) per replica, scaled to 1,000 subscribers on that replica. */
  rssPer1000SubscribersBytes: number;
  /** Subscribers that ended or failed during the run (should be 0). */
  failedSubscribers: number;
}

/** 1 ms buckets up to two minutes: exact enough, constant memory for millions of samples. */
class Histogram {
  private readonly buckets = new Uint32Array(120_001);
  count = 0;
  max = 0;
  add(ms: number, n = 1): void {
    const b = Math.max(0, Math.min(120_000, Math.round(ms)));
    this.buckets[b]! += n;
    this.count += n;
    if (ms > this.max) this.max = ms;
  }
  quantile(q: number): number {
    if (this.count === 0) return NaN;
    const rank = Math.ceil(q * this.count);
    let seen = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      seen += this.buckets[i]!;
      if (seen >= rank) return i;
    }
    return this.max;
  }
  figures(rounds: number): LatencyFigures {
    return { rounds, events: this.count, p50Ms: this.quantile(0.5), p99Ms: this.quantile(0.99), maxMs: Math.round(this.max) };
  }
}

interface SseSubscriber {
  replica: number;
  /** Events of the current round. */
  roundEvents: number;
  /** The single-change probe seen this round. */
  sawProbe: boolean;
  failed: string | undefined;
  req: ClientRequest;
  open: Promise<void>;
}

const SUBSCRIPTION = `subscription Live($filter: GroupCallTaskFilter) {
  groupCallTaskChanges(filter: $filter, initial: false) { kind id cursor changedFields task { taskId name status calledCount successCount failCount rate } }
}`;

function metric(text: string, name: string): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{[^}]*\})?\s+(\S+)$/.exec(line);
    if (m && m[1] === name) total += Number(m[2]);
  }
  return total;
}

async function post(url: string, body: unknown): Promise<any> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${url}: HTTP ${res.status} ${text.slice(0, 200)}`);
  return JSON.parse(text);
}

export async function runLiveScenario(o: LiveOptions): Promise<LiveResult> {
  const subscribersWanted = o.subscribers ?? (o.quick ? 150 : 1_000);
  const replicaCount = o.replicas ?? 3;
  const I = o.intervalMs ?? 1_000;
  const taskCount = o.tasks ?? 500;
  const singleRounds = o.singleRounds ?? (o.quick ? 4 : 10);
  const tickRounds = o.tickRounds ?? (o.quick ? 2 : 3);
  const children: Child[] = [];
  const subscribers: SseSubscriber[] = [];
  const redis = await redisUrl();
  const prefix = `laaffic-bench:${randomBytes(5).toString('hex')}:`;
  try {
    if (!existsSync(join(o.root, o.gatewayEntry)) && o.gatewayEntry === 'dist/main.js') {
      execFileSync('npm', ['run', 'build', '--silent'], { cwd: o.root, stdio: 'inherit' });
    }
    // 1. The simulator, in live mode without a timer (the bench ticks it), and the watched tasks.
    const simPort = await freePort();
    const simUrl = `http://${HOST}:${simPort}`;
    const simChild = startChild(
      'live simulator',
      ['--import', 'tsx', 'src/simulator/main.ts'],
      { SIM_PORT: String(simPort), SIM_HOST: HOST, LAAFFIC_TIMEZONE: TIMEZONE, SIM_LIVE_STEP_MS: '1000' },
      o.root,
    );
    children.push(simChild);
    await waitForHttp(simChild, `${simUrl}/__sim/info`);
    const sim = new SimControl(simUrl);
    const taskIds: number[] = [];
    let createdMs = 0;
    for (let i = 0; i < taskCount; i++) {
      const { task } = await post(`${simUrl}/__sim/records/add-task`, {
        line: 'groupCall',
        task: { taskName: `live-bench-${i}`, status: 1, numCnt: 2_000 + i, taskType: 1 },
      });
      taskIds.push(task.taskId);
      const created = Date.parse(`${(task.createdTime as string).replace(' ', 'T')}${TIMEZONE}`);
      if (createdMs && created !== createdMs) throw new Error('the watched tasks were not all created in one second of the simulator clock');
      createdMs = created;
    }
    const iso = (ms: number) => new Date(ms).toISOString();
    // The second they were all created in: nothing else is (live mode's new tasks come at later ticks).
    const filter = { createdFrom: iso(createdMs), createdTo: iso(createdMs) };
    const probeId = taskIds[0]!;

    // 2. The replicas.
    const replicas: Array<{ name: string; url: string; child: Child }> = [];
    for (let r = 0; r < replicaCount; r++) {
      const port = await freePort();
      const name = `replica ${String.fromCharCode(97 + r)}`;
      const child = startChild(
        name,
        [...(o.gatewayEntry.endsWith('.ts') ? ['--import', 'tsx'] : []), o.gatewayEntry],
        {
          LAAFFIC_BASE_URL: simUrl,
          LAAFFIC_API_KEY: API_KEY,
          LAAFFIC_API_SECRET: API_SECRET,
          LAAFFIC_TIMEZONE: TIMEZONE,
          LAAFFIC_PRODUCTS: 'GROUP_CALL',
          PORT: String(port),
          HOST,
          LOG_LEVEL: 'warn',
          LOG_PRETTY: 'false',
          NODE_ENV: 'production',
          GATEWAY_ALLOW_ANONYMOUS: 'true',
          NODE_OPTIONS: PRODUCTION_NODE_OPTIONS,
          REDIS_URL: redis,
          REDIS_KEY_PREFIX: prefix,
          LIVE_POLL_INTERVAL_MS: String(I),
          ...o.gatewayEnv,
        },
        o.root,
      );
      children.push(child);
      replicas.push({ name, url: `http://${HOST}:${port}`, child });
    }
    await Promise.all(replicas.map((r) => waitForHttp(r.child, `${r.url}/health`)));
    const scrape = async (r: { url: string }) => (await fetch(`${r.url}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
    const total = await fetch(`${replicas[0]!.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query: 'query($f: GroupCallTaskFilter) { groupCallTasks(first: 1, filter: $f) { totalCount } }', variables: { f: filter } }),
    }).then((r) => r.json() as Promise<{ data?: { groupCallTasks: { totalCount: number } } }>);
    if (total.data?.groupCallTasks.totalCount !== taskCount) throw new Error(`the watched window holds ${JSON.stringify(total)} tasks, expected ${taskCount}`);
    const pagesPerPoll = Math.ceil(taskCount / PAGE);

    // 3. The subscribers: SSE streams, round robin over the replicas.
    const probe = { active: false, at: 0 };
    let roundStart = 0;
    const single = new Histogram();
    const tick = new Histogram();
    let measuring: 'single' | 'tick' | null = null;
    const open = (replica: number): SseSubscriber => {
      const target = new URL(`${replicas[replica]!.url}/graphql`);
      const s = { replica, roundEvents: 0, sawProbe: false, failed: undefined } as SseSubscriber;
      const body = JSON.stringify({ query: SUBSCRIPTION, variables: { filter } });
      s.open = new Promise<void>((resolve, reject) => {
        s.req = request(
          { host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent: false, headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'content-length': Buffer.byteLength(body) } },
          (res) => {
            if (res.statusCode !== 200) {
              s.failed = `HTTP ${res.statusCode}`;
              res.resume();
              reject(new Error(`subscription refused: HTTP ${res.statusCode}`));
              return;
            }
            resolve();
            res.setEncoding('utf8');
            let buffer = '';
            res.on('data', (chunk: string) => {
              const at = Date.now();
              buffer += chunk;
              const end = buffer.lastIndexOf('\n\n');
              if (end < 0) return;
              const messages = buffer.slice(0, end).split('\n\n');
              buffer = buffer.slice(end + 2);
              let events = 0;
              for (const m of messages) {
                if (m.startsWith(':')) continue; // keep-alive comment
                if (m.includes('event: complete')) {
                  s.failed ??= 'completed';
                  continue;
                }
                if (m.includes('"errors"')) {
                  s.failed = m.slice(0, 300);
                  continue;
                }
                if (!m.includes('data:')) continue;
                events++;
                if (measuring === 'single' && probe.active && m.includes(`"probe-`)) {
                  s.sawProbe = true;
                  single.add(at - probe.at);
                }
              }
              s.roundEvents += events;
              if (measuring === 'tick' && events > 0) tick.add(at - roundStart, events);
            });
            res.on('end', () => (s.failed ??= 'stream ended'));
            res.on('error', (err) => (s.failed ??= err.message));
          },
        );
        s.req.on('error', (err) => {
          s.failed ??= err.message;
          reject(err);
        });
        s.req.end(body);
      });
      return s;
    };
    const registered = async (counts: number[]) => {
      const texts = await Promise.all(replicas.map(scrape));
      return texts.every((t, r) => metric(t, 'laaffic_live_subscriptions') === counts[r]);
    };
    // Warm-up: a few subscribers per replica come and go first, so that what is measured per
    // subscriber leaves out what the first one costs (code compiled, buffers and pools grown).
    const warm = replicas.flatMap((_, r) => Array.from({ length: 10 }, () => open(r)));
    await Promise.all(warm.map((s) => s.open));
    const warmDeadline = Date.now() + 30_000;
    while (!(await registered(replicas.map(() => 10))) && Date.now() < warmDeadline) await sleep(100);
    await sleep(2 * I);
    for (const s of warm) s.req.destroy();
    while (!(await registered(replicas.map(() => 0)))) {
      if (Date.now() > warmDeadline + 30_000) throw new Error('the warm-up subscribers were not all closed within 30 s');
      await sleep(100);
    }
    await sleep(3 * I);
    /** VmRSS per replica: the median of 5 samples over a second. */
    const rssNow = async () => {
      const samples: number[][] = replicas.map(() => []);
      for (let k = 0; k < 5; k++) {
        replicas.forEach((r, i) => samples[i]!.push(procStatusBytes(r.child.pid, 'VmRSS') ?? 0));
        await sleep(250);
      }
      return samples.map((xs) => xs.sort((a, b) => a - b)[2]!);
    };
    const rssBefore = await rssNow();

    for (let i = 0; i < subscribersWanted; i++) {
      subscribers.push(open(i % replicaCount));
      if (i % 50 === 49) await Promise.all(subscribers.slice(-50).map((s) => s.open));
    }
    await Promise.all(subscribers.map((s) => s.open));
    // Every subscription registered, and the watch polled since (the view the subscribers start from).
    const expected = replicas.map((_, r) => subscribers.filter((s) => s.replica === r).length);
    const deadline = Date.now() + 60_000;
    while (!(await registered(expected))) {
      if (Date.now() > deadline) {
        const now = (await Promise.all(replicas.map(scrape))).map((t) => metric(t, 'laaffic_live_subscriptions'));
        throw new Error(`the subscribers did not all register within 60 s: ${now.join(', ')} of ${expected.join(', ')}`);
      }
      await sleep(200);
    }
    await sleep(2 * I);
    const rssAfter = await rssNow();
    const samplers = replicas.map((r) => new RssSampler(r.child.pid, 100));
    for (const s of samplers) s.start();

    // 4. The rounds.
    const counters = async () => (await sim.counters()).groupCallTasks;
    // The replicas' worst event-loop delay over the rounds (prom-client resets it at each scrape).
    const lagMax = replicas.map(() => 0);
    const pollsNow = async () => {
      const texts = await Promise.all(replicas.map(scrape));
      texts.forEach((t, i) => (lagMax[i] = Math.max(lagMax[i]!, metric(t, 'nodejs_eventloop_lag_max_seconds') * 1000)));
      return texts.map((t) => ({ polls: metric(t, 'laaffic_live_polls_total'), events: metric(t, 'laaffic_live_events_total') }));
    };
    const c0 = await counters();
    const p0 = await pollsNow();
    const t0 = Date.now();
    const live = () => subscribers.filter((s) => !s.failed);
    // Single changes: one task renamed at a random phase of the poll interval.
    measuring = 'single';
    for (let k = 0; k < singleRounds; k++) {
      await sleep(Math.floor(Math.random() * I));
      for (const s of subscribers) s.sawProbe = false;
      probe.at = Date.now();
      probe.active = true;
      await post(`${simUrl}/__sim/records/task`, { line: 'groupCall', taskId: probeId, patch: { taskName: `probe-${k}` } });
      const until = Date.now() + 10 * I + 10_000;
      while (live().some((s) => !s.sawProbe) && Date.now() < until) await sleep(20);
      probe.active = false;
    }
    // Ticks: every running task changes (500 events to every subscriber at once).
    measuring = 'tick';
    let perRound = 0;
    let tickEvents = 0;
    let tickDeliveryMs = 0;
    const cpuBefore = { replicas: replicas.map((r) => cpuTimeMs(r.child.pid) ?? NaN), bench: process.cpuUsage() };
    for (let k = 0; k < tickRounds; k++) {
      await sleep(Math.floor(Math.random() * I));
      const before = (await pollsNow()).reduce((n, p) => n + p.events, 0);
      for (const s of subscribers) s.roundEvents = 0;
      roundStart = Date.now();
      await post(`${simUrl}/__sim/live/tick`, { steps: 1 });
      // The events appended to the stream for this tick: what each subscriber must receive.
      let appended = 0;
      const until = Date.now() + 30 * I + 60_000;
      while (Date.now() < until) {
        await sleep(100);
        appended = (await pollsNow()).reduce((n, p) => n + p.events, 0) - before;
        if (appended > 0 && live().every((s) => s.roundEvents >= appended)) break;
      }
      tickDeliveryMs += Date.now() - roundStart;
      tickEvents += live().reduce((n, s) => n + s.roundEvents, 0);
      perRound = Math.max(perRound, appended);
    }
    measuring = null;
    const replicaCpuMs = replicas.reduce((n, r, i) => n + ((cpuTimeMs(r.child.pid) ?? NaN) - cpuBefore.replicas[i]!), 0);
    const benchCpu = process.cpuUsage(cpuBefore.bench);
    const t1 = Date.now();
    const c1 = await counters();
    const p1 = await pollsNow();
    const peaks = samplers.map((s) => {
      const p = s.peak();
      s.stop();
      return p;
    });
    const texts = await Promise.all(replicas.map(scrape));
    const liveCalls = texts.reduce((n, t) => n + metric(t, 'laaffic_live_upstream_calls_total'), 0);
    const livePolls = texts.reduce((n, t) => n + metric(t, 'laaffic_live_polls_total'), 0);

    const calls = c1 - c0;
    const polls = p1.reduce((n, p) => n + p.polls, 0) - p0.reduce((n, p) => n + p.polls, 0);
    const durationMs = t1 - t0;
    const intervals = durationMs / I;
    const rss = replicas.map((r, i) => ({ replica: r.name, beforeBytes: rssBefore[i]!, afterBytes: rssAfter[i]!, peakBytes: peaks[i]!, subscribers: expected[i]! }));
    return {
      subscribers: subscribers.length,
      replicas: replicaCount,
      intervalMs: I,
      tasks: taskCount,
      pagesPerPoll,
      durationMs,
      upstreamCalls: calls,
      polls,
      pollingReplicas: p1.filter((p, i) => p.polls > p0[i]!.polls).length,
      upstreamCallsPerInterval: calls / intervals,
      upstreamCallsPerPoll: livePolls > 0 ? liveCalls / livePolls : NaN,
      callsWithinTarget: calls <= pagesPerPoll * (Math.ceil(intervals) + 1),
      single: single.figures(singleRounds),
      tick: {
        ...tick.figures(tickRounds),
        eventsPerSubscriberPerRound: perRound,
        deliveredPerSec: tickDeliveryMs > 0 ? (tickEvents * 1000) / tickDeliveryMs : NaN,
        replicaCpuUsPerEvent: tickEvents > 0 ? (replicaCpuMs * 1000) / tickEvents : NaN,
        benchCpuUsPerEvent: tickEvents > 0 ? (benchCpu.user + benchCpu.system) / tickEvents : NaN,
      },
      rss,
      eventLoopLagMaxMs: lagMax.map((x) => Math.round(x)),
      rssPer1000SubscribersBytes: Math.max(...rss.map((r) => ((r.afterBytes - r.beforeBytes) * 1000) / Math.max(1, r.subscribers))),
      failedSubscribers: subscribers.filter((s) => s.failed).length,
    };
  } finally {
    for (const s of subscribers) s.req?.destroy();
    for (const c of [...children].reverse()) await c.stop();
    await deleteKeys(redis, prefix).catch(() => 0);
    await releaseRedis();
  }
}

const mb = (b: number) => (b / 1024 / 1024).toFixed(1);
const f = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');

/** The scenario's Markdown table. */
export function liveTable(r: LiveResult): string {
  return [
    '| live: SSE subscribers, one watch | replicas | interval | watched tasks (pages) | upstream calls / interval | calls / poll | pollers | single change p50 / p99 ms | tick (all change) p50 / p99 ms | tick events / subscriber | delivered events/s (CPU µs per event: replicas, clients) | RSS per replica before → after MB (peak) | MB per 1,000 subscribers per replica |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |',
    `| ${r.subscribers} | ${r.replicas} | ${r.intervalMs} ms | ${r.tasks} (${r.pagesPerPoll}) | ${f(r.upstreamCallsPerInterval, 2)} | ${f(r.upstreamCallsPerPoll, 2)} | ${r.pollingReplicas} | ` +
      `${f(r.single.p50Ms)} / ${f(r.single.p99Ms)} | ${f(r.tick.p50Ms)} / ${f(r.tick.p99Ms)} | ${r.tick.eventsPerSubscriberPerRound} | ${f(r.tick.deliveredPerSec)} (${f(r.tick.replicaCpuUsPerEvent)}, ${f(r.tick.benchCpuUsPerEvent)}) | ` +
      `${r.rss.map((x) => `${mb(x.beforeBytes)} → ${mb(x.afterBytes)} (${mb(x.peakBytes)})`).join('; ')} | ${mb(r.rssPer1000SubscribersBytes)} |`,
  ].join('\n');
}

// Run on its own: `node --import tsx bench/live.ts [--quick] [--subscribers N]`.
if (import.meta.url === `file://${process.argv[1]}`) {
  const argv = process.argv.slice(2);
  const value = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? Number(argv[i + 1]) : undefined;
  };
  const root = join(new URL('.', import.meta.url).pathname, '..');
  runLiveScenario({ root, quick: argv.includes('--quick'), subscribers: value('--subscribers'), intervalMs: value('--interval'), gatewayEntry: 'dist/main.js' }).then(
    (r) => {
      console.log(liveTable(r));
      console.log(JSON.stringify(r, null, 2));
      process.exit(r.callsWithinTarget ? 0 : 1);
    },
    (err: unknown) => {
      console.error(err);
      process.exit(2);
    },
  );
}
