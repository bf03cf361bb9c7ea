/**
 * The gateway as a running service: upstream client + yoga behind a node:http server, with
 * listen and close. main.ts and the integration tests both start it through here.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from './config';
import type { Logger } from './logger';
import { createUpstream, type Upstream, type UpstreamCredentials } from './upstream';
import { createGatewayYoga, type GatewayYoga } from './yoga';

export interface Gateway {
  yoga: GatewayYoga;
  upstream: Upstream;
  server: Server;
  url: string;
  close(): Promise<void>;
}

export async function startGateway(config: Config, credentials: UpstreamCredentials, log: Logger): Promise<Gateway> {
  const upstream = createUpstream(config.upstream, credentials);
  const yoga = createGatewayYoga({
    api: upstream.api,
    log,
    settings: {
      zone: config.upstream.zone,
      defaultWindowDays: config.defaultWindowDays,
      join: config.join,
      requestDeadlineMs: config.server.requestDeadlineMs,
    },
  });
  const server = createServer(yoga);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.server.port, config.server.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = config.server.host === '0.0.0.0' || config.server.host === '::' ? 'localhost' : config.server.host;
  return {
    yoga,
    upstream,
    server,
    url: `http://${host}:${port}`,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await upstream.client.close();
    },
  };
}
