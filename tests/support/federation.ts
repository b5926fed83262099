import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { User } from '../../schema/identity';
import { loadOrCreateKeyPair, signUserToken } from '../../schema/tokens';
import { DEMO_AUDIENCE, DEMO_IDENTITIES, DEMO_ISSUER, DEMO_KEY_ID } from '../../scripts/demo-identities';
import { Federation, FederationOptions, startFederation } from '../../scripts/federation';
import { EMBEDDED_POOL_SIZE } from '../../subgraphs/shared/bootstrap';
import { provisionDatabases, TestDatabases } from './databases';

/** The date the demo data and the services treat as "today" in tests, so every answer is reproducible. */
export const TEST_TODAY = '2026-11-27';

export interface GraphQLResponse<T = any> {
  status: number;
  data?: T;
  errors?: Array<{ message: string; path?: (string | number)[]; extensions?: Record<string, any> }>;
}

export interface TestFederation {
  fed: Federation;
  databases: TestDatabases;
  keysDir: string;
  token(identity: keyof typeof DEMO_IDENTITIES | User): string;
  /** POSTs one operation to the gateway as a demo identity. */
  query<T = any>(query: string, variables?: Record<string, unknown>, as?: keyof typeof DEMO_IDENTITIES | User, headers?: Record<string, string>): Promise<GraphQLResponse<T>>;
  /** Statements each database has run so far. */
  statements(): Record<string, number>;
  stop(): Promise<void>;
}

export async function startTestFederation(overrides: Partial<FederationOptions> = {}): Promise<TestFederation> {
  const databases = await provisionDatabases(['police', 'dundee', 'angus', 'perth-and-kinross', 'coordination']);
  const keysDir = mkdtempSync(join(tmpdir(), 'mappa-keys-'));
  const idp = loadOrCreateKeyPair(keysDir, DEMO_KEY_ID);
  let fed: Federation;
  try {
    fed = await startFederation({
      keysDir,
      databaseUrls: { police: databases.urls.police, coordination: databases.urls.coordination, DUNDEE: databases.urls.dundee, ANGUS: databases.urls.angus, PERTH_AND_KINROSS: databases.urls['perth-and-kinross'] },
      embeddedDataDir: join(keysDir, 'unused'),
      // Embedded PostgreSQL in its own process: one connection per service (see EMBEDDED_POOL_SIZE).
      ...(databases.kind === 'embedded' ? { databasePoolSize: EMBEDDED_POOL_SIZE } : {}),
      ports: { gateway: 0, police: 0, coordination: 0, DUNDEE: 0, ANGUS: 0, PERTH_AND_KINROSS: 0 },
      supergraphFile: join(__dirname, '..', '..', 'gateway', 'supergraph.graphql'),
      jwt: { issuer: DEMO_ISSUER, audience: DEMO_AUDIENCE, keyIds: [DEMO_KEY_ID] },
      demoData: { referenceDate: TEST_TODAY },
      today: () => TEST_TODAY,
      subgraphTimeoutMs: 5000,
      rateLimitPerMinute: 100_000,
      breachSweepIntervalMs: 0,
      ...overrides,
    });
  } catch (error) {
    await databases.drop();
    throw error;
  }
  const token = (identity: keyof typeof DEMO_IDENTITIES | User) => {
    const user = typeof identity === 'string' ? DEMO_IDENTITIES[identity] : identity;
    return signUserToken(user, { kid: DEMO_KEY_ID, privateKey: idp.privateKey }, { issuer: DEMO_ISSUER, audience: DEMO_AUDIENCE, expiresInSeconds: 600 });
  };
  return {
    fed,
    databases,
    keysDir,
    token,
    async query(query, variables, as = 'coordinator', headers = {}) {
      const res = await fetch(fed.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token(as)}`, 'x-justification': 'automated test', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return { status: res.status, ...((await res.json()) as object) };
    },
    statements() {
      const { police, councils, coordination } = fed.databases;
      return {
        police: police.statementCount(),
        dundee: councils.DUNDEE.statementCount(),
        angus: councils.ANGUS.statementCount(),
        'perth-and-kinross': councils.PERTH_AND_KINROSS.statementCount(),
        coordination: coordination.statementCount(),
      };
    },
    async stop() {
      await fed.stop();
      await databases.drop();
      rmSync(keysDir, { recursive: true, force: true });
    },
  };
}

/** Difference between two statement snapshots, per database. */
export function statementDelta(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.keys(after).map((k) => [k, after[k] - (before[k] ?? 0)]));
}
