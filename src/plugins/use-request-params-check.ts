/**
 * The request's GraphQL-over-HTTP parameters, judged with messages that say what is wrong:
 * - `variables` or `extensions` that are not JSON (a GET query string, a urlencoded POST): 400
 *   BAD_REQUEST. yoga's parsers call JSON.parse on them as they are, and the SyntaxError would
 *   surface as a masked INTERNAL_SERVER_ERROR.
 * - an `operationName` that is not a string (`"operationName": 5`): 400 BAD_REQUEST saying so,
 *   where yoga said it "could not determine what operation to execute".
 * - an operation the request does not select (a name the document does not define, several
 *   operations and no name, only fragments): 400 OPERATION_RESOLUTION_FAILURE naming the case,
 *   before yoga's generic message.
 * These are request errors: 400 whatever the client accepts (graphql/errors.ts).
 */
import { getOperationAST, Kind, type DocumentNode } from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';

const badRequest = (message: string) => createGraphQLError(message, { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });

const kindOf = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

/** Why no operation is selected, or undefined when one is. */
function unresolved(document: DocumentNode, operationName: unknown): string | undefined {
  // As yoga resolves it: an empty name is a name, which no operation has.
  const name = typeof operationName === 'string' ? operationName : undefined;
  if (getOperationAST(document, name)) return undefined;
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION).length;
  if (operations === 0) return 'The document defines no operation (only fragments).';
  if (name === '') return "An empty operationName selects no operation: name one of the document's operations, or send none.";
  // Quoted names are bounded in every message a client gets (graphql/errors.ts).
  if (name !== undefined) return `The document defines no operation named "${name}".`;
  return `The document defines ${operations} operations: operationName must name the one to run.`;
}

export function useRequestParamsCheck(): Plugin {
  return {
    onRequestParse({ requestParser, setRequestParser }) {
      if (!requestParser) return;
      setRequestParser(async (request) => {
        try {
          return await requestParser(request);
        } catch (err) {
          if (err instanceof SyntaxError) throw badRequest('The request parameters are not valid: `variables` and `extensions` must be JSON.');
          throw err;
        }
      });
    },
    onParams({ params }) {
      const operationName = (params as { operationName?: unknown }).operationName;
      if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') {
        throw badRequest(`The "operationName" parameter must be a string; got ${kindOf(operationName)}.`);
      }
    },
    // Runs before yoga's own check (usePreventMutationViaGET), which has one message for every case.
    onParse({ context }) {
      return ({ result }) => {
        const params = (context as { params?: { operationName?: unknown } }).params;
        if (!params || !result || result instanceof Error) return;
        const why = unresolved(result as DocumentNode, params.operationName);
        if (why) throw createGraphQLError(why, { extensions: { code: 'OPERATION_RESOLUTION_FAILURE', http: { status: 400 } } });
      };
    },
  };
}
