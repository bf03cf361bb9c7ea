/**
 * A cost limit that counts what a query will cost upstream: a connection multiplies its
 * children by its page size (first/last, default 20), so 100 tasks × 100 nested flows costs
 * about 10,000 while a busy-hour join of 100 flows with parents costs about 200. Checked before
 * execution, so a rejected query makes no upstream call.
 */
import { getNamedType, GraphQLError } from 'graphql';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity/cjs';
import type { Plugin } from 'graphql-yoga';

const DEFAULT_PAGE = 20;

const estimator: ComplexityEstimator = ({ field, args, childComplexity }) => {
  if (getNamedType(field.type).name.endsWith('Connection')) {
    const size = Number(args.first ?? args.last ?? DEFAULT_PAGE);
    return Math.max(1, Number.isFinite(size) ? size : DEFAULT_PAGE) * (1 + childComplexity);
  }
  if (field.name === 'nodes') return Math.max(1, Array.isArray(args.ids) ? args.ids.length : 1) * (1 + childComplexity);
  if (field.name === 'parentTask' || field.name === 'node') return 1 + childComplexity;
  return childComplexity;
};

export function useCostLimit(options: { maxCost: number }): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      let cost: number;
      try {
        cost = getComplexity({
          schema: args.schema,
          query: args.document,
          variables: (args.variableValues ?? {}) as Record<string, unknown>,
          operationName: args.operationName ?? undefined,
          estimators: [estimator],
        });
      } catch (err) {
        // graphql-js reports a client's mistake (e.g. a bad variable) with its own error; anything
        // else is a bug here and must not switch the limit off: the operation is refused.
        if (err instanceof Error && err.name === 'GraphQLError') return;
        throw err;
      }
      if (cost > options.maxCost) {
        setResultAndStopExecution({
          errors: [
            new GraphQLError(`Query cost ${cost} exceeds the limit of ${options.maxCost} (page sizes multiply nested lists).`, {
              extensions: { code: 'QUERY_TOO_COSTLY', cost, maxCost: options.maxCost },
            }),
          ],
        });
      }
    },
  };
}
