/**
 * Test harness: the embedded simulator and the gateway on ephemeral loopback ports, talking real
 * HTTP, with the gateway's log lines captured (tests assert on them, e.g. that no secret leaks).
 */
import { Writable } from 'node:stream';
import { loadConfig, type Config } from '../../src/config';
import { createLogger } from '../../src/logger';
import { startGateway, type Gateway } from '../../src/server/gateway';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator';

export interface GraphQLResponse<T = any> {
  data?: T;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
}

export interface Stack {
  sim: Simulator;
  gateway: Gateway;
  config: Config;
  /** Every log line the gateway wrote, raw. */
  logs: string[];
  /** POSTs a GraphQL operation over HTTP; returns the HTTP status and the parsed body. */
  gql<T = any>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T> & { status: number }>;
  /** Resets the simulator's call counters. */
  resetCalls(): void;
  /** Calls the simulator served per endpoint since the last reset. */
  calls(): { tasks: number; flows: number };
  close(): Promise<void>;
}

export interface StackOptions {
  sim?: SimulatorOptions;
  /** Extra environment for the gateway's config (strings, as from the shell). */
  env?: Record<string, string>;
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const sim = await startSimulator(opts.sim);
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    LOG_PRETTY: 'false',
    UPSTREAM_RETRY_BASE_MS: '5',
    LAAFFIC_TIMEZONE: sim.timezone,
    // One line unless a suite asks for more: the single-line suites pin today's call counts.
    LAAFFIC_PRODUCTS: 'GROUP_CALL',
    ...opts.env,
  });
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      logs.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const log = createLogger({ level: config.log.level, pretty: false, destination, secrets: [sim.apiSecret] });
  const gateway = await startGateway(config, { baseUrl: sim.url, apiKey: sim.apiKey, apiSecret: sim.apiSecret }, log);
  return {
    sim,
    gateway,
    config,
    logs,
    async gql(query, variables) {
      const res = await fetch(`${gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as GraphQLResponse;
      return { status: res.status, ...body };
    },
    resetCalls: () => sim.resetCounters(),
    calls: () => ({ tasks: sim.counters.groupCallTasks, flows: sim.counters.recallFlows }),
    async close() {
      await gateway.close();
      await sim.close();
    },
  };
}
