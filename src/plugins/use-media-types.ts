/**
 * Media types, judged before anything is executed, with an answer that has a body and a code
 * (through http-errors.ts): yoga answered both with an empty body, and the 406 only after
 * executing the operation (upstream calls included) for a client that could not read the answer.
 * - 415 UNSUPPORTED_MEDIA_TYPE: a POST whose Content-Type no request parser takes (the guards
 *   have already folded the media type's case: `APPLICATION/JSON` is JSON, RFC 9110).
 * - 406 NOT_ACCEPTABLE: an Accept header that allows none of the media types yoga answers with
 *   (server/yoga-mirror.ts, answerableAccept).
 * - 406 NOT_ACCEPTABLE too for a subscription asked over HTTP without a streaming media type
 *   (`text/event-stream`, or `multipart/mixed`): yoga would start it, then answer an empty 406.
 *   graphql-ws operations (a connection id in their context) are not HTTP answers: not judged here.
 * Other methods are left to yoga (405 with Allow).
 */
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import { clientMessage } from '../graphql/errors';
import { httpErrorResponse } from '../server/http-errors';
import { answerableAccept, RESPONSE_MEDIA_TYPES } from '../server/yoga-mirror';

const REQUEST_TYPES = 'application/json (also application/graphql+json, multipart/form-data, or application/x-www-form-urlencoded with the CSRF header)';

export function useMediaTypes({ log }: { log: Logger }): Plugin {
  return {
    onRequestParse({ request, requestParser, endResponse, fetchAPI }) {
      if (request.method === 'POST' && !requestParser) {
        const given = request.headers.get('content-type');
        const message = given
          ? clientMessage(`Content-Type "${given}" is not supported: send ${REQUEST_TYPES}.`)
          : `A POST needs a Content-Type: send ${REQUEST_TYPES}.`;
        endResponse(httpErrorResponse(request, { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message }, log, fetchAPI));
        return;
      }
      if (request.method !== 'GET' && request.method !== 'POST') return;
      const accept = request.headers.get('accept');
      if (answerableAccept(accept)) return;
      const message = clientMessage(`Accept "${accept}" allows none of the media types of an answer: ${RESPONSE_MEDIA_TYPES.join(', ')}.`);
      endResponse(httpErrorResponse(request, { status: 406, code: 'NOT_ACCEPTABLE', message }, log, fetchAPI));
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const context = args.contextValue as { connectionId?: string; request?: { headers?: Headers } };
      if (context.connectionId !== undefined) return;
      const accept = context.request?.headers?.get('accept') ?? '';
      if (STREAMING.test(accept)) return;
      setResultAndStopExecution({
        errors: [
          new GraphQLError(
            'A subscription is answered as a stream: send Accept: text/event-stream (GraphQL over SSE), or subscribe over WebSocket (graphql-ws) on the same path.',
            { extensions: { code: 'NOT_ACCEPTABLE', http: { status: 406 } } },
          ),
        ],
      });
    },
  };
}

const STREAMING = /text\/event-stream|multipart\/mixed/i;
