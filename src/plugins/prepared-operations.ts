/**
 * Prepared operations: every query operation that yoga has parsed and validated (the armor
 * limits and the introspection switch included) and started to execute is remembered by its
 * text and operation name, compiled once by graphql-jit. The fast lane (src/fast-lane.ts)
 * answers later requests for the same text from here, so it never has to repeat yoga's
 * document checks: a text it has not seen accepted always goes through yoga first.
 */
import { getOperationAST, type DocumentNode, type GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import type { Plugin } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';

export interface PreparedOperation {
  document: DocumentNode;
  /** The operationName the requests send (null when they send none). */
  operationName: string | null;
  /** The operation's own name, else 'Anonymous' (metric labels). */
  documentOperationName: string;
  compiled: CompiledQuery;
}

export interface PreparedOperations {
  get(query: string, operationName: string | null): PreparedOperation | undefined;
  readonly size: number;
  /** Registers accepted operations (add to yoga's plugins). */
  plugin: Plugin;
}

const keyOf = (query: string, operationName: string | null) => `${operationName ?? ''}\n${query}`;

export function createPreparedOperations(schema: GraphQLSchema, max = 500): PreparedOperations {
  // Bounded: clients can send any number of distinct texts; the hot ones stay.
  const cache = new LRUCache<string, PreparedOperation>({ max });
  const prepare = (document: DocumentNode, query: string, operationName: string | null) => {
    const key = keyOf(query, operationName);
    if (cache.has(key)) return;
    const operation = getOperationAST(document, operationName);
    if (operation?.operation !== 'query') return;
    const compiled = compileQuery(schema, document, operationName ?? undefined);
    if (!isCompiledQuery(compiled)) return;
    cache.set(key, { document, operationName, documentOperationName: operation.name?.value ?? 'Anonymous', compiled });
  };
  return {
    get: (query, operationName) => cache.get(keyOf(query, operationName)),
    get size() {
      return cache.size;
    },
    plugin: {
      onExecute({ args }) {
        // Reaching execution means parsing and every validation rule passed for this text.
        const params = (args.contextValue as { params?: { query?: unknown; operationName?: unknown } }).params;
        if (typeof params?.query !== 'string') return;
        const operationName = typeof params.operationName === 'string' ? params.operationName : null;
        prepare(args.document, params.query, operationName);
      },
    },
  };
}
