/**
 * HTTP for the suites: ONE POST helper for GraphQL over HTTP and one GET, both answering the
 * status, the headers, the raw text, the parsed body (undefined when it is not JSON) and the wall
 * time; never throwing for an HTTP answer (a network failure or a timeout does throw).
 */

export interface GraphQLErrorShape {
  message: string;
  path?: Array<string | number>;
  locations?: Array<{ line: number; column: number }>;
  extensions?: Record<string, unknown>;
}

/** A GraphQL response body. */
export interface GraphQLResponse<T = any> {
  data?: T;
  errors?: GraphQLErrorShape[];
}

export interface HttpResult<T = any> {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body, or undefined when it is not JSON. */
  json: T;
  /** Wall time from sending to the whole body read, ms. */
  ms: number;
}

/** Request headers; `undefined` leaves a default header out (e.g. `{ accept: undefined }`). */
export type HeaderValues = Record<string, string | undefined>;

export interface RequestOptions {
  /** Aborts the request (it then throws) after this many ms. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * What postGraphQL sends unless told otherwise: a JSON body, and the GraphQL-over-HTTP media types
 * (yoga answers the first it can: application/graphql-response+json, with its HTTP error statuses).
 */
export const GRAPHQL_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'application/json',
  accept: 'application/graphql-response+json, application/json',
};

function headersOf(defaults: Readonly<Record<string, string>>, extra: HeaderValues): Record<string, string> {
  const out: Record<string, string> = { ...defaults };
  for (const [name, value] of Object.entries(extra)) {
    const existing = Object.keys(out).find((k) => k.toLowerCase() === name.toLowerCase());
    if (existing !== undefined) delete out[existing];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

function signalOf(opts: RequestOptions): AbortSignal | undefined {
  const signals = [opts.signal, opts.timeoutMs === undefined ? undefined : AbortSignal.timeout(opts.timeoutMs)].filter(
    (s): s is AbortSignal => s !== undefined,
  );
  return signals.length > 1 ? AbortSignal.any(signals) : signals[0];
}

async function send(url: string, init: RequestInit, opts: RequestOptions): Promise<HttpResult> {
  const started = performance.now();
  const res = await fetch(url, { ...init, signal: signalOf(opts) });
  const text = await res.text();
  const ms = performance.now() - started;
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json, ms };
}

/**
 * POSTs a GraphQL request to `url` (the endpoint, e.g. `${gateway.url}/graphql`): an object body is
 * sent as JSON, a string body as is (to send malformed JSON).
 */
export function postGraphQL(url: string, body: object | string, headers: HeaderValues = {}, opts: RequestOptions = {}): Promise<HttpResult> {
  return send(
    url,
    { method: 'POST', headers: headersOf(GRAPHQL_HEADERS, headers), body: typeof body === 'string' ? body : JSON.stringify(body) },
    opts,
  );
}

/** GETs `url` with only the headers given. */
export function getUrl(url: string, headers: HeaderValues = {}, opts: RequestOptions = {}): Promise<HttpResult> {
  return send(url, { headers: headersOf({}, headers) }, opts);
}

/** Runs `clients` loops concurrently, each calling `step(client, i)` `perClient` times. */
export async function concurrently<T>(clients: number, perClient: number, step: (client: number, i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let i = 0; i < perClient; i++) results.push(await step(c, i));
    }),
  );
  return results;
}
