/**
 * A request whose `variables` or `extensions` parameter is not JSON (a GET query string, a
 * urlencoded POST) is the client's mistake: 400 BAD_REQUEST. yoga's parsers call JSON.parse on
 * them as they are, and the SyntaxError would surface as a masked INTERNAL_SERVER_ERROR.
 */
import { createGraphQLError, type Plugin } from 'graphql-yoga';

export function useRequestParamsCheck(): Plugin {
  return {
    onRequestParse({ requestParser, setRequestParser }) {
      if (!requestParser) return;
      setRequestParser(async (request) => {
        try {
          return await requestParser(request);
        } catch (err) {
          if (err instanceof SyntaxError) {
            throw createGraphQLError('The request parameters are not valid: `variables` and `extensions` must be JSON.', {
              extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
            });
          }
          throw err;
        }
      });
    },
  };
}
