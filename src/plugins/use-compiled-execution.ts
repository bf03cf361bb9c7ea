/**
 * Executes query operations with their graphql-jit compilation instead of interpreting them with
 * graphql-js on every request: the largest single CPU saving measured by `npm run bench`. It
 * replaces @envelop/graphql-jit's plugin, which kept a compile cache of its own, so that the fast
 * lane's prepared operations and yoga run one compilation per operation
 * (server/compiled-operations.ts) instead of compiling every document twice.
 *
 * Before either executor runs, the operation's variables are coerced by graphql-js
 * (compiled-operations.ts, coerceVariables): bad variables get graphql-js's request errors on every
 * path. Then the operation the request selects runs on graphql-jit when it is a query and the
 * document is jit-safe (no name of Object.prototype's); anything else stays with yoga's graphql-js
 * executor. The fast lane keeps exactly the operations this plugin runs on graphql-jit, so the
 * first request of a text (yoga) and its repeats (the lane) get the same bytes. (Before, a document
 * of several operations ran on graphql-js here and on graphql-jit in the lane.)
 */
import { getOperationAST, type ExecutionResult } from 'graphql';
import { isCompiledQuery } from 'graphql-jit';
import { isPromise, makeExecute, type Plugin } from 'graphql-yoga';
import { coerceVariables, jitOperation, jitSafe, type CompiledOperations } from '../server/compiled-operations';

export interface CompiledExecutionOptions {
  /** Where compilations are made and kept (shared with the fast lane's prepared operations). */
  compiled: CompiledOperations;
  /** Leave graphql-js's "Did you mean …" out of variable errors (introspection off). */
  hideSuggestions?: boolean;
}

export function useCompiledExecution(options: CompiledExecutionOptions): Plugin {
  const { compiled } = options;
  const hideSuggestions = options.hideSuggestions ?? false;

  const execute = makeExecute((args) => {
    // onExecute picked this executor for this operation, so it is a jit-safe query.
    const compilation = compiled.get(args.document, jitOperation(args.document, args.operationName)!);
    if (!isCompiledQuery(compilation)) return compilation;
    // As @envelop/graphql-jit did: yoga serialises the result with the compilation's stringify.
    const withStringify = (result: ExecutionResult) => Object.assign(result, { stringify: compilation.stringify });
    const result = compilation.query(args.rootValue, args.contextValue, args.variableValues);
    return isPromise(result) ? result.then(withStringify) : withStringify(result);
  });

  return {
    onExecute({ args, setExecuteFn, setResultAndStopExecution }) {
      // No operation selected: yoga's own check has answered that already (OPERATION_RESOLUTION_FAILURE).
      const operation = getOperationAST(args.document, args.operationName);
      if (!operation) return;
      const errors = coerceVariables(args.schema, operation, args.variableValues, hideSuggestions);
      if (errors) {
        setResultAndStopExecution({ errors });
        return;
      }
      if (operation.operation === 'query' && jitSafe(args.document)) setExecuteFn(execute);
    },
  };
}
