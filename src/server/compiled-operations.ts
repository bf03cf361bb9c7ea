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
 *
 * Two rules keep one answer per request whatever path and executor serve it (yoga with graphql-jit,
 * yoga with graphql-js, the fast lane with graphql-jit):
 * - jitSafe: graphql-jit builds results (and coerced variables) in plain objects, so a response
 *   name such as `__proto__` vanished (`{ __proto__: __typename }` answered `{"data":{}}`) where
 *   graphql-js keeps it. A document with any name of Object.prototype's runs on graphql-js.
 * - coerceVariables: the variables are coerced by graphql-js's getVariableValues before any
 *   executor runs, so every path refuses the same inputs with the same messages (graphql-jit named
 *   an input field, `$statuses`, for a variable `$f`, and dropped the explanation).
 */
import { BREAK, getOperationAST, getVariableValues, visit, type DocumentNode, type ExecutionResult, type GraphQLError, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { createGraphQLError } from 'graphql-yoga';
import { clientMessage } from '../graphql/errors';

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

/** Object.prototype's own names: `__proto__`, `constructor`, `toString`, `hasOwnProperty`, … */
const PROTOTYPE_NAMES: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));
const safety = new WeakMap<DocumentNode, boolean>();

/**
 * False when any name in the document (an alias, field, variable, fragment or operation name)
 * is one of Object.prototype's: graphql-jit would answer it differently from graphql-js, so such a
 * document never runs on graphql-jit (yoga runs it on graphql-js; the fast lane never keeps it).
 */
export function jitSafe(document: DocumentNode): boolean {
  let safe = safety.get(document);
  if (safe === undefined) {
    safe = true;
    visit(document, {
      Name(node) {
        if (!PROTOTYPE_NAMES.has(node.value)) return undefined;
        safe = false;
        return BREAK;
      },
    });
    safety.set(document, safe);
  }
  return safe;
}

/**
 * The query operation `operationName` selects in `document` when graphql-jit may run it (a query,
 * in a jit-safe document), else null: yoga's executor choice (use-compiled-execution.ts) and what
 * the fast lane keeps (prepared-operations.ts).
 */
export function jitOperation(document: DocumentNode, operationName: string | null | undefined): OperationDefinitionNode | null {
  const operation = getOperationAST(document, operationName);
  return operation?.operation === 'query' && jitSafe(document) ? operation : null;
}

/**
 * graphql-js's coercion of an operation's variables (the GraphQL spec's CoerceVariableValues),
 * run before either executor on every path: undefined when they are fine, else the request errors
 * to answer with (BAD_USER_INPUT; HTTP 400 with application/graphql-response+json, 200 for a
 * legacy application/json client, as for any GraphQL request error). `hideSuggestions` drops
 * graphql-js's "Did you mean …" (production: introspection off).
 */
export function coerceVariables(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  inputs: Readonly<Record<string, unknown>> | null | undefined,
  hideSuggestions: boolean,
): readonly GraphQLError[] | undefined {
  const definitions = operation.variableDefinitions ?? [];
  if (definitions.length === 0) return undefined;
  const coerced = getVariableValues(schema, definitions, inputs ?? {}, { hideSuggestions });
  if (!coerced.errors) return undefined;
  return coerced.errors.map((e) =>
    createGraphQLError(clientMessage(e.message), {
      nodes: e.nodes,
      source: e.source,
      positions: e.positions,
      extensions: { code: 'BAD_USER_INPUT', http: { status: 400, spec: true } },
    }),
  );
}
