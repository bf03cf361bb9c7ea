/**
 * CallProduct: the provider's product lines as the schema knows them (the upstream layer's line
 * ids, same spelling), and the one place that turns a client's `products` (or their absence) into
 * the lines a request reads. A line the gateway does not serve is the client's mistake.
 */
import type { LaafficApi, ProductLineId } from '../upstream';
import { builder } from './builder';
import type { GatewayContext } from './context';
import { InputError } from './errors';

export const CallProduct = builder.enumType('CallProduct', {
  description:
    'The provider\'s two product lines, each with its own task list, recall-flow list and recall-flow detail endpoints.',
  values: {
    GROUP_CALL: { value: 'GROUP_CALL', description: 'IVR and AI group calls (task types IVR and AI).' },
    AI_AGENT: { value: 'AI_AGENT', description: 'AI Agent group calls (task type AI_AGENT).' },
  } as const,
});

/** The endpoints of one line, or BAD_USER_INPUT when this gateway does not serve it. */
export function lineApi(ctx: GatewayContext, line: ProductLineId): LaafficApi {
  const api = ctx.lines.get(line);
  if (!api) throw new InputError(`product line ${line} is not served by this gateway (LAAFFIC_PRODUCTS)`);
  return api;
}

/**
 * The lines a list reads: every served line (configured order) when `products` is absent or
 * empty, else the named ones (each served, duplicates dropped, in the served order).
 */
export function selectedLines(ctx: GatewayContext, products: readonly ProductLineId[] | null | undefined, argName: string): LaafficApi[] {
  if (!products || products.length === 0) return [...ctx.lines.values()];
  for (const p of products) {
    if (!ctx.lines.has(p)) throw new InputError(`\`${argName}\` names ${p}, a product line this gateway does not serve (LAAFFIC_PRODUCTS)`);
  }
  return [...ctx.lines.values()].filter((api) => products.includes(api.line));
}
