/**
 * Errors the schema layer raises itself, and the one place that turns any error into what a
 * client sees: typed errors keep their code, everything else is masked (no stack, no internals).
 */
import { GraphQLError } from 'graphql';
import { createGraphQLError } from 'graphql-yoga';
import { LiveError } from '../live/errors';
import { UpstreamError } from '../upstream/errors';

/** A problem with the client's input (page size, cursor, id, window, filter value). */
export class InputError extends Error {
  override name = 'InputError';
  readonly code = 'BAD_USER_INPUT';
}

/** Messages of masked errors say nothing about internals. */
export const MASKED_MESSAGE = 'Unexpected error.';

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
 * Maps an error raised anywhere during execution to the GraphQLError a client receives.
 * `onUnexpected` sees the original of masked errors (for the log, never for the client).
 */
export function maskError(error: unknown, onUnexpected?: (original: unknown) => void): GraphQLError {
  const graphqlError = isGraphQLError(error) ? error : undefined;
  const original = graphqlError ? (graphqlError.originalError ?? graphqlError) : error;
  const build = (message: string, extensions: Record<string, unknown>) => {
    const built = createGraphQLError(message, {
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
  // Errors graphql-js or yoga produced themselves (parse, validation, coercion) are safe as they are.
  if (graphqlError && (!graphqlError.originalError || isGraphQLError(graphqlError.originalError))) {
    const inner = isGraphQLError(graphqlError.originalError) ? graphqlError.originalError : graphqlError;
    if (inner.extensions?.code || !graphqlError.path) {
      return build(graphqlError.message, { ...inner.extensions, code: inner.extensions?.code ?? codeForUncoded(graphqlError) });
    }
  }
  onUnexpected?.(original);
  return build(MASKED_MESSAGE, { code: 'INTERNAL_SERVER_ERROR' });
}
