import { KeyObject } from 'node:crypto';
import { parse } from 'graphql';
import { policeSdl } from '../../schema/sdl';
import { AREA_STANDARD_VERSION } from '../../schema/standard';
import { Database } from '../shared/database';
import { startSubgraph } from '../shared/subgraph';
import { RunningServer } from '../shared/http';
import { OffenderRow, registerLoaders } from './data/register';
import { offenderRecord, policeResolvers, PoliceContext } from './resolvers';
import { POLICE_FEATURES } from './features';

export const POLICE_SERVICE = 'police';

export interface PoliceSubgraphOptions {
  db: Database;
  port: number;
  host?: string;
  /** Accepted token issuers: the gateway, plus each council for case-holder notifications. */
  trustedIssuers: ReadonlyMap<string, KeyObject>;
  maxRepresentations: number;
  /** Today's date; injectable so tests can fix the clock. */
  today?: () => string;
}

/** Builds and starts the police register subgraph; no side effects beyond listening. */
export function startPoliceSubgraph(options: PoliceSubgraphOptions): Promise<RunningServer> {
  const today = options.today ?? (() => new Date().toISOString().slice(0, 10));
  return startSubgraph<PoliceContext>({
    name: POLICE_SERVICE,
    typeDefs: parse(policeSdl()),
    resolvers: policeResolvers,
    trustedIssuers: options.trustedIssuers,
    maxRepresentations: options.maxRepresentations,
    port: options.port,
    host: options.host,
    // Every field of a register entry, whichever feature resolves it, is a consultation of that entry.
    audit: { db: options.db, owner: 'POLICE', records: [{ typeName: 'Offender', refOf: (o: OffenderRow) => offenderRecord(o) }, ...POLICE_FEATURES.flatMap((f) => f.audited ?? [])] },
    health: async () => ({ standardVersion: AREA_STANDARD_VERSION }),
    context: (caller) => ({ caller, db: options.db, loaders: registerLoaders(options.db), memo: {}, today }),
  });
}
