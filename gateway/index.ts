/** Entry point of a standalone gateway (docker-compose). The only file that reads the environment. */
import { readFileSync } from 'node:fs';
import pino from 'pino';
import { loadConfig } from '../schema/config';
import { loadOrCreateKeyPair, loadPublicKey } from '../schema/tokens';
import { gatewayConfigSpec, subgraphUrls } from './config';
import { dashboardRoutes } from './dashboard/routes';
import { startGateway } from './server';

async function main() {
  const config = loadConfig(gatewayConfigSpec);
  const log = pino({ name: 'gateway' });
  const server = await startGateway({
    supergraphSdl: readFileSync(config.supergraphFile, 'utf8'),
    subgraphUrls: subgraphUrls(config),
    userTokens: {
      issuer: config.jwtIssuer,
      audience: config.jwtAudience,
      keys: new Map(config.jwtKeyIds.map((kid) => [kid, loadPublicKey(config.keysDir, kid)])),
    },
    gatewayKey: loadOrCreateKeyPair(config.keysDir, 'gateway').privateKey,
    port: config.port,
    host: config.host,
    devMode: config.devMode,
    subgraphTimeoutMs: config.subgraphTimeoutMs,
    maxBodyBytes: config.maxBodyBytes,
    rateLimitPerMinute: config.rateLimitPerMinute,
    // The co-ordinator's dashboard and the annual-return CSV. No demo sign-in route here, ever.
    routes: dashboardRoutes(),
  });
  log.info({ url: server.url }, 'gateway listening');
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
