/**
 * Runs one scenario under load with autocannon's programmatic API and returns its figures.
 * Requests cycle through the scenario's prepared bodies; a scenario with a header hook (the
 * baseline's signature) gets it applied to every request through setupRequest.
 */
import autocannon, { type Result } from 'autocannon';

import type { Scenario } from './scenarios';

export interface LoadFigures {
  durationSec: number;
  connections: number;
  completed: number;
  requestsPerSec: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  /** Connection errors and timeouts. */
  errors: number;
  timeouts: number;
  non2xx: number;
  /** 2xx answers that failed the scenario's check (GraphQL errors, a -18 envelope…). */
  failedBodies: number;
  /**
   * Steady-state upstream cost: simulator calls per completed response between two instants
   * inside the run (25 % in, and just before the end), so neither the requests still in flight
   * when the run starts nor those cut off when it stops skew the ratio. Undefined without a probe.
   */
  steadyCallsPerOp?: number;
  steadyWindow?: { responses: number; calls: number; seconds: number };
}

/** Reads a monotonic upstream call count (the simulator's counters). */
export type CallProbe = () => Promise<number>;

export async function runLoad(
  scenario: Scenario,
  baseUrl: string,
  durationSec: number,
  connections: number,
  probe?: CallProbe,
): Promise<LoadFigures> {
  let i = 0;
  const { bodies, headers, staticHeaders } = scenario;
  const instance = autocannon({
    url: baseUrl,
    connections,
    duration: durationSec,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        path: scenario.path,
        headers: staticHeaders,
        body: bodies[0]!,
        setupRequest: (req) => {
          const body = bodies[i++ % bodies.length]!;
          return { ...req, body, headers: headers ? { ...staticHeaders, ...headers() } : staticHeaders };
        },
      },
    ],
    verifyBody: scenario.verify,
  });
  let responses = 0;
  instance.on('response', () => {
    responses++;
  });
  const marks: Array<Promise<{ at: number; responses: number; calls: number }>> = [];
  const timers: NodeJS.Timeout[] = [];
  if (probe) {
    const mark = (afterMs: number) =>
      marks.push(
        new Promise((resolve, reject) => {
          timers.push(
            setTimeout(() => {
              const at = performance.now();
              const seen = responses;
              probe().then((calls) => resolve({ at, responses: seen, calls }), reject);
            }, afterMs),
          );
        }),
      );
    mark(durationSec * 250);
    mark(Math.max(durationSec * 1000 - 250, durationSec * 250 + 100));
  }
  const result: Result = await instance;
  let steadyCallsPerOp: number | undefined;
  let steadyWindow: LoadFigures['steadyWindow'];
  // Both marks fire before the run ends; the bound only guards against a run that ended early.
  const bound = new Promise<undefined>((resolve) => timers.push(setTimeout(() => resolve(undefined), 2_000)));
  const settled = marks.length === 2 ? await Promise.race([Promise.all(marks), bound]) : undefined;
  for (const t of timers) clearTimeout(t);
  if (settled) {
    const [a, b] = settled;
    steadyWindow = { responses: b!.responses - a!.responses, calls: b!.calls - a!.calls, seconds: (b!.at - a!.at) / 1000 };
    steadyCallsPerOp = steadyWindow.responses > 0 ? steadyWindow.calls / steadyWindow.responses : undefined;
  }
  const completed = result.latency.totalCount;
  return {
    durationSec: result.duration,
    connections,
    completed,
    requestsPerSec: completed / result.duration,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    latencyMaxMs: result.latency.max,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    failedBodies: result.mismatches,
    steadyCallsPerOp,
    steadyWindow,
  };
}
