/**
 * The embedded Laaffic simulator: an HTTP server (node:http) that answers the list and detail
 * endpoints of both product lines like the real upstream (signature, timestamp window, -22 param
 * checks, filters, paging, the envelope variants) over the seeded data set, injects faults on
 * demand, can make its records move (live mode), and exposes `/__sim/*` control endpoints for
 * out-of-process users. Check order per request: fault → signature (-1) → timestamp (-16) →
 * params (-22) → query. Faults come first because they stand for an upstream that is broken
 * whatever the request says (so a bad sign may still get -18). Request checks use the real
 * clock; the `now` option shapes the data set and starts the simulator's own (live) clock.
 */
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseZone } from '../time';
import { isAuthentic, isFresh } from './auth';
import {
  ControlError,
  flowPatchField,
  intField,
  lineField,
  parseJsonObject,
  stepsField,
  taskInputField,
  taskPatchField,
} from './control';
import {
  DEFAULT_AGENT_FLOW_COUNT,
  DEFAULT_AGENT_TASK_COUNT,
  DEFAULT_FLOW_COUNT,
  DEFAULT_SEED,
  DEFAULT_TASK_COUNT,
  generateDataset,
  type Dataset,
} from './data';
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
import { LiveEngine, type LiveOptions, type LiveState } from './live';
import { parseQuery, type ParsedQuery } from './params';
import {
  flowJson,
  LINES,
  taskJson,
  toWireDetail,
  toWireFlow,
  toWireTask,
  type FlowRecord,
  type Line,
  type TaskRecord,
  type WireFlowDetail,
} from './records';
import { buildRoutes, ENDPOINTS, type Endpoint, type Route } from './routes';
import { RecordError, Store, type FlowInput, type FlowPatch, type TaskInput, type TaskPatch } from './store';

export interface SimulatorOptions {
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  apiKey?: string;
  apiSecret?: string;
  /** Offset (`+08:00`) or IANA zone of the account; local date-times are in it. */
  timezone?: string;
  seed?: number;
  /**
   * The data set's "now" (epoch ms): the data ends just before it, and the simulator's clock
   * (live mode, the `/__sim/records/*` controls) starts there. Request checks use the real clock.
   */
  now?: number;
  /** Group-call campaign tasks (default 6,000) and recall flows (default 1,800). */
  taskCount?: number;
  flowCount?: number;
  /** AI Agent campaign tasks (default 1,500) and recall flows (default 500). */
  agentTaskCount?: number;
  agentFlowCount?: number;
  /**
   * The provider's product-line mapping. false (the default, "legacy"): both recall-flow list
   * paths and both detail paths serve the group-call line, and the group-call task list holds
   * the campaign tasks only: what the gateway was built against. true ("faithful"): the
   * un-prefixed `/voice/recallFlow/queryPage` and `/voice/recallFlow/queryDetail` serve the AI
   * Agent line, and the group-call task list also holds its flows' child tasks. The AI Agent
   * task list (`/voice/group/call/query`) is served either way.
   */
  productLines?: boolean;
  /** Live mode: the timer (`tickMs`), the simulated time per tick, the horizon of moving records. */
  live?: LiveOptions;
  envelope?: EnvelopeMode;
  timestampToleranceSeconds?: number;
  /** The simulator's clock runs this many seconds ahead when checking Timestamp. */
  clockSkewSeconds?: number;
  /** A wider strTime..endTime window is a -22. */
  maxWindowDays?: number;
  faults?: FaultConfig;
}

/** The two counters the simulator always had (the gateway's tests compare this object whole). */
export interface SimulatorCounters {
  groupCallTasks: number;
  recallFlows: number;
}

/** Every counter: calls per endpoint name (see routes.ts); `GET /__sim/counters` answers these. */
export type EndpointCounters = Record<Endpoint, number>;

export interface Simulator {
  /** `http://HOST:PORT`, no trailing slash. */
  url: string;
  apiKey: string;
  apiSecret: string;
  timezone: string;
  /** Whether the un-prefixed recall-flow paths serve the AI Agent line (see SimulatorOptions). */
  productLines: boolean;
  dataset: Dataset;
  /** Live: every request received to the two original endpoints, faulted or not. */
  counters: SimulatorCounters;
  /** Live: every request received per endpoint name, faulted or not. */
  endpointCounters: EndpointCounters;
  resetCounters(): void;
  setFaults(faults: FaultConfig): void;
  /** A one-shot fault consumed by the next matching request. */
  queueFault(kind: FaultKind, opts?: QueueFaultOptions): void;
  setClockSkew(seconds: number): void;
  /** Adds a task (line `groupCall` unless `input.line`), created at the real clock unless `createdMs`. */
  addTask(input?: TaskInput): TaskRecord;
  /** Removes a task from whichever line holds it. */
  removeTask(taskId: number): boolean;
  /** Adds a flow (in its parent's line unless `input.line`), created at the real clock unless `createdMs`. */
  addFlow(input: FlowInput): FlowRecord;
  /** Changes a task at once (throws a RecordError for an unknown task); answers the new record. */
  updateTask(line: Line, taskId: number, patch: TaskPatch): TaskRecord;
  /** Changes a flow at once (its nodes follow; see README); answers the new record. */
  updateFlow(line: Line, keyId: number, patch: FlowPatch): FlowRecord;
  /** The `data` the line's detail endpoint answers for `keyId`, or undefined. */
  flowDetail(line: Line, keyId: number): WireFlowDetail | undefined;
  /** Advances the live state `steps` ticks (default 1), timer or not. */
  tick(steps?: number): LiveState;
  /** The simulator's clock (epoch ms): the data set's now + ticks × stepMs. */
  clock(): number;
  liveState(): LiveState;
  /** Stops listening, the live timer, and destroys open (keep-alive) sockets and pending answers. */
  close(): Promise<void>;
}

export const DEFAULT_API_KEY = 'sim-demo-key';
export const DEFAULT_API_SECRET = 'sim-demo-secret';

const JSON_TYPE = 'application/json;charset=UTF-8';
const MAX_BODY_BYTES = 1 << 20;
// Cut mid-string so no JSON parser can accept it.
const MALFORMED_BODY = '{"code":0,"msg":"success","data":{"records":[{"taskId":5000001,"taskName":"春季促销';

const CONTROL_PATHS = [
  '/__sim/info',
  '/__sim/counters',
  '/__sim/counters/reset',
  '/__sim/faults',
  '/__sim/live',
  '/__sim/live/tick',
  '/__sim/records/task',
  '/__sim/records/flow',
  '/__sim/records/add-task',
  '/__sim/records/add-flow',
];

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

const zeroCounters = (): EndpointCounters => Object.fromEntries(ENDPOINTS.map((e) => [e, 0])) as EndpointCounters;

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
  const productLines = opts.productLines ?? true;
  const live = opts.live ?? {};
  if (live.tickMs !== undefined) checkNumber('live.tickMs', live.tickMs, 0, true);
  if (live.stepMs !== undefined) checkNumber('live.stepMs', live.stepMs, 1000, true);
  if (live.horizonHours !== undefined) checkNumber('live.horizonHours', live.horizonHours, 0);

  const dataset = generateDataset({
    seed,
    now: opts.now ?? Date.now(),
    zone,
    taskCount: opts.taskCount ?? DEFAULT_TASK_COUNT,
    flowCount: opts.flowCount ?? DEFAULT_FLOW_COUNT,
    agentTaskCount: opts.agentTaskCount ?? DEFAULT_AGENT_TASK_COUNT,
    agentFlowCount: opts.agentFlowCount ?? DEFAULT_AGENT_FLOW_COUNT,
    listGroupCallChildren: productLines,
  });
  const store = new Store(dataset);
  const engine = new LiveEngine(store, seed, live);
  const routes = buildRoutes(productLines);
  const faults = new FaultInjector(seed, opts.faults ?? {});
  const nextStyle = envelopePicker(mode);
  const counters: SimulatorCounters = { groupCallTasks: 0, recallFlows: 0 };
  const endpointCounters = zeroCounters();
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
    for (const e of ENDPOINTS) endpointCounters[e] = 0;
  };

  const count = (route: Route) => {
    for (const tag of route.tags) {
      endpointCounters[tag]++;
      if (tag === 'groupCallTasks' || tag === 'recallFlows') counters[tag]++;
    }
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

  async function handleApi(req: IncomingMessage, res: ServerResponse, route: Route): Promise<void> {
    count(route);
    const raw = await readBody(req);
    const requested = headerFault(req);
    if (requested === 'invalid') {
      return sendJson(res, 400, { error: `x-sim-fault must be one of: ${FAULT_KINDS.join(', ')}` });
    }
    const plan = faults.plan(route.tags, requested);
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
    const query = parseQuery(route.kind, raw, rules);
    if (!query.ok) return answer(res, -22, null, `parameter error: ${query.reason}`);

    const corrupt = plan.kind === 'invalid-record';
    if (query.kind === 'detail') {
      const detail = store.lines[route.line].detail(query.keyId);
      if (!detail) return answer(res, -22, null, `parameter error: keyId ${query.keyId} is not a recall flow`);
      // `invalid-record` mistypes the flow's keyId.
      const dataJson = JSON.stringify(corrupt ? { ...detail, keyId: 'abc' } : detail);
      return send(res, 200, JSON_TYPE, envelopeJson(nextStyle(), 0, MESSAGES[0]!, dataJson));
    }
    send(res, 200, JSON_TYPE, envelopeJson(nextStyle(), 0, MESSAGES[0]!, pageJson(route.line, query, corrupt)));
  }

  /** The `data` JSON for a valid list query; `corrupt` mistypes the id of the first record. */
  function pageJson(line: Line, query: Extract<ParsedQuery, { ok: true; paging: unknown }>, corrupt: boolean): string {
    const { current, size } = query.paging;
    const offset = (current - 1) * size;
    let total: number;
    let parts: string[];
    let first: object | undefined;
    const lineStore = store.lines[line];
    if (query.kind === 'flows') {
      const sel = lineStore.selectFlows(query.filter);
      const rows = sel.page(offset, size);
      [total, parts, first] = [sel.total, rows.map(flowJson), rows[0] && toWireFlow(rows[0])];
    } else {
      const sel = lineStore.selectTasks(query.filter);
      const rows = sel.page(offset, size);
      [total, parts, first] = [sel.total, rows.map(taskJson), rows[0] && toWireTask(rows[0])];
    }
    if (corrupt) {
      // Copy rather than touch the cached record; an empty page gets a bogus record instead.
      parts[0] = JSON.stringify({ ...first, [query.kind === 'flows' ? 'keyId' : 'taskId']: 'abc' });
    }
    return (
      `{"records":[${parts.join(',')}],"total":${total},"size":${size},"current":${current},` +
      `"pages":${Math.ceil(total / size)},"searchCount":true}`
    );
  }

  const lineSummary = (line: Line) => {
    const d = dataset.lines[line];
    return {
      taskCount: d.tasks.length,
      flowCount: d.flows.length,
      childTaskCount: d.childTasks.length,
      childTasksListed: d.childrenListed,
      busyHour: d.busyHour,
      paths: [...routes.values()].filter((r) => r.line === line).map((r) => ({ path: r.path, kind: r.kind })),
    };
  };

  const info = () => ({
    apiKey,
    timezone: zone.name,
    productLines,
    taskCount: dataset.tasks.length,
    flowCount: dataset.flows.length,
    busyHour: dataset.busyHour,
    agentTaskCount: dataset.lines.aiAgent.tasks.length,
    agentFlowCount: dataset.lines.aiAgent.flows.length,
    agentBusyHour: dataset.agentBusyHour,
    quietDays: dataset.quietDays,
    now: dataset.now,
    lines: Object.fromEntries(LINES.map((l) => [l, lineSummary(l)])),
    live: engine.state(),
  });

  const updateTask = (line: Line, taskId: number, patch: TaskPatch) => {
    const task = store.patchTask(line, taskId, patch);
    engine.watchTask(task);
    return task;
  };
  const updateFlow = (line: Line, keyId: number, patch: FlowPatch) => {
    const flow = store.patchFlow(line, keyId, patch, engine.now());
    engine.watchFlow(flow);
    return flow;
  };
  const addTask = (input: TaskInput, now: number) => {
    const task = store.addTask(input, now);
    engine.watchTask(task);
    return task;
  };
  const addFlow = (input: FlowInput, now: number) => {
    const flow = store.addFlow(input, now);
    engine.watchFlow(flow);
    return flow;
  };
  const flowAnswer = (flow: FlowRecord) => ({ line: flow.line, flow: toWireFlow(flow), detail: toWireDetail(flow) });

  async function handleControl(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const route = `${req.method ?? 'GET'} ${path}`;
    switch (route) {
      case 'GET /__sim/counters':
        return sendJson(res, 200, endpointCounters);
      case 'POST /__sim/counters/reset':
        await readBody(req);
        resetCounters();
        return sendJson(res, 200, endpointCounters);
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
        return sendJson(res, 200, info());
      case 'GET /__sim/live':
        return sendJson(res, 200, engine.state());
    }
    const mutations: Record<string, (body: Record<string, unknown>) => unknown> = {
      'POST /__sim/live/tick': (body) => engine.tick(stepsField(body)),
      'POST /__sim/records/task': (body) => {
        const line = lineField(body);
        const task = updateTask(line, intField(body, 'taskId'), taskPatchField(body));
        return { line, task: toWireTask(task) };
      },
      'POST /__sim/records/flow': (body) => flowAnswer(updateFlow(lineField(body), intField(body, 'keyId'), flowPatchField(body, 'patch'))),
      'POST /__sim/records/add-task': (body) => {
        const line = lineField(body);
        const task = addTask({ ...taskInputField(body), line }, engine.now());
        return { line, task: toWireTask(task) };
      },
      'POST /__sim/records/add-flow': (body) => {
        const line = lineField(body);
        const taskId = intField(body, 'taskId');
        return flowAnswer(addFlow({ ...flowPatchField(body, 'flow'), taskId, line }, engine.now()));
      },
    };
    const mutate = mutations[route];
    if (mutate) {
      try {
        return sendJson(res, 200, mutate(parseJsonObject(await readBody(req))));
      } catch (err) {
        if (err instanceof ControlError || err instanceof RecordError) {
          return sendJson(res, err instanceof RecordError && err.notFound ? 404 : 400, { error: err.message });
        }
        throw err;
      }
    }
    const known = CONTROL_PATHS.includes(path);
    return sendJson(res, known ? 405 : 404, { error: known ? 'method not allowed' : 'not found', path });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    if (path.startsWith('/__sim/')) return handleControl(req, res, path);
    const route = routes.get(path);
    if (!route) return sendJson(res, 404, { error: 'not found', path });
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return sendJson(res, 405, { error: 'method not allowed', path });
    }
    return handleApi(req, res, route);
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
  engine.start();

  return {
    url: `http://${urlHost}:${port}`,
    apiKey,
    apiSecret,
    timezone: zone.name,
    productLines,
    dataset,
    counters,
    endpointCounters,
    resetCounters,
    setFaults: (f) => faults.set(f),
    queueFault: (kind, qopts) => faults.queue(kind, qopts),
    setClockSkew: (seconds) => {
      clockSkewSeconds = checkNumber('clockSkewSeconds', seconds, -Infinity);
    },
    addTask: (input = {}) => addTask(input, Date.now()),
    removeTask: (taskId) => store.removeTask(taskId),
    addFlow: (input) => addFlow(input, Date.now()),
    updateTask,
    updateFlow,
    flowDetail: (line, keyId) => store.lines[line].detail(keyId),
    tick: (steps = 1) => {
      checkNumber('steps', steps, 0, true);
      return engine.tick(steps);
    },
    clock: () => engine.now(),
    liveState: () => engine.state(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        if (closed) return resolve();
        closed = true;
        engine.stop();
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
