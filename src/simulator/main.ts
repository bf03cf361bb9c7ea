/**
 * `npm run simulator`: runs the Laaffic simulator on its own, for client-app developers and bench
 * scripts. Configured by environment (see env.ts and the README: SIM_HOST, SIM_PORT, SIM_SEED,
 * SIM_API_KEY, SIM_API_SECRET, SIM_FAULTS, SIM_ENVELOPE, SIM_PRODUCT_LINES, SIM_LIVE_TICK_MS,
 * SIM_LIVE_STEP_MS, SIM_LIVE_HORIZON_HOURS, LAAFFIC_TIMEZONE); a bad value stops it with a message
 * naming the variable. The demo secret is printed on purpose: it is not a real credential.
 */
import { toLocal } from '../time';
import { simulatorOptionsFromEnv } from './env';
import { startSimulator, type SimulatorOptions } from './server';

function fail(message: string): never {
  console.error(`simulator: ${message}`);
  process.exit(1);
}

let options: SimulatorOptions;
try {
  options = { host: '127.0.0.1', port: 4010, seed: 42, timezone: '+08:00', envelope: 'rotate', ...simulatorOptionsFromEnv() };
} catch (err) {
  fail(err instanceof Error ? err.message : String(err));
}

const sim = await startSimulator(options).catch((err: unknown) =>
  fail(`could not start: ${err instanceof Error ? err.message : String(err)}`),
);
const { dataset } = sim;
const agent = dataset.lines.aiAgent;
const live = sim.liveState();
console.log(`Laaffic simulator listening on ${sim.url}`);
console.log(`  API key:    ${sim.apiKey}`);
console.log(`  API secret: ${sim.apiSecret}  (demo secret, not a real credential)`);
console.log(`  time zone:  ${sim.timezone}; seed ${dataset.seed}`);
console.log(`  group call: ${dataset.tasks.length} tasks, ${dataset.flows.length} recall flows; busy hour ${toLocal(dataset.busyHour.start, dataset.zone)} (local)`);
console.log(`  AI Agent:   ${agent.tasks.length} tasks, ${agent.flows.length} recall flows; busy hour ${toLocal(dataset.agentBusyHour.start, dataset.zone)} (local)`);
console.log(
  `  lines:      ${sim.productLines ? 'faithful (SIM_PRODUCT_LINES=1): /voice/recallFlow/* serve the AI Agent line' : 'legacy: /voice/recallFlow/* serve the group-call line too (SIM_PRODUCT_LINES=1 for the provider mapping)'}`,
);
console.log(`  live mode:  ${live.running ? `a tick every ${live.tickMs} ms, ${live.stepMs} ms of simulated time each` : 'off (SIM_LIVE_TICK_MS=5000 turns it on; POST /__sim/live/tick ticks on demand)'}`);
console.log(`  control:    GET ${sim.url}/__sim/info, GET /__sim/counters, POST /__sim/faults, POST /__sim/live/tick, POST /__sim/records/*`);
console.log('Point the gateway at it:');
console.log(`  LAAFFIC_BASE_URL=${sim.url} LAAFFIC_API_KEY=${sim.apiKey} LAAFFIC_API_SECRET=${sim.apiSecret} LAAFFIC_TIMEZONE=${sim.timezone} npm start`);

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`simulator: ${signal}, closing`);
  sim.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
