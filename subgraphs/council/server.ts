import { KeyObject } from 'node:crypto';
import { parse } from 'graphql';
import { authorityNames } from '../../schema/authorities';
import { Authority } from '../../schema/domain';
import { appError } from '../../schema/errors';
import { councilSdl } from '../../schema/sdl';
import { signServiceToken } from '../../schema/tokens';
import { Database } from '../shared/database';
import { RunningServer } from '../shared/http';
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

/**
 * The council's only outbound calls: notices to the police register (who holds a case, breaches),
 * signed with this council's own key for the police audience. Failures become coded errors so the
 * caller's transaction rolls back and nothing is half-written.
 */
function policeNotifier(options: CouncilSubgraphOptions) {
  const names = authorityNames(options.authority);
  return async (query: string, input: Record<string, unknown>): Promise<void> => {
    let body: { errors?: { extensions?: { code?: string } }[] };
    try {
      const res = await fetch(options.policeUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${signServiceToken(names.serviceName, 'police', options.serviceKey)}` },
        body: JSON.stringify({ query, variables: { input: { ...input, authority: options.authority } } }),
        signal: AbortSignal.timeout(5000),
      });
      body = (await res.json()) as typeof body;
    } catch {
      throw appError('SERVICE_UNAVAILABLE', 'The police register did not answer; nothing was saved. Try again.', { service: 'police' });
    }
    const code = body.errors?.[0]?.extensions?.code;
    if (code === 'NOT_FOUND') throw appError('BAD_USER_INPUT', 'offenderId: this nominal is not on the police register.', { field: 'offenderId' });
    if (code) throw appError('SERVICE_UNAVAILABLE', 'The police register refused the notice; nothing was saved.', { service: 'police' });
  };
}

export interface CouncilServer extends RunningServer {
  /** Raises breach flags for missed follow-ups (also runs at start and on an interval). */
  sweepBreaches(): Promise<number>;
}

/** One codebase, three deployments: builds and starts the subgraph for one council. */
export async function startCouncilSubgraph(options: CouncilSubgraphOptions): Promise<CouncilServer> {
  const names = authorityNames(options.authority);
  const notify = policeNotifier(options);
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
