/**
 * Graceful shutdown of the real process (`node --import tsx src/main.ts`): on SIGTERM it stops
 * accepting connections at once, lets the in-flight query finish with its full answer, and exits 0.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator';
import { postGraphQL } from '../helpers/http';
import { parseLines, spawnGateway, upstreamEnv, type GatewayProcess } from '../helpers/stack';

const LATENCY_MS = 1_500;

let sim: Simulator;
let gw: GatewayProcess | undefined;

beforeAll(async () => {
  sim = await startSimulator({ apiKey: 'sim-demo-key', apiSecret: 'sim-demo-secret' });
});
afterAll(async () => {
  await gw?.stop(1_000);
  await sim?.close();
});

/** Resolves with the error code of a TCP connection attempt, or 'connected'. */
function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('graceful shutdown', () => {
  it('drains an in-flight slow query on SIGTERM, refuses new connections, and exits 0', async () => {
    gw = spawnGateway({
      ...upstreamEnv(sim),
      NODE_ENV: 'production',
      GATEWAY_ALLOW_ANONYMOUS: 'true',
      LOG_PRETTY: 'false',
      SHUTDOWN_TIMEOUT_MS: '8000',
    });
    const base = await gw.ready();
    const port = Number(new URL(base).port);
    expect(await tryConnect(port)).toBe('connected');

    // Every upstream answer now takes 1.5 s.
    sim.setFaults({ latencyMs: LATENCY_MS });
    sim.resetCounters();
    const started = Date.now();
    const inFlight = postGraphQL(`${base}/graphql`, { query: 'query Slow { groupCallTasks(first: 3) { totalCount edges { node { taskId name } } } }' }, { accept: undefined });
    // The query has reached the upstream: it is in flight inside the gateway.
    await waitFor(() => sim.counters.groupCallTasks > 0, 5_000, 'the upstream call');
    expect(gw.child.kill('SIGTERM')).toBe(true);
    await waitFor(() => parseLines(gw!.stdout).some((l) => l.msg === 'shutting down'), 5_000, "the 'shutting down' log line");

    // The listener is closed at once: a new connection is refused while the query still runs.
    expect(await tryConnect(port)).toBe('ECONNREFUSED');
    expect(gw.child.exitCode).toBeNull();

    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(res.headers.get('connection')).toBe('close');
    const body = res.json;
    expect(body.errors).toBeUndefined();
    expect(body.data.groupCallTasks.edges).toHaveLength(3);
    expect(typeof body.data.groupCallTasks.edges[0].node.taskId).toBe('number');
    expect(Date.now() - started).toBeGreaterThanOrEqual(LATENCY_MS - 100);
    const answeredAt = Date.now();

    // It exits by itself, cleanly, soon after the last response (not at the 8 s shutdown deadline).
    const code = await Promise.race([gw.exited, new Promise((r) => setTimeout(() => r('still running'), 5_000))]);
    expect(code).toBe(0);
    // A keep-alive client (fetch keeps its socket ~3 s) must not hold the drain open.
    expect(Date.now() - answeredAt).toBeLessThan(2_000);
    expect(await tryConnect(port)).toBe('ECONNREFUSED');
    expect(gw.stderr()).toBe('');
    const lines = parseLines(gw.stdout);
    expect(lines.some((l) => l.msg?.startsWith('shutdown deadline passed'))).toBe(false);
    expect(lines.find((l) => l.msg === 'graphql request')).toMatchObject({ operationName: 'Slow', status: 200, outcome: 'ok' });
  });
});
