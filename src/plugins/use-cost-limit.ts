/**
 * A cost limit that counts what a query will cost upstream: a connection multiplies its
 * children by its page size (first/last, default 20), so 100 tasks × 100 nested flows costs
 * about 10,000 while a busy-hour join of 100 flows with parents costs about 200. Checked before
 * execution, so a rejected query makes no upstream call.
 */
import { getNamedType, GraphQLError, type DocumentNode, type GraphQLSchema } from 'graphql';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity/cjs';
import type { Plugin } from 'graphql-yoga';

const DEFAULT_PAGE = 20;
/** What one `node`/`nodes` id costs: one upstream call, like a default page. */
export const LOOKUP_COST = DEFAULT_PAGE;

const estimator: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
  if (getNamedType(field.type).name.endsWith('Connection')) {
    const size = Number(args.first ?? args.last ?? DEFAULT_PAGE);
    return Math.max(1, Number.isFinite(size) ? size : DEFAULT_PAGE) * (1 + childComplexity);
  }
  // Each id is an upstream call of its own (the API has no get-by-id), priced like a default
  // page: without that, a 100 KB body of 2,400 forged ids passed and took the upstream for seconds.
  const root = type.name === 'Query';
  if (root && field.name === 'nodes') return Math.max(1, Array.isArray(args.ids) ? args.ids.length : 1) * (LOOKUP_COST + childComplexity);
  if (root && field.name === 'node') return LOOKUP_COST + childComplexity;
  // An edge's node is a record of its page; parents are looked up in batches (a few calls for a page of flows).
  // A flow's attempts are one detail call per flow (no batch form upstream): priced as an upstream
  // call, so a page of 100 flows with attempts costs what 100 lookups do.
  if (type.name === 'RecallFlow' && field.name === 'attempts') return LOOKUP_COST + childComplexity;
  // An attempt's task is joined in batches like a parent.
  if (field.name === 'parentTask' || field.name === 'node' || (type.name === 'RecallAttempt' && field.name === 'task')) return 1 + childComplexity;
  return childComplexity;
};

const MAX_VARIANTS_PER_DOCUMENT = 64;

/**
 * The part of the variables that can change the cost: numbers (page sizes), booleans (@include,
 * @skip), nulls and absent variables (an absent one takes its default, a null one does not), and
 * list lengths (ids). Strings and input objects (cursors, windows, filters) never change it, so
 * they do not split the cache: only their presence counts.
 */
const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

/** The shape, or undefined when a key is no GraphQL name (could spell another shape: not cached). */
function costShapeOf(variables: Record<string, unknown> | null | undefined): string | undefined {
  if (!variables) return '';
  let shape = '';
  for (const name of Object.keys(variables).sort()) {
    if (!GRAPHQL_NAME.test(name)) return undefined;
    const value = variables[name];
    if (typeof value === 'number' || typeof value === 'boolean' || value === null) shape += `${name}=${String(value)};`;
    else if (Array.isArray(value)) shape += `${name}#${value.length};`;
    else shape += `${name}:${typeof value};`;
  }
  return shape;
}

export interface CostArgs {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null;
  variableValues?: Record<string, unknown> | null;
}

/**
 * The cost of one operation with its variables, or undefined when graphql-js refuses the
 * variables (execution then reports that itself). Shared by the plugin and the fast lane.
 */
export function createCostMeter(): (args: CostArgs) => number | undefined {
  const costs = new WeakMap<DocumentNode, Map<string, number>>();
  return (args) => {
    // yoga's parse cache (and the fast lane's prepared operations) hand back the same document
    // object for the same text, so the cost is computed once per document, operation and
    // variables rather than walked on every request.
    // Length-prefixed name: no name/shape pair can spell another one, and `null` differs from ''.
    const name = args.operationName ?? null;
    const shape = costShapeOf(args.variableValues);
    const key = shape === undefined ? undefined : `${name === null ? '-' : `${name.length}:${name}`}|${shape}`;
    let perDocument = costs.get(args.document);
    let cost = key === undefined ? undefined : perDocument?.get(key);
    if (cost === undefined) {
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
        if (err instanceof Error && err.name === 'GraphQLError') return undefined;
        throw err;
      }
      if (key !== undefined) {
        if (!perDocument) costs.set(args.document, (perDocument = new Map()));
        // Variables vary without bound (cursors, windows); keep a small memory per document.
        if (perDocument.size >= MAX_VARIANTS_PER_DOCUMENT) perDocument.clear();
        perDocument.set(key, cost);
      }
    }
    return cost;
  };
}

export type CostMeter = ReturnType<typeof createCostMeter>;

export interface CostLimitOptions {
  /** MAX_COST: an operation that would cost more is refused (QUERY_TOO_COSTLY) before execution. */
  maxCost: number;
  /** The memo of costs, shared with the fast lane so both price an operation once; default: a fresh one. */
  meter?: CostMeter;
}

export function useCostLimit(options: CostLimitOptions): Plugin {
  const meter = options.meter ?? createCostMeter();
  const refusal = (args: CostArgs) => {
    const cost = meter(args);
    if (cost === undefined || cost <= options.maxCost) return undefined;
    return {
      errors: [
        new GraphQLError(`Query cost ${cost} exceeds the limit of ${options.maxCost} (page sizes multiply nested lists).`, {
          // A request error like the other operation limits: 400 with application/graphql-response+json.
          extensions: { code: 'QUERY_TOO_COSTLY', cost, maxCost: options.maxCost, http: { status: 400, spec: true } },
        }),
      ],
    };
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const refused = refusal(args);
      if (refused) setResultAndStopExecution(refused);
    },
    // A subscription's events each cost what its selection does: the same limit, before it starts.
    onSubscribe({ args, setResultAndStopExecution }) {
      const refused = refusal(args);
      if (refused) setResultAndStopExecution(refused);
    },
  };
}
