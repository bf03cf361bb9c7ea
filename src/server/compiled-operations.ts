/**
 * graphql-jit's compilations, one per operation of a parsed document, shared by the two ways a
 * request is executed: yoga's executor (plugins/use-compiled-execution.ts) and the fast lane's
 * prepared operations. A compilation costs CPU once and ~300-450 bytes of heap per token
 * (document-weight.ts); each of the two used to compile every document again for itself.
 *
 * Keyed by the operation's AST node: one parse of a text is one document (yoga's parse cache
 * hands back the same object for the same text), and its operation node names exactly one
 * operation, whatever operationName (or none) the request spelt it with. Weak keys: a
 * compilation lives as long as the document that holds its operation (parse cache, prepared
 * operations), and no longer.
 */
import type { DocumentNode, ExecutionResult, GraphQLSchema, OperationDefinitionNode } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

/** A compiled operation, or the errors graphql-jit refused it with. */
export type Compilation = CompiledQuery | ExecutionResult;

export interface CompiledOperations {
  /** The compilation of `operation`, one of `document`'s operations: compiled on first use only. */
  get(document: DocumentNode, operation: OperationDefinitionNode): Compilation;
  /** Compilations made so far (each operation of each parsed document once). */
  readonly compilations: number;
}

export interface CompiledOperationsOptions {
  /** Told when graphql-jit refuses an operation (the refusal is then what executing it gives). */
  onError?: (refusal: ExecutionResult) => void;
}

export function createCompiledOperations(schema: GraphQLSchema, options: CompiledOperationsOptions = {}): CompiledOperations {
  const byOperation = new WeakMap<OperationDefinitionNode, Compilation>();
  let compilations = 0;
  return {
    get(document, operation) {
      let compilation = byOperation.get(operation);
      if (compilation === undefined) {
        compilation = compileQuery(schema, document, operation.name?.value);
        compilations++;
        if (!isCompiledQuery(compilation)) options.onError?.(compilation);
        byOperation.set(operation, compilation);
      }
      return compilation;
    },
    get compilations() {
      return compilations;
    },
  };
}
