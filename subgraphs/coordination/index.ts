/** Entry point of a standalone coordination subgraph (docker-compose). The only file that reads the environment. */
import pino from 'pino';
import { loadConfig } from '../../schema/config';
import { loadOrCreateKeyPair, loadPublicKey } from '../../schema/tokens';
import { openServiceDatabase } from '../shared/bootstrap';
import { coordinationConfigSpec } from '../shared/service-config';
import { coordinationMigrations } from './data/migrations';
import { startCoordinationSubgraph } from './server';

async function main() {
  const config = loadConfig(coordinationConfigSpec);
  const log = pino({ name: 'coordination', level: config.logLevel });
  const { db } = await openServiceDatabase({ service: 'coordination', url: config.databaseUrl, embeddedDataDir: config.embeddedDataDir, migrations: coordinationMigrations, log });
  const server = await startCoordinationSubgraph({
    db,
    port: config.port,
    host: config.host,
    gatewayKey: loadPublicKey(config.keysDir, 'gateway'),
    serviceKey: loadOrCreateKeyPair(config.keysDir, 'coordination').privateKey,
    policeUrl: config.policeUrl,
    maxRepresentations: config.maxRepresentations,
  });
  log.info({ url: server.url }, 'coordination subgraph listening');
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
