import { KeyObject } from 'node:crypto';
import { parse } from 'graphql';
import { authorityNames } from '../../schema/authorities';
import { Authority } from '../../schema/domain';
import { councilSdl } from '../../schema/sdl';
import { Database } from '../shared/database';
import { RunningServer } from '../shared/http';
import { policeNotifier } from '../shared/police-notifier';
import { startSubgraph } from '../shared/subgraph';
import { CouncilDeps } from './case-practice';
import { caseLoaders, CaseRow } from './data/cases';
import { caseRecord } from './case-access';
import { COUNCIL_FEATURES } from './features';
import { councilResolvers, CouncilContext } from './resolvers';
import { sweepBreaches } from './features/contact-standard';
import { runningStandardVersion } from './features/contact-standard/timeline';
import { StandardVersion } from '../../schema/standard';

export interface CouncilSubgraphOptions {
  authority: Authority;
  db: Database;
  port: number;
  host?: string;
  /** The gateway's public key: the only issuer of user requests. */
  gatewayKey: KeyObject;
  /** This council's own private key, for its calls to the police register. */
  serviceKey: KeyObject;
  policeUrl: string;
  maxRepresentations: number;
  /** Today's date; injectable so tests can fix the clock. */
  today?: () => string;
  /** Standard versions this council runs; default: the shared ones in schema/standard/versions. */
  standardVersions?: readonly StandardVersion[];
  /** How often to look for missed follow-ups; 0 disables the timer (tests call sweepBreaches). */
  breachSweepIntervalMs?: number;
}

const RECORD_CASE_HOLDER = `mutation RecordCaseHolder($input: CaseHolderInput!) { recordCaseHolder(input: $input) { caseId } }`;
const RECORD_BREACH_NOTICE = `mutation RecordBreachNotice($input: BreachNoticeInput!) { recordBreachNotice(input: $input) { caseId } }`;

export interface CouncilServer extends RunningServer {
  /** Raises breach flags for missed follow-ups (also runs at start and on an interval). */
  sweepBreaches(): Promise<number>;
}

/** One codebase, three deployments: builds and starts the subgraph for one council. */
export async function startCouncilSubgraph(options: CouncilSubgraphOptions): Promise<CouncilServer> {
  const names = authorityNames(options.authority);
  const send = policeNotifier({ service: names.serviceName, policeUrl: options.policeUrl, serviceKey: options.serviceKey });
  // Council notices always name the council sending them; the register checks it is the caller.
  const notify = (query: string, input: Record<string, unknown>) => send(query, { ...input, authority: options.authority });
  const standard = { versions: options.standardVersions };
  const deps: CouncilDeps = {
    db: options.db,
    names,
    notifyCaseHolder: (holding) => notify(RECORD_CASE_HOLDER, holding),
    notifyBreach: (notice) => notify(RECORD_BREACH_NOTICE, notice),
    standard,
    today: options.today ?? (() => new Date().toISOString().slice(0, 10)),
  };
  const server = await startSubgraph<CouncilContext>({
    name: names.serviceName,
    typeDefs: parse(councilSdl(options.authority)),
    resolvers: councilResolvers(names),
    trustedIssuers: new Map([['tayside-gateway', options.gatewayKey]]),
    maxRepresentations: options.maxRepresentations,
    port: options.port,
    host: options.host,
    context: (caller) => ({ caller, loaders: caseLoaders(options.db), deps, memo: new Map() }),
    // Every field of a case, whichever feature resolves it, is a consultation of that case.
    audit: {
      db: options.db,
      owner: options.authority,
      records: [{ typeName: `${names.typePrefix}Case`, refOf: (c: CaseRow) => caseRecord(c) }, ...COUNCIL_FEATURES.flatMap((f) => f.audited?.(names) ?? [])],
    },
    health: async () => ({ standardVersion: runningStandardVersion(standard) }),
  });
  const sweep = () => sweepBreaches(deps);
  const interval = options.breachSweepIntervalMs ?? 3_600_000;
  const timer = interval > 0 ? setInterval(() => void sweep().catch(() => undefined), interval) : null;
  timer?.unref();
  return {
    ...server,
    sweepBreaches: sweep,
    async stop() {
      if (timer) clearInterval(timer);
      await server.stop();
    },
  };
}
