/**
 * Executes each single-query document with its graphql-jit compilation instead of interpreting
 * it with graphql-js on every request: the largest single CPU saving measured by `npm run bench`.
 * It replaces @envelop/graphql-jit's plugin, which kept a compile cache of its own, so that the
 * fast lane's prepared operations and yoga run one compilation per document
 * (server/compiled-operations.ts) instead of compiling every document twice.
 *
 * Only a document holding exactly one operation (fragments aside), a query, goes to jit; the rest
 * stays with graphql-js. The schema has no mutation or subscription root, and graphql-jit answers
 * one with a plain Error (masked as INTERNAL_SERVER_ERROR) where graphql-js reports the client's
 * mistake; and the plugin this replaces cached by document alone, so a document of several
 * operations always ran on graphql-js, as it still does.
 */
import { Kind, type DocumentNode, type ExecutionResult, type OperationDefinitionNode } from 'graphql';
import { isCompiledQuery } from 'graphql-jit';
import { isPromise, makeExecute, type Plugin } from 'graphql-yoga';
import type { Compilation, CompiledOperations } from '../server/compiled-operations';

export interface CompiledExecutionOptions {
  /** Where compilations are made and kept (shared with the fast lane's prepared operations). */
  compiled: CompiledOperations;
}

/** A single-query document's operation, and its compilation once executed. */
interface Entry {
  operation: OperationDefinitionNode;
  compilation?: Compilation;
}

/**
 * The document's operation when it is its only one and a query, else null. Exported for the
 * tests; the fast lane never needs it (it keeps query operations of any document).
 */
export function singleQueryOperation(document: DocumentNode): OperationDefinitionNode | null {
  let found: OperationDefinitionNode | null = null;
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    if (found || definition.operation !== 'query') return null;
    found = definition;
  }
  return found;
}

export function useCompiledExecution(options: CompiledExecutionOptions): Plugin {
  // By document: yoga's parse cache hands back one object per text, so this is one lookup per
  // request; null = not a single query (graphql-js runs it).
  const entries = new WeakMap<DocumentNode, Entry | null>();
  const entryOf = (document: DocumentNode) => {
    let entry = entries.get(document);
    if (entry === undefined) {
      const operation = singleQueryOperation(document);
      entry = operation ? { operation } : null;
      entries.set(document, entry);
    }
    return entry;
  };

  const execute = makeExecute((args) => {
    // onExecute picked this executor for this document, so it is a single query.
    const entry = entryOf(args.document)!;
    entry.compilation ??= options.compiled.get(args.document, entry.operation);
    const compilation = entry.compilation;
    if (!isCompiledQuery(compilation)) return compilation;
    // As @envelop/graphql-jit did: yoga serialises the result with the compilation's stringify.
    const withStringify = (result: ExecutionResult) => Object.assign(result, { stringify: compilation.stringify });
    const result = compilation.query(args.rootValue, args.contextValue, args.variableValues);
    return isPromise(result) ? result.then(withStringify) : withStringify(result);
  });

  return {
    onExecute({ args, setExecuteFn }) {
      if (entryOf(args.document)) setExecuteFn(execute);
    },
  };
}
