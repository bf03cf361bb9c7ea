/**
 * Builds the graphql-yoga instance: the schema, the per-request context, error masking, GraphiQL
 * and the production plugins (auth, operation limits, CSRF prevention, introspection switch,
 * persisted operations, request logs, metrics, readiness). Tests call `yoga.fetch` on it or
 * serve it over loopback HTTP through server.ts.
 */
import { useGraphQlJit } from '@envelop/graphql-jit';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import { Kind, type DocumentNode } from 'graphql';
import { createYoga, useReadinessCheck, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { LaafficApi } from '../upstream';
import { createGatewayContext, type GatewayContext, type GatewaySettings } from '../graphql/context';
import { maskError } from '../graphql/errors';
import { schema } from '../graphql/schema';
import { useBearerAuth } from '../plugins/use-bearer-auth';
import { useCostLimit, type createCostMeter } from '../plugins/use-cost-limit';
import { createParseCache, type ParseCache } from './parse-cache';
import { usePersistedOperationsAllowList } from '../plugins/use-persisted-operations';
import { useRequestLog } from '../plugins/use-request-log';
import { useRequestParamsCheck } from '../plugins/use-request-params-check';
import { useKnownRoutes } from '../plugins/use-known-routes';

export const GRAPHQL_ENDPOINT = '/graphql';
export const HEALTH_ENDPOINT = '/health';
export const READINESS_ENDPOINT = '/readiness';
/** Served by the Prometheus plugin (src/plugins/metrics.ts). */
export const METRICS_ENDPOINT = '/metrics';

/** GraphiQL's first query: recall flows joined to their parent tasks. */
export const DEFAULT_QUERY = /* GraphQL */ `# Recall flows with their parent tasks, joined in one query.
# The gateway pages the signed upstream API and batches the parent lookups.
query RecallFlowsWithParents {
  recallFlows(first: 20) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      node {
        keyId
        taskName
        createdAt
        status
        finishedAttempts
        recallAttempts
        parentTask {
          taskId
          name
          status
          createdAt
          callProgress
        }
      }
    }
  }
  groupCallTasks(first: 5) {
    totalCount
    edges { node { id taskId name status type createdAt numberCount calledCount } }
  }
}
`;

export interface YogaOptions {
  /** Bearer tokens; empty = no client authentication. */
  tokens: string[];
  limits: { depth: number; aliases: number; tokens: number; directives: number; cost: number };
  introspection: boolean;
  graphiql: boolean;
  /** hash → operation text; set = only these operations run. */
  persistedOperations?: Map<string, string>;
  /** Readiness check (upstream reachable); absent = always ready. */
  readiness?: () => Promise<boolean>;
  /** Extra plugins (metrics). */
  plugins?: Plugin[];
  observeBatch?: (loader: string, size: number) => void;
  /** The cost limit's memo, shared with the fast lane. */
  costMeter?: ReturnType<typeof createCostMeter>;
  /** Allowed browser origins: '*' (any, no credentials), a list, or false (no CORS). */
  cors: '*' | string[] | false;
  /** yoga's parse cache; default: a fresh one bounded in entries and characters. */
  parseCache?: ParseCache;
}

export const DEFAULT_YOGA_OPTIONS: YogaOptions = {
  tokens: [],
  limits: { depth: 12, aliases: 15, tokens: 2_000, directives: 20, cost: 5_000 },
  introspection: true,
  graphiql: true,
  cors: '*',
};

export interface YogaDeps {
  api: LaafficApi;
  settings: GatewaySettings;
  log: Logger;
  options?: Partial<YogaOptions>;
  /** Fires when the server's shutdown deadline passes (see server.ts). */
  shutdown?: AbortSignal;
}

/** Releases per-request resources (the deadline timer) as soon as execution is over. */
function useContextDisposal(): Plugin {
  return {
    onExecute({ args }) {
      return {
        onExecuteDone() {
          (args.contextValue as unknown as Partial<GatewayContext>).dispose?.();
        },
      };
    },
  };
}

const singleQueryMemo = new WeakMap<DocumentNode, boolean>();

/**
 * True when the document defines exactly one operation (fragments aside) and it is a query: the
 * schema has no mutation or subscription root, and graphql-jit answers one with a plain Error
 * (masked as INTERNAL_SERVER_ERROR) where graphql-js reports the client's mistake.
 */
export function singleQuery(document: DocumentNode): boolean {
  let single = singleQueryMemo.get(document);
  if (single === undefined) {
    const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
    single = operations.length === 1 && operations[0]!.operation === 'query';
    singleQueryMemo.set(document, single);
  }
  return single;
}

export type GatewayYoga = YogaServerInstance<Record<string, unknown>, GatewayContext>;

export function createGatewayYoga(deps: YogaDeps): GatewayYoga {
  const o: YogaOptions = { ...DEFAULT_YOGA_OPTIONS, ...deps.options };
  // Unknown paths first (404), then authentication: an unauthenticated request is answered before
  // anything else runs. /health and /readiness stay open for probes.
  const plugins: Plugin[] = [useKnownRoutes([GRAPHQL_ENDPOINT, HEALTH_ENDPOINT, READINESS_ENDPOINT, METRICS_ENDPOINT])];
  if (o.tokens.length > 0) plugins.push(useBearerAuth({ tokens: o.tokens, endpoint: GRAPHQL_ENDPOINT, open: [HEALTH_ENDPOINT, READINESS_ENDPOINT] }));
  plugins.push(useRequestLog(deps.log, GRAPHQL_ENDPOINT) as Plugin, useContextDisposal(), useRequestParamsCheck());
  plugins.push(...(o.plugins ?? []));
  plugins.push(
    useReadinessCheck({ endpoint: READINESS_ENDPOINT, check: async () => (o.readiness ? o.readiness() : true) }),
    useCSRFPrevention({ requestHeaders: ['x-graphql-yoga-csrf'] }),
    EnvelopArmorPlugin({
      maxDepth: { n: o.limits.depth, ignoreIntrospection: true },
      maxAliases: { n: o.limits.aliases },
      maxTokens: { n: o.limits.tokens },
      maxDirectives: { n: o.limits.directives },
      costLimit: { enabled: false },
      blockFieldSuggestion: { enabled: !o.introspection },
    }) as Plugin,
    useCostLimit({ maxCost: o.limits.cost, meter: o.costMeter }),
    // Compiles each distinct operation once (graphql-jit) instead of interpreting it per request:
    // the largest single CPU saving measured by `npm run bench`. The plugin caches the compiled
    // query by document alone, so a document holding several operations would run the first one
    // compiled whatever operationName asks for: those go to graphql-js instead.
    useGraphQlJit({}, { enableIf: (args) => singleQuery(args.document) }) as Plugin,
  );
  if (!o.introspection) plugins.push(useDisableIntrospection());
  if (o.persistedOperations) plugins.push(usePersistedOperationsAllowList(o.persistedOperations));

  return createYoga<Record<string, unknown>, GatewayContext>({
    schema,
    graphqlEndpoint: GRAPHQL_ENDPOINT,
    parserAndValidationCache: o.parseCache ?? createParseCache(),
    // yoga's default reflects any Origin and allows credentials; clients here send a bearer
    // header, never cookies, so credentials are never needed.
    cors: o.cors === false ? false : { origin: o.cors, credentials: false, maxAge: 600 },
    healthCheckEndpoint: HEALTH_ENDPOINT,
    landingPage: false,
    logging: false,
    graphiql: o.graphiql ? { title: 'Laaffic gateway', defaultQuery: DEFAULT_QUERY } : false,
    // GraphiQL's assets are served by the gateway itself (no CDN: it works offline and behind
    // firewalls). They weigh ~33 MB of heap, so they load on the first GraphiQL page, never when
    // GraphiQL is off.
    renderGraphiQL: async (options) => (await import('@graphql-yoga/render-graphiql')).renderGraphiQL(options),
    maskedErrors: {
      maskError: (error) => maskError(error, (original) => deps.log.error({ err: original }, 'unexpected error during execution')),
    },
    context: ({ request }) => createGatewayContext({ ...deps, observeBatch: o.observeBatch }, request.signal),
    plugins,
  });
}
