import { KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { authorityNames } from '../schema/authorities';
import { AUTHORITIES, Authority } from '../schema/domain';
import { GATEWAY_ISSUER, loadOrCreateKeyPair, loadPublicKey } from '../schema/tokens';
import { GatewayServer, startGateway } from '../gateway/server';
import { startPoliceSubgraph } from '../subgraphs/police/server';
import { policeMigrations } from '../subgraphs/police/data/migrations';
import { CouncilServer, startCouncilSubgraph } from '../subgraphs/council/server';
import { councilMigrations } from '../subgraphs/council/data/migrations';
import { startCoordinationSubgraph } from '../subgraphs/coordination/server';
import { coordinationMigrations } from '../subgraphs/coordination/data/migrations';
import { dashboardRoutes, demoTokenIssuer } from '../gateway/dashboard/routes';
import { openServiceDatabase } from '../subgraphs/shared/bootstrap';
import { Database } from '../subgraphs/shared/database';
import { RunningServer } from '../subgraphs/shared/http';
import { StandardVersion } from '../schema/standard';
import { generateDemoData } from './demo-data';
import { loadDemoData } from './load-demo';

/**
 * Starts the whole federation in one process: five databases, five subgraphs (police, three
 * councils, the MAPPA unit's coordination), the gateway with the co-ordinator's dashboard.
 * Used by `npm start` and by the federated tests (on port 0), so both exercise the same wiring.
 */
export interface FederationOptions {
  keysDir: string;
  /** Per data owner; unset → embedded PostgreSQL under embeddedDataDir. */
  databaseUrls: Partial<Record<'police' | 'coordination' | Authority, string>>;
  embeddedDataDir: string;
  /** Pool size for the databasesUrls given (embedded servers started here always use one connection). */
  databasePoolSize?: number;
  /** coordination defaults to 0 (any free port). */
  ports: { gateway: number; police: number; coordination?: number } & Record<Authority, number>;
  supergraphFile: string;
  jwt: { issuer: string; audience: string; keyIds: string[] };
  /** Loads the demo dataset into empty databases. */
  demoData: { referenceDate: string } | null;
  today?: () => string;
  /** Standard versions a council runs, when it should differ from the shared ones (mismatch drills). */
  standardVersions?: Partial<Record<Authority, readonly StandardVersion[]>>;
  /** Interval of each council's breach sweep; 0 = only at start and on demand. */
  breachSweepIntervalMs?: number;
  subgraphTimeoutMs?: number;
  rateLimitPerMinute?: number;
  maxRepresentations?: number;
  devMode?: boolean;
  gatewayRoutes?: Parameters<typeof startGateway>[0]['routes'];
  gatewayWarn?: (message: string) => void;
  /**
   * Demo only: serve GET /demo/token so the dashboard can sign in as a demo identity. Anyone who
   * can reach the gateway then gets any demo role; `npm start` turns it on, docker never does.
   */
  demoTokens?: boolean;
}

export interface Federation {
  gatewayUrl: string;
  gateway: GatewayServer;
  subgraphs: Record<string, RunningServer>;
  databases: { police: Database; councils: Record<Authority, Database>; coordination: Database };
  /** Runs every council's breach sweep now; returns how many breaches were raised. */
  sweepBreaches(): Promise<number>;
  stop(): Promise<void>;
}

export async function startFederation(options: FederationOptions): Promise<Federation> {
  const gatewayKeys = loadOrCreateKeyPair(options.keysDir, 'gateway');
  const coordinationKeys = loadOrCreateKeyPair(options.keysDir, 'coordination');
  const councilKeys = Object.fromEntries(AUTHORITIES.map((a) => [a, loadOrCreateKeyPair(options.keysDir, authorityNames(a).serviceName)])) as Record<Authority, { privateKey: KeyObject; publicKey: KeyObject }>;
  const closers: Array<() => Promise<void>> = [];
  const open = async (service: string, url: string | undefined, migrations: Parameters<typeof openServiceDatabase>[0]['migrations']) => {
    const handle = await openServiceDatabase({ service, url, embeddedDataDir: options.embeddedDataDir, migrations, poolSize: options.databasePoolSize });
    closers.unshift(() => handle.close());
    return handle.db;
  };
  try {
    const [police, coordination, ...councilDbs] = await Promise.all([
      open('police', options.databaseUrls.police, policeMigrations),
      open('coordination', options.databaseUrls.coordination, coordinationMigrations),
      ...AUTHORITIES.map((a) => open(authorityNames(a).serviceName, options.databaseUrls[a], councilMigrations)),
    ]);
    const councils = Object.fromEntries(AUTHORITIES.map((a, i) => [a, councilDbs[i]])) as Record<Authority, Database>;
    if (options.demoData) await loadDemoData({ police, councils, coordination }, generateDemoData(options.demoData));

    const maxRepresentations = options.maxRepresentations ?? 1000;
    const policeServer = await startPoliceSubgraph({
      db: police,
      port: options.ports.police,
      today: options.today,
      maxRepresentations,
      trustedIssuers: new Map<string, KeyObject>([
        [GATEWAY_ISSUER, gatewayKeys.publicKey],
        ...AUTHORITIES.map((a): [string, KeyObject] => [authorityNames(a).serviceName, councilKeys[a].publicKey]),
        ['coordination', coordinationKeys.publicKey],
      ]),
    });
    closers.unshift(() => policeServer.stop());
    const subgraphs: Record<string, RunningServer> = { police: policeServer };
    const councilServers = {} as Record<Authority, CouncilServer>;
    for (const a of AUTHORITIES) {
      const server = await startCouncilSubgraph({
        authority: a,
        db: councils[a],
        port: options.ports[a],
        gatewayKey: gatewayKeys.publicKey,
        serviceKey: councilKeys[a].privateKey,
        policeUrl: policeServer.url,
        maxRepresentations,
        today: options.today,
        standardVersions: options.standardVersions?.[a],
        breachSweepIntervalMs: options.breachSweepIntervalMs,
      });
      closers.unshift(() => server.stop());
      councilServers[a] = server;
      subgraphs[authorityNames(a).serviceName] = server;
    }
    // The MAPPA unit's records: trusts the gateway only (people, never another service).
    const coordinationServer = await startCoordinationSubgraph({
      db: coordination,
      port: options.ports.coordination ?? 0,
      gatewayKey: gatewayKeys.publicKey,
      serviceKey: coordinationKeys.privateKey,
      policeUrl: policeServer.url,
      maxRepresentations,
      today: options.today,
    });
    closers.unshift(() => coordinationServer.stop());
    subgraphs.coordination = coordinationServer;
    // Missed follow-ups become breaches (flag, chronology entry, police notice) before anyone asks.
    const sweepBreaches = async () => (await Promise.all(AUTHORITIES.map((a) => councilServers[a].sweepBreaches()))).reduce((x, y) => x + y, 0);
    await sweepBreaches();
    const gateway = await startGateway({
      supergraphSdl: readFileSync(options.supergraphFile, 'utf8'),
      subgraphUrls: Object.fromEntries(Object.entries(subgraphs).map(([name, s]) => [name, s.url])),
      userTokens: {
        issuer: options.jwt.issuer,
        audience: options.jwt.audience,
        keys: new Map(options.jwt.keyIds.map((kid) => [kid, loadPublicKey(options.keysDir, kid)])),
      },
      gatewayKey: gatewayKeys.privateKey,
      port: options.ports.gateway,
      devMode: options.devMode ?? false,
      subgraphTimeoutMs: options.subgraphTimeoutMs ?? 10_000,
      maxBodyBytes: 65_536,
      rateLimitPerMinute: options.rateLimitPerMinute ?? 600,
      routes: [...(options.gatewayRoutes ?? []), ...dashboardRoutes({ demo: options.demoTokens ? demoTokenIssuer(options.keysDir) : undefined })],
      warn: options.gatewayWarn,
    });
    closers.unshift(() => gateway.stop());
    return {
      gatewayUrl: gateway.url,
      gateway,
      subgraphs,
      databases: { police, councils, coordination },
      sweepBreaches,
      async stop() {
        for (const close of closers) await close().catch(() => undefined);
      },
    };
  } catch (error) {
    for (const close of closers) await close().catch(() => undefined);
    throw error;
  }
}
