/**
 * Every HTTP-level error comes out of one builder (src/server/http-errors.ts): the same body, the
 * request id echoed in x-request-id (the client's when sane, else a fresh one), and exactly one
 * log line, through each of its three writers (node:http, fetch Response, raw socket); then over
 * real HTTP for the refusals a client can provoke: 400 bad target, 401, 404, 408, 413.
 */
import { createServer, request, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { Duplex } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answeredAsHttpError, answerHttpError, answerHttpErrorOnSocket, httpErrorBody, httpErrorResponse } from '../../src/server/http-errors';
import { getUrl } from '../helpers/http';
import { captureLog, parseLines, startStack, type Stack } from '../helpers/stack';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const TEAPOT = { status: 503, code: 'OVERLOADED', message: 'Busy.', headers: { 'retry-after': '1' } };

describe('the builder and its writers', () => {
  it('builds one GraphQL-shaped error body', () => {
    expect(JSON.parse(httpErrorBody('NOT_FOUND', 'Not found.'))).toEqual({ errors: [{ message: 'Not found.', extensions: { code: 'NOT_FOUND' } }] });
  });

  describe('on a node:http response', () => {
    let server: Server;
    let base: string;
    const { log, parsed: lines } = captureLog();
    let sendFirst = false;
    beforeAll(async () => {
      server = createServer((req, res) => {
        if (sendFirst) {
          res.writeHead(200);
          res.write('partial');
        }
        answerHttpError(res, TEAPOT, log);
        req.resume();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      await new Promise((resolve) => server.close(resolve));
    });

    it('answers with the body, the extra headers, a content length, the client id, and one log line', async () => {
      const res = await getUrl(base, { 'x-request-id': 'node-1' });
      const text = res.text;
      expect(res.status).toBe(503);
      expect(JSON.parse(text)).toEqual({ errors: [{ message: 'Busy.', extensions: { code: 'OVERLOADED' } }] });
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(text)));
      expect(res.headers.get('retry-after')).toBe('1');
      expect(res.headers.get('x-request-id')).toBe('node-1');
      expect(lines().filter((l) => l.requestId === 'node-1')).toEqual([
        expect.objectContaining({ msg: 'graphql request', operationName: null, upstreamCalls: 0, status: 503, outcome: 'OVERLOADED' }),
      ]);
    });

    it('replaces an unsafe id with a fresh one', async () => {
      const res = await getUrl(base, { 'x-request-id': 'has spaces' });
      expect(res.headers.get('x-request-id')).toMatch(UUID);
      expect(lines().some((l) => l.requestId === res.headers.get('x-request-id'))).toBe(true);
    });

    it('cuts the connection when an answer has already begun, and still logs', async () => {
      sendFirst = true;
      try {
        const outcome = await new Promise<string>((resolve) => {
          const req = request(base, { headers: { 'x-request-id': 'node-2' } }, (res) => {
            res.resume();
            res.on('end', () => resolve('ended'));
            res.on('error', () => resolve('cut'));
            res.on('aborted', () => resolve('cut'));
          });
          req.on('error', () => resolve('cut'));
          req.end();
        });
        expect(outcome).toBe('cut');
        expect(lines().filter((l) => l.requestId === 'node-2')).toHaveLength(1);
      } finally {
        sendFirst = false;
      }
    });
  });

  it('as a fetch Response (yoga plugins), remembering that the request is answered and logged', async () => {
    const { log, parsed: lines } = captureLog();
    const request = new Request('http://localhost/nope', { headers: { 'x-request-id': 'fetch-1' } });
    expect(answeredAsHttpError(request)).toBe(false);
    const res = httpErrorResponse(request, { status: 401, code: 'UNAUTHENTICATED', message: 'Missing bearer token.', headers: { 'www-authenticate': 'Bearer' } }, log);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ errors: [{ message: 'Missing bearer token.', extensions: { code: 'UNAUTHENTICATED' } }] });
    expect(res.headers.get('x-request-id')).toBe('fetch-1');
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(answeredAsHttpError(request)).toBe(true);
    expect(lines()).toEqual([expect.objectContaining({ requestId: 'fetch-1', status: 401, outcome: 'UNAUTHENTICATED' })]);
  });

  it('as raw HTTP/1.1 on a socket (Node gives no response object), closing the connection', () => {
    const { log, parsed: lines } = captureLog();
    let written = '';
    const socket = new Duplex({
      read() {},
      write(chunk, _enc, done) {
        written += String(chunk);
        done();
      },
    });
    answerHttpErrorOnSocket(socket, { status: 408, code: 'REQUEST_TIMEOUT', message: 'Too slow.', requestId: 'raw-1' }, log);
    const [head, body] = written.split('\r\n\r\n');
    const headers = head!.split('\r\n');
    expect(headers[0]).toBe('HTTP/1.1 408 Request Timeout');
    expect(headers).toContain('x-request-id: raw-1');
    expect(headers).toContain('connection: close');
    expect(headers).toContain('content-type: application/json; charset=utf-8');
    expect(headers).toContain(`content-length: ${Buffer.byteLength(body!)}`);
    expect(JSON.parse(body!)).toEqual({ errors: [{ message: 'Too slow.', extensions: { code: 'REQUEST_TIMEOUT' } }] });
    expect(lines()).toEqual([expect.objectContaining({ requestId: 'raw-1', status: 408, outcome: 'REQUEST_TIMEOUT' })]);
  });
});

describe('over real HTTP: what a client can provoke', () => {
  const TOKEN = 'http-errors-token-0123456789';
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { GATEWAY_TOKENS: TOKEN, REQUEST_READ_TIMEOUT_MS: '500', MAX_BODY_BYTES: '2000' } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  /** Writes `raw` on a fresh connection and returns everything the gateway sends until it closes. */
  async function rawExchange(raw: string): Promise<{ status: number; headers: Record<string, string>; body: string }> {
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
    // A chunked body: the one chunk's data.
    if (headers['transfer-encoding'] === 'chunked') body = body.split('\r\n')[1] ?? '';
    return { status: Number(statusLine!.split(' ')[1]), headers, body };
  }

  /** The one log line of a request id (waits a moment: a line may follow its answer). */
  async function lineOf(requestId: string) {
    await new Promise((r) => setTimeout(r, 50));
    const lines = parseLines(stack.logs).filter((l) => l.requestId === requestId);
    expect(lines, `log lines of ${requestId}`).toHaveLength(1);
    return lines[0]!;
  }

  const post = (path: string, requestId: string, headers: Record<string, string> = {}, body = '{"query":"{ __typename }"}') =>
    `POST ${path} HTTP/1.1\r\nhost: localhost\r\nx-request-id: ${requestId}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n${Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('')}\r\n${body}`;

  it.each([
    ['400 for a malformed Host header', 'bad-host-1', post('/graphql', 'bad-host-1', {}).replace('host: localhost', 'host: a/b'), 400, 'BAD_REQUEST'],
    ['400 for an absolute-form target', 'bad-target-1', post('http://x/graphql', 'bad-target-1', {}), 400, 'BAD_REQUEST'],
    ['401 without a token', 'no-token-1', post('/graphql', 'no-token-1'), 401, 'UNAUTHENTICATED'],
    ['404 for an unknown path', 'unknown-path-1', post('/graphql/', 'unknown-path-1', { authorization: `Bearer ${TOKEN}` }), 404, 'NOT_FOUND'],
    ['413 for a body over the limit', 'too-big-1', post('/graphql', 'too-big-1', { authorization: `Bearer ${TOKEN}` }, `{"query":"{ __typename }${' '.repeat(3000)}"}`), 413, 'PAYLOAD_TOO_LARGE'],
  ])('%s: the one body, the request id, one log line', async (_label, requestId, raw, status, code) => {
    const res = await rawExchange(raw);
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['x-request-id']).toBe(requestId);
    expect(JSON.parse(res.body).errors).toEqual([{ message: expect.any(String), extensions: { code } }]);
    expect(await lineOf(requestId)).toMatchObject({ msg: 'graphql request', status, outcome: code, upstreamCalls: 0 });
  });

  it.each([
    ['read by the fast lane', {}],
    ['read by yoga (a CORS request)', { origin: 'http://app.example' }],
  ])('408 for a body that stops halfway (%s): with the request id, one log line', async (_label, headers) => {
    const requestId = `slow-body-${Object.keys(headers).length}`;
    const raw = post('/graphql', requestId, { authorization: `Bearer ${TOKEN}`, ...headers }, '{"query":"{ __typename }"}'.padEnd(100)).slice(0, -80);
    const res = await rawExchange(raw);
    expect(res.status).toBe(408);
    expect(res.headers.connection).toBe('close');
    expect(res.headers['x-request-id']).toBe(requestId);
    expect(JSON.parse(res.body)).toEqual({ errors: [{ message: 'The request was not received in time.', extensions: { code: 'REQUEST_TIMEOUT' } }] });
    await new Promise((r) => setTimeout(r, 300));
    expect(await lineOf(requestId)).toMatchObject({ status: 408, outcome: 'REQUEST_TIMEOUT', upstreamCalls: 0 });
  });

  it('408 for headers that stop halfway: a fresh request id, logged', async () => {
    const before = stack.logs.length;
    const res = await rawExchange('POST /graphql HTTP/1.1\r\nhost: local');
    expect(res.status).toBe(408);
    expect(res.headers['x-request-id']).toMatch(UUID);
    expect(JSON.parse(res.body).errors[0].extensions.code).toBe('REQUEST_TIMEOUT');
    expect(parseLines(stack.logs.slice(before)).filter((l) => l.requestId === res.headers['x-request-id'])).toHaveLength(1);
  });

  it('malformed HTTP is still answered as Node answers it (400, no body)', async () => {
    const res = await rawExchange('BLAH\r\n\r\n');
    expect(res.status).toBe(400);
    expect(res.body).toBe('');
  });
});
