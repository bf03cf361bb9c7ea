/**
 * Errors the schema layer raises itself, and the one place that turns any error into what a
 * client sees: typed errors keep their code, everything else is masked (no stack, no internals).
 */
import { GraphQLError } from 'graphql';
import { UpstreamError } from '../upstream/errors';

/** A problem with the client's input (page size, cursor, id, window, filter value). */
export class InputError extends Error {
  override name = 'InputError';
  readonly code = 'BAD_USER_INPUT';
}

/** Messages of masked errors say nothing about internals. */
export const MASKED_MESSAGE = 'Unexpected error.';

/**
 * Maps an error raised anywhere during execution to the GraphQLError a client receives.
 * `onUnexpected` sees the original of masked errors (for the log, never for the client).
 */
export function maskError(error: unknown, onUnexpected?: (original: unknown) => void): GraphQLError {
  const graphqlError = error instanceof GraphQLError ? error : undefined;
  const original = graphqlError ? (graphqlError.originalError ?? graphqlError) : error;
  const at = { nodes: graphqlError?.nodes, path: graphqlError?.path, source: graphqlError?.source, positions: graphqlError?.positions };

  if (original instanceof UpstreamError) {
    return new GraphQLError(original.message, {
      ...at,
      extensions: { code: original.code, ...(original.upstreamCode !== undefined ? { upstreamCode: original.upstreamCode } : {}) },
    });
  }
  if (original instanceof InputError) {
    return new GraphQLError(original.message, { ...at, extensions: { code: 'BAD_USER_INPUT' } });
  }
  // Errors graphql-js or yoga produced themselves (parse, validation, coercion) are safe as they are.
  if (graphqlError && (!graphqlError.originalError || graphqlError.originalError instanceof GraphQLError)) {
    const inner = graphqlError.originalError instanceof GraphQLError ? graphqlError.originalError : graphqlError;
    if (inner.extensions?.code || !graphqlError.path) {
      return new GraphQLError(graphqlError.message, {
        ...at,
        extensions: { ...inner.extensions, code: inner.extensions?.code ?? 'GRAPHQL_VALIDATION_FAILED' },
      });
    }
  }
  onUnexpected?.(original);
  return new GraphQLError(MASKED_MESSAGE, { ...at, extensions: { code: 'INTERNAL_SERVER_ERROR' } });
}
