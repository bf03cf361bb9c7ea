/**
 * What the fast lane (fast-lane.ts) has to mirror of yoga, in one place: the rules by which yoga
 * decides how a request is read and answered, for the requests the lane answers without yoga.
 * The lane takes a request only when each rule here says yoga would take it the same way, and
 * leaves everything else to yoga; test/server/yoga-mirror.test.ts drives a real yoga instance
 * with the same inputs to pin each rule to yoga's own behaviour, so an upgrade of yoga that
 * moves one fails there rather than in production.
 */
import { getOperationAST, type DocumentNode } from 'graphql';
import type { OperationLabelParams } from '../plugins/use-metrics';

export type MediaType = 'application/graphql-response+json' | 'application/json';

const REGULAR_MEDIA_TYPES: MediaType[] = ['application/graphql-response+json', 'application/json'];

/** Every media type yoga's result processors answer with (regular, event stream, multipart). */
export const RESPONSE_MEDIA_TYPES: readonly string[] = [...REGULAR_MEDIA_TYPES, 'text/event-stream', 'multipart/mixed'];

/** The Accept header's media types as yoga reads them (accept.js): lower case, UTF-8 ones only, last first. */
function requestedMediaTypes(accept: string | null | undefined): string[] {
  const out: string[] = [];
  for (const item of (accept || '*/*').replace(/\s/g, '').toLowerCase().split(',')) {
    const [mediaType, ...params] = item.split(';');
    const charset = params.find((p) => p.includes('charset=')) ?? 'charset=utf-8';
    if (charset === 'charset=utf-8' && mediaType) out.push(mediaType);
  }
  return out.reverse();
}

/** yoga's isMatchingMediaType: the request's type or subtype may be `*`. */
function matches(candidate: string, requested: string): boolean {
  const [pre, suf] = requested.split('/');
  const [cPre, cSuf] = candidate.split('/');
  return (pre === '*' || pre === cPre) && (suf === '*' || suf === cSuf);
}

/**
 * The media type yoga's result processors pick for a query's result, or undefined when yoga
 * would pick another processor (event stream, multipart) or none (406). Mirrors
 * graphql-yoga's use-result-processor: the Accept list is walked in reverse and the last match
 * of the regular processor (the last one tried) wins.
 */
export function negotiateMediaType(accept: string | undefined): MediaType | undefined {
  let chosen: MediaType | undefined;
  for (const requested of requestedMediaTypes(accept)) {
    for (const candidate of REGULAR_MEDIA_TYPES) if (matches(candidate, requested)) chosen = candidate;
  }
  return chosen;
}

/**
 * True when yoga has a result processor for a query's result under this Accept header (else it
 * answers 406, after executing): any of RESPONSE_MEDIA_TYPES matches.
 */
export function answerableAccept(accept: string | null | undefined): boolean {
  return requestedMediaTypes(accept).some((requested) => RESPONSE_MEDIA_TYPES.some((candidate) => matches(candidate, requested)));
}

/**
 * `application/json`, alone or with a UTF-8 charset, spelt as yoga matches it (case-sensitive
 * type, no list): what the lane parses itself. Anything else is yoga's to accept or refuse.
 */
export function isPlainJson(contentType: string | undefined): boolean {
  if (contentType === 'application/json') return true;
  if (!contentType?.startsWith('application/json;') || contentType.includes(',')) return false;
  return contentType
    .slice('application/json;'.length)
    .split(';')
    .every((p) => /^\s*charset=utf-8\s*$/i.test(p));
}

export interface Params {
  query: string;
  operationName: string | null;
  variables: Record<string, unknown> | null;
}

const PARAM_KEYS = new Set(['query', 'operationName', 'variables', 'extensions']);

/** The GraphQL-over-HTTP params of a plain body, or undefined for anything yoga should judge. */
export function plainParams(body: unknown): Params | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const b = body as Record<string, unknown>;
  for (const key in b) if (!PARAM_KEYS.has(key)) return undefined;
  if (typeof b.query !== 'string') return undefined;
  // An empty name selects no operation: yoga answers that (OPERATION_RESOLUTION_FAILURE).
  if (b.operationName !== undefined && b.operationName !== null && (typeof b.operationName !== 'string' || b.operationName === '')) return undefined;
  const v = b.variables;
  if (v !== undefined && v !== null && (typeof v !== 'object' || Array.isArray(v))) return undefined;
  const e = b.extensions;
  if (e !== undefined && e !== null && (typeof e !== 'object' || Array.isArray(e) || Object.keys(e).length > 0)) return undefined;
  return { query: b.query, operationName: (b.operationName as string | null | undefined) ?? null, variables: (v as Params['variables']) ?? null };
}

/**
 * The label parameters yoga's Prometheus plugin would give an operation the lane answers
 * (envelop's createFillLabelFnParams and yoga's HTTP histogram). The graphql_envelop_* series
 * take the request's operationName, else the name of the document's FIRST definition (a
 * fragment's, if a fragment comes first), and that definition's type; the HTTP histogram takes
 * the executed operation's own name and type.
 */
export function operationMetricParams(document: DocumentNode, operationName: string | null): { operation: OperationLabelParams; http: OperationLabelParams } {
  const first = document.definitions[0] as { name?: { value: string }; operation?: string } | undefined;
  const executed = getOperationAST(document, operationName);
  return {
    operation: { operationName: operationName || first?.name?.value || 'Anonymous', operationType: first?.operation },
    http: { operationName: executed?.name?.value, operationType: executed?.operation },
  };
}
