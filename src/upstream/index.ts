/**
 * Builds the upstream layer (client + typed endpoints). It declares the options it takes, so it
 * knows nothing of the application's configuration: config.ts builds an UpstreamOptions.
 */
import type { Zone } from '../time';
import { UpstreamClient, type UpstreamClientOptions } from './client';
import { createLaafficApi, type LaafficApi } from './endpoints';
import type { ProductLine, ProductLineId } from './lines';

/** Everything the upstream layer needs but the credentials (which may come from the simulator). */
export interface UpstreamOptions extends Omit<UpstreamClientOptions, 'baseUrl' | 'apiKey' | 'apiSecret' | 'now' | 'random'> {
  /** The account's zone: upstream date-times are local to it. */
  zone: Zone;
  /** The product lines served, in this order (at least one). */
  lines: ProductLine[];
}

export interface Upstream {
  client: UpstreamClient;
  /** The endpoints of each line served, in the configured order. */
  lines: ReadonlyMap<ProductLineId, LaafficApi>;
  /** The first line served (what single-line callers such as the readiness probe use). */
  api: LaafficApi;
}

export interface UpstreamCredentials {
  baseUrl: string;
  apiKey: string;
  apiSecret: string;
}

export function createUpstream(options: UpstreamOptions, credentials: UpstreamCredentials): Upstream {
  if (options.lines.length === 0) throw new Error('createUpstream: no product line to serve');
  const client = new UpstreamClient({ ...options, ...credentials });
  const lines = new Map(options.lines.map((line) => [line.id, createLaafficApi(client, options.zone, line)] as const));
  return { client, lines, api: lines.get(options.lines[0]!.id)! };
}

export { UpstreamClient } from './client';
export type { CallOptions, UpstreamEvent } from './client';
export { ClientClosedError, UpstreamError } from './errors';
export type { UpstreamErrorCode } from './errors';
export type { GroupCallTaskRecord, RecallFlowRecord, RecallFlowDetailRecord, RecallNodeRecord, Page } from './records';
export { DEFAULT_PRODUCT_LINES, PRODUCT_LINE_IDS, endpointNames, productLine } from './lines';
export type { ProductLine, ProductLineId } from './lines';
export type { GroupCallTaskQuery, RecallFlowQuery, LaafficApi } from './endpoints';
