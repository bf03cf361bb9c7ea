/**
 * Builds the graphql-yoga instance: the schema, the per-request context, error masking and
 * GraphiQL. Tests call `yoga.fetch` on it or serve it over loopback HTTP.
 */
import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { LaafficApi } from './upstream';
import { createGatewayContext, type GatewayContext, type GatewaySettings } from './graphql/context';
import { maskError } from './graphql/errors';
import { schema } from './graphql/schema';

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

export interface YogaDeps {
  api: LaafficApi;
  settings: GatewaySettings;
  log: Logger;
  graphiql?: boolean;
  plugins?: Plugin[];
}

export type GatewayYoga = YogaServerInstance<Record<string, unknown>, GatewayContext>;

export function createGatewayYoga(deps: YogaDeps): GatewayYoga {
  return createYoga<Record<string, unknown>, GatewayContext>({
    schema,
    graphqlEndpoint: '/graphql',
    healthCheckEndpoint: '/health',
    landingPage: false,
    logging: false,
    graphiql: deps.graphiql === false ? false : { title: 'Laaffic gateway', defaultQuery: DEFAULT_QUERY },
    maskedErrors: {
      maskError: (error) => maskError(error, (original) => deps.log.error({ err: original }, 'unexpected error during execution')),
    },
    context: ({ request }) => createGatewayContext(deps, request.signal),
    plugins: deps.plugins ?? [],
  });
}
