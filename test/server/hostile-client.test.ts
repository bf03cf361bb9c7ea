/**
 * The gateway against a careless or hostile client, over real HTTP on loopback, in development
 * and in production mode: every request is sent at least twice (the first is answered by yoga,
 * the repeats by the fast lane when it takes them) and must get the same bytes, status and content
 * type each time. What is checked (README, Error codes):
 * - no reflection: an error answer is a short message and a code, never the request's bytes;
 * - a client that hangs up is logged and counted as client_closed / CLIENT_CLOSED_REQUEST (499),
 *   never as an upstream timeout;
 * - input the gateway can judge (a window longer than LAAFFIC_MAX_WINDOW_DAYS, a search longer
 *   than 200 characters as a person counts them) is refused before any upstream call;
 * - every refusal has a body, a code from the README's table and the GraphQL-over-HTTP status;
 * - HTTP framing: two Host headers (400), a content coding the gateway does not decode (415);
 * - production says less: no "Did you mean …" anywhere.
 * Raw node:http / net requests where fetch cannot spell the request.
 */
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack';
import { parseLines, PROJECT_DIR } from '../helpers/stack';

interface Answer {
  status: number;
  contentType: string | null;
  headers: Headers;
  text: string;
  json: any;
}

/** Every code a client got in this suite: each must be in the README's table (last test). */
const seenCodes = new Set<string>();

function record(answer: Answer): Answer {
  for (const e of answer.json?.errors ?? []) if (typeof e?.extensions?.code === 'string') seenCodes.add(e.extensions.code);
  return answer;
}

async function send(
  stack: Stack,
  body: unknown,
  headers: Record<string, string | undefined> = {},
  init: { method?: string; path?: string } = {},
): Promise<Answer> {
  const sent: Record<string, string> = { 'content-type': 'application/json', accept: 'application/graphql-response+json' };
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) delete sent[k];
    else sent[k] = v;
  }
  const method = init.method ?? 'POST';
  const res = await fetch(`${stack.gateway.url}${init.path ?? '/graphql'}`, {
    method,
    headers: sent,
    // Bytes, not a string: fetch would add a text/plain Content-Type to a string body.
    body: method === 'GET' || method === 'HEAD' ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return record({ status: res.status, contentType: res.headers.get('content-type'), headers: res.headers, text, json });
}

/** Sends the same request three times (yoga first, then the lane when it takes it): one answer. */
async function thrice(stack: Stack, body: unknown, headers: Record<string, string | undefined> = {}, init: { method?: string; path?: string } = {}): Promise<Answer> {
  const first = await send(stack, body, headers, init);
  for (let i = 0; i < 2; i++) {
    const again = await send(stack, body, headers, init);
    expect({ status: again.status, type: again.contentType, text: again.text }, JSON.stringify(body).slice(0, 200)).toEqual({
      status: first.status,
      type: first.contentType,
      text: first.text,
    });
  }
  return first;
}

/** A refusal: a JSON body with one coded error (and nothing else), the request id, the status. */
function expectRefusal(answer: Answer, status: number, code: string, message?: RegExp): void {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.json, answer.text).toBeDefined();
  expect(answer.json.data ?? undefined).toBeUndefined();
  expect(answer.json.errors[0].extensions.code, answer.text).toBe(code);
  expect(answer.json.errors[0].message.length).toBeGreaterThan(5);
  if (message) expect(answer.json.errors[0].message).toMatch(message);
  expect(answer.headers.get('x-request-id')).toBeTruthy();
}

/** Writes `raw` on a fresh connection; everything the gateway sends until it closes. */
async function rawExchange(stack: Stack, raw: string | Buffer): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const { port } = new URL(stack.gateway.url);
  const socket = connect(Number(port), '127.0.0.1');
  let received = '';
  socket.setEncoding('utf8').on('data', (d: string) => (received += d));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.write(raw);
  await closed;
  const [head, ...rest] = received.split('\r\n\r\n');
  const [statusLine, ...lines] = head!.split('\r\n');
  const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
  let body = rest.join('\r\n\r\n');
  if (headers['transfer-encoding'] === 'chunked') body = body.split('\r\n')[1] ?? '';
  return { status: Number(statusLine!.split(' ')[1]), headers, body };
}

const rawPost = (head: string[], body: string | Buffer) =>
  Buffer.concat([Buffer.from(`POST /graphql HTTP/1.1\r\n${[...head, `content-length: ${Buffer.byteLength(body)}`, 'connection: close'].join('\r\n')}\r\n\r\n`), Buffer.from(body)]);

const DAY = 86_400_000;
const NOW = Math.floor(Date.now() / 1000) * 1000 - 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

let dev: Stack;
let prod: Stack;

beforeAll(async () => {
  [dev, prod] = await Promise.all([startStack({ env: { UPSTREAM_RETRIES: '1' } }), startStack({ env: { NODE_ENV: 'production', GATEWAY_ALLOW_ANONYMOUS: 'true' } })]);
});
afterAll(async () => {
  await Promise.all([dev?.close(), prod?.close()]);
});

const MODES = [
  ['development', () => dev],
  ['production', () => prod],
] as const;

describe.each(MODES)('%s mode', (mode, stackOf) => {
  const production = mode === 'production';
  let stack: Stack;
  beforeAll(() => {
    stack = stackOf();
  });

  describe('one request, one answer', () => {
    it('aliases named like Object.prototype are kept, on every path', async () => {
      const a = await thrice(stack, { query: '{ __proto__: __typename constructor: __typename toString: __typename hasOwnProperty: __typename }' });
      expect(a.status).toBe(200);
      expect(a.text).toBe('{"data":{"__proto__":"Query","constructor":"Query","toString":"Query","hasOwnProperty":"Query"}}');
    });

    it("bad variables get graphql-js's error, naming the variable the client sent, on every path", async () => {
      const query = `query ${mode}Vars($f: GroupCallTaskFilter) { groupCallTasks(first: 1, filter: $f) { totalCount } }`;
      for (const f of [{ statuses: ['NOPE'] }, { createdFrom: 'yesterday' }, { nope: 1 }, { constructor: 1 }]) {
        const a = await thrice(stack, { query, variables: { f } });
        expectRefusal(a, 400, 'BAD_USER_INPUT', /^Variable "\$f" got invalid value/);
      }
      const legacy = await thrice(stack, { query, variables: { f: { statuses: ['NOPE'] } } }, { accept: 'application/json' });
      expect(legacy.status).toBe(200);
      expect(legacy.json.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    });
  });

  describe('no reflection, no amplification', () => {
    it('a 99 KB body that is not JSON: 400 BAD_REQUEST under 1 KB, none of its bytes, whatever the client accepts', async () => {
      for (const accept of ['application/graphql-response+json', 'application/json', '*/*']) {
        for (const body of ['x'.repeat(99_000), `{"query":"${'x'.repeat(99_000)}`, `${'{'.repeat(30_000)}`]) {
          const a = await thrice(stack, body, { accept });
          expectRefusal(a, 400, 'BAD_REQUEST', /JSON/);
          expect(a.text.length).toBeLessThan(1_000);
          expect(a.text).not.toMatch(/x{16}|\{{16}/);
          expect(a.text).not.toMatch(/originalError|SyntaxError/);
        }
      }
    });

    it('what graphql-js would quote back (a name, a token, a value, an operation name) is cut short', async () => {
      const long = 'q'.repeat(90_000);
      const cases: Array<[unknown, string]> = [
        [{ query: `{ ${long} }` }, 'GRAPHQL_VALIDATION_FAILED'],
        [{ query: `{ __typename } ${long}` }, 'GRAPHQL_PARSE_FAILED'],
        [{ query: `{ __typename "${long}" }` }, 'GRAPHQL_PARSE_FAILED'],
        [{ query: 'query($n: Int) { groupCallTasks(first: $n) { totalCount } }', variables: { n: long } }, 'BAD_USER_INPUT'],
        [{ query: '{ __typename }', operationName: long }, 'OPERATION_RESOLUTION_FAILURE'],
        [{ query: `query ${long} { __typename } query B { __typename }` }, 'OPERATION_RESOLUTION_FAILURE'],
      ];
      for (const [body, code] of cases) {
        const a = await thrice(stack, body);
        expect(a.json.errors[0].extensions.code, a.text.slice(0, 300)).toBe(code);
        expect(a.text.length, a.text.slice(0, 300)).toBeLessThan(1_000);
        expect(a.text).not.toMatch(/q{100}/);
      }
      const header = await send(stack, { query: '{ __typename }' }, { 'content-type': `text/${'q'.repeat(6_000)}`, 'x-graphql-yoga-csrf': '1' });
      expectRefusal(header, 415, 'UNSUPPORTED_MEDIA_TYPE');
      expect(header.text.length).toBeLessThan(1_000);
    });
  });

  describe('every refusal has a body, a code and its status', () => {
    it('415 UNSUPPORTED_MEDIA_TYPE for a Content-Type no parser takes; the media type is case-insensitive', async () => {
      expectRefusal(await send(stack, { query: '{ __typename }' }, { 'content-type': 'text/html', 'x-graphql-yoga-csrf': '1' }), 415, 'UNSUPPORTED_MEDIA_TYPE', /text\/html.*application\/json/);
      expectRefusal(await send(stack, { query: '{ __typename }' }, { 'content-type': undefined, 'x-graphql-yoga-csrf': '1' }), 415, 'UNSUPPORTED_MEDIA_TYPE', /needs a Content-Type/);
      for (const type of ['APPLICATION/JSON', 'Application/Json; charset=UTF-8', 'application/json ; charset=utf-8']) {
        const a = await thrice(stack, { query: '{ __typename }' }, { 'content-type': type });
        expect(a.status, type).toBe(200);
        expect(a.json).toEqual({ data: { __typename: 'Query' } });
      }
    });

    it('406 NOT_ACCEPTABLE for an Accept the gateway cannot answer, before any upstream call', async () => {
      stack.resetCalls();
      for (const accept of ['text/html', 'application/xml', 'application/json; charset=latin1']) {
        const a = await thrice(stack, { query: '{ groupCallTasks(first: 1) { totalCount } }' }, { accept });
        expectRefusal(a, 406, 'NOT_ACCEPTABLE', /application\/graphql-response\+json/);
      }
      expect(stack.calls()).toEqual({ tasks: 0, flows: 0 });
      // GraphiQL's page is still a browser's GET for HTML (development only); in production such a
      // GET is refused: without the CSRF header (403), else for its Accept (406).
      const page = await send(stack, undefined, { accept: 'text/html', 'content-type': undefined }, { method: 'GET' });
      if (production) {
        expectRefusal(page, 403, 'CSRF_HEADER_REQUIRED');
        expectRefusal(await send(stack, undefined, { accept: 'text/html', 'content-type': undefined, 'x-graphql-yoga-csrf': '1' }, { method: 'GET' }), 406, 'NOT_ACCEPTABLE');
      } else expect(page.status).toBe(200);
    });

    it('403 CSRF_HEADER_REQUIRED for a request a browser sends without a preflight', async () => {
      const get = await send(stack, undefined, { 'content-type': undefined }, { method: 'GET', path: `/graphql?query=${encodeURIComponent('{ __typename }')}` });
      expectRefusal(get, 403, 'CSRF_HEADER_REQUIRED', /x-graphql-yoga-csrf/);
      const form = await send(stack, `query=${encodeURIComponent('{ __typename }')}`, { 'content-type': 'application/x-www-form-urlencoded' });
      expectRefusal(form, 403, 'CSRF_HEADER_REQUIRED');
      expectRefusal(await send(stack, '{ __typename }', { 'content-type': 'text/plain' }), 403, 'CSRF_HEADER_REQUIRED');
      const ok = await send(stack, undefined, { 'content-type': undefined, 'x-graphql-yoga-csrf': '1' }, { method: 'GET', path: `/graphql?query=${encodeURIComponent('{ __typename }')}` });
      expect(ok.json).toEqual({ data: { __typename: 'Query' } });
    });

    it('an operation type the schema does not define is a validation error: 400 (200 for a legacy application/json client)', async () => {
      // The schema has no Mutation type (its Subscription type is served as a stream: below).
      for (const query of ['mutation { x }', 'mutation M { x }', 'query Q { __typename } mutation M { x }']) {
        const body = query.startsWith('query') ? { query, operationName: 'Q' } : { query };
        const a = await thrice(stack, body);
        expectRefusal(a, 400, 'GRAPHQL_VALIDATION_FAILED', /This schema has no (Mutation|Subscription) type: the gateway does not serve (mutation|subscription) operations\./);
        const legacy = await thrice(stack, body, { accept: 'application/json' });
        expect(legacy.status).toBe(200);
        expect(legacy.json.errors[0].message).toBe(a.json.errors[0].message);
      }
    });

    it('a subscription asked for a non-streaming answer is 406 NOT_ACCEPTABLE with a body, and never starts', async () => {
      for (const accept of ['application/graphql-response+json', 'application/json', undefined]) {
        const a = await thrice(stack, { query: 'subscription { groupCallTaskChanges { kind } }' }, { accept });
        expectRefusal(a, 406, 'NOT_ACCEPTABLE', /text\/event-stream/);
      }
      expect(stack.gateway.live.stats().subscriptions).toBe(0);
    });

    it('request errors are 400 whatever the client accepts', async () => {
      for (const accept of ['application/graphql-response+json', 'application/json', undefined]) {
        expectRefusal(await thrice(stack, { query: null }, { accept }), 400, 'BAD_REQUEST', /Must provide query string/);
        expectRefusal(await thrice(stack, {}, { accept }), 400, 'BAD_REQUEST');
        expectRefusal(await thrice(stack, { query: 5 }, { accept }), 400, 'BAD_REQUEST', /"query" param to be a string/);
        expectRefusal(await thrice(stack, { qeury: '{ __typename }' }, { accept }), 400, 'BAD_REQUEST');
        expectRefusal(await thrice(stack, { query: '{ __typename }', variables: [1] }, { accept }), 400, 'BAD_REQUEST');
        expectRefusal(await thrice(stack, [{ query: '{ __typename }' }], { accept }), 400, 'BAD_REQUEST');
        expectRefusal(await thrice(stack, 'null', { accept }), 400, 'BAD_REQUEST');
      }
    });

    it('an operationName that is not a string says so; one that selects nothing says why', async () => {
      for (const [operationName, kind] of [[5, 'number'], [{}, 'object'], [['A'], 'array'], [true, 'boolean']] as const) {
        expectRefusal(await thrice(stack, { query: '{ __typename }', operationName }), 400, 'BAD_REQUEST', new RegExp(`"operationName" parameter must be a string; got ${kind}`));
      }
      expectRefusal(await thrice(stack, { query: '{ __typename }', operationName: 'Nope' }), 400, 'OPERATION_RESOLUTION_FAILURE', /no operation named "Nope"/);
      expectRefusal(await thrice(stack, { query: 'query A { __typename } query B { __typename }' }), 400, 'OPERATION_RESOLUTION_FAILURE', /2 operations: operationName must name/);
      expectRefusal(await thrice(stack, { query: '{ __typename }', operationName: '' }), 400, 'OPERATION_RESOLUTION_FAILURE', /empty operationName/);
      expectRefusal(await thrice(stack, { query: 'fragment F on Query { __typename }' }), 400, 'OPERATION_RESOLUTION_FAILURE', /only fragments/);
      const legacy = await thrice(stack, { query: '{ __typename }', operationName: 'Nope' }, { accept: 'application/json' });
      expect(legacy.status).toBe(400);
    });

    it('the operation limits name the limit, its value and its setting, with their own codes, before any upstream call', async () => {
      stack.resetCalls();
      let deep = 'taskId';
      for (let i = 0; i < 4; i++) deep = `recallFlows(first: 1) { edges { node { parentTask { ${deep} } } } }`;
      const cases: Array<[string, string, RegExp, Record<string, number>]> = [
        [`query Deep { groupCallTasks(first: 1) { edges { node { ${deep} } } } }`, 'QUERY_TOO_DEEP', /^Query depth 20 exceeds the limit of 12 \(MAX_DEPTH\)\.$/, { depth: 20, maxDepth: 12 }],
        [
          `{ ${Array.from({ length: 20 }, (_, i) => `a${i}: groupCallTasks(first: 1) { totalCount }`).join(' ')} }`,
          'TOO_MANY_ALIASES',
          /^The operation has 20 aliases, over the limit of 15 \(MAX_ALIASES\)\.$/,
          { aliases: 20, maxAliases: 15 },
        ],
        [`{ ${'__typename '.repeat(2_100)}}`, 'TOO_MANY_TOKENS', /^The document has more than 2000 tokens, the limit \(MAX_TOKENS\)\.$/, { maxTokens: 2_000 }],
        [
          `{ groupCallTasks(first: 1) { ${Array.from({ length: 25 }, (_, i) => `t${i % 10}: totalCount @include(if: true)`).join(' ')} } }`,
          'TOO_MANY_DIRECTIVES',
          /^The operation has 25 directives, over the limit of 20 \(MAX_DIRECTIVES\)\.$/,
          { directives: 25, maxDirectives: 20 },
        ],
        [
          '{ groupCallTasks(first: 100) { edges { node { recallFlows(first: 100) { totalCount } } } } }',
          'QUERY_TOO_COSTLY',
          /^Query cost \d+ exceeds the limit of 5000/,
          { maxCost: 5_000 },
        ],
      ];
      for (const [query, code, message, figures] of cases) {
        const a = await thrice(stack, { query });
        const error = a.json.errors.find((e: { extensions: { code: string } }) => e.extensions.code === code);
        expect(error, a.text.slice(0, 300)).toBeDefined();
        expect(a.status).toBe(400);
        expect(a.json.data ?? undefined).toBeUndefined();
        expect(error.message).toMatch(message);
        expect(error.extensions).toMatchObject(figures);
        const legacy = await send(stack, { query }, { accept: 'application/json' });
        expect(legacy.status, code).toBe(200);
      }
      expect(stack.calls()).toEqual({ tasks: 0, flows: 0 });
    });

    it('PUT is 405 with Allow and a body; the probes ignore query strings; unknown paths are 404 NOT_FOUND', async () => {
      const put = await send(stack, { query: '{ __typename }' }, {}, { method: 'PUT' });
      expectRefusal(put, 405, 'BAD_REQUEST');
      expect(put.headers.get('allow')).toMatch(/GET, POST/);
      for (const path of ['/health', '/health?x=1', '/health?', '/readiness?x=1', '/readiness?probe=k8s&x=%00']) {
        const res = await fetch(`${stack.gateway.url}${path}`);
        await res.arrayBuffer();
        expect(res.status, path).toBe(200);
      }
      expect((await fetch(`${stack.gateway.url}/metrics?x=1`)).status).toBe(200);
      for (const path of ['/x/health', '/graphql/health', '/health/', '/x/readiness']) expectRefusal(await send(stack, undefined, {}, { method: 'GET', path }), 404, 'NOT_FOUND');
      // A GraphQL request whose query string ends like a probe path is a GraphQL request.
      const graphql = await send(stack, { query: '{ __typename }' }, {}, { path: '/graphql?x=/health' });
      expect(graphql.json).toEqual({ data: { __typename: 'Query' } });
    });
  });

  describe('HTTP framing', () => {
    it('two Host headers: 400 BAD_REQUEST with a body, whatever their spelling', async () => {
      const body = JSON.stringify({ query: '{ __typename }' });
      for (const hosts of [['host: localhost', 'host: localhost'], ['Host: a.example', 'host: b.example'], ['HOST: localhost', 'host: localhost:1']]) {
        const res = await rawExchange(stack, rawPost([...hosts, 'content-type: application/json', 'x-request-id: two-hosts'], body));
        expect(res.status).toBe(400);
        expect(res.headers['x-request-id']).toBe('two-hosts');
        expect(JSON.parse(res.body)).toEqual({ errors: [{ message: expect.stringMatching(/more than one Host header/i), extensions: { code: 'BAD_REQUEST' } }] });
        seenCodes.add('BAD_REQUEST');
      }
      const one = await rawExchange(stack, rawPost(['host: localhost', 'content-type: application/json'], body));
      expect(one.status).toBe(200);
    });

    it('a Content-Encoding the gateway does not decode: 415 UNSUPPORTED_CONTENT_ENCODING with Accept-Encoding: identity', async () => {
      const json = JSON.stringify({ query: '{ __typename }' });
      for (const [coding, body] of [['gzip', gzipSync(json)], ['GZIP', gzipSync(json)], ['br', Buffer.from(json)], ['deflate, identity', Buffer.from(json)], ['x-custom', Buffer.from(json)]] as const) {
        const res = await rawExchange(stack, rawPost(['host: localhost', 'content-type: application/json', `content-encoding: ${coding}`, 'x-request-id: coded-1'], body));
        expect(res.status, coding).toBe(415);
        expect(res.headers['accept-encoding']).toBe('identity');
        expect(res.headers['x-request-id']).toBe('coded-1');
        const parsed = JSON.parse(res.body);
        expect(parsed.errors[0].extensions.code).toBe('UNSUPPORTED_CONTENT_ENCODING');
        expect(parsed.errors[0].message).toMatch(/Content-Encoding .* is not supported: send the body uncompressed/);
        seenCodes.add('UNSUPPORTED_CONTENT_ENCODING');
      }
      for (const coding of ['identity', 'Identity', '']) {
        const res = await rawExchange(stack, rawPost(['host: localhost', 'content-type: application/json', `content-encoding: ${coding}`], json));
        expect(res.status, coding).toBe(200);
      }
      const lines = parseLines(stack.logs).filter((l) => l.requestId === 'coded-1');
      expect(lines.map((l) => [l.status, l.outcome])).toEqual(Array(5).fill([415, 'UNSUPPORTED_CONTENT_ENCODING']));
    });
  });

  describe('suggestions', () => {
    const suggestions: Array<[string, unknown]> = [
      ['a field', { query: '{ groupCallTask(first: 1) { totalCount } }' }],
      ['an argument', { query: '{ groupCallTasks(frist: 1) { totalCount } }' }],
      ['a type', { query: 'query($f: GroupCallTaskFiltr) { groupCallTasks(first: 1, filter: $f) { totalCount } }' }],
      ['an enum literal', { query: '{ groupCallTasks(first: 1, filter: { statuses: [FINISHE] }) { totalCount } }' }],
      ['an input field', { query: '{ groupCallTasks(first: 1, filter: { status: [FINISHED] }) { totalCount } }' }],
      ['an enum value in a variable', { query: 'query($f: GroupCallTaskFilter) { groupCallTasks(first: 1, filter: $f) { totalCount } }', variables: { f: { statuses: ['FINISHE'] } } }],
    ];
    it.each(suggestions)(`${production ? 'none' : 'graphql-js\'s'} for %s, on every path`, async (_what, body) => {
      const a = await thrice(stack, body);
      expect(a.status).toBe(400);
      if (production) expect(a.text).not.toMatch(/Did you mean|Suggestion/);
      else expect(a.text).toMatch(/Did you mean/);
    });
  });
});

describe('a client that goes away is not an upstream timeout', () => {
  it('aborted requests on both paths: logged 499 client_closed, counted CLIENT_CLOSED_REQUEST, no UPSTREAM_TIMEOUT anywhere', async () => {
    const stack = dev;
    const join = (name: string) => `query ${name}($from: DateTime, $to: DateTime) { recallFlows(first: 30, filter: { createdFrom: $from, createdTo: $to }) { edges { node { keyId parentTask { taskId } } } } }`;
    const variables = { from: iso(NOW - 30 * DAY), to: iso(NOW) };
    // The lane knows Gone; each GoneNew text is new (yoga).
    expect((await send(stack, { query: join('Gone'), variables })).status).toBe(200);
    const metricsBefore = await (await fetch(`${stack.gateway.url}/metrics`)).text();
    expect(metricsBefore).not.toMatch(/code="UPSTREAM_TIMEOUT"/);
    const lane = stack.gateway.fastLane!.stats.answered;
    stack.sim.setFaults({ latencyMs: 800 });
    try {
      const N = 8;
      const aborted = Array.from({ length: N }, (_, i) => {
        const controller = new AbortController();
        const name = i % 2 === 0 ? 'Gone' : `GoneNew${i}`;
        const done = fetch(`${stack.gateway.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-request-id': `gone-${i}` },
          body: JSON.stringify({ query: join(name), variables }),
          signal: controller.signal,
        }).then(
          () => 'answered',
          () => 'aborted',
        );
        setTimeout(() => controller.abort(), 150);
        return done;
      });
      expect(await Promise.all(aborted)).toEqual(Array(N).fill('aborted'));
      expect(stack.gateway.fastLane!.stats.answered - lane).toBe(N / 2);
      // The cut-short executions end at once (their calls are cancelled), not at the upstream's latency.
      const deadline = Date.now() + 5_000;
      while (parseLines(stack.logs).filter((l) => String(l.requestId).startsWith('gone-')).length < N && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    } finally {
      stack.sim.setFaults({});
    }
    const lines = parseLines(stack.logs).filter((l) => String(l.requestId).startsWith('gone-'));
    expect(lines).toHaveLength(8);
    for (const l of lines) expect(l, JSON.stringify(l)).toMatchObject({ msg: 'graphql request', status: 499, outcome: 'client_closed' });
    const metrics = (await (await fetch(`${stack.gateway.url}/metrics`)).text()).split('\n');
    expect(metrics.filter((l) => /code="UPSTREAM_TIMEOUT"|outcome="UPSTREAM_TIMEOUT"/.test(l))).toEqual([]);
    const closed = metrics.filter((l) => l.startsWith('graphql_envelop_error_result{') && l.includes('code="CLIENT_CLOSED_REQUEST"') && /operationName="Gone/.test(l));
    expect(closed.length).toBeGreaterThan(0);
    const http499 = metrics.filter((l) => l.startsWith('graphql_yoga_http_duration_count{') && l.includes('statusCode="499"') && /operationName="Gone/.test(l));
    expect(http499.reduce((n, l) => n + Number(l.split(' ').pop()), 0)).toBe(8);
    // The gateway keeps answering.
    expect((await send(stack, { query: join('Gone'), variables })).json.data.recallFlows.edges.length).toBeGreaterThan(0);
    seenCodes.add('CLIENT_CLOSED_REQUEST');
  });
});

describe('input the gateway can judge', () => {
  const TASKS = 'query W($from: DateTime, $to: DateTime) { groupCallTasks(first: 1, filter: { createdFrom: $from, createdTo: $to }) { totalCount } }';
  const FLOWS = 'query F($from: DateTime, $to: DateTime) { recallFlows(first: 1, filter: { createdFrom: $from, createdTo: $to }) { totalCount } }';

  it('a window longer than LAAFFIC_MAX_WINDOW_DAYS (366 by default, the simulator\'s limit): BAD_USER_INPUT before any upstream call', async () => {
    dev.resetCalls();
    for (const query of [TASKS, FLOWS]) {
      for (const span of [367 * DAY, 3 * 366 * DAY]) {
        const a = await thrice(dev, { query, variables: { from: iso(NOW - span), to: iso(NOW) } });
        expect(a.status).toBe(200);
        expect(a.json.data).toBeNull();
        expect(a.json.errors).toEqual([
          {
            message: expect.stringMatching(/^The window from `filter\.createdFrom` to `filter\.createdTo` spans [\d.]+ days; the upstream serves at most 366 days \(LAAFFIC_MAX_WINDOW_DAYS\): narrow the window\.$/),
            path: [expect.any(String)],
            extensions: { code: 'BAD_USER_INPUT' },
          },
        ]);
      }
      // A createdFrom two years back and no createdTo (now): the same.
      expect((await thrice(dev, { query, variables: { from: iso(NOW - 730 * DAY) } })).json.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    }
    expect(dev.calls()).toEqual({ tasks: 0, flows: 0 });
    // Exactly the limit is served.
    const exact = await thrice(dev, { query: TASKS, variables: { from: iso(NOW - 366 * DAY), to: iso(NOW) } });
    expect(exact.json.errors).toBeUndefined();
    expect(exact.json.data.groupCallTasks.totalCount).toBeGreaterThan(0);
  });

  it('LAAFFIC_MAX_WINDOW_DAYS is configurable; a task\'s flows and the join keep within it (no -22 from an upstream that enforces it)', async () => {
    const narrow = await startStack({ sim: { maxWindowDays: 7 }, env: { LAAFFIC_MAX_WINDOW_DAYS: '7', DEFAULT_WINDOW_DAYS: '7' } });
    try {
      const refused = await thrice(narrow, { query: TASKS, variables: { from: iso(NOW - 8 * DAY), to: iso(NOW) } });
      expect(refused.json.errors[0].message).toMatch(/at most 7 days \(LAAFFIC_MAX_WINDOW_DAYS\)/);
      expect((await thrice(narrow, { query: TASKS, variables: { from: iso(NOW - 7 * DAY), to: iso(NOW) } })).json.errors).toBeUndefined();
      // Tasks created 100 days ago: their flows are searched from their creation, for at most 7 days.
      const old = await thrice(narrow, {
        query: `query Old($from: DateTime, $to: DateTime) { groupCallTasks(first: 5, filter: { createdFrom: $from, createdTo: $to }) { edges { node { taskId recallFlows(first: 5) { totalCount } } } } }`,
        variables: { from: iso(NOW - 100 * DAY), to: iso(NOW - 95 * DAY) },
      });
      expect(old.json.errors, old.text.slice(0, 500)).toBeUndefined();
      expect(old.json.data.groupCallTasks.edges.length).toBeGreaterThan(0);
      const joined = await thrice(narrow, {
        query: `query Parents($from: DateTime, $to: DateTime) { recallFlows(first: 50, filter: { createdFrom: $from, createdTo: $to }) { edges { node { keyId parentTask { taskId } } } } }`,
        variables: { from: iso(NOW - 7 * DAY), to: iso(NOW) },
      });
      expect(joined.json.errors, joined.text.slice(0, 500)).toBeUndefined();
    } finally {
      await narrow.close();
    }
  });

  it('a search counts characters as a person does: 101 emoji pass, 201 do not', async () => {
    const search = 'query S($s: String, $p: String) { groupCallTasks(first: 1, filter: { search: $s }) { totalCount } recallFlows(first: 1, filter: { parentTask: $p }) { totalCount } }';
    const fine = await thrice(dev, { query: search, variables: { s: '😀'.repeat(101), p: '👨‍👩‍👧'.repeat(150) } });
    expect(fine.json.errors).toBeUndefined();
    const long = await thrice(dev, { query: search, variables: { s: '😀'.repeat(201) } });
    expect(long.json.errors.map((e: { message: string }) => e.message)).toEqual(['`filter.search` must be at most 200 characters']);
    const accented = await thrice(dev, { query: search, variables: { p: 'e\u0301'.repeat(201) } });
    expect(accented.json.errors.map((e: { message: string }) => e.message)).toEqual(['`filter.parentTask` must be at most 200 characters']);
  });
});

describe("the README's error table", () => {
  it('lists every code a client got in this suite', () => {
    const readme = readFileSync(`${PROJECT_DIR}/README.md`, 'utf8');
    const section = readme.slice(readme.indexOf('## Error codes'), readme.indexOf('\n## ', readme.indexOf('## Error codes') + 1));
    const documented = new Set([...section.matchAll(/`([A-Z][A-Z_]+)`/g)].map((m) => m[1]));
    expect(seenCodes.size).toBeGreaterThan(15);
    expect([...seenCodes].filter((code) => !documented.has(code))).toEqual([]);
  });
});
