/**
 * The embedded Laaffic simulator: an HTTP server (node:http) that answers the two list endpoints
 * like the real upstream (signature, timestamp window, -22 param checks, filters, paging, the
 * envelope variants) over the seeded data set, injects faults on demand, and exposes a few
 * `/__sim/*` control endpoints for out-of-process users. Check order per request: fault →
 * signature (-1) → timestamp (-16) → params (-22) → query. Faults come first because they stand
 * for an upstream that is broken whatever the request says (so a bad sign may still get -18).
 * Request checks use the real clock; the `now` option only shapes the data set.
 */
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseZone } from '../time';
import { isAuthentic, isFresh } from './auth';
import { DEFAULT_FLOW_COUNT, DEFAULT_SEED, DEFAULT_TASK_COUNT, generateDataset, type Dataset } from './data';
import { ENVELOPE_MODES, envelope, envelopeJson, envelopePicker, MESSAGES, type EnvelopeMode } from './envelope';
import {
  FAULT_KINDS,
  FaultInjector,
  isFaultKind,
  validateFaultConfig,
  type FaultConfig,
  type FaultKind,
  type FaultRequest,
  type QueueFaultOptions,
} from './faults';
import { parseQuery, type Endpoint, type ParsedQuery } from './params';
import { flowJson, taskJson, toWireFlow, toWireTask, type FlowRecord, type TaskRecord } from './records';
import { Store, type FlowInput, type TaskInput } from './store';

export interface SimulatorOptions {
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  apiKey?: string;
  apiSecret?: string;
  /** Offset (`+08:00`) or IANA zone of the account; local date-times are in it. */
  timezone?: string;
  seed?: number;
  /** The data set's "now" (epoch ms); only shapes the data, request checks use the real clock. */
  now?: number;
  taskCount?: number;
  flowCount?: number;
  envelope?: EnvelopeMode;
  timestampToleranceSeconds?: number;
  /** The simulator's clock runs this many seconds ahead when checking Timestamp. */
  clockSkewSeconds?: number;
  /** A wider strTime..endTime window is a -22. */
  maxWindowDays?: number;
  faults?: FaultConfig;
}

export interface SimulatorCounters {
  groupCallTasks: number;
  recallFlows: number;
}

export interface Simulator {
  /** `http://HOST:PORT`, no trailing slash. */
  url: string;
  apiKey: string;
  apiSecret: string;
  timezone: string;
  dataset: Dataset;
  /** Live: every request received per endpoint, faulted or not. */
  counters: SimulatorCounters;
  resetCounters(): void;
  setFaults(faults: FaultConfig): void;
  /** A one-shot fault consumed by the next matching request. */
  queueFault(kind: FaultKind, opts?: QueueFaultOptions): void;
  setClockSkew(seconds: number): void;
  addTask(input?: TaskInput): TaskRecord;
  removeTask(taskId: number): boolean;
  addFlow(input: FlowInput): FlowRecord;
  /** Stops listening and destroys open (keep-alive) sockets and pending delayed answers. */
  close(): Promise<void>;
}

export const DEFAULT_API_KEY = 'sim-demo-key';
export const DEFAULT_API_SECRET = 'sim-demo-secret';

const ROUTES: Readonly<Record<string, Endpoint>> = {
  '/v3/voice/group/call/query': 'groupCallTasks',
  '/voice/recallFlow/queryPage': 'recallFlows',
  '/v3/voice/recallFlow/queryPage': 'recallFlows',
};

const JSON_TYPE = 'application/json;charset=UTF-8';
const MAX_BODY_BYTES = 1 << 20;
// Cut mid-string so no JSON parser can accept it.
const MALFORMED_BODY = '{"code":0,"msg":"success","data":{"records":[{"taskId":5000001,"taskName":"春季促销';

class BodyTooLargeError extends Error {}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLargeError();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, JSON_TYPE, JSON.stringify(value));
}

function checkNumber(name: string, value: number, min: number, integer = false): number {
  if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    throw new RangeError(`simulator option ${name} must be ${integer ? 'an integer' : 'a number'} >= ${min}`);
  }
  return value;
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const host = opts.host ?? '127.0.0.1';
  const apiKey = opts.apiKey ?? DEFAULT_API_KEY;
  const apiSecret = opts.apiSecret ?? DEFAULT_API_SECRET;
  const zone = parseZone(opts.timezone ?? '+08:00');
  const seed = opts.seed ?? DEFAULT_SEED;
  const mode = opts.envelope ?? 'rotate';
  if (!ENVELOPE_MODES.includes(mode)) throw new RangeError(`simulator option envelope must be one of ${ENVELOPE_MODES.join(', ')}`);
  const tolerance = checkNumber('timestampToleranceSeconds', opts.timestampToleranceSeconds ?? 300, 0);
  const maxWindowDays = checkNumber('maxWindowDays', opts.maxWindowDays ?? 366, 0);
  let clockSkewSeconds = checkNumber('clockSkewSeconds', opts.clockSkewSeconds ?? 0, -Infinity);

  const dataset = generateDataset({
    seed,
    now: opts.now ?? Date.now(),
    zone,
    taskCount: opts.taskCount ?? DEFAULT_TASK_COUNT,
    flowCount: opts.flowCount ?? DEFAULT_FLOW_COUNT,
  });
  const store = new Store(dataset);
  const faults = new FaultInjector(seed, opts.faults ?? {});
  const nextStyle = envelopePicker(mode);
  const counters: SimulatorCounters = { groupCallTasks: 0, recallFlows: 0 };
  const rules = { zone, maxWindowDays };

  // Pending latency timers, so close() can cancel them instead of keeping the process alive.
  const timers = new Map<NodeJS.Timeout, () => void>();
  let closed = false;
  const delay = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.set(t, resolve);
    });

  const answer = (res: ServerResponse, code: number, data: unknown, message?: string) =>
    sendJson(res, 200, envelope(nextStyle(), code, message ?? MESSAGES[code] ?? 'error', data));

  const resetCounters = () => {
    counters.groupCallTasks = 0;
    counters.recallFlows = 0;
  };

  function headerFault(req: IncomingMessage): FaultRequest | undefined | 'invalid' {
    const kind = headerValue(req, 'x-sim-fault');
    if (kind === undefined) return undefined;
    if (!isFaultKind(kind)) return 'invalid';
    const request: FaultRequest = { kind };
    const code = headerValue(req, 'x-sim-fault-code');
    const latency = headerValue(req, 'x-sim-latency-ms');
    if (code !== undefined && /^-?\d+$/.test(code)) request.code = Number(code);
    if (latency !== undefined && /^\d+$/.test(latency)) request.latencyMs = Number(latency);
    return request;
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, endpoint: Endpoint): Promise<void> {
    counters[endpoint]++;
    const raw = await readBody(req);
    const requested = headerFault(req);
    if (requested === 'invalid') {
      return sendJson(res, 400, { error: `x-sim-fault must be one of: ${FAULT_KINDS.join(', ')}` });
    }
    const plan = faults.plan(endpoint, requested);
    if (plan.latencyMs > 0) {
      await delay(plan.latencyMs);
      if (closed) return;
    }
    switch (plan.kind) {
      case 'drop-connection':
        req.socket.destroy();
        return;
      case 'http-500': {
        const status = plan.code !== undefined && plan.code >= 500 && plan.code <= 599 ? plan.code : 500;
        const text = `${status} ${STATUS_CODES[status] ?? 'Server Error'}`;
        return send(res, status, 'text/html;charset=UTF-8', `<html><body><h1>${text}</h1></body></html>`);
      }
      case 'malformed-body':
        return send(res, 200, JSON_TYPE, MALFORMED_BODY);
      case 'error-code':
        return answer(res, plan.code ?? -18, null);
    }

    if (!isAuthentic(req.headers, apiKey, apiSecret)) return answer(res, -1, null);
    if (!isFresh(req.headers, Date.now() / 1000 + clockSkewSeconds, tolerance)) return answer(res, -16, null);
    const query = parseQuery(endpoint, raw, rules);
    if (!query.ok) return answer(res, -22, null, `parameter error: ${query.reason}`);

    send(res, 200, JSON_TYPE, envelopeJson(nextStyle(), 0, MESSAGES[0]!, pageJson(query, plan.kind === 'invalid-record')));
  }

  /** The `data` JSON for a valid query; `corrupt` mistypes the id of the first record. */
  function pageJson(query: Extract<ParsedQuery, { ok: true }>, corrupt: boolean): string {
    const { current, size } = query.paging;
    const offset = (current - 1) * size;
    let total: number;
    let parts: string[];
    let first: object | undefined;
    if (query.endpoint === 'groupCallTasks') {
      const sel = store.selectTasks(query.filter);
      const rows = sel.page(offset, size);
      [total, parts, first] = [sel.total, rows.map(taskJson), rows[0] && toWireTask(rows[0])];
    } else {
      const sel = store.selectFlows(query.filter);
      const rows = sel.page(offset, size);
      [total, parts, first] = [sel.total, rows.map(flowJson), rows[0] && toWireFlow(rows[0])];
    }
    if (corrupt) {
      // Copy rather than touch the cached record; an empty page gets a bogus record instead.
      parts[0] = JSON.stringify({ ...first, [query.endpoint === 'groupCallTasks' ? 'taskId' : 'keyId']: 'abc' });
    }
    return (
      `{"records":[${parts.join(',')}],"total":${total},"size":${size},"current":${current},` +
      `"pages":${Math.ceil(total / size)},"searchCount":true}`
    );
  }

  async function handleControl(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const route = `${req.method ?? 'GET'} ${path}`;
    switch (route) {
      case 'GET /__sim/counters':
        return sendJson(res, 200, counters);
      case 'POST /__sim/counters/reset':
        await readBody(req);
        resetCounters();
        return sendJson(res, 200, counters);
      case 'GET /__sim/faults':
        return sendJson(res, 200, faults.config);
      case 'POST /__sim/faults': {
        const raw = await readBody(req);
        try {
          faults.set(validateFaultConfig(raw.trim() === '' ? {} : JSON.parse(raw)));
        } catch (err) {
          return sendJson(res, 400, { error: err instanceof Error ? err.message : 'invalid fault config' });
        }
        return sendJson(res, 200, faults.config);
      }
      case 'GET /__sim/info':
        return sendJson(res, 200, {
          apiKey,
          timezone: zone.name,
          taskCount: dataset.tasks.length,
          flowCount: dataset.flows.length,
          busyHour: dataset.busyHour,
          quietDays: dataset.quietDays,
          now: dataset.now,
        });
    }
    const known = ['/__sim/counters', '/__sim/counters/reset', '/__sim/faults', '/__sim/info'].includes(path);
    return sendJson(res, known ? 405 : 404, { error: known ? 'method not allowed' : 'not found', path });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    if (path.startsWith('/__sim/')) return handleControl(req, res, path);
    const endpoint = ROUTES[path];
    if (!endpoint) return sendJson(res, 404, { error: 'not found', path });
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return sendJson(res, 405, { error: 'method not allowed', path });
    }
    return handleApi(req, res, endpoint);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent || req.socket.destroyed) return;
      if (err instanceof BodyTooLargeError) {
        sendJson(res, 413, { error: `request body over ${MAX_BODY_BYTES} bytes` });
        return;
      }
      sendJson(res, 500, { error: 'simulator failure', detail: err instanceof Error ? err.message : String(err) });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}`,
    apiKey,
    apiSecret,
    timezone: zone.name,
    dataset,
    counters,
    resetCounters,
    setFaults: (f) => faults.set(f),
    queueFault: (kind, qopts) => faults.queue(kind, qopts),
    setClockSkew: (seconds) => {
      clockSkewSeconds = checkNumber('clockSkewSeconds', seconds, -Infinity);
    },
    addTask: (input = {}) => store.addTask(input, Date.now()),
    removeTask: (taskId) => store.removeTask(taskId),
    addFlow: (input) => store.addFlow(input, Date.now()),
    close: () =>
      new Promise<void>((resolve, reject) => {
        if (closed) return resolve();
        closed = true;
        for (const [t, release] of timers) {
          clearTimeout(t);
          release();
        }
        timers.clear();
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
