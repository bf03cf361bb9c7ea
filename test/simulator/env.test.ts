/**
 * The simulator's environment variables: parsed into options (only those set), a bad value named
 * in the error, and `npm run simulator` (main.ts) started with the new ones.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { simulatorOptionsFromEnv, SimulatorEnvError } from '../../src/simulator';

describe('simulatorOptionsFromEnv', () => {
  it('sets only the options whose variables are set', () => {
    expect(simulatorOptionsFromEnv({})).toEqual({});
    expect(simulatorOptionsFromEnv({ SIM_PORT: '', SIM_LIVE_TICK_MS: ' ' })).toEqual({});
    expect(
      simulatorOptionsFromEnv({
        SIM_HOST: '0.0.0.0',
        SIM_PORT: '0',
        SIM_SEED: '7',
        SIM_API_KEY: 'k',
        SIM_API_SECRET: 's',
        LAAFFIC_TIMEZONE: 'Asia/Shanghai',
        SIM_ENVELOPE: 'status-string',
        SIM_FAULTS: '{"errorRate":0.5,"endpoint":"agentDetails"}',
        SIM_PRODUCT_LINES: 'yes',
        SIM_LIVE_TICK_MS: '5000',
        SIM_LIVE_STEP_MS: '60000',
        SIM_LIVE_HORIZON_HOURS: '12',
      }),
    ).toEqual({
      host: '0.0.0.0',
      port: 0,
      seed: 7,
      apiKey: 'k',
      apiSecret: 's',
      timezone: 'Asia/Shanghai',
      envelope: 'status-string',
      faults: { errorRate: 0.5, endpoint: 'agentDetails' },
      productLines: true,
      live: { tickMs: 5000, stepMs: 60000, horizonHours: 12 },
    });
    expect(simulatorOptionsFromEnv({ SIM_PRODUCT_LINES: '0', SIM_LIVE_TICK_MS: '0' })).toEqual({ productLines: false, live: { tickMs: 0 } });
  });

  it.each([
    ['SIM_LIVE_TICK_MS', '-5'],
    ['SIM_LIVE_TICK_MS', '1.5'],
    ['SIM_LIVE_STEP_MS', '10'],
    ['SIM_PRODUCT_LINES', 'maybe'],
    ['SIM_PORT', '70000'],
    ['SIM_ENVELOPE', 'xml'],
    ['SIM_FAULTS', '{"endpoint":"nope"}'],
  ])('names %s in the error for %j', (name, value) => {
    expect(() => simulatorOptionsFromEnv({ [name]: value })).toThrow(SimulatorEnvError);
    expect(() => simulatorOptionsFromEnv({ [name]: value })).toThrow(name);
  });
});

/** Runs `npm run simulator`'s entry with `env`; answers its exit code or first lines. */
function runMain(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/simulator/main.ts'], {
    env: { ...process.env, SIM_HOST: '127.0.0.1', SIM_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += String(d)));
  child.stderr.on('data', (d) => (err += String(d)));
  return { child, output: () => out, errors: () => err };
}

describe('npm run simulator', () => {
  it('starts with the product-line mapping and the live timer from the environment', async () => {
    const run = runMain({ SIM_PRODUCT_LINES: '1', SIM_LIVE_TICK_MS: '100' });
    try {
      const deadline = Date.now() + 15_000;
      while (!/Point the gateway/.test(run.output()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const url = /listening on (http:\/\/\S+)/.exec(run.output())?.[1];
      expect(url, run.errors()).toBeDefined();
      expect(run.output()).toContain('faithful');
      expect(run.output()).toMatch(/AI Agent: +\d+ tasks, 500 recall flows/);
      await new Promise((r) => setTimeout(r, 350));
      const info = (await (await fetch(`${url}/__sim/info`)).json()) as { productLines: boolean; live: { running: boolean; ticks: number } };
      expect(info.productLines).toBe(true);
      expect(info.live.running).toBe(true);
      expect(info.live.ticks).toBeGreaterThanOrEqual(1);
    } finally {
      run.child.kill('SIGTERM');
      await once(run.child, 'exit');
    }
  });

  it('stops with a message naming a bad variable', async () => {
    const run = runMain({ SIM_LIVE_TICK_MS: 'soon' });
    const [code] = await once(run.child, 'exit');
    expect(code).toBe(1);
    expect(run.errors()).toContain('SIM_LIVE_TICK_MS');
  });
});
