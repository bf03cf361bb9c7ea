/**
 * `npm run bench:ab -- A.js B.js [--rounds 3] [--rate 700] [--duration 6]`: compares two gateway
 * builds (e.g. `dist/main.js` of two commits, copied aside) on scenario 2's requests at a FIXED
 * request rate, alternating A, B, A, B… against one simulator, and prints the gateway's CPU per
 * request (from /proc) for each run and the medians. A fixed rate below saturation makes CPU per
 * request far steadier than req/s at saturation on a shared machine, so a change of a few per
 * cent shows. A variant may carry node flags and environment after `|`:
 * `"dist/main.js|--max-semi-space-size=16|UPSTREAM_CONCURRENCY=64"`.
 */
import autocannon from 'autocannon';
import { setTimeout as sleep } from 'node:timers/promises';
import { cpuTimeMs, freePort, HOST, startChild, waitForHttp } from './procs';
import { PRODUCTION_NODE_OPTIONS } from './node-options';
import { GRAPHQL_HEADERS, gqlBody, isoAt, TASKS_QUERY } from './scenarios';

const API_KEY = 'sim-demo-key';
const API_SECRET = 'sim-demo-secret';
const TIMEZONE = '+08:00';
const DAY_MS = 86_400_000;

function option(argv: string[], name: string, fallback: number): number {
  const i = argv.indexOf(name);
  if (i < 0) return fallback;
  const n = Number(argv[i + 1]);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} needs a positive number`);
  return n;
}

interface Variant {
  label: string;
  entry: string;
  flags: string[];
  env: Record<string, string>;
}

function parseVariant(spec: string): Variant {
  const [entry, ...rest] = spec.split('|');
  const flags = rest.filter((x) => x.startsWith('--'));
  const env = Object.fromEntries(rest.filter((x) => !x.startsWith('--')).map((x) => [x.slice(0, x.indexOf('=')), x.slice(x.indexOf('=') + 1)]));
  return { label: spec, entry: entry!, flags, env };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const specs = argv.filter((a, i) => !a.startsWith('--') && !argv[i - 1]?.startsWith('--'));
  if (specs.length !== 2) throw new Error('usage: npm run bench:ab -- A.js B.js [--rounds 3] [--rate 700] [--duration 6]');
  const variants = specs.map(parseVariant);
  const rounds = option(argv, '--rounds', 3);
  const rate = option(argv, '--rate', 700);
  const duration = option(argv, '--duration', 6);
  const root = process.cwd();

  const simPort = await freePort();
  const simUrl = `http://${HOST}:${simPort}`;
  const sim = startChild('simulator', ['--import', 'tsx', 'src/simulator/main.ts'], {
      SIM_PORT: String(simPort),
      SIM_HOST: HOST,
      LAAFFIC_TIMEZONE: TIMEZONE,
      // The data set the targets were set on: the IVR/AI task list without the redials' child tasks
      // (the provider's mapping lists them too, which makes a busy hour's window denser: the join
      // then scans one more page, 1 + 4 calls; see bench/README.md).
      SIM_PRODUCT_LINES: '0',
    }, root);
  const now = Math.floor(Date.now() / 1000) * 1000 - 5_000;
  const bodies = Array.from({ length: 600 }, (_, k) =>
    gqlBody(TASKS_QUERY, { from: isoAt(now - k * 1000 - 30 * DAY_MS, TIMEZONE), to: isoAt(now - k * 1000, TIMEZONE) }),
  );
  const perOp = new Map<string, number[]>(variants.map((v) => [v.label, []]));
  try {
    await waitForHttp(sim, `${simUrl}/__sim/info`);
    console.log(`fixed rate ${rate} req/s, ${duration} s per run (after 3 s warm-up), ${rounds} rounds, 50 connections`);
    for (let round = 0; round < rounds; round++) {
      for (const v of variants) {
        const port = await freePort();
        const gateway = startChild(
          'gateway',
          [...(v.flags.length > 0 ? v.flags : PRODUCTION_NODE_OPTIONS.split(' ').filter(Boolean)), v.entry],
          {
            LAAFFIC_BASE_URL: simUrl,
            LAAFFIC_API_KEY: API_KEY,
            LAAFFIC_API_SECRET: API_SECRET,
            LAAFFIC_TIMEZONE: TIMEZONE,
            PORT: String(port),
            HOST,
            LOG_LEVEL: 'warn',
            NODE_ENV: 'production',
            GATEWAY_ALLOW_ANONYMOUS: 'true',
            // The scenarios read the IVR/AI line, as they did before there were two: comparable runs.
            LAAFFIC_PRODUCTS: 'GROUP_CALL',
            ...v.env,
          },
          root,
        );
        try {
          await waitForHttp(gateway, `http://${HOST}:${port}/health`);
          let i = 0;
          const load = (seconds: number) =>
            autocannon({
              url: `http://${HOST}:${port}`,
              connections: 50,
              duration: seconds,
              overallRate: rate,
              requests: [
                {
                  method: 'POST',
                  path: '/graphql',
                  headers: GRAPHQL_HEADERS,
                  body: bodies[0]!,
                  setupRequest: (req) => ({ ...req, body: bodies[i++ % bodies.length]! }),
                },
              ],
            });
          await load(3);
          const before = cpuTimeMs(gateway.pid) ?? NaN;
          const result = await load(duration);
          const cpu = (cpuTimeMs(gateway.pid) ?? NaN) - before;
          const ms = cpu / result.requests.total;
          perOp.get(v.label)!.push(ms);
          console.log(`${v.label}: ${ms.toFixed(3)} ms CPU per request (${result.requests.total} requests, non-2xx ${result.non2xx}, errors ${result.errors})`);
        } finally {
          await gateway.stop();
        }
        await sleep(200);
      }
    }
  } finally {
    await sim.stop();
  }
  const [a, b] = variants.map((v) => median(perOp.get(v.label)!));
  console.log(`\nmedian CPU per request: A ${a!.toFixed(3)} ms, B ${b!.toFixed(3)} ms (B/A = ${(b! / a!).toFixed(3)})`);
}

main().catch((err: unknown) => {
  console.error(`bench:ab failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(2);
});
