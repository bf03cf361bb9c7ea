/**
 * The operation limits checked before any upstream call: depth (MAX_DEPTH), aliases
 * (MAX_ALIASES; aliases of `__typename` are free and not counted), directives (MAX_DIRECTIVES)
 * and tokens (MAX_TOKENS). graphql-armor counts them; the errors are ours: graphql-armor answered
 * "Syntax Error: Query depth limit of 12 exceeded, found 15." coded GRAPHQL_VALIDATION_FAILED with
 * HTTP 200 (it threw out of validation), and a client could not tell a limit from a typo. Each
 * refusal names the limit, its value and its setting, carries its own code and figures in
 * `extensions`, and is a validation error (tokens: a parse error) with the status yoga gives those:
 * 400 with application/graphql-response+json, 200 for a legacy application/json client.
 */
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import type { GraphQLError, ValidationContext } from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';

export interface OperationLimits {
  depth: number;
  aliases: number;
  tokens: number;
  directives: number;
}

/** graphql-armor's rejection message ends with the count it found ("…, found 15."). */
const found = (error: GraphQLError) => Number(/found (\d+)\.?$/.exec(error.message)?.[1] ?? Number.NaN);

/** One limit's refusal, reported to the validation context (all validation errors are answered together). */
function reject(code: string, describe: (found: number) => string, figures: (found: number) => Record<string, number>) {
  return (context: ValidationContext | null, error: GraphQLError) => {
    const n = found(error);
    context?.reportError(createGraphQLError(describe(n), { extensions: { code, ...figures(n) } }));
  };
}

export function useOperationLimits(limits: OperationLimits): Plugin {
  const { depth, aliases, directives, tokens } = limits;
  return EnvelopArmorPlugin({
    maxDepth: {
      n: depth,
      ignoreIntrospection: true,
      propagateOnRejection: false,
      onReject: [reject('QUERY_TOO_DEEP', (n) => `Query depth ${n} exceeds the limit of ${depth} (MAX_DEPTH).`, (n) => ({ depth: n, maxDepth: depth }))],
    },
    maxAliases: {
      n: aliases,
      propagateOnRejection: false,
      onReject: [reject('TOO_MANY_ALIASES', (n) => `The operation has ${n} aliases, over the limit of ${aliases} (MAX_ALIASES).`, (n) => ({ aliases: n, maxAliases: aliases }))],
    },
    maxDirectives: {
      n: directives,
      propagateOnRejection: false,
      onReject: [
        reject('TOO_MANY_DIRECTIVES', (n) => `The operation has ${n} directives, over the limit of ${directives} (MAX_DIRECTIVES).`, (n) => ({ directives: n, maxDirectives: directives })),
      ],
    },
    // Counted while parsing: the parse stops at the first token past the limit, with our error.
    maxTokens: {
      n: tokens,
      onReject: [
        () => {
          throw createGraphQLError(`The document has more than ${tokens} tokens, the limit (MAX_TOKENS).`, {
            extensions: { code: 'TOO_MANY_TOKENS', maxTokens: tokens },
          });
        },
      ],
    },
    costLimit: { enabled: false },
    // Suggestions are left out by graphql-js itself (use-validation-rules.ts).
    blockFieldSuggestion: { enabled: false },
  }) as Plugin;
}
