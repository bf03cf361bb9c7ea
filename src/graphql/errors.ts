/**
 * Errors the schema layer raises itself, and the one place that turns any error into what a
 * client sees: typed errors keep their code, everything else is masked (no stack, no internals).
 */
import { GraphQLError } from 'graphql';
import { createGraphQLError } from 'graphql-yoga';
import { LiveError } from '../live/errors';
import { ClientClosedError, UpstreamError } from '../upstream/errors';

/** A problem with the client's input (page size, cursor, id, window, filter value). */
export class InputError extends Error {
  override name = 'InputError';
  readonly code = 'BAD_USER_INPUT';
}

/** Messages of masked errors say nothing about internals. */
export const MASKED_MESSAGE = 'Unexpected error.';

/** What a client whose connection closed mid-request is told (nobody reads it: it is for the log and metrics). */
export const CLIENT_CLOSED_MESSAGE = 'The client closed the request before it was answered.';

/** A quoted part of a message (a name, a value) longer than this is cut: messages never echo a request's bytes. */
const MAX_QUOTED = 64;
/** No message a client gets is longer than this. */
const MAX_MESSAGE = 400;

/** `text` cut to at most `max` UTF-16 units, never through a surrogate pair, with an ellipsis when cut. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

/**
 * A message as a client may see it: graphql-js quotes what the client sent (an unknown field or
 * operation name, a token it could not parse, a variable's value) in its messages, so a 90 KB
 * name would come back whole, and a suggestion list can name much of the schema. Every quoted
 * part longer than 64 characters is cut, and the whole message to 400: an error is a short
 * sentence and a code, never an echo of the request.
 */
export function clientMessage(message: string): string {
  if (message.length <= MAX_QUOTED) return message;
  const quoted = message.replace(/"((?:[^"\\]|\\.)*)"/g, (whole, inner: string) => (inner.length > MAX_QUOTED ? `"${cut(inner, MAX_QUOTED)}"` : whole));
  return cut(quoted, MAX_MESSAGE);
}

/**
 * True for a GraphQLError from any loaded copy of graphql-js. The package ships a CommonJS and an
 * ES module build without an `exports` map, so a bundler-resolved importer (vitest) and the
 * natively loaded yoga/executor can hold two different GraphQLError classes; `instanceof` alone
 * would then mask every error, typed ones included, as INTERNAL_SERVER_ERROR. For the same reason
 * the errors handed back are built with yoga's createGraphQLError (yoga's own class), so yoga
 * does not take them for unexpected ones.
 */
export function isGraphQLError(error: unknown): error is GraphQLError {
  return error instanceof GraphQLError || (error instanceof Error && error.name === 'GraphQLError' && 'extensions' in error);
}

/**
 * graphql-js's variable coercion errors ("Variable "$x" got invalid value …") carry no code:
 * they are the client's input, so BAD_USER_INPUT, like every other input problem.
 */
function codeForUncoded(error: GraphQLError): string {
  return error.message.startsWith('Variable "$') ? 'BAD_USER_INPUT' : 'GRAPHQL_VALIDATION_FAILED';
}

/**
 * yoga puts the JSON parser's own error (`extensions.originalError`: its message quotes the body,
 * so a 99 KB body that is not JSON came back whole, six times larger) into its "invalid JSON"
 * answer: dropped. And a request-level error (BAD_REQUEST: the body is not JSON, the parameters
 * are not GraphQL-over-HTTP ones) keeps its 4xx status whatever the client accepts: yoga marks
 * some of them as the spec's `application/json` case (`http.spec`: 200 for a legacy client),
 * which the spec reserves for GraphQL errors of a well-formed request.
 */
function requestErrorExtensions(extensions: Record<string, unknown>): Record<string, unknown> {
  const { originalError: _echo, ...rest } = extensions;
  const http = rest.http as { spec?: boolean } | undefined;
  if (rest.code === 'BAD_REQUEST' && http?.spec) rest.http = { ...http, spec: false };
  return rest;
}

/**
 * Maps an error raised anywhere during execution to the GraphQLError a client receives.
 * `onUnexpected` sees the original of masked errors (for the log, never for the client).
 */
export function maskError(error: unknown, onUnexpected?: (original: unknown) => void): GraphQLError {
  const graphqlError = isGraphQLError(error) ? error : undefined;
  const original = graphqlError ? (graphqlError.originalError ?? graphqlError) : error;
  const build = (message: string, extensions: Record<string, unknown>) => {
    const built = createGraphQLError(clientMessage(message), {
      nodes: graphqlError?.nodes,
      path: graphqlError?.path,
      source: graphqlError?.source,
      positions: graphqlError?.positions,
      extensions,
    });
    // graphql-jit reports where an error happened as `locations` without AST nodes: keep them,
    // so a client sees the same error shape whichever executor ran.
    if (!built.locations && graphqlError?.locations?.length) {
      (built as { locations: GraphQLError['locations'] }).locations = graphqlError.locations;
    }
    return built;
  };

  if (original instanceof UpstreamError) {
    return build(original.message, {
      code: original.code,
      ...(original.upstreamCode !== undefined ? { upstreamCode: original.upstreamCode } : {}),
    });
  }
  if (original instanceof InputError) return build(original.message, { code: 'BAD_USER_INPUT' });
  if (original instanceof LiveError) return build(original.message, original.extensions);
  if (original instanceof ClientClosedError) return build(CLIENT_CLOSED_MESSAGE, { code: original.code });
  // Errors graphql-js or yoga produced themselves (parse, validation, coercion) are safe as they are,
  // but for what they would echo of the request.
  if (graphqlError && (!graphqlError.originalError || isGraphQLError(graphqlError.originalError))) {
    const inner = isGraphQLError(graphqlError.originalError) ? graphqlError.originalError : graphqlError;
    if (inner.extensions?.code || !graphqlError.path) {
      return build(graphqlError.message, requestErrorExtensions({ ...inner.extensions, code: inner.extensions?.code ?? codeForUncoded(graphqlError) }));
    }
  }
  onUnexpected?.(original);
  return build(MASKED_MESSAGE, { code: 'INTERNAL_SERVER_ERROR' });
}
