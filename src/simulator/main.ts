/**
 * `npm run simulator`: runs the Laaffic simulator on its own, for client-app developers and bench
 * scripts. Configured by environment (SIM_HOST, SIM_PORT, SIM_SEED, SIM_API_KEY, SIM_API_SECRET,
 * SIM_FAULTS, SIM_ENVELOPE, LAAFFIC_TIMEZONE); a bad value stops it with a message naming the
 * variable. The demo secret is printed on purpose: it is not a real credential.
 */
import { toLocal } from '../time';
import { ENVELOPE_MODES, type EnvelopeMode } from './envelope';
import { validateFaultConfig, type FaultConfig } from './faults';
import { startSimulator } from './server';

function fail(message: string): never {
  console.error(`simulator: ${message}`);
  process.exit(1);
}

function intVar(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!/^-?\d+$/.test(raw) || n < min || n > max) fail(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  return n;
}

function faultsVar(): FaultConfig | undefined {
  const raw = process.env.SIM_FAULTS;
  if (raw === undefined || raw.trim() === '') return undefined;
  try {
    return validateFaultConfig(JSON.parse(raw));
  } catch (err) {
    fail(`SIM_FAULTS must be a JSON fault config (${err instanceof Error ? err.message : String(err)})`);
  }
}

function envelopeVar(): EnvelopeMode {
  const raw = process.env.SIM_ENVELOPE ?? 'rotate';
  if (!(ENVELOPE_MODES as readonly string[]).includes(raw)) fail(`SIM_ENVELOPE must be one of ${ENVELOPE_MODES.join(', ')}`);
  return raw as EnvelopeMode;
}

const options = {
  host: process.env.SIM_HOST || '127.0.0.1',
  port: intVar('SIM_PORT', 4010, 0, 65535),
  seed: intVar('SIM_SEED', 42, 0, 2 ** 32 - 1),
  apiKey: process.env.SIM_API_KEY || undefined,
  apiSecret: process.env.SIM_API_SECRET || undefined,
  timezone: process.env.LAAFFIC_TIMEZONE || '+08:00',
  envelope: envelopeVar(),
  faults: faultsVar(),
};

const sim = await startSimulator(options).catch((err: unknown) =>
  fail(`could not start: ${err instanceof Error ? err.message : String(err)}`),
);
const { dataset } = sim;
console.log(`Laaffic simulator listening on ${sim.url}`);
console.log(`  API key:    ${sim.apiKey}`);
console.log(`  API secret: ${sim.apiSecret}  (demo secret, not a real credential)`);
console.log(`  time zone:  ${sim.timezone}; ${dataset.tasks.length} tasks, ${dataset.flows.length} recall flows (seed ${dataset.seed})`);
console.log(`  busy hour:  ${toLocal(dataset.busyHour.start, dataset.zone)} (local)`);
console.log(`  control:    GET ${sim.url}/__sim/info, GET /__sim/counters, POST /__sim/faults`);
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
