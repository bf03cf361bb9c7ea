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

/** yoga's persisted-operations plugin over a fixed list, refusing any other operation. */
export function usePersistedOperationsAllowList({ operations }: PersistedOperationsAllowListOptions): Plugin {
  return usePersistedOperations({
    getPersistedOperation: (key) => operations.get(key) ?? null,
    allowArbitraryOperations: false,
  });
}
