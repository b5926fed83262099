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
import { caseLoaders } from './data/cases';
import { councilResolvers, CouncilContext } from './resolvers';

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
}

const RECORD_CASE_HOLDER = `mutation RecordCaseHolder($input: CaseHolderInput!) { recordCaseHolder(input: $input) { caseId } }`;

/** The register must know who holds a case, so `Offender.cases` can route to this council. */
function caseHolderNotifier(options: CouncilSubgraphOptions): CouncilDeps['notifyCaseHolder'] {
  const names = authorityNames(options.authority);
  return async (holding) => {
    let body: { errors?: { extensions?: { code?: string } }[] };
    try {
      const res = await fetch(options.policeUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${signServiceToken(names.serviceName, 'police', options.serviceKey)}` },
        body: JSON.stringify({ query: RECORD_CASE_HOLDER, variables: { input: { ...holding, authority: options.authority } } }),
        signal: AbortSignal.timeout(5000),
      });
      body = (await res.json()) as typeof body;
    } catch {
      throw appError('SERVICE_UNAVAILABLE', 'The police register did not answer; nothing was saved. Try again.', { service: 'police' });
    }
    const code = body.errors?.[0]?.extensions?.code;
    if (code === 'NOT_FOUND') throw appError('BAD_USER_INPUT', 'offenderId: this nominal is not on the police register.', { field: 'offenderId' });
    if (code) throw appError('SERVICE_UNAVAILABLE', 'The police register refused the case notification; nothing was saved.', { service: 'police' });
  };
}

/** One codebase, three deployments: builds and starts the subgraph for one council. */
export function startCouncilSubgraph(options: CouncilSubgraphOptions): Promise<RunningServer> {
  const names = authorityNames(options.authority);
  const deps: CouncilDeps = {
    db: options.db,
    names,
    notifyCaseHolder: caseHolderNotifier(options),
    today: options.today ?? (() => new Date().toISOString().slice(0, 10)),
  };
  return startSubgraph<CouncilContext>({
    name: names.serviceName,
    typeDefs: parse(councilSdl(options.authority)),
    resolvers: councilResolvers(names),
    trustedIssuers: new Map([['tayside-gateway', options.gatewayKey]]),
    maxRepresentations: options.maxRepresentations,
    port: options.port,
    host: options.host,
    context: (caller) => ({ caller, loaders: caseLoaders(options.db), deps, memo: new Map() }),
  });
}
