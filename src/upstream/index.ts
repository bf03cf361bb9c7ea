/**
 * Builds the upstream layer (client + typed endpoints). It declares the options it takes, so it
 * knows nothing of the application's configuration: config.ts builds an UpstreamOptions.
 */
import type { Zone } from '../time';
import { UpstreamClient, type UpstreamClientOptions } from './client';
import { createLaafficApi, type EndpointPaths, type LaafficApi } from './endpoints';

/** Everything the upstream layer needs but the credentials (which may come from the simulator). */
export interface UpstreamOptions
  extends Omit<UpstreamClientOptions, 'baseUrl' | 'apiKey' | 'apiSecret' | 'now' | 'random'>,
    EndpointPaths {
  /** The account's zone: upstream date-times are local to it. */
  zone: Zone;
}

export interface Upstream {
  client: UpstreamClient;
  api: LaafficApi;
}

export interface UpstreamCredentials {
  baseUrl: string;
  apiKey: string;
  apiSecret: string;
}

export function createUpstream(options: UpstreamOptions, credentials: UpstreamCredentials): Upstream {
  const client = new UpstreamClient({ ...options, ...credentials });
  const api = createLaafficApi(client, options.zone, options);
  return { client, api };
}

export { UpstreamClient } from './client';
export type { CallOptions, UpstreamEvent } from './client';
export { UpstreamError } from './errors';
export type { UpstreamErrorCode } from './errors';
export type { GroupCallTaskRecord, RecallFlowRecord, Page } from './records';
export type { GroupCallTaskQuery, RecallFlowQuery, LaafficApi } from './endpoints';
