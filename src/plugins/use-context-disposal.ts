/**
 * Releases a request's resources (its deadline timer, its listener on the shutdown signal) as
 * soon as execution is over, not when the deadline fires: thousands of requests a second would
 * otherwise each hold a timer for REQUEST_DEADLINE_MS. A subscription's context is released when
 * its stream ends (or at once when it was refused): a graphql-ws connection carries many
 * operations over one signal, and each undisposed context kept its listener there for as long as
 * the connection lived.
 */
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import type { GatewayContext } from '../graphql/context';

const disposeOf = (context: unknown) => () => (context as Partial<GatewayContext> | undefined)?.dispose?.();

export function useContextDisposal(): Plugin {
  return {
    onExecute({ args }) {
      return {
        onExecuteDone() {
          (args.contextValue as unknown as Partial<GatewayContext>).dispose?.();
        },
      };
    },
    onSubscribe({ args }) {
      const dispose = disposeOf(args.contextValue);
      return {
        onSubscribeResult({ result }) {
          if (!isAsyncIterable(result)) {
            dispose();
            return undefined;
          }
          return { onEnd: dispose };
        },
      };
    },
  };
}
