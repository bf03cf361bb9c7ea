/**
 * The graphql-yoga instance: the schema, the per-request context, error masking, GraphiQL and the
 * production plugins (auth, operation limits, CSRF prevention, introspection switch, persisted
 * operations, request logs, metrics, readiness, compiled execution), in the order they must run.
 * The HTTP server around it is gateway.ts; tests call `yoga.fetch` on it or serve it over
 * loopback HTTP through startGateway.
 */
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { GatewayContext } from '../graphql/context';
import { maskError } from '../graphql/errors';
import { schema } from '../graphql/schema';
import { useBearerAuth } from '../plugins/use-bearer-auth';
import { useCompiledExecution } from '../plugins/use-compiled-execution';
import { useContextDisposal } from '../plugins/use-context-disposal';
import { useCostLimit, type CostMeter } from '../plugins/use-cost-limit';
import { useCsrfPrevention } from '../plugins/use-csrf-prevention';
import { useKnownRoutes } from '../plugins/use-known-routes';
import { useMediaTypes } from '../plugins/use-media-types';
import { useOperationLimits } from '../plugins/use-operation-limits';
import { usePersistedOperationsAllowList } from '../plugins/use-persisted-operations';
import { useProbes, YOGA_HEALTH_CHECK_DISABLED } from '../plugins/use-probes';
import { useRequestLog } from '../plugins/use-request-log';
import { useRequestParamsCheck } from '../plugins/use-request-params-check';
import { useValidationRules } from '../plugins/use-validation-rules';
import { createCompiledOperations, type CompiledOperations } from './compiled-operations';
import type { ContextFactory } from './context';
import { createParseCache, type ParseCache } from './parse-cache';
import { GRAPHQL_PATH, HEALTH_PATH, KNOWN_PATHS, OPEN_PATHS, READINESS_PATH } from './routes';

/** GraphiQL's first query: recall flows joined to their parent tasks. */
export const DEFAULT_QUERY = /* GraphQL */ `# Recall flows of both product lines with their parent tasks, joined in one query.
# The gateway pages the signed upstream API and batches the parent lookups.
# Live: subscription { groupCallTaskChanges(filter: { statuses: [CALLING] }) { kind changedFields task { name calledCount } } }
query RecallFlowsWithParents {
  recallFlows(first: 20) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      node {
        keyId
        product
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
    edges { node { id taskId product name status type createdAt numberCount calledCount } }
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
  /** Extra plugins (metrics, the fast lane's prepared operations). */
  plugins?: Plugin[];
  /** The cost limit's memo, shared with the fast lane. */
  costMeter?: CostMeter;
  /** Allowed browser origins: '*' (any, no credentials), a list, or false (no CORS). */
  cors: '*' | string[] | false;
  /** yoga's parse cache; default: a fresh one bounded in entries and characters. */
  parseCache?: ParseCache;
  /** graphql-jit's compilations, shared with the fast lane; default: a fresh store. */
  compiled?: CompiledOperations;
}

export const DEFAULT_YOGA_OPTIONS: YogaOptions = {
  tokens: [],
  limits: { depth: 12, aliases: 15, tokens: 2_000, directives: 20, cost: 5_000 },
  introspection: true,
  graphiql: true,
  cors: '*',
};

export interface YogaDeps {
  /** Each request's context (the fast lane's come from the same factory). */
  createContext: ContextFactory;
  log: Logger;
  options?: Partial<YogaOptions>;
}

export type GatewayYoga = YogaServerInstance<Record<string, unknown>, GatewayContext>;

/** The header that lets a request a browser would not preflight (a GET) through CSRF prevention. */
const CSRF_HEADER = 'x-graphql-yoga-csrf';

export function createGatewayYoga(deps: YogaDeps): GatewayYoga {
  const o: YogaOptions = { ...DEFAULT_YOGA_OPTIONS, ...deps.options };
  const { log } = deps;
  // Unknown paths first (404), then the probes (open, by exact path), then authentication: an
  // unauthenticated request is answered before anything else runs.
  const plugins: Plugin[] = [
    useKnownRoutes({ paths: KNOWN_PATHS, log }),
    useProbes({ liveness: HEALTH_PATH, readiness: READINESS_PATH, check: o.readiness }),
  ];
  if (o.tokens.length > 0) plugins.push(useBearerAuth({ tokens: o.tokens, endpoint: GRAPHQL_PATH, open: OPEN_PATHS, log }));
  plugins.push(useRequestLog({ log, endpoint: GRAPHQL_PATH }) as Plugin, useContextDisposal(), useRequestParamsCheck());
  plugins.push(...(o.plugins ?? []));
  plugins.push(
    // The request's own checks, each answered with a body and a code: CSRF (403), media types (415, 406).
    useCsrfPrevention({ header: CSRF_HEADER, log }),
    useMediaTypes({ log }),
    useOperationLimits(o.limits),
    useValidationRules({ hideSuggestions: !o.introspection }),
    useCostLimit({ maxCost: o.limits.cost, meter: o.costMeter }),
    useCompiledExecution({ compiled: o.compiled ?? createCompiledOperations(schema), hideSuggestions: !o.introspection }),
  );
  if (!o.introspection) plugins.push(useDisableIntrospection());
  if (o.persistedOperations) plugins.push(usePersistedOperationsAllowList({ operations: o.persistedOperations }));

  return createYoga<Record<string, unknown>, GatewayContext>({
    schema,
    graphqlEndpoint: GRAPHQL_PATH,
    parserAndValidationCache: o.parseCache ?? createParseCache(),
    // yoga's default reflects any Origin and allows credentials; clients here send a bearer
    // header, never cookies, so credentials are never needed.
    cors: o.cors === false ? false : { origin: o.cors, credentials: false, maxAge: 600 },
    // yoga's health check answers any URL ending in its path (`/graphql?x=/health`): off. The
    // probes are answered by path (use-probes.ts).
    healthCheckEndpoint: YOGA_HEALTH_CHECK_DISABLED,
    landingPage: false,
    logging: false,
    // GraphiQL runs a subscription as a GET of text/event-stream, which the CSRF rule refuses
    // without its header (403 CSRF_HEADER_REQUIRED: no subscription ran from GraphiQL); GraphiQL is
    // same-origin script, so it sends the header on every request.
    graphiql: o.graphiql ? { title: 'Laaffic gateway', defaultQuery: DEFAULT_QUERY, additionalHeaders: { [CSRF_HEADER]: 'graphiql' } } : false,
    // GraphiQL's assets are served by the gateway itself (no CDN: it works offline and behind
    // firewalls). They weigh ~33 MB of heap, so they load on the first GraphiQL page, never when
    // GraphiQL is off.
    renderGraphiQL: async (options) => (await import('@graphql-yoga/render-graphiql')).renderGraphiQL(options),
    maskedErrors: {
      maskError: (error) => maskError(error, (original) => log.error({ err: original }, 'unexpected error during execution')),
    },
    // graphql-ws operations (websocket.ts) come through getEnveloped with their connection's id.
    context: (initial) => deps.createContext(initial.request.signal, (initial as { connectionId?: string }).connectionId),
    plugins,
  });
}
