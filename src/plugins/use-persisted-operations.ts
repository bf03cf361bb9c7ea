/**
 * Persisted operations for locked-down deployments: only the operations of the list run, sent as
 * `extensions.persistedQuery.sha256Hash` (the Apollo/GraphQL-over-HTTP convention). The list is
 * PERSISTED_OPERATIONS_FILE, read and validated with the rest of the configuration (config.ts).
 */
import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import type { Plugin } from 'graphql-yoga';

export interface PersistedOperationsAllowListOptions {
  /** hash → operation text: the only operations that run (Config.persistedOperations). */
  operations: Map<string, string>;
}

/** A request error: 400 whatever the client accepts (yoga's default errors said "PersistedQueryNotFound" with 200). */
const refusal = (code: string, message: string) => ({ message, extensions: { code, http: { status: 400 } } });

/** yoga's persisted-operations plugin over a fixed list, refusing any other operation. */
export function usePersistedOperationsAllowList({ operations }: PersistedOperationsAllowListOptions): Plugin {
  return usePersistedOperations({
    getPersistedOperation: (key) => operations.get(key) ?? null,
    allowArbitraryOperations: false,
    customErrors: {
      notFound: refusal('PERSISTED_QUERY_NOT_IN_LIST', 'Persisted operation not found: no operation of the allow-list has this hash.'),
      keyNotFound: refusal('PERSISTED_QUERY_ID_REQUIRED', 'Only persisted operations run here: send extensions.persistedQuery.sha256Hash.'),
      persistedQueryOnly: refusal('CANNOT_SEND_PQ_ID_AND_BODY', 'Only persisted operations run here: send the hash (extensions.persistedQuery.sha256Hash), not the query text.'),
    },
  });
}
