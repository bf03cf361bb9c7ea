/**
 * The fast lane: answers the common request straight on node:http, without yoga's WHATWG
 * adapter, which costs more CPU per request than the operation itself (README, Performance).
 *
 * It takes only `POST /graphql` with a plain JSON body whose text yoga has already accepted once
 * (prepared-operations.ts), an Accept header yoga answers with JSON, no Origin (CORS stays with
 * yoga) and, with GATEWAY_TOKENS set, a valid bearer token. For those it runs what yoga would:
 * the cost limit, the per-request context (context.ts), the graphql-jit compilation yoga runs,
 * error masking, yoga's own result processor (status, content type, body), the request log line
 * and the same metric series. What it has to mirror of yoga rather than share is in
 * yoga-mirror.ts. Everything else, a first-seen text, a refused token or an over-cost query
 * included, goes to yoga unchanged (with the body already read), so every rule keeps its one home
 * and its one answer. GATEWAY_FAST_LANE=false turns the lane off; test/server/fast-lane.test.ts
 * compares both paths.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GraphQLError, GraphQLSchema } from 'graphql';
import { processRegularResult } from 'graphql-yoga';
import type { Logger } from 'pino';
import { MASKED_MESSAGE, maskError } from '../graphql/errors';
import type { BearerCheck } from '../plugins/use-bearer-auth';
import type { CostMeter } from '../plugins/use-cost-limit';
import type { ObservedOperation } from '../plugins/use-metrics';
import { coerceVariables } from './compiled-operations';
import type { ContextFactory } from './context';
import { answerHttpError } from './http-errors';
import { CLIENT_CLOSED_STATUS, logGraphQLRequest, requestIdFrom } from './log-line';
import type { PreparedOperations } from './prepared-operations';
import type { GatewayYoga } from './yoga';
import { isPlainJson, negotiateMediaType, operationMetricParams, plainParams, type MediaType, type Params } from './yoga-mirror';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface FastLaneDeps {
  endpoint: string;
  schema: GraphQLSchema;
  prepared: PreparedOperations;
  costMeter: CostMeter;
  maxCost: number;
  /** Set when clients must authenticate. */
  bearer?: BearerCheck;
  /** The same factory yoga's contexts come from (context.ts). */
  createContext: ContextFactory;
  log: Logger;
  observeOperation?: (operation: ObservedOperation) => void;
  /** Answers every request the lane does not take. */
  yoga: GatewayYoga;
  /** Leave graphql-js's "Did you mean …" out of variable errors, as yoga does (introspection off). */
  hideSuggestions?: boolean;
}

/** yoga's result processor hands back a Response; this captures its body and init instead. */
class CapturedResponse {
  constructor(
    readonly body: string,
    readonly init: { status: number; headers: Record<string, string> },
  ) {}
}
const CAPTURE = { Response: CapturedResponse } as unknown as Parameters<typeof processRegularResult>[1];

export interface FastLane {
  handle: Handler;
  /** Requests the lane answered itself, and those it read and then handed to yoga. */
  stats: { answered: number; forwarded: number };
}

export function createFastLane(deps: FastLaneDeps): FastLane {
  const stats = { answered: 0, forwarded: 0 };
  const onUnexpected = (original: unknown) => deps.log.error({ err: original }, 'unexpected error during execution');

  /** A bug, never a client's mistake: a masked 500 with the request's id, and its log line. */
  const answerUnexpected = (res: ServerResponse, requestId: string, start: number) =>
    answerHttpError(res, { status: 500, code: 'INTERNAL_SERVER_ERROR', message: MASKED_MESSAGE, requestId, start }, deps.log);

  /** Hands a request whose body the lane has already read to yoga, and writes yoga's answer. */
  const toYoga = (req: IncomingMessage, res: ServerResponse, body: Buffer, start: number, requestId: string) => {
    stats.forwarded++;
    const controller = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    Promise.resolve(
      deps.yoga.fetch(`http://${req.headers.host ?? 'localhost'}${req.url}`, { method: req.method, headers, body, signal: controller.signal }),
    )
      .then(async (response) => {
        const payload = Buffer.from(await response.arrayBuffer());
        if (res.destroyed) return;
        const out: Record<string, string> = {};
        response.headers.forEach((value, name) => {
          out[name] = value;
        });
        out['content-length'] = String(payload.length);
        res.writeHead(response.status, out);
        res.end(payload);
      })
      .catch((err: unknown) => {
        // The client went away: yoga logs the request itself; there is nobody to answer.
        if (controller.signal.aborted) return;
        deps.log.error({ err }, 'fast lane: yoga could not answer a forwarded request');
        answerUnexpected(res, requestId, start);
      });
  };

  const execute = async (req: IncomingMessage, res: ServerResponse, body: Buffer, mediaType: MediaType, start: number, requestId: string) => {
    let params: Params | undefined;
    try {
      params = plainParams(JSON.parse(body.toString('utf8')));
    } catch {
      params = undefined;
    }
    if (!params) return toYoga(req, res, body, start, requestId);
    const prepared = deps.prepared.get(params.query, params.operationName);
    if (!prepared) return toYoga(req, res, body, start, requestId);
    const cost = deps.costMeter({
      schema: deps.schema,
      document: prepared.document,
      operationName: params.operationName,
      variableValues: params.variables,
    });
    if (cost !== undefined && cost > deps.maxCost) return toYoga(req, res, body, start, requestId);

    stats.answered++;
    const ctx = deps.createContext();
    // The client going away before its answer: its upstream calls end (CLIENT_CLOSED_REQUEST), and
    // its log line and HTTP metric say 499 client_closed, as yoga's request log does.
    let clientClosed = false;
    const onClose = () => {
      if (res.writableFinished) return;
      clientClosed = true;
      ctx.abort();
    };
    res.once('close', onClose);
    const executionStart = performance.now();
    let result: { data?: unknown; errors?: readonly GraphQLError[] };
    try {
      // graphql-js coerces the variables first, as on yoga's path (use-compiled-execution.ts).
      const refused = coerceVariables(deps.schema, prepared.operation, params.variables, deps.hideSuggestions ?? false);
      result = refused ? { errors: refused } : await prepared.compiled.query(undefined, ctx, params.variables ?? {});
    } finally {
      ctx.dispose();
    }
    const executionSeconds = (performance.now() - executionStart) / 1000;
    const codes = new Set<string>();
    if (result.errors?.length) {
      const errors = result.errors.map((e) => maskError(e, onUnexpected));
      for (const e of errors) codes.add(String(e.extensions?.code ?? 'UNKNOWN'));
      result = { ...result, errors };
    }
    const response = processRegularResult(result as never, CAPTURE, mediaType) as unknown as CapturedResponse;
    const status = clientClosed ? CLIENT_CLOSED_STATUS : response.init.status;
    if (!res.destroyed) {
      res.writeHead(response.init.status, {
        ...response.init.headers,
        'content-length': Buffer.byteLength(response.body),
        'x-request-id': requestId,
      });
      res.end(response.body);
    }
    res.off('close', onClose);
    logGraphQLRequest(deps.log, {
      requestId,
      operationName: params.operationName ?? prepared.documentOperationName,
      start,
      upstreamCalls: ctx.stats.upstreamCalls,
      status,
      codes,
      clientClosed,
    });
    deps.observeOperation?.({
      ...operationMetricParams(prepared.document, params.operationName),
      method: 'POST',
      status,
      executionSeconds,
      httpSeconds: (performance.now() - start) / 1000,
      errors: result.errors ?? [],
    });
  };

  // Clients send a handful of distinct Accept headers; each is negotiated once.
  const negotiated = new Map<string | undefined, MediaType | undefined>();
  const mediaTypeFor = (accept: string | undefined) => {
    if (negotiated.has(accept)) return negotiated.get(accept);
    const chosen = negotiateMediaType(accept);
    if (negotiated.size >= 64) negotiated.clear();
    negotiated.set(accept, chosen);
    return chosen;
  };

  const handle: Handler = (req, res) => {
    const mediaType = req.method === 'POST' && req.url === deps.endpoint && !req.headers.origin ? mediaTypeFor(req.headers.accept) : undefined;
    const lane = mediaType !== undefined && isPlainJson(req.headers['content-type']) && (!deps.bearer || deps.bearer(req.headers.authorization) === 'ok');
    if (!lane) return void deps.yoga(req, res);
    const start = performance.now();
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => {
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      const requestId = requestIdFrom(req.headers['x-request-id']);
      execute(req, res, body, mediaType, start, requestId).catch((err: unknown) => {
        onUnexpected(err);
        answerUnexpected(res, requestId, start);
      });
    });
  };
  return { handle, stats };
}
