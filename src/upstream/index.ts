/** Builds the upstream layer (client + typed endpoints) from the validated configuration. */
import type { Config } from '../config';
import { UpstreamClient } from './client';
import { createLaafficApi, type LaafficApi } from './endpoints';

export interface Upstream {
  client: UpstreamClient;
  api: LaafficApi;
}

export interface UpstreamCredentials {
  baseUrl: string;
  apiKey: string;
  apiSecret: string;
}

export function createUpstream(config: Config['upstream'], credentials: UpstreamCredentials): Upstream {
  const client = new UpstreamClient({ ...config, ...credentials });
  const api = createLaafficApi(client, config.zone, config);
  return { client, api };
}

export { UpstreamClient } from './client';
export type { CallOptions, UpstreamEvent } from './client';
export { UpstreamError } from './errors';
export type { UpstreamErrorCode } from './errors';
export type { GroupCallTaskRecord, RecallFlowRecord, Page } from './records';
export type { GroupCallTaskQuery, RecallFlowQuery, LaafficApi } from './endpoints';
