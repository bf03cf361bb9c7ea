/**
 * The fast lane (src/server/fast-lane.ts) against yoga itself: two gateways on one simulator, one with
 * GATEWAY_FAST_LANE=false. Every request is sent twice to each (the first teaches the lane the
 * text); the second answers must be the same bytes, status and content type, whichever path
 * answered, for data, partial errors, variable errors, upstream errors and every Accept form.
 * Then the same for logs and metrics, and the cases the lane must leave to yoga. The rules the
 * lane mirrors of yoga are pinned one by one in yoga-mirror.test.ts.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator';
import { getUrl, postGraphQL, type HeaderValues } from '../helpers/http';
import { parseLines, startStack, type Stack } from '../helpers/stack';

const TOKEN = 'fast-lane-test-token-0123456789';

let sim: Simulator;
let fast: Stack;
let slow: Stack;
let authed: Stack;

/** A gateway on the shared simulator: few, short retries, one product line. */
const gatewayWith = (env: Record<string, string>) =>
  startStack({ simulator: sim, env: { UPSTREAM_RETRY_BASE_MS: '1', UPSTREAM_RETRIES: '1', ...env } });

interface Answer {
  status: number;
  contentType: string | null;
  requestId: string | null;
  text: string;
}

/** A JSON POST with no Accept unless given (a header set to undefined is left out). */
async function post(side: Stack, body: object | string, headers: HeaderValues = {}): Promise<Answer> {
  const res = await side.post(body, { accept: undefined, ...headers });
  return { status: res.status, contentType: res.headers.get('content-type'), requestId: res.headers.get('x-request-id'), text: res.text };
}

const DAY = 86_400_000;
// A fixed window: both gateways must see the same list whatever second they run in.
const NOW = Math.floor(Date.now() / 1000) * 1000 - 60_000;
const FROM = new Date(NOW - 30 * DAY).toISOString();
const TO = new Date(NOW).toISOString();

const TASKS = `query Tasks($from: DateTime, $to: DateTime, $first: Int) {
  groupCallTasks(first: $first, filter: { createdFrom: $from, createdTo: $to }) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id taskId name status type rate callProgress numberCount calledCount successCount failCount createdAt scriptId } }
  }
}`;
const JOIN = `query Join($from: DateTime!, $to: DateTime!) {
  recallFlows(first: 30, filter: { createdFrom: $from, createdTo: $to }) {
    edges { node { id keyId taskId createdAt parentTask { id taskId name status createdAt } } }
  }
}`;
const NODE = `query Node($id: ID!) { node(id: $id) { id ... on GroupCallTask { taskId name createdAt } } }`;

beforeAll(async () => {
  sim = await startSimulator();
  [fast, slow, authed] = await Promise.all([
    gatewayWith({}),
    gatewayWith({ GATEWAY_FAST_LANE: 'false' }),
    gatewayWith({ GATEWAY_TOKENS: TOKEN }),
  ]);
});

afterAll(async () => {
  await Promise.all([fast, slow, authed].map((s) => s?.close()));
  await sim?.close();
});

/** Sends the request twice to both gateways; returns the second answers. */
async function both(body: object | string, headers: HeaderValues = {}, beforeEach?: () => void) {
  const out: Answer[] = [];
  for (const side of [fast, slow]) {
    beforeEach?.();
    await post(side, body, headers);
    beforeEach?.();
    out.push(await post(side, body, headers));
  }
  return { fast: out[0]!, slow: out[1]! };
}

function expectSame(a: { fast: Answer; slow: Answer }) {
  expect(a.fast.status).toBe(a.slow.status);
  expect(a.fast.contentType).toBe(a.slow.contentType);
  expect(a.fast.text).toBe(a.slow.text);
  expect(a.fast.requestId).toMatch(/^[\w.:-]+$/);
}

describe('fast lane vs yoga: same answers', () => {
  it('a page of tasks with every field, under every Accept yoga answers with JSON', async () => {
    const answered = fast.gateway.fastLane!.stats.answered;
    const body = { query: TASKS, variables: { from: FROM, to: TO, first: 20 } };
    for (const accept of [
      undefined,
      '*/*',
      'application/json',
      'application/graphql-response+json',
      'application/graphql-response+json, application/json',
      'application/json, application/graphql-response+json',
      'application/graphql-response+json; charset=utf-8',
      'text/html, */*;q=0.8',
    ]) {
      const a = await both(body, { accept });
      expectSame(a);
      expect(a.fast.status).toBe(200);
      expect(JSON.parse(a.fast.text).data.groupCallTasks.edges).toHaveLength(20);
    }
    // The first request of the text went through yoga; every later one through the lane.
    expect(fast.gateway.fastLane!.stats.answered - answered).toBe(15);
  });

  it('the busy join with parents, node lookups, anonymous and named operations', async () => {
    expectSame(await both({ query: JOIN, variables: { from: FROM, to: TO } }));
    const ids = JSON.parse((await post(slow, { query: TASKS, variables: { from: FROM, to: TO, first: 3 } })).text).data.groupCallTasks.edges.map(
      (e: { node: { id: string } }) => e.node.id,
    );
    for (const id of ids) expectSame(await both({ query: NODE, variables: { id } }));
    expectSame(await both({ query: '{ groupCallTasks(first: 2) { totalCount } }' }));
    expectSame(await both({ query: `${NODE} query Other { groupCallTasks(first: 1) { totalCount } }`, operationName: 'Node', variables: { id: ids[0] } }));
  });

  it('partial errors, input errors, variable coercion errors', async () => {
    const cases: object[] = [
      { query: NODE, variables: { id: 'not-an-id' } },
      { query: NODE, variables: {} },
      { query: NODE, variables: { id: 42.5 } },
      { query: TASKS, variables: { from: FROM, to: TO, first: 2 ** 40 } },
      { query: TASKS, variables: { from: FROM, to: TO, first: 1000 } },
      { query: TASKS, variables: { from: 'yesterday', to: TO, first: 2 } },
      { query: '{ groupCallTasks(first: 2, after: "garbage") { totalCount } }' },
      { query: '{ a: node(id: "x") { id } b: groupCallTasks(first: 1) { totalCount } }' },
    ];
    for (const body of cases) {
      for (const accept of ['application/graphql-response+json', 'application/json']) {
        const a = await both(body, { accept });
        expectSame(a);
        expect(JSON.parse(a.fast.text).errors.length).toBeGreaterThan(0);
      }
    }
  });

  it('hostile aliases and bad variables: the same bytes first (yoga), repeated (the lane) and without the lane', async () => {
    // Each text is new to both gateways here, so the first call is yoga's and the repeats are
    // answered by the lane whenever it takes them; all four answers must be the same bytes.
    const window = { from: FROM, to: TO };
    const FILTERED = 'query Filtered($f: GroupCallTaskFilter) { groupCallTasks(first: 2, filter: $f) { totalCount } }';
    const cases: Array<[string, object | string]> = [
      ['__proto__ alias', { query: '{ __proto__: __typename }' }],
      ['Object.prototype aliases', { query: '{ constructor: __typename toString: __typename hasOwnProperty: __typename valueOf: __typename isPrototypeOf: __typename }' }],
      [
        'nested hostile aliases on upstream data',
        {
          query: `query Hostile($from: DateTime, $to: DateTime) { __proto__: groupCallTasks(first: 2, filter: { createdFrom: $from, createdTo: $to }) { constructor: totalCount __proto__: edges { toString: node { valueOf: taskId __proto__: name } } } }`,
          variables: window,
        },
      ],
      ['a fragment named constructor', { query: 'query F { ...constructor } fragment constructor on Query { a: __typename }' }],
      ['a variable named __proto__', '{"query":"query V($__proto__: Int) { groupCallTasks(first: $__proto__) { totalCount } }","variables":{"__proto__":2}}'],
      ['an enum value that does not exist', { query: FILTERED, variables: { f: { statuses: ['NOPE'] } } }],
      ['an enum value one letter off (a suggestion in development)', { query: FILTERED, variables: { f: { statuses: ['FINISHE'] } } }],
      ['a DateTime that is not one', { query: FILTERED, variables: { f: { createdFrom: 'yesterday' } } }],
      ['an unknown input field', { query: FILTERED, variables: { f: { nope: 1 } } }],
      ['an input field named __proto__', '{"query":"' + FILTERED + '","variables":{"f":{"__proto__":{"statuses":["NOPE"]}}}}'],
      ['an input field named constructor', { query: FILTERED, variables: { f: { constructor: 1 } } }],
      ['an Int that is a string, and one too large', { query: TASKS, variables: { from: FROM, to: TO, first: 'ten' } }],
      ['a missing non-null variable', { query: NODE, variables: { ids: ['x'] } }],
      ['several bad variables at once', { query: `query Many($a: Int, $b: Boolean!, $c: GroupCallTaskFilter) { groupCallTasks(first: $a, filter: $c) @include(if: $b) { totalCount } }`, variables: { a: 1.5, c: { appId: 'x', statuses: 'FINISHED' } } }],
    ];
    const answered = fast.gateway.fastLane!.stats.answered;
    for (const [label, body] of cases) {
      for (const accept of ['application/graphql-response+json', 'application/json']) {
        const answers: Answer[] = [];
        for (const side of [fast, slow]) for (let i = 0; i < 3; i++) answers.push(await post(side, body, { accept }));
        const [first, ...rest] = answers;
        for (const a of rest) {
          expect({ status: a.status, type: a.contentType, text: a.text }, `${label} (${accept})`).toEqual({ status: first!.status, type: first!.contentType, text: first!.text });
        }
        const parsed = JSON.parse(first!.text) as { data?: Record<string, unknown>; errors?: Array<{ message: string; extensions: { code: string } }> };
        if (label.includes('alias') || label.includes('fragment')) {
          expect(parsed.errors, label).toBeUndefined();
          expect(first!.text, label).toMatch(/"(__proto__|constructor|a)":/);
        } else if (!label.includes('__proto__')) {
          expect(parsed.errors?.[0]?.extensions.code, `${label}: ${first!.text}`).toBe('BAD_USER_INPUT');
          // graphql-js's messages name the variable the client sent, never a field inside it.
          expect(parsed.errors![0]!.message, label).toMatch(/^Variable "\$(f|from|to|first|id|a|b|c)"/);
          expect(first!.status, label).toBe(accept === 'application/json' ? 200 : 400);
        }
      }
    }
    // The lane answered (at least) the repeats of the nine jit-safe texts (bad variables); the
    // documents with a name of Object.prototype's always went to yoga (graphql-js).
    expect(fast.gateway.fastLane!.stats.answered - answered).toBeGreaterThanOrEqual(9 * 5);
    // The alias a client chose is kept (graphql-jit used to drop it silently), and yoga answers it every time.
    const before = fast.gateway.fastLane!.stats.answered;
    expect(JSON.parse((await post(fast, { query: '{ __proto__: __typename }' })).text)).toEqual(JSON.parse('{"data":{"__proto__":"Query"}}'));
    expect(fast.gateway.fastLane!.stats.answered).toBe(before);
    const suggestion = JSON.parse((await post(fast, { query: FILTERED, variables: { f: { statuses: ['FINISHE'] } } })).text);
    expect(suggestion.errors[0].message).toContain('Did you mean the enum value "FINISHED"?');
  });

  it('upstream errors (a business code, an HTTP 500, a malformed body)', async () => {
    const body = { query: TASKS, variables: { from: FROM, to: TO, first: 5 } };
    // One one-shot fault per attempt the request makes: UPSTREAM_RETRIES=1 retries a 500 once.
    for (const [kind, code, attempts] of [['error-code', -1, 1], ['http-500', 500, 2], ['malformed-body', undefined, 1]] as const) {
      const a = await both(body, { accept: 'application/graphql-response+json' }, () => {
        for (let i = 0; i < attempts; i++) sim.queueFault(kind, code === undefined ? {} : { code });
      });
      expectSame(a);
      expect(JSON.parse(a.fast.text).errors[0].extensions.code).toMatch(/^UPSTREAM_/);
    }
  });

  it('writes the same log line and the same metric series', async () => {
    const body = { query: TASKS, variables: { from: FROM, to: TO, first: 4 } };
    const sides = [fast, slow];
    const lines = [];
    for (const side of sides) {
      await post(side, body);
      side.logs.length = 0;
      await post(side, body, { 'x-request-id': 'same-id-1' });
      await new Promise((r) => setTimeout(r, 20));
      const line = parseLines(side.logs).find((l) => l.msg === 'graphql request');
      expect(line).toBeDefined();
      lines.push(line!);
    }
    const strip = ({ durationMs, time, pid, hostname, ...rest }: Record<string, unknown>) => rest;
    expect(strip(lines[0]!)).toEqual(strip(lines[1]!));
    expect(lines[0]).toMatchObject({ requestId: 'same-id-1', operationName: 'Tasks', upstreamCalls: 1, status: 200, outcome: 'ok' });

    const series = async (side: Stack) => {
      const { text } = await getUrl(`${side.gateway.url}/metrics`);
      // Counts only: durations differ from run to run, the number of observations must not.
      return text
        .split('\n')
        .filter((l) => /^graphql_(envelop_request|envelop_request_duration_count|envelop_error_result|yoga_http_duration_count)\{/.test(l))
        .filter((l) => l.includes('operationName="MetricsProbe"'))
        .sort();
    };
    const probe = { query: 'query MetricsProbe($id: ID!) { node(id: $id) { id } }', variables: { id: 'bad' } };
    for (const side of sides) for (let i = 0; i < 3; i++) await post(side, probe);
    const [f, s] = [await series(fast), await series(slow)];
    expect(f.length).toBeGreaterThanOrEqual(4);
    expect(f).toEqual(s);
    expect(f.join('\n')).toContain('graphql_envelop_request{operationName="MetricsProbe",operationType="query"} 3');
  });
});

describe('what the lane leaves to yoga', () => {
  it('a wrong or missing token on a known text: 401 from yoga, no upstream call', async () => {
    const body = { query: TASKS, variables: { from: FROM, to: TO, first: 3 } };
    const ok = await post(authed, body, { authorization: `Bearer ${TOKEN}` });
    expect(ok.status).toBe(200);
    const answered = authed.gateway.fastLane!.stats.answered;
    expect((await post(authed, body, { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    expect(authed.gateway.fastLane!.stats.answered).toBe(answered + 1);
    sim.resetCounters();
    const wrong = await post(authed, body, { authorization: 'Bearer wrong-token-wrong-token' });
    const missing = await post(authed, body);
    expect([wrong.status, missing.status]).toEqual([401, 401]);
    expect(JSON.parse(wrong.text).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(sim.counters.groupCallTasks).toBe(0);
    expect(authed.gateway.fastLane!.stats.answered).toBe(answered + 1);
  });

  it('an over-cost variant of a known text: QUERY_TOO_COSTLY, zero upstream calls', async () => {
    const query = `query Nested($n: Int) { groupCallTasks(first: $n) { edges { node { recallFlows(first: $n) { totalCount } } } } }`;
    expect((await post(fast, { query, variables: { n: 2 } })).status).toBe(200);
    sim.resetCounters();
    const a = await both({ query, variables: { n: 100 } });
    expectSame(a);
    expect(JSON.parse(a.fast.text).errors[0].extensions.code).toBe('QUERY_TOO_COSTLY');
    expect(sim.counters.groupCallTasks + sim.counters.recallFlows).toBe(0);
  });

  it('invalid documents never become prepared: every request gets the validation error from yoga', async () => {
    const answered = fast.gateway.fastLane!.stats.answered;
    const a = await both({ query: '{ groupCallTasks(first: 1) { nope } }' }, { accept: 'application/graphql-response+json' });
    expectSame(a);
    expect(a.fast.status).toBe(400);
    expect(fast.gateway.fastLane!.stats.answered).toBe(answered);
  });

  it('bodies that are not plain JSON, CORS requests, text/event-stream: yoga answers them as before', async () => {
    expectSame(await both('{"query": "{ groupCallTasks(first: 1) { totalCount } }"'));
    expectSame(await both('[{"query": "{ groupCallTasks(first: 1) { totalCount } }"}]'));
    expectSame(await both({ query: '{ groupCallTasks(first: 1) { totalCount } }', extensions: { persistedQuery: { version: 1, sha256Hash: 'abc' } } }));
    const cors = await both({ query: '{ groupCallTasks(first: 1) { totalCount } }' }, { origin: 'http://app.example' });
    expectSame(cors);
    const sse = await both({ query: '{ groupCallTasks(first: 1) { totalCount } }' }, { accept: 'text/event-stream' });
    expect(sse.fast.status).toBe(sse.slow.status);
    expect(sse.fast.contentType).toBe(sse.slow.contentType);
  });

  it('the body limit still applies (413 before the lane reads anything), logged like any request', async () => {
    const big = { query: TASKS, variables: { from: FROM, to: TO, first: 2, pad: 'x'.repeat(200_000) } };
    fast.logs.length = 0;
    const a = await post(fast, big, { 'x-request-id': 'too-big-1' });
    expect(a.status).toBe(413);
    expect(a.requestId).toBe('too-big-1');
    const line = parseLines(fast.logs).find((l) => l.msg === 'graphql request');
    expect(line).toMatchObject({ requestId: 'too-big-1', status: 413, outcome: 'PAYLOAD_TOO_LARGE', upstreamCalls: 0 });
  });
});

describe('edge cases found in review: the lane answers as yoga or leaves it to yoga', () => {
  const HEAVY = `query Heavy($n: Int) { groupCallTasks(first: $n) { edges { node { taskId recallFlows(first: $n) { totalCount } } } } }`;

  it('an empty operationName is never a prepared name, and never lowers the cost of the unnamed request', async () => {
    for (const side of [fast, slow]) await post(side, { query: HEAVY, variables: { n: 2 } });
    const empty = await both({ query: HEAVY, operationName: '', variables: { n: 100 } }, { accept: 'application/graphql-response+json' });
    expectSame(empty);
    expect(JSON.parse(empty.fast.text).data ?? null).toBeNull();
    const after = await both({ query: HEAVY, variables: { n: 100 } });
    expectSame(after);
    expect(JSON.parse(after.fast.text).errors[0].extensions.code).toBe('QUERY_TOO_COSTLY');
    const anonymous = HEAVY.replace('query Heavy', 'query');
    expectSame(await both({ query: anonymous, operationName: '', variables: { n: 3 } }, { accept: 'application/graphql-response+json' }));
  });

  it('a name and a text cannot spell another prepared pair', async () => {
    const learnt = { query: `query\nA($n: Int) ${HEAVY.slice(HEAVY.indexOf('{'))}`, operationName: 'A', variables: { n: 2 } };
    for (const side of [fast, slow]) await post(side, learnt);
    const forged = await both({ query: `A($n: Int) ${HEAVY.slice(HEAVY.indexOf('{'))}`, operationName: 'A\nquery', variables: { n: 100 } });
    expectSame(forged);
    expect(JSON.parse(forged.fast.text).errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('content types yoga does not take as JSON are not the lane\'s either', async () => {
    const body = { query: TASKS, variables: { from: FROM, to: TO, first: 2 } };
    for (const side of [fast, slow]) await post(side, body);
    for (const contentType of ['Application/JSON', 'APPLICATION/JSON; CHARSET=UTF-8', 'application/json ; charset=utf-8', 'application/json, text/plain']) {
      expectSame(await both(body, { 'content-type': contentType }));
    }
    expectSame(await both(body, { 'content-type': 'application/json;charset=UTF-8' }));
  });

  it('a document with two operations runs the one asked for, on both paths', async () => {
    const two = `${HEAVY} query Cheap($m: Int) { recallFlows(first: $m) { totalCount } }`;
    for (const side of [fast, slow]) await post(side, { query: two, operationName: 'Heavy', variables: { n: 2 } });
    const cheap = await both({ query: two, operationName: 'Cheap', variables: { m: 1, n: 100 } });
    expectSame(cheap);
    expect(Object.keys(JSON.parse(cheap.fast.text).data)).toEqual(['recallFlows']);
  });

  it('an operation literally named Anonymous is logged by its name on both paths', async () => {
    const body = { query: 'query Anonymous { groupCallTasks(first: 1) { totalCount } }' };
    const names = [];
    for (const side of [fast, slow]) {
      await post(side, body);
      side.logs.length = 0;
      await post(side, body);
      await new Promise((r) => setTimeout(r, 20));
      names.push(parseLines(side.logs).find((l) => l.msg === 'graphql request')?.operationName);
    }
    expect(names).toEqual(['Anonymous', 'Anonymous']);
  });

  it('variables that change the cost through @include or a default value are priced each time', async () => {
    const include = `query Inc($n: Int, $deep: Boolean!) { groupCallTasks(first: $n) { edges { node { taskId recallFlows(first: $n) @include(if: $deep) { totalCount } } } } }`;
    const withDefault = `query D($n: Int = 100) { groupCallTasks(first: $n) { edges { node { taskId recallFlows(first: $n) { totalCount } } } } }`;
    for (const side of [fast, slow]) {
      await post(side, { query: include, variables: { n: 100, deep: false } });
      await post(side, { query: withDefault, variables: { n: null } });
    }
    sim.resetCounters();
    for (const body of [{ query: include, variables: { n: 100, deep: true } }, { query: withDefault }, { query: withDefault, variables: {} }]) {
      const a = await both(body);
      expectSame(a);
      expect(JSON.parse(a.fast.text).errors[0].extensions.code).toBe('QUERY_TOO_COSTLY');
    }
    expect(sim.counters.groupCallTasks + sim.counters.recallFlows).toBe(0);
  });

  it('a malformed Host header or request target: 400 JSON, no stack trace, on every path', async () => {
    const raw = (side: Stack, host: string, path = '/graphql') =>
      new Promise<{ status: number; text: string }>((resolve, reject) => {
        const url = new URL(side.gateway.url);
        const req = request(
          { host: url.hostname, port: url.port, method: 'POST', path, headers: { host, 'content-type': 'application/json' }, setHost: false },
          (res) => {
            let text = '';
            res.on('data', (c) => (text += c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
          },
        );
        req.on('error', reject);
        req.end(JSON.stringify({ query: '{ groupCallTasks(first: 1) { totalCount } }' }));
      });
    for (const side of [fast, slow]) {
      for (const host of ['a b', 'x/metrics?', 'x:99999999', '[::1', 'x:99999', '1.2.3.999', '1.2.3.4.5', '[1::2::3]', '999999999999']) {
        const r = await raw(side, host);
        expect(r.status).toBe(400);
        expect(JSON.parse(r.text).errors[0].extensions.code).toBe('BAD_REQUEST');
        expect(r.text).not.toMatch(/at |node:internal|TypeError/);
      }
      for (const host of ['localhost:1234', '127.0.0.1', '[::1]:80', 'gateway.example.com']) expect((await raw(side, host)).status).toBe(200);
    }
  });
});

describe('a client that goes away', () => {
  it('cancels the request in the lane; the gateway keeps answering', async () => {
    const body = { query: TASKS, variables: { from: FROM, to: TO, first: 6 } };
    expect((await post(fast, body)).status).toBe(200);
    const answered = fast.gateway.fastLane!.stats.answered;
    sim.queueFault('latency', { latencyMs: 400 });
    const controller = new AbortController();
    const gone = postGraphQL(fast.url, body, { accept: undefined }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(gone).rejects.toThrow();
    expect(fast.gateway.fastLane!.stats.answered).toBe(answered + 1);
    await new Promise((r) => setTimeout(r, 450));
    const next = await post(fast, body);
    expect(next.status).toBe(200);
    expect(JSON.parse(next.text).data.groupCallTasks.edges).toHaveLength(6);
  });

  it('a request handed to yoga (a text seen for the first time): no error logged, no invented 500', async () => {
    const query = `${TASKS} # first sight ${Date.now()}`;
    const forwarded = fast.gateway.fastLane!.stats.forwarded;
    const logsBefore = fast.logs.length;
    sim.queueFault('latency', { latencyMs: 400 });
    const controller = new AbortController();
    const gone = postGraphQL(fast.url, { query, variables: { from: FROM, to: TO, first: 6 } }, { accept: undefined }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(gone).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 600));
    expect(fast.gateway.fastLane!.stats.forwarded).toBe(forwarded + 1);
    const lines = parseLines(fast.logs.slice(logsBefore));
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
    expect(lines.filter((l) => l.status === 500)).toEqual([]);
  });
});
