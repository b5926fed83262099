/** Entry point of a standalone police subgraph (docker-compose). The only file that reads the environment. */
import { KeyObject } from 'node:crypto';
import pino from 'pino';
import { authorityNames } from '../../schema/authorities';
import { loadConfig } from '../../schema/config';
import { AUTHORITIES } from '../../schema/domain';
import { GATEWAY_ISSUER, loadPublicKey } from '../../schema/tokens';
import { openServiceDatabase } from '../shared/bootstrap';
import { policeConfigSpec } from '../shared/service-config';
import { policeMigrations } from './data/migrations';
import { startPoliceSubgraph } from './server';

async function main() {
  const config = loadConfig(policeConfigSpec);
  const log = pino({ name: 'police', level: config.logLevel });
  const { db } = await openServiceDatabase({ service: 'police', url: config.databaseUrl, embeddedDataDir: config.embeddedDataDir, migrations: policeMigrations, log });
  const server = await startPoliceSubgraph({
    db,
    port: config.port,
    host: config.host,
    maxRepresentations: config.maxRepresentations,
    trustedIssuers: new Map<string, KeyObject>([
      [GATEWAY_ISSUER, loadPublicKey(config.keysDir, 'gateway')],
      ...AUTHORITIES.map((a): [string, KeyObject] => [authorityNames(a).serviceName, loadPublicKey(config.keysDir, authorityNames(a).serviceName)]),
      ['coordination', loadPublicKey(config.keysDir, 'coordination')],
    ]),
  });
  log.info({ url: server.url }, 'police subgraph listening');
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
