/**
 * Prepared operations: every query operation that yoga has parsed and validated (the operation
 * limits and the introspection switch included) and started to execute on graphql-jit
 * (a jit-safe document: use-compiled-execution.ts) is remembered by its
 * text and operation name, with its graphql-jit compilation (the one yoga's executor runs:
 * compiled-operations.ts). The fast lane (fast-lane.ts) answers later requests for the same
 * text from here, so it never has to repeat yoga's document checks: a text it has not seen
 * accepted always goes through yoga first.
 */
import type { DocumentNode, GraphQLSchema, OperationDefinitionNode } from 'graphql';
import { isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import type { Plugin } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';
import { createCompiledOperations, jitOperation, type CompiledOperations } from './compiled-operations';
import { documentWeight } from './document-weight';

export interface PreparedOperation {
  document: DocumentNode;
  /** The operation the requests select (its variables are coerced by graphql-js first). */
  operation: OperationDefinitionNode;
  /** The operationName the requests send (null when they send none). */
  operationName: string | null;
  /** The operation's own name (null for an anonymous operation). */
  documentOperationName: string | null;
  compiled: CompiledQuery;
}

export interface PreparedOperations {
  get(query: string, operationName: string | null): PreparedOperation | undefined;
  readonly size: number;
  /** Estimated heap the kept entries hold (bytes). */
  readonly bytes: number;
  /** Registers accepted operations (add to yoga's plugins). */
  plugin: Plugin;
}

export interface PreparedLimits {
  /** Distinct texts kept. */
  maxTexts: number;
  /** Estimated heap (bytes) of the texts, documents and compilations kept (document-weight.ts). */
  maxBytes: number;
}

export const DEFAULT_PREPARED_LIMITS: PreparedLimits = { maxTexts: 500, maxBytes: 24 * 1024 * 1024 };

export function createPreparedOperations(
  schema: GraphQLSchema,
  limits: PreparedLimits = DEFAULT_PREPARED_LIMITS,
  /** Shared with yoga's executor, so an operation is compiled once for both. */
  compiled: CompiledOperations = createCompiledOperations(schema),
): PreparedOperations {
  // Keyed by the text itself, then by the operation name (null = none sent): no composite string
  // key, so no name/text pair can collide with another. Bounded in count and in the heap the
  // entries hold: clients can send any number of distinct texts up to the body and token
  // limits; the hot ones stay. Each name of a text is weighed as one more compilation of its
  // document (an over-estimate when two names pick the same operation: they share one).
  const cache = new LRUCache<string, Map<string | null, PreparedOperation>>({
    max: limits.maxTexts,
    maxSize: limits.maxBytes,
    sizeCalculation: (byName, query) => {
      const first = byName.values().next().value as PreparedOperation | undefined;
      return first ? documentWeight(query, first.document, byName.size) : Math.max(1, 2 * query.length);
    },
  });
  const prepare = (document: DocumentNode, query: string, operationName: string | null) => {
    const known = cache.get(query);
    if (known?.has(operationName)) return;
    // A huge entry is rare: not worth a tenth of the room.
    if (documentWeight(query, document, (known?.size ?? 0) + 1) > limits.maxBytes / 10) return;
    // Only what yoga runs on graphql-jit (use-compiled-execution.ts): the lane's answer is then
    // the one yoga gave the text's first request.
    const operation = jitOperation(document, operationName);
    if (!operation) return;
    const compilation = compiled.get(document, operation);
    if (!isCompiledQuery(compilation)) return;
    // A fresh map each time, set again: the cache weighs an entry when it is set.
    const byName = new Map(known);
    byName.set(operationName, { document, operation, operationName, documentOperationName: operation.name?.value ?? null, compiled: compilation });
    cache.set(query, byName);
  };
  return {
    get: (query, operationName) => cache.get(query)?.get(operationName),
    get size() {
      return cache.size;
    },
    get bytes() {
      return cache.calculatedSize;
    },
    plugin: {
      onExecute({ args }) {
        // Reaching execution means parsing and every validation rule passed for this text.
        const params = (args.contextValue as { params?: { query?: unknown; operationName?: unknown } }).params;
        if (typeof params?.query !== 'string') return;
        // yoga resolved the operation from exactly this name (an empty name never gets here).
        const operationName = typeof params.operationName === 'string' && params.operationName !== '' ? params.operationName : null;
        if (operationName !== (args.operationName ?? null)) return;
        prepare(args.document, params.query, operationName);
      },
    },
  };
}
