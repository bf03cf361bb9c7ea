/**
 * Simulator options from environment variables, for `npm run simulator` (main.ts) and for an
 * embedding process (the gateway's `npm start`) that wants the same knobs. Only the variables
 * that are set become options, so the caller keeps its own defaults; a bad value throws a
 * SimulatorEnvError whose message names the variable.
 *
 * SIM_HOST, SIM_PORT, SIM_SEED, SIM_API_KEY, SIM_API_SECRET, LAAFFIC_TIMEZONE, SIM_FAULTS,
 * SIM_ENVELOPE, SIM_PRODUCT_LINES (1/true/yes/on or 0/false/no/off), SIM_LIVE_TICK_MS (0 = off),
 * SIM_LIVE_STEP_MS, SIM_LIVE_HORIZON_HOURS.
 */
import { ENVELOPE_MODES, type EnvelopeMode } from './envelope';
import { validateFaultConfig } from './faults';
import type { LiveOptions } from './live';
import type { SimulatorOptions } from './server';

export class SimulatorEnvError extends Error {}

type Env = Readonly<Record<string, string | undefined>>;

const set = (env: Env, name: string): string | undefined => {
  const raw = env[name];
  return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
};

function intVar(env: Env, name: string, min: number, max: number): number | undefined {
  const raw = set(env, name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^-?\d+$/.test(raw) || n < min || n > max) {
    throw new SimulatorEnvError(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  }
  return n;
}

function boolVar(env: Env, name: string): boolean | undefined {
  const raw = set(env, name)?.toLowerCase();
  if (raw === undefined) return undefined;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new SimulatorEnvError(`${name} must be 1/true/yes/on or 0/false/no/off, got ${JSON.stringify(raw)}`);
}

/** The options the variables in `env` set (none set: `{}`). */
export function simulatorOptionsFromEnv(env: Env = process.env): SimulatorOptions {
  const out: SimulatorOptions = {};
  const host = set(env, 'SIM_HOST');
  if (host !== undefined) out.host = host;
  const port = intVar(env, 'SIM_PORT', 0, 65535);
  if (port !== undefined) out.port = port;
  const seed = intVar(env, 'SIM_SEED', 0, 2 ** 32 - 1);
  if (seed !== undefined) out.seed = seed;
  const apiKey = set(env, 'SIM_API_KEY');
  if (apiKey !== undefined) out.apiKey = apiKey;
  const apiSecret = set(env, 'SIM_API_SECRET');
  if (apiSecret !== undefined) out.apiSecret = apiSecret;
  const timezone = set(env, 'LAAFFIC_TIMEZONE');
  if (timezone !== undefined) out.timezone = timezone;

  const envelope = set(env, 'SIM_ENVELOPE');
  if (envelope !== undefined) {
    if (!(ENVELOPE_MODES as readonly string[]).includes(envelope)) {
      throw new SimulatorEnvError(`SIM_ENVELOPE must be one of ${ENVELOPE_MODES.join(', ')}`);
    }
    out.envelope = envelope as EnvelopeMode;
  }
  const faults = set(env, 'SIM_FAULTS');
  if (faults !== undefined) {
    try {
      out.faults = validateFaultConfig(JSON.parse(faults));
    } catch (err) {
      throw new SimulatorEnvError(`SIM_FAULTS must be a JSON fault config (${err instanceof Error ? err.message : String(err)})`);
    }
  }
  const productLines = boolVar(env, 'SIM_PRODUCT_LINES');
  if (productLines !== undefined) out.productLines = productLines;

  const live: LiveOptions = {};
  const tickMs = intVar(env, 'SIM_LIVE_TICK_MS', 0, 86_400_000);
  if (tickMs !== undefined) live.tickMs = tickMs;
  const stepMs = intVar(env, 'SIM_LIVE_STEP_MS', 1000, 86_400_000);
  if (stepMs !== undefined) live.stepMs = stepMs;
  const horizon = intVar(env, 'SIM_LIVE_HORIZON_HOURS', 0, 24 * 180);
  if (horizon !== undefined) live.horizonHours = horizon;
  if (Object.keys(live).length > 0) out.live = live;
  return out;
}
