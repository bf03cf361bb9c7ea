/**
 * `npm run bench`: the gateway's performance benchmark.
 *
 * Starts the Laaffic simulator and the gateway as two child processes on loopback, then measures
 * side by side with autocannon (100 connections, 10 s each; `--quick` 3 s; `--duration N`):
 *   1. signed POSTs straight to the simulator (one page of 20 tasks): the baseline;
 *   2. the same page through the gateway (`groupCallTasks(first: 20)`, every scalar field);
 *   3. the busy-hour join: 100 recall flows and their `parentTask`;
 *   4. `node(id:)` lookups over ~50 real task ids;
 *   5. scenario 2 with one identical query from every connection (coalescing);
 *   Y. a reference, not our gateway: scenario 2's requests through bench/minimal-yoga.ts (a minimal
 *      graphql-yoga gateway, SDL + resolvers + fetch), the kind the issue calibrated its target on;
 *   R. a reference, not a gateway: scenario 2's requests through bench/relay-floor.ts (node:http
 *      in, one signed undici call out, the records relayed as JSON, no GraphQL at all), the most a
 *      Node process can do for that page on this machine; its ratio bounds the headline's.
 * For each: requests/s, p50/p99 latency, errors, upstream calls per operation (simulator counters)
 * and the gateway's peak RSS. It also counts, precisely, the upstream calls of ONE join request
 * (against the naive 100) and of 50 sequential node lookups.
 * Then, with processes of its own (bench/live.ts), the live scenario: SSE subscribers (1,000; quick
 * 150) over 3 replicas sharing a Redis, on one watch of 500 running tasks: upstream calls per poll
 * interval (target: the watch's 5 pages), change-to-client latency, memory per 1,000 subscribers.
 *
 * Prints Markdown tables, writes bench/results.json. Exit code: non-zero only when an upstream
 * call count misses its target (join > 4 calls, node != 1 call per lookup, live > 5 calls per
 * interval) or the run fails; never because of timings.
 *
 * Flags: --quick (3 s per scenario, whole run < 60 s), --duration N, --connections N,
 * --only tasks,join (subset, `live` included; the baseline always runs when the ratio is wanted),
 * --profile (gateway under `node --cpu-prof`; prints the hot spots), --env KEY=VALUE (extra gateway
 * environment, repeatable, e.g. `--env REQUEST_DEADLINE_MS=3000` or `--env NODE_OPTIONS=--max-semi-space-size=32`),
 * --gateway-entry PATH (default src/main.ts under tsx; a .js/.mjs build runs under plain node).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { liveTable, runLiveScenario, type LiveResult } from './live';
import { runLoad } from './load';
import { PRODUCTION_NODE_OPTIONS } from './node-options';
import { cpuTimeMs, freePort, HOST, RssSampler, startChild, waitForHttp, type Child } from './procs';
import { formatProfile, monotonicUs, summarizeProfile, type ProfileSummary, type Span } from './profile';
import { fixed, mb, scenarioTable, targetTable, type ScenarioResult, type Target } from './report';
import {
  buildScenarios,
  gqlBody,
  GRAPHQL_HEADERS,
  IDS_QUERY,
  isoAt,
  JOIN_QUERY,
  joinWindow,
  NODE_QUERY,
  type Scenario,
} from './scenarios';
import { cachedSigner, SimControl, totalCalls, type SimCounters } from './sim-control';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const API_KEY = 'sim-demo-key';
const API_SECRET = 'sim-demo-secret';
const TIMEZONE = '+08:00';
const NAIVE_JOIN_CALLS = 100;
const JOIN_TARGET = 4;
const RATIO_TARGET = 0.3;
/** What the issue measured for a minimal graphql-yoga gateway where it set RATIO_TARGET. */
const YOGA_CALIBRATION = 0.15;
const RSS_TARGET_BYTES = 200 * 1024 * 1024;
/** Live: p99 change-to-client latency <= the poll interval + this. */
const LIVE_LATENCY_SLACK_MS = 500;
const LIVE_RSS_PER_1000_TARGET_BYTES = 50 * 1024 * 1024;
const LIVE_NOTE = [
  '_One change_: a task renamed through `/__sim/records/task` at a random phase of the poll interval; latency = its event\'s',
  'arrival at each subscriber − the moment the control call was sent (so it includes the wait for the next poll: half an',
  'interval on average). _A tick_: `/__sim/live/tick`, every watched task changes: one poll, 500 events to every subscriber;',
  'latency of every event the same way (the fan-out of all of them, on this machine\'s cores, shared with the clients). Memory:',
  'VmRSS of each replica before the subscribers connect and once they are all live (peak over the rounds in brackets).',
].join('\n');

interface Args {
  quick: boolean;
  durationSec: number;
  warmupSec: number;
  connections: number;
  /** Scenario keys to run (`--only`), 'live' included; undefined = all. */
  only: Set<string> | undefined;
  profile: boolean;
  /** Extra gateway environment (`--env KEY=VALUE`, repeatable), for experiments. */
  gatewayEnv: Record<string, string>;
  /** The gateway's entry point (`--gateway-entry`): `.ts` runs under tsx, anything else plain node. */
  gatewayEntry: string;
}

function parseArgs(argv: string[]): Args {
  const quick = argv.includes('--quick');
  const value = (name: string) => {
    const i = argv.indexOf(name);
    if (i < 0) return undefined;
    const v = argv[i + 1];
    if (v === undefined) throw new Error(`${name} needs a value`);
    return v;
  };
  const positive = (name: string, fallback: number) => {
    const v = value(name);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got ${v}`);
    return n;
  };
  const durationSec = positive('--duration', quick ? 3 : 10);
  const only = value('--only');
  return {
    quick,
    durationSec,
    warmupSec: quick ? 1 : 2,
    connections: positive('--connections', 100),
    only: only ? new Set(only.split(',').map((s) => s.trim())) : undefined,
    profile: argv.includes('--profile'),
    gatewayEntry: value('--gateway-entry') ?? 'dist/main.js',
    gatewayEnv: Object.fromEntries(
      argv.flatMap((a, i) => {
        if (a !== '--env') return [];
        const kv = argv[i + 1] ?? '';
        const eq = kv.indexOf('=');
        if (eq < 1) throw new Error(`--env needs KEY=VALUE, got ${kv}`);
        return [[kv.slice(0, eq), kv.slice(eq + 1)]];
      }),
    ),
  };
}

async function gql<T>(gatewayUrl: string, body: string): Promise<{ data?: T; errors?: Array<{ message: string; extensions?: { code?: string } }> }> {
  const res = await fetch(`${gatewayUrl}/graphql`, {
    method: 'POST',
    headers: GRAPHQL_HEADERS,
    body,
    signal: AbortSignal.timeout(30_000),
  });
  if (!res.ok) throw new Error(`gateway answered HTTP ${res.status}: ${(await res.text()).slice(0, 300)}`);
  return (await res.json()) as { data?: T };
}

function diff(after: SimCounters, before: SimCounters): SimCounters {
  return { groupCallTasks: after.groupCallTasks - before.groupCallTasks, recallFlows: after.recallFlows - before.recallFlows };
}

/**
 * Waits until the simulator's counters stop moving (the gateway has finished the work of
 * requests cut off by the end of a run), at most `maxMs`.
 */
async function waitQuiet(sim: SimControl, maxMs = 15_000): Promise<void> {
  const deadline = Date.now() + maxMs;
  let last = totalCalls(await sim.counters());
  let still = 0;
  while (Date.now() < deadline && still < 2) {
    await sleep(200);
    const now = totalCalls(await sim.counters());
    still = now === last ? still + 1 : 0;
    last = now;
  }
}

/** Runs `fn` with fresh simulator counters and returns the calls it caused. */
async function counted(sim: SimControl, fn: () => Promise<void>): Promise<SimCounters> {
  await sim.resetCounters();
  const before = await sim.counters();
  await fn();
  return diff(await sim.counters(), before);
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const children: Child[] = [];
  const stopAll = async () => {
    for (const c of [...children].reverse()) await c.stop();
  };
  const onSignal = () => {
    void stopAll().then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const profileDir = join(ROOT, 'bench', 'profiles', String(started));
  try {
    // 0. The production build (`npm run build`), which is what `npm start` runs.
    if (args.gatewayEntry === 'dist/main.js') execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
    // 1. The two processes.
    const [simPort, gatewayPort] = [await freePort(), await freePort()];
    const simUrl = `http://${HOST}:${simPort}`;
    const gatewayUrl = `http://${HOST}:${gatewayPort}`;
    const simChild = startChild('simulator', ['--import', 'tsx', 'src/simulator/main.ts'], {
      SIM_PORT: String(simPort),
      SIM_HOST: HOST,
      LAAFFIC_TIMEZONE: TIMEZONE,
      // The data set the targets were set on: the IVR/AI task list without the redials' child tasks
      // (the provider's mapping lists them too, which makes a busy hour's window denser: the join
      // then scans one more page, 1 + 4 calls; see bench/README.md).
      SIM_PRODUCT_LINES: '0',
    }, ROOT);
    children.push(simChild);
    await waitForHttp(simChild, `${simUrl}/__sim/info`);
    if (args.profile) mkdirSync(profileDir, { recursive: true });
    const gatewayChild = startChild(
      'gateway',
      [
        ...(args.gatewayEntry.endsWith('.ts') ? ['--import', 'tsx'] : []),
        ...(args.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
        args.gatewayEntry,
      ],
      {
        LAAFFIC_BASE_URL: simUrl,
        LAAFFIC_API_KEY: API_KEY,
        LAAFFIC_API_SECRET: API_SECRET,
        LAAFFIC_TIMEZONE: TIMEZONE,
        PORT: String(gatewayPort),
        HOST,
        LOG_LEVEL: 'warn',
        LOG_PRETTY: 'false',
        // Measured as deployed: the production configuration (libraries' production paths,
        // introspection and GraphiQL off), without client tokens so the load generator needs none.
        NODE_ENV: 'production',
        GATEWAY_ALLOW_ANONYMOUS: 'true',
        // The scenarios read the IVR/AI line, as they did before there were two: comparable runs.
        LAAFFIC_PRODUCTS: 'GROUP_CALL',
        NODE_OPTIONS: PRODUCTION_NODE_OPTIONS,
        ...args.gatewayEnv,
      },
      ROOT,
    );
    children.push(gatewayChild);
    await waitForHttp(gatewayChild, `${gatewayUrl}/health`);
    // The references (not gateways) of scenarios R and Y: same upstream, same production flags.
    const startReference = async (key: Scenario['key'], name: string, script: string) => {
      if (args.only && !args.only.has(key)) return { url: '', child: undefined };
      const port = await freePort();
      const child = startChild(
        name,
        ['--import', 'tsx', script],
        {
          REFERENCE_PORT: String(port),
          HOST,
          LAAFFIC_BASE_URL: simUrl,
          LAAFFIC_API_KEY: API_KEY,
          LAAFFIC_API_SECRET: API_SECRET,
          LAAFFIC_TIMEZONE: TIMEZONE,
          NODE_ENV: 'production',
          NODE_OPTIONS: PRODUCTION_NODE_OPTIONS,
        },
        ROOT,
      );
      children.push(child);
      const url = `http://${HOST}:${port}`;
      await waitForHttp(child, `${url}/health`);
      return { url, child };
    };
    const floorRef = await startReference('floor', 'relay floor', 'bench/relay-floor.ts');
    const yogaRef = await startReference('yoga', 'minimal yoga', 'bench/minimal-yoga.ts');
    const refOf = (s: Scenario) => (s.target === 'floor' ? floorRef : s.target === 'yoga' ? yogaRef : undefined);
    const urlOf = (s: Scenario) => (s.target === 'simulator' ? simUrl : (refOf(s)?.url ?? gatewayUrl));
    const rss = new RssSampler(gatewayChild.pid, 100);
    rss.start();

    const sim = new SimControl(simUrl);
    const info = await sim.info();
    if (info.timezone !== TIMEZONE) throw new Error(`simulator zone is ${info.timezone}, expected ${TIMEZONE}`);
    console.log(`simulator ${simUrl} (${info.taskCount} tasks, ${info.flowCount} flows), gateway ${gatewayUrl} (${args.gatewayEntry}, pid ${gatewayChild.pid})`);
    if (Object.keys(args.gatewayEnv).length > 0) console.log(`gateway environment: ${JSON.stringify(args.gatewayEnv)}`);
    console.log(`${args.durationSec} s per scenario, ${args.connections} connections, ${args.warmupSec} s warm-up; ${cpus().length} CPUs, node ${process.version}`);

    // 2. Inputs: ~50 real ids, and a join window that really holds 100 flows with parents.
    const ids = await gql<{ groupCallTasks: { edges: Array<{ node: { id: string } }> } }>(gatewayUrl, gqlBody(IDS_QUERY, {}));
    const nodeIds = ids.data?.groupCallTasks.edges.map((e) => e.node.id) ?? [];
    if (nodeIds.length < 50) throw new Error(`expected 50 task ids, got ${nodeIds.length}: ${JSON.stringify(ids.errors)}`);
    for (const k of [0, 99]) {
      const w = joinWindow(info.busyHour, k);
      const res = await gql<{ recallFlows: { edges: Array<{ node: { parentTask: unknown } }> } }>(
        gatewayUrl,
        gqlBody(JOIN_QUERY, { from: isoAt(w.from, TIMEZONE), to: isoAt(w.to, TIMEZONE) }),
      );
      const edges = res.data?.recallFlows.edges ?? [];
      const joined = edges.filter((e) => e.node.parentTask !== null).length;
      if (edges.length !== 100 || joined !== 100 || res.errors) {
        throw new Error(`busy-hour window (k=${k}) gave ${edges.length} flows, ${joined} with a parent: ${JSON.stringify(res.errors)}`);
      }
    }
    const now = Math.floor(Date.now() / 1000) * 1000;
    const scenarios = buildScenarios({
      now,
      offset: TIMEZONE,
      busyHour: info.busyHour,
      nodeIds,
      sign: cachedSigner(API_KEY, API_SECRET),
    }).filter((s) => !args.only || args.only.has(s.key));

    // 3. Precise call counts: one request of each scenario on its own.
    const single = new Map<Scenario['key'], SimCounters>();
    for (const s of scenarios) {
      const c = await counted(sim, async () => {
        if (s.target === 'simulator') {
          const res = await fetch(simUrl + s.path, { method: 'POST', headers: { ...s.staticHeaders, ...s.headers?.() }, body: s.bodies[0]! });
          if (!s.verify(await res.text())) throw new Error('baseline request failed');
        } else {
          const res = await fetch(urlOf(s) + s.path, { method: 'POST', headers: s.staticHeaders, body: s.bodies[0]! });
          const text = await res.text();
          if (!s.verify(text)) throw new Error(`${s.key}: single request failed: ${text.slice(0, 300)}`);
        }
      });
      single.set(s.key, c);
    }
    const joinSingle = single.get('join');
    // Scenario Y must answer what the gateway answers, byte for byte, or the comparison is moot.
    let yogaIdentical: boolean | undefined;
    const yogaScenario = scenarios.find((s) => s.key === 'yoga');
    const tasksScenario = scenarios.find((s) => s.key === 'tasks');
    if (yogaScenario && tasksScenario) {
      const answer = async (s: Scenario) =>
        (await fetch(urlOf(s) + s.path, { method: 'POST', headers: s.staticHeaders, body: tasksScenario.bodies[0]! })).text();
      const [ours, theirs] = [await answer(tasksScenario), await answer(yogaScenario)];
      yogaIdentical = ours === theirs;
      if (!yogaIdentical) console.warn(`scenario Y answers differently from the gateway:\n  gateway ${ours.slice(0, 200)}\n  Y       ${theirs.slice(0, 200)}`);
    }
    // 50 node lookups one after another: no coalescing can hide or add a call.
    const nodeLookups = nodeIds.length;
    const nodeSeq = await counted(sim, async () => {
      for (const id of nodeIds) {
        const res = await gql<{ node: { id: string } | null }>(gatewayUrl, gqlBody(NODE_QUERY, { id }));
        if (res.data?.node?.id !== id) throw new Error(`node(${id}) failed: ${JSON.stringify(res)}`);
      }
    });

    // 4. Load.
    const results: ScenarioResult[] = [];
    const spans = new Map<Scenario['key'], Span>();
    for (const s of scenarios) {
      const base = urlOf(s);
      // The CPU column of a gateway scenario is the gateway's; of a reference, the reference's.
      const servingPid = refOf(s)?.child?.pid ?? gatewayChild.pid;
      process.stdout.write(`${s.title}: warm-up ${args.warmupSec} s, measure ${args.durationSec} s … `);
      await runLoad(s, base, args.warmupSec, args.connections);
      await waitQuiet(sim);
      await sim.resetCounters();
      const before = await sim.counters();
      // Scenarios R and Y are served by their reference: its memory is sampled, not the gateway's.
      const sampler = servingPid === gatewayChild.pid ? rss : new RssSampler(servingPid, 100);
      if (sampler === rss) rss.reset();
      else sampler.start();
      const fromUs = monotonicUs();
      const cpuBefore = { gateway: cpuTimeMs(servingPid) ?? NaN, simulator: cpuTimeMs(simChild.pid) ?? NaN };
      const load = await runLoad(s, base, args.durationSec, args.connections, async () => totalCalls(await sim.counters()));
      const cpuAfter = { gateway: cpuTimeMs(servingPid) ?? NaN, simulator: cpuTimeMs(simChild.pid) ?? NaN };
      spans.set(s.key, { fromUs, toUs: monotonicUs() });
      const peak = sampler.peak();
      if (sampler !== rss) sampler.stop();
      await waitQuiet(sim); // requests cut off at the end finish their upstream calls
      const calls = diff(await sim.counters(), before);
      const result: ScenarioResult = {
        key: s.key,
        title: s.title,
        load,
        upstreamCalls: calls,
        upstreamCallsPerOp: load.steadyCallsPerOp ?? NaN,
        wholeRunCallsPerOp: load.completed > 0 ? totalCalls(calls) / load.completed : NaN,
        singleRequestCalls: totalCalls(single.get(s.key)!),
        gatewayPeakRssBytes: s.target === 'simulator' ? 0 : peak,
        cpuMsPerOp: {
          gateway: s.target !== 'simulator' ? (cpuAfter.gateway - cpuBefore.gateway) / load.completed : 0,
          simulator: (cpuAfter.simulator - cpuBefore.simulator) / load.completed,
        },
      };
      results.push(result);
      console.log(`${fixed(load.requestsPerSec, 0)} req/s, p99 ${fixed(load.latencyP99Ms, 0)} ms`);
    }
    const gatewayHwm = Math.max(rss.hwm() ?? 0, rss.peak());
    rss.stop();

    // 5. Stop (the profile is written when the gateway exits).
    await stopAll();
    // The gateway's profile, restricted to the measured runs of each gateway scenario.
    const profiles: Array<{ key: Scenario['key']; title: string; summary: ProfileSummary }> = [];
    if (args.profile) {
      const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
      if (!file) console.warn(`no .cpuprofile written in ${profileDir}`);
      for (const s of file ? scenarios.filter((x) => x.target === 'gateway') : []) {
        const span = spans.get(s.key);
        if (span) profiles.push({ key: s.key, title: s.title, summary: summarizeProfile(join(profileDir, file!), [span]) });
      }
      if (file) console.log(`profile: ${join(profileDir, file)}`);
    }

    // 5b. The live scenario (issue 14): its own simulator, replicas and Redis keys, on a quiet machine.
    let live: LiveResult | undefined;
    if (!args.only || args.only.has('live')) {
      process.stdout.write(`live: ${args.quick ? 'quick' : 'full'} (SSE subscribers over 3 replicas on one watch of 500 running tasks) … `);
      live = await runLiveScenario({ root: ROOT, quick: args.quick, gatewayEntry: args.gatewayEntry, gatewayEnv: args.gatewayEnv });
      console.log(`${live.subscribers} subscribers, ${fixed(live.upstreamCallsPerInterval, 2)} upstream calls per interval, p99 ${fixed(live.single.p99Ms, 0)} ms (one change)`);
    }

    // 6. Figures and targets.
    const by = (k: Scenario['key']) => results.find((r) => r.key === k);
    const baseline = by('baseline');
    const tasks = by('tasks');
    const join_ = by('join');
    const node = by('node');
    const ratio = baseline && tasks ? tasks.load.requestsPerSec / baseline.load.requestsPerSec : undefined;
    const floor = by('floor');
    const floorRatio = baseline && floor ? floor.load.requestsPerSec / baseline.load.requestsPerSec : undefined;
    const ofFloor = floor && tasks ? tasks.load.requestsPerSec / floor.load.requestsPerSec : undefined;
    const yogaResult = by('yoga');
    const yogaRatio = baseline && yogaResult ? yogaResult.load.requestsPerSec / baseline.load.requestsPerSec : undefined;
    const overYoga = yogaResult && tasks ? tasks.load.requestsPerSec / yogaResult.load.requestsPerSec : undefined;
    const targets: Target[] = [];
    if (ratio !== undefined) {
      targets.push({ name: 'throughput ratio: scenario 2 / scenario 1', expected: `>= ${RATIO_TARGET}`, actual: fixed(ratio, 3), pass: ratio >= RATIO_TARGET, gating: false });
    }
    if (overYoga !== undefined) {
      // The issue set 0.3 where a minimal yoga gateway measured 0.15: the same ask, measured in this run.
      const factor = RATIO_TARGET / YOGA_CALIBRATION;
      targets.push({
        name: `calibrated: scenario 2 / scenario Y (${RATIO_TARGET} over the ${YOGA_CALIBRATION} the issue measured for minimal yoga)`,
        expected: `>= ${fixed(factor, 1)}`,
        actual: fixed(overYoga, 2),
        pass: overYoga >= factor,
        gating: false,
      });
    }
    if (joinSingle) {
      const n = totalCalls(joinSingle);
      targets.push({
        name: 'join: upstream calls of ONE request',
        expected: `<= ${JOIN_TARGET} (naive: 1 + ${NAIVE_JOIN_CALLS})`,
        actual: `${n} (${joinSingle.recallFlows} flows + ${joinSingle.groupCallTasks} tasks)`,
        pass: n <= JOIN_TARGET,
        gating: true,
      });
    }
    if (join_) {
      targets.push({ name: 'join: upstream calls per operation under load', expected: `<= ${JOIN_TARGET}`, actual: fixed(join_.upstreamCallsPerOp, 3), pass: join_.upstreamCallsPerOp <= JOIN_TARGET, gating: false });
    }
    if (!args.only || args.only.has('node')) {
      const perLookup = totalCalls(nodeSeq) / nodeLookups;
      targets.push({ name: `node: upstream calls per lookup (${nodeLookups} sequential lookups)`, expected: '= 1', actual: fixed(perLookup, 3), pass: perLookup === 1, gating: true });
    }
    if (node) {
      targets.push({ name: 'node: upstream calls per lookup under load (coalescing may share)', expected: '<= 1', actual: fixed(node.upstreamCallsPerOp, 3), pass: node.upstreamCallsPerOp <= 1, gating: false });
    }
    if (live) {
      const latencyTarget = live.intervalMs + LIVE_LATENCY_SLACK_MS;
      const where = `${live.subscribers} SSE subscribers, ${live.replicas} replicas, one watch of ${live.tasks} tasks`;
      targets.push({
        name: `live: upstream calls per poll interval (${where})`,
        expected: `<= ${live.pagesPerPoll} (the watch's pages), whatever the subscriber count`,
        actual:
          `${fixed(live.upstreamCallsPerInterval, 2)} (${live.upstreamCalls} calls in ${fixed(live.durationMs / 1000, 1)} s; ` +
          `${fixed(live.upstreamCallsPerPoll, 2)} per poll; ${live.pollingReplicas} replica${live.pollingReplicas === 1 ? '' : 's'} polling)`,
        pass: live.callsWithinTarget && live.upstreamCallsPerPoll <= live.pagesPerPoll,
        gating: true,
      });
      targets.push({
        name: 'live: change-to-client latency p99, one change (every subscriber)',
        expected: `<= ${latencyTarget} ms (interval + ${LIVE_LATENCY_SLACK_MS})`,
        actual: `${fixed(live.single.p99Ms, 0)} ms (p50 ${fixed(live.single.p50Ms, 0)})`,
        pass: live.single.p99Ms <= latencyTarget,
        gating: false,
      });
      targets.push({
        name: `live: change-to-client latency p99, a tick changing all ${live.tasks} tasks (${live.tick.eventsPerSubscriberPerRound} events to every subscriber)`,
        expected: `<= ${latencyTarget} ms (interval + ${LIVE_LATENCY_SLACK_MS})`,
        actual: `${fixed(live.tick.p99Ms, 0)} ms (p50 ${fixed(live.tick.p50Ms, 0)}; ${fixed(live.tick.deliveredPerSec, 0)} events/s delivered)`,
        pass: live.tick.p99Ms <= latencyTarget,
        gating: false,
      });
      // With --quick's 50 subscribers per replica, RSS noise scaled to 1,000 says little: full runs only.
      if (!args.quick) targets.push({
        name: 'live: memory per 1,000 subscribers, per replica (RSS after − before subscribing)',
        expected: `< ${mb(LIVE_RSS_PER_1000_TARGET_BYTES)} MB`,
        actual: `${mb(live.rssPer1000SubscribersBytes)} MB`,
        pass: live.rssPer1000SubscribersBytes < LIVE_RSS_PER_1000_TARGET_BYTES,
        gating: false,
      });
    }
    targets.push({ name: 'gateway peak RSS (VmHWM)', expected: `< ${mb(RSS_TARGET_BYTES)} MB`, actual: `${mb(gatewayHwm)} MB`, pass: gatewayHwm < RSS_TARGET_BYTES, gating: false });

    const out: string[] = [
      '',
      `## Gateway benchmark (${args.quick ? 'quick' : 'full'}: ${args.durationSec} s per scenario, ${args.connections} connections)`,
      '',
      scenarioTable(results),
      '',
      '_upstream calls/op (steady load)_: simulator calls per completed request between 25 % and the end of the run; identical',
      'calls in flight are shared between requests (coalescing), so it may be below _calls, one request_ (counters reset, one',
      'request alone, counters read: the planner\'s own cost). _CPU ms/op_: user + system CPU of the process per completed',
      'request (from /proc), steadier than req/s when the machine is shared.',
      '',
      `Headline: throughput ratio gateway/simulator = ${ratio === undefined ? 'n/a' : fixed(ratio, 3)}; ` +
        (joinSingle
          ? `the busy-hour join costs ${totalCalls(joinSingle)} upstream calls (${joinSingle.recallFlows} flows + ${joinSingle.groupCallTasks} tasks) ` +
            `where a naive resolver makes ${NAIVE_JOIN_CALLS} task calls (+1 for the flows).`
          : ''),
      floorRatio === undefined
        ? ''
        : `Reference: the relay floor (no GraphQL) reaches ${fixed(floorRatio, 3)} of the simulator; the gateway reaches ` +
          `${ofFloor === undefined ? 'n/a' : fixed(ofFloor, 3)} of the relay floor.`,
      yogaRatio === undefined
        ? ''
        : `Reference: a minimal graphql-yoga gateway reaches ${fixed(yogaRatio, 3)} of the simulator (the issue measured ~${YOGA_CALIBRATION} ` +
          `where it set the 0.3 target); the gateway does ${overYoga === undefined ? 'n/a' : fixed(overYoga, 2)}× its throughput` +
          (yogaIdentical === undefined ? '.' : yogaIdentical ? ' (their answers are byte-identical).' : ' (WARNING: their answers differ).'),
      `Gateway peak RSS: ${mb(gatewayHwm)} MB.`,
      '',
      ...(live ? ['', '### Live updates', '', liveTable(live), '', LIVE_NOTE] : []),
      '',
      targetTable(targets),
    ];
    for (const p of profiles) out.push('', `### ${p.title}`, '', formatProfile(p.summary));
    console.log(out.join('\n'));

    const report = {
      generatedAt: new Date(started).toISOString(),
      mode: args.quick ? 'quick' : 'full',
      durationSec: args.durationSec,
      connections: args.connections,
      gatewayEnv: args.gatewayEnv,
      gatewayEntry: args.gatewayEntry,
      node: process.version,
      cpus: cpus().length,
      ratio: ratio ?? null,
      floorRatio: floorRatio ?? null,
      gatewayShareOfFloor: ofFloor ?? null,
      minimalYogaRatio: yogaRatio ?? null,
      minimalYogaAnswerIdentical: yogaIdentical ?? null,
      gatewayOverMinimalYoga: overYoga ?? null,
      join: joinSingle
        ? { singleRequestCalls: { ...joinSingle, total: totalCalls(joinSingle) }, naiveCalls: NAIVE_JOIN_CALLS }
        : null,
      nodeLookups: { lookups: nodeLookups, calls: totalCalls(nodeSeq), perLookup: totalCalls(nodeSeq) / nodeLookups },
      gatewayPeakRssBytes: gatewayHwm,
      live: live ?? null,
      scenarios: Object.fromEntries(results.map((r) => [r.key, r])),
      targets,
      profiles: profiles.length > 0 ? profiles : null,
      profileSpansUs: args.profile ? Object.fromEntries(spans) : null,
      elapsedSec: (Date.now() - started) / 1000,
    };
    writeFileSync(join(ROOT, 'bench', 'results.json'), `${JSON.stringify(report, null, 2)}\n`);
    console.log(`\nwrote bench/results.json (${fixed(report.elapsedSec, 1)} s)`);
    const failed = targets.filter((t) => t.gating && !t.pass);
    if (failed.length > 0) {
      console.error(`upstream call targets missed: ${failed.map((t) => t.name).join('; ')}`);
      return 1;
    }
    return 0;
  } finally {
    await stopAll();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(2);
  },
);
