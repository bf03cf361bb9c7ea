/** The benchmark's figures as a Markdown table plus target lines, and the targets themselves. */
import type { LoadFigures } from './load';
import type { Scenario } from './scenarios';

export interface ScenarioResult {
  key: Scenario['key'];
  title: string;
  load: LoadFigures;
  /** Simulator calls per completed request in the steady part of the run (see LoadFigures). */
  upstreamCallsPerOp: number;
  /**
   * All simulator calls caused by the run (including requests cut off at its end) per completed
   * request: an upper bound, inflated when latency is high and few requests complete.
   */
  wholeRunCallsPerOp: number;
  upstreamCalls: { groupCallTasks: number; recallFlows: number };
  /** Simulator calls for one request on its own (counters reset, one request, counters read). */
  singleRequestCalls: number;
  /**
   * Highest VmRSS (sampled every 100 ms) during the run of the process serving it: the gateway, or
   * the reference of scenarios R and Y; 0 for the baseline.
   */
  gatewayPeakRssBytes: number;
  /**
   * CPU time (user + system, from /proc) each process spent per completed request during the
   * run: steadier than req/s on a shared machine, and it says where the time goes. `gateway` is
   * the serving process (for scenarios R and Y, the reference).
   */
  cpuMsPerOp: { gateway: number; simulator: number };
}

export interface Target {
  name: string;
  expected: string;
  actual: string;
  pass: boolean;
  /** Call-count targets fail the process (also in --quick); timing and memory targets only print. */
  gating: boolean;
}

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
const fixed = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');

export function scenarioTable(results: ScenarioResult[]): string {
  const head = [
    '| scenario | req/s | p50 ms | p99 ms | errors | non-2xx | failed bodies | upstream calls/op (steady load) | calls, one request | serving CPU ms/op | simulator CPU ms/op | serving peak RSS MB |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  const rows = results.map((r) => {
    const l = r.load;
    return (
      `| ${r.title} | ${fixed(l.requestsPerSec, 0)} | ${fixed(l.latencyP50Ms, 0)} | ${fixed(l.latencyP99Ms, 0)} | ` +
      `${l.errors + l.timeouts} | ${l.non2xx} | ${l.failedBodies} | ${fixed(r.upstreamCallsPerOp, 3)} | ${r.singleRequestCalls} | ` +
      `${r.key === 'baseline' ? '-' : fixed(r.cpuMsPerOp.gateway, 2)} | ${fixed(r.cpuMsPerOp.simulator, 2)} | ` +
      `${r.key === 'baseline' ? '-' : mb(r.gatewayPeakRssBytes)} |`
    );
  });
  return [...head, ...rows].join('\n');
}

export function targetTable(targets: Target[]): string {
  return [
    '| target | expected | actual | result |',
    '| --- | --- | --- | --- |',
    ...targets.map((t) => `| ${t.name}${t.gating ? ' (gating)' : ''} | ${t.expected} | ${t.actual} | ${t.pass ? 'PASS' : 'FAIL'} |`),
  ].join('\n');
}

export { mb, fixed };
