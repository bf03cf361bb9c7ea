/**
 * One POST through an undici dispatcher, answered as status + text, with dispatch()'s handler
 * API: no response body stream per call (what `request()` builds and `.text()` then drains),
 * which was the largest share of the client's own CPU per call under load. The caller's signal
 * rejects at once, and cancels the request on the wire as soon as undici has started it.
 * The size of an answer is bounded by the dispatcher itself (undici's `maxResponseSize`).
 */
import type { Dispatcher } from 'undici';

export interface PostTextOptions {
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface TextResponse {
  statusCode: number;
  text: string;
}

export function postText(dispatcher: Dispatcher, options: PostTextOptions, signal: AbortSignal): Promise<TextResponse> {
  return new Promise<TextResponse>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    let controller: Dispatcher.DispatchController | undefined;
    let settled = false;
    let statusCode = 0;
    let chunks: Buffer[] = [];
    const settle = () => {
      settled = true;
      signal.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      if (settled) return;
      settle();
      reject(signal.reason);
      controller?.abort(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    dispatcher.dispatch(
      { path: options.path, method: 'POST', headers: options.headers, body: options.body },
      {
        onRequestStart(c) {
          controller = c;
          if (settled) c.abort(new Error('aborted'));
        },
        onResponseStart(_c, status) {
          // A 1xx informational answer comes before the real one: only the last one counts.
          statusCode = status;
          chunks = [];
        },
        onResponseData(_c, chunk) {
          if (settled) return;
          chunks.push(chunk);
        },
        onResponseEnd() {
          if (settled) return;
          settle();
          resolve({ statusCode, text: chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8') });
        },
        onResponseError(_c, err) {
          if (settled) return;
          settle();
          reject(err);
        },
      },
    );
  });
}
