/**
 * Entry point of one standalone council subgraph (docker-compose). COUNCIL picks the deployment:
 * DUNDEE, ANGUS or PERTH_AND_KINROSS. The only file that reads the environment.
 */
import pino from 'pino';
import { z } from 'zod';
import { authorityNames } from '../../schema/authorities';
import { loadConfig, key } from '../../schema/config';
import { AUTHORITIES } from '../../schema/domain';
import { loadOrCreateKeyPair, loadPublicKey } from '../../schema/tokens';
import { openServiceDatabase } from '../shared/bootstrap';
import { councilConfigSpec } from '../shared/service-config';
import { councilMigrations } from './data/migrations';
import { startCouncilSubgraph } from './server';

export const councilSelectorSpec = { council: key('COUNCIL', 'Which council this deployment serves.', z.enum(AUTHORITIES)) };

async function main() {
  const { council } = loadConfig(councilSelectorSpec);
  const config = loadConfig(councilConfigSpec(council));
  const names = authorityNames(council);
  const log = pino({ name: names.serviceName, level: config.logLevel });
  const { db } = await openServiceDatabase({ service: names.serviceName, url: config.databaseUrl, embeddedDataDir: config.embeddedDataDir, migrations: councilMigrations, log });
  const server = await startCouncilSubgraph({
    authority: council,
    db,
    port: config.port,
    host: config.host,
    gatewayKey: loadPublicKey(config.keysDir, 'gateway'),
    serviceKey: loadOrCreateKeyPair(config.keysDir, names.serviceName).privateKey,
    policeUrl: config.policeUrl,
    maxRepresentations: config.maxRepresentations,
  });
  log.info({ url: server.url }, `${names.displayName} subgraph listening`);
  // Breaches missed while the service was down are raised now, then hourly.
  server.sweepBreaches().then((n) => log.info({ raised: n }, 'breach sweep'), (error) => log.warn({ err: String(error) }, 'breach sweep failed; will retry'));
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
