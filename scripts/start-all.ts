/**
 * `npm start`: the whole federation in one process on embedded PostgreSQL (or the databases named
 * by *_DATABASE_URL), with the demo dataset loaded on first run. Data persists under EMBEDDED_DATA_DIR.
 */
import { join } from 'node:path';
import { loadConfig } from '../schema/config';
import { AUTHORITIES } from '../schema/domain';
import { loadOrCreateKeyPair } from '../schema/tokens';
import { gatewayConfigSpec } from '../gateway/config';
import { coordinationConfigSpec, councilConfigSpec, policeConfigSpec } from '../subgraphs/shared/service-config';
import { DEMO_KEY_ID } from './demo-identities';
import { startFederation } from './federation';

async function main() {
  const started = Date.now();
  const gateway = loadConfig(gatewayConfigSpec);
  const police = loadConfig(policeConfigSpec);
  const coordination = loadConfig(coordinationConfigSpec);
  const councils = Object.fromEntries(AUTHORITIES.map((a) => [a, loadConfig(councilConfigSpec(a))])) as Record<(typeof AUTHORITIES)[number], ReturnType<typeof loadConfig<ReturnType<typeof councilConfigSpec>>>>;
  loadOrCreateKeyPair(gateway.keysDir, DEMO_KEY_ID);
  const federation = await startFederation({
    keysDir: gateway.keysDir,
    databaseUrls: { police: police.databaseUrl, coordination: coordination.databaseUrl, ...Object.fromEntries(AUTHORITIES.map((a) => [a, councils[a].databaseUrl])) },
    embeddedDataDir: police.embeddedDataDir,
    ports: { gateway: gateway.port, police: police.port, coordination: coordination.port, DUNDEE: councils.DUNDEE.port, ANGUS: councils.ANGUS.port, PERTH_AND_KINROSS: councils.PERTH_AND_KINROSS.port },
    supergraphFile: join(process.cwd(), gateway.supergraphFile),
    jwt: { issuer: gateway.jwtIssuer, audience: gateway.jwtAudience, keyIds: gateway.jwtKeyIds },
    demoData: { referenceDate: new Date().toISOString().slice(0, 10) },
    devMode: gateway.devMode,
    subgraphTimeoutMs: gateway.subgraphTimeoutMs,
    rateLimitPerMinute: gateway.rateLimitPerMinute,
    // The dashboard's "sign in as" picker. A local demo only: see docs/coordination.md.
    demoTokens: true,
  });
  console.log(`
Tayside MAPPA federation ready in ${((Date.now() - started) / 1000).toFixed(1)} s
  GraphQL:    ${federation.gatewayUrl}
  Dashboard:  ${federation.gatewayUrl.replace(/graphql$/, '')}   (demo sign-in enabled: local use only)
  Health:     ${federation.gatewayUrl.replace(/graphql$/, 'health')}
  Demo token: npm run token            (MAPPA co-ordinator; or: npm run token -- angus-case-manager)
  Try:        curl -s ${federation.gatewayUrl} -H "authorization: Bearer $(npm run -s token)" \\
                -H 'content-type: application/json' -d '{"query":"{ offenders(first: 3) { totalCount edges { node { id lastName cases { id authority riskLevel } } } } }"}'
`);
  const shutdown = async () => {
    await federation.stop();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
