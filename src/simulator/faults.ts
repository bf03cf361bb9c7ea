/**
 * Fault injection: decides, per request, whether to delay it and whether to break it (a -18 or
 * other code, an HTTP 5xx, a malformed body, an invalid record, a dropped connection). Sources,
 * first match wins: a queued one-shot fault, the caller's `x-sim-fault` header, then the
 * configured rates. Rates are drawn from a seeded PRNG (reset on every `set`) so runs repeat.
 */
import { mulberry32, type Rng } from './prng';
import { ENDPOINTS, type Endpoint } from './routes';

export type FaultKind = 'latency' | 'error-code' | 'http-500' | 'malformed-body' | 'invalid-record' | 'drop-connection';
export type BreakingFault = Exclude<FaultKind, 'latency'>;

export const FAULT_KINDS: readonly FaultKind[] = [
  'latency',
  'error-code',
  'http-500',
  'malformed-body',
  'invalid-record',
  'drop-connection',
];

export interface FaultConfig {
  /** Delay before answering. */
  latencyMs?: number;
  /** Share of requests delayed (0..1); 1 when latencyMs is set and this is not. */
  latencyRate?: number;
  /** Business code returned by 'error-code' faults; default -18. */
  errorCode?: number;
  errorRate?: number;
  http500Rate?: number;
  malformedRate?: number;
  invalidRecordRate?: number;
  dropRate?: number;
  /**
   * Restricts the configured faults to the requests counted under this name (a counter name:
   * `groupCallTasks`, `agentTasks`, `recallFlows` (either recall-flow list path), `v3Flows`,
   * `groupCallFlows`, `agentFlows`, `details`, `v3Details`, `groupCallDetails`, `agentDetails`).
   */
  endpoint?: Endpoint;
}

export interface QueueFaultOptions {
  /** Only a request counted under this name consumes the fault (see FaultConfig.endpoint). */
  endpoint?: Endpoint;
  /** Business code for 'error-code' (default -18), HTTP status for 'http-500' (default 500). */
  code?: number;
  latencyMs?: number;
}

/** What happens to one request. */
export interface FaultPlan {
  latencyMs: number;
  kind?: BreakingFault;
  code?: number;
}

export const DEFAULT_ERROR_CODE = -18;
export const DEFAULT_LATENCY_MS = 500;
const MAX_LATENCY_MS = 600_000;

const RATE_KEYS = ['latencyRate', 'errorRate', 'http500Rate', 'malformedRate', 'invalidRecordRate', 'dropRate'] as const;

export function isFaultKind(v: unknown): v is FaultKind {
  return typeof v === 'string' && (FAULT_KINDS as readonly string[]).includes(v);
}

/** Checks an untrusted FaultConfig (from JSON); throws a TypeError naming the bad field. */
export function validateFaultConfig(input: unknown): FaultConfig {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new TypeError('fault config must be a JSON object');
  }
  const src = input as Record<string, unknown>;
  const out: FaultConfig = {};
  for (const [key, value] of Object.entries(src)) {
    if (value === undefined) continue;
    if ((RATE_KEYS as readonly string[]).includes(key)) {
      if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw new TypeError(`${key} must be a number from 0 to 1`);
      out[key as (typeof RATE_KEYS)[number]] = value;
    } else if (key === 'latencyMs') {
      if (typeof value !== 'number' || !(value >= 0 && value <= MAX_LATENCY_MS)) {
        throw new TypeError(`latencyMs must be a number from 0 to ${MAX_LATENCY_MS}`);
      }
      out.latencyMs = value;
    } else if (key === 'errorCode') {
      if (!Number.isSafeInteger(value)) throw new TypeError('errorCode must be an integer');
      out.errorCode = value as number;
    } else if (key === 'endpoint') {
      if (!ENDPOINTS.includes(value as Endpoint)) throw new TypeError(`endpoint must be one of ${ENDPOINTS.join(', ')}`);
      out.endpoint = value as Endpoint;
    } else {
      throw new TypeError(`unknown fault setting: ${key}`);
    }
  }
  return out;
}

/** A one-shot fault: queued by `queueFault`, or asked for by a request's `x-sim-fault` header. */
export interface FaultRequest extends QueueFaultOptions {
  kind: FaultKind;
}

export class FaultInjector {
  private rng: Rng;
  private current: FaultConfig = {};
  private readonly queued: FaultRequest[] = [];

  constructor(private readonly seed: number, config: FaultConfig = {}) {
    this.rng = mulberry32(seed);
    this.set(config);
  }

  get config(): FaultConfig {
    return { ...this.current };
  }

  /** Replaces the configured faults (`{}` clears them) and restarts the draw sequence. */
  set(config: FaultConfig): void {
    this.current = validateFaultConfig(config);
    this.rng = mulberry32(this.seed ^ 0x5eed_fa17);
  }

  /** A one-shot fault for the next request (to `opts.endpoint`, if given). */
  queue(kind: FaultKind, opts: QueueFaultOptions = {}): void {
    if (!isFaultKind(kind)) throw new TypeError(`unknown fault kind: ${String(kind)}`);
    if (opts.endpoint !== undefined && !ENDPOINTS.includes(opts.endpoint)) {
      throw new TypeError(`endpoint must be one of ${ENDPOINTS.join(', ')}`);
    }
    this.queued.push({ kind, ...opts });
  }

  /** The fault for one request, counted under `tags` (its route's counter names). */
  plan(tags: readonly Endpoint[], requested?: FaultRequest): FaultPlan {
    const i = this.queued.findIndex((q) => q.endpoint === undefined || tags.includes(q.endpoint));
    const oneShot = i >= 0 ? this.queued.splice(i, 1)[0] : requested;
    if (oneShot) return this.fromOneShot(oneShot);
    return this.draw(tags);
  }

  private fromOneShot(q: FaultRequest): FaultPlan {
    if (q.kind === 'latency') return { latencyMs: q.latencyMs ?? this.current.latencyMs ?? DEFAULT_LATENCY_MS };
    const plan: FaultPlan = { latencyMs: q.latencyMs ?? 0, kind: q.kind };
    if (q.kind === 'error-code') plan.code = q.code ?? this.current.errorCode ?? DEFAULT_ERROR_CODE;
    else if (q.kind === 'http-500') plan.code = q.code ?? 500;
    return plan;
  }

  private draw(tags: readonly Endpoint[]): FaultPlan {
    const c = this.current;
    if (c.endpoint !== undefined && !tags.includes(c.endpoint)) return { latencyMs: 0 };
    const plan: FaultPlan = { latencyMs: 0 };
    if (c.latencyMs) {
      if (this.rng() < (c.latencyRate ?? 1)) plan.latencyMs = c.latencyMs;
    } else if (c.latencyRate) {
      if (this.rng() < c.latencyRate) plan.latencyMs = DEFAULT_LATENCY_MS;
    }
    const u = this.rng();
    let edge = 0;
    const ladder: Array<[BreakingFault, number | undefined]> = [
      ['drop-connection', c.dropRate],
      ['http-500', c.http500Rate],
      ['malformed-body', c.malformedRate],
      ['error-code', c.errorRate],
      ['invalid-record', c.invalidRecordRate],
    ];
    for (const [kind, rate] of ladder) {
      edge += rate ?? 0;
      if (u < edge) {
        plan.kind = kind;
        if (kind === 'error-code') plan.code = c.errorCode ?? DEFAULT_ERROR_CODE;
        if (kind === 'http-500') plan.code = 500;
        break;
      }
    }
    return plan;
  }
}
