/**
 * Persisted operations for locked-down deployments: PERSISTED_OPERATIONS_FILE names a JSON
 * object `{ "<sha256 hash>": "<operation text>" }`; only those operations run, sent as
 * `extensions.persistedQuery.sha256Hash` (the Apollo/GraphQL-over-HTTP convention).
 */
import { readFileSync } from 'node:fs';
import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import type { Plugin } from 'graphql-yoga';
import { ConfigError } from '../config';

/** Reads PERSISTED_OPERATIONS_FILE (once, at start); a bad file stops the process like a bad variable. */
export function loadPersistedOperations(file: string): Map<string, string> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`invalid configuration:\n  PERSISTED_OPERATIONS_FILE: cannot read a JSON object from ${file} (${(err as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || !Object.values(raw).every((v) => typeof v === 'string')) {
    throw new ConfigError('invalid configuration:\n  PERSISTED_OPERATIONS_FILE: expected an object of hash → operation text');
  }
  return new Map(Object.entries(raw as Record<string, string>));
}

export interface PersistedOperationsAllowListOptions {
  /** hash → operation text: the only operations that run (loadPersistedOperations). */
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
