/**
 * Entry point (`npm start`): validated config, then the embedded simulator when no upstream key
 * is configured, then the gateway. The only module of the gateway that imports the simulator.
 */
import { ConfigError, loadConfig, type Config } from './config';
import { createLogger } from './logger';
import { startGateway } from './server/gateway';
import { GRAPHQL_PATH } from './server/routes';
import type { UpstreamCredentials } from './upstream';

let config: Config;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`laaffic-gateway: ${err.message}\n`);
    process.exit(1);
  }
  throw err;
}

const log = createLogger({
  level: config.log.level,
  pretty: config.log.pretty,
  // The upstream secret, the client bearer tokens and Redis's password: none may reach a log line.
  secrets: [config.upstream.apiSecret ?? '', ...config.auth.tokens, redisPassword(config.cluster.redisUrl)],
});

function redisPassword(url: string | undefined): string {
  if (!url) return '';
  try {
    return decodeURIComponent(new URL(url).password);
  } catch {
    return '';
  }
}

let credentials: UpstreamCredentials;
let closeSimulator: (() => Promise<void>) | undefined;
if (config.useSimulator) {
  log.info('LAAFFIC_API_KEY is not set: starting the embedded Laaffic simulator (demo data) and serving it');
  const { startSimulator } = await import('./simulator');
  // Both product lines as the provider maps them, and live mode: campaigns progress (a tick every
  // 5 s) so that GraphiQL's subscriptions have something to show.
  const simulator = await startSimulator({
    port: config.simulatorPort,
    timezone: config.upstream.zone.name,
    productLines: true,
    live: { tickMs: 5_000 },
  });
  closeSimulator = () => simulator.close();
  credentials = { baseUrl: simulator.url, apiKey: simulator.apiKey, apiSecret: simulator.apiSecret };
  log.info({ simulator: simulator.url }, 'embedded simulator listening');
} else {
  log.info({ upstream: config.upstream.baseUrl }, 'using the Laaffic API');
  credentials = {
    baseUrl: config.upstream.baseUrl,
    apiKey: config.upstream.apiKey!,
    apiSecret: config.upstream.apiSecret!,
  };
}

process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled rejection'));

const gateway = await startGateway(config, credentials, log);
log.info({ url: `${gateway.url}${GRAPHQL_PATH}` }, `gateway ready: GraphiQL at ${gateway.url}${GRAPHQL_PATH}`);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'shutting down');
  await gateway.close();
  await closeSimulator?.();
  log.flush();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
