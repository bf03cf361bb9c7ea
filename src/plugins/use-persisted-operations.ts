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

/** yoga's persisted-operations plugin over a fixed list, refusing any other operation. */
export function usePersistedOperationsAllowList({ operations }: PersistedOperationsAllowListOptions): Plugin {
  return usePersistedOperations({
    getPersistedOperation: (key) => operations.get(key) ?? null,
    allowArbitraryOperations: false,
  });
}
