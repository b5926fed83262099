import { KeyObject } from 'node:crypto';
import { parse } from 'graphql';
import { coordinationSdl } from '../../schema/sdl';
import { GATEWAY_ISSUER } from '../../schema/tokens';
import { Database } from '../shared/database';
import { RunningServer } from '../shared/http';
import { policeNotifier } from '../shared/police-notifier';
import { startSubgraph } from '../shared/subgraph';
import { AuditedType } from '../shared/audit-log';
import { coordinationLoaders, MinutesRow, ReferralRow } from './data/records';
import { CoordinationDeps } from './practice';
import { CoordinationContext, coordinationResolvers } from './resolvers';

export const COORDINATION_SERVICE = 'coordination';

export interface CoordinationSubgraphOptions {
  db: Database;
  port: number;
  host?: string;
  /** The gateway's public key: the only issuer the MAPPA unit's records accept. */
  gatewayKey: KeyObject;
  maxRepresentations: number;
  /** The MAPPA unit's own key, for its level notices to the police register. */
  serviceKey: KeyObject;
  policeUrl: string;
  /** Today's date; injectable so tests can fix the clock. */
  today?: () => string;
}

const RECORD_MAPPA_LEVEL = `mutation RecordMappaLevel($input: MappaLevelNoticeInput!) { recordMappaLevel(input: $input) { offenderId } }`;

/**
 * The MAPPA unit's records about people, for the s.62 log: every read is logged, and a read by
 * another organisation's staff is logged as a disclosure to it (audit-log.ts).
 */
const AUDITED: readonly AuditedType[] = [
  { typeName: 'MappaReferral', refOf: (r: ReferralRow) => ({ recordType: 'MappaReferral', recordId: r.id, personId: r.offender_id }) },
  { typeName: 'MappaMeeting', refOf: (m: { id: string }) => ({ recordType: 'MappaMeeting', recordId: m.id, personId: null }) },
  { typeName: 'MappaMinutes', refOf: (m: { row: MinutesRow }) => ({ recordType: 'MappaMinutes', recordId: m.row.meeting_id, personId: null }) },
  { typeName: 'MappaAction', refOf: (a: { id: string; offender: { id: string } | null }) => ({ recordType: 'MappaAction', recordId: a.id, personId: a.offender?.id ?? null }) },
  { typeName: 'MappaManagement', refOf: (m: { offenderId: string }) => ({ recordType: 'MappaManagement', recordId: m.offenderId, personId: m.offenderId }) },
  { typeName: 'CoordinatorListEntry', refOf: (e: { offender: { id: string } }) => ({ recordType: 'MappaManagement', recordId: e.offender.id, personId: e.offender.id }) },
];

/** Builds and starts the MAPPA unit's coordination subgraph; no side effects beyond listening. */
export function startCoordinationSubgraph(options: CoordinationSubgraphOptions): Promise<RunningServer> {
  const notify = policeNotifier({ service: 'coordination', policeUrl: options.policeUrl, serviceKey: options.serviceKey });
  const deps: CoordinationDeps = {
    db: options.db,
    today: options.today ?? (() => new Date().toISOString().slice(0, 10)),
    notifyRegisterLevel: (notice) => notify(RECORD_MAPPA_LEVEL, notice),
  };
  return startSubgraph<CoordinationContext>({
    name: COORDINATION_SERVICE,
    typeDefs: parse(coordinationSdl()),
    resolvers: coordinationResolvers,
    trustedIssuers: new Map([[GATEWAY_ISSUER, options.gatewayKey]]),
    maxRepresentations: options.maxRepresentations,
    port: options.port,
    host: options.host,
    context: (caller) => ({ caller, deps, loaders: coordinationLoaders(options.db) }),
    audit: { db: options.db, owner: 'MAPPA_UNIT', records: AUDITED },
  });
}
