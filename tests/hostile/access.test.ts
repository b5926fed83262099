import { GraphQLObjectType, GraphQLSchema } from 'graphql';
import { KeyObject } from 'node:crypto';
import { DEMO_AUDIENCE, DEMO_ISSUER, DEMO_KEY_ID } from '../../scripts/demo-identities';
import { loadOrCreateKeyPair, loadPublicKey } from '../../schema/tokens';
import { RunningServer } from '../../subgraphs/shared/http';
import { startTestFederation, statementDelta, TestFederation } from '../support/federation';
import { benignArguments, publicSchema } from './schema-walk';
import { codesOf, expectNothingRevealed, startExtraGateway } from './hostile-support';

/**
 * Reading across council lines through the public gateway: an Angus case manager goes after Dundee's
 * cases by every route the schema offers. Level 1 cases are no one's business outside Dundee (and
 * the MAPPA unit); Level 2/3 cases show their MAPPA summary only.
 */
let t: TestFederation;
let devGateway: RunningServer;
let schema: GraphQLSchema;
let level1: { id: string; offenderId: string }[];
let level2: { id: string; offenderId: string }[];

beforeAll(async () => {
  t = await startTestFederation();
  const gatewayKey: KeyObject = loadOrCreateKeyPair(t.keysDir, 'gateway').privateKey;
  devGateway = await startExtraGateway(t, gatewayKey, {
    devMode: true,
    userTokens: { issuer: DEMO_ISSUER, audience: DEMO_AUDIENCE, keys: new Map([[DEMO_KEY_ID, loadPublicKey(t.keysDir, DEMO_KEY_ID)]]) },
  });
  schema = await publicSchema(devGateway.url, t.token('coordinator'));
  const caseload = async (level: number) =>
    (await t.query(`{ dundeeCaseload(first: 200, filter: { mappaLevel: ${level} }) { edges { node { id offenderId } } } }`, {}, 'dundee-case-manager')).data.dundeeCaseload.edges.map(
      (e: any) => e.node,
    );
  level1 = await caseload(1);
  level2 = await caseload(2);
}, 120_000);
afterAll(async () => {
  await devGateway?.stop();
  await t?.stop();
});

describe('cross-council reads through root fields', () => {
  it('angus case manager → dundeeCase(id) of a Level 1 case: null + FORBIDDEN, nothing else', async () => {
    const res = await t.query('query($id: ID!) { dundeeCase(id: $id) { id riskLevel mappaLevel caseManager { name } contacts { notes } } }', { id: level1[0].id }, 'angus-case-manager');
    expect(res.data).toEqual({ dundeeCase: null });
    expect(codesOf(res)).toEqual(['FORBIDDEN']);
  });

  it('angus case manager → dundeeCaseload: FORBIDDEN, with or without filters and paging', async () => {
    for (const args of ['', '(first: 200)', '(filter: { mappaLevel: 2 })', '(filter: { caseManagerId: "DC-S01" })']) {
      const res = await t.query(`{ dundeeCaseload${args} { totalCount edges { node { id } } } }`, {}, 'angus-case-manager');
      expect(res.data).toBeNull();
      expect(codesOf(res)).toEqual(['FORBIDDEN']);
    }
  });

  it('angus case manager → offender(id) of a person only Dundee supervises: null + FORBIDDEN; the register list leaves them out', async () => {
    const mine = new Set((await t.query('{ offenders(first: 200) { edges { node { id } } } }', {}, 'angus-case-manager')).data.offenders.edges.map((e: any) => e.node.id));
    const stranger = level1.find((c) => !mine.has(c.offenderId))!;
    expect(stranger).toBeDefined();
    const res = await t.query('query($id: ID!) { offender(id: $id) { id lastName cases { __typename id } } }', { id: stranger.offenderId }, 'angus-case-manager');
    expect(res.data).toEqual({ offender: null });
    expect(codesOf(res)).toEqual(['FORBIDDEN']);
    const filtered = await t.query('{ offenders(first: 200, filter: { councilArea: DUNDEE }) { edges { node { id } } } }', {}, 'angus-case-manager');
    expect(filtered.data.offenders.edges.map((e: any) => e.node.id)).not.toContain(stranger.offenderId);
  });

  it('one refused item does not spoil the rest: a mixed request keeps its allowed parts', async () => {
    const res = await t.query(
      'query($l1: ID!, $l2: ID!) { own: angusCaseload(first: 1) { totalCount } l1: dundeeCase(id: $l1) { id } l2: dundeeCase(id: $l2) { id mappaLevel } }',
      { l1: level1[0].id, l2: level2[0].id },
      'angus-case-manager',
    );
    expect(res.data.own.totalCount).toBeGreaterThan(0);
    expect(res.data.l1).toBeNull();
    expect(res.data.l2).toEqual({ id: level2[0].id, mappaLevel: 2 });
    expect(res.errors?.map((e) => [e.path?.join('.'), e.extensions?.code])).toEqual([['l1', 'FORBIDDEN']]);
  });

  it("angus case manager writing to a Dundee case: FORBIDDEN and no statement reaches Dundee's tables", async () => {
    const before = t.statements();
    const res = await t.query(
      'mutation($i: RecordContactInput!) { dundeeRecordContact(input: $i) { id } }',
      { i: { caseId: level1[0].id, occurredOn: '2026-11-26', type: 'HOME_VISIT', outcome: 'ATTENDED', staffMemberId: 'DC-S01', idempotencyKey: 'hostile-cross-write-1' } },
      'angus-case-manager',
    );
    expect(res.data).toBeNull();
    expect(codesOf(res)).toEqual(['FORBIDDEN']);
    const [{ n }] = await t.fed.databases.councils.DUNDEE.query<{ n: number }>("SELECT count(*)::int AS n FROM contacts WHERE idempotency_key = 'hostile-cross-write-1'");
    expect(n).toBe(0);
    expect(statementDelta(before, t.statements()).dundee).toBeLessThanOrEqual(1);
  });

  it('every root query field of every subgraph, called by an Angus case manager, shows nothing of Dundee Level 1 people and fails safe', async () => {
    const angusPeople = new Set((await t.query('{ offenders(first: 200) { edges { node { id } } } }', {}, 'angus-case-manager')).data.offenders.edges.map((e: any) => e.node.id));
    const level2People = new Set(level2.map((c) => c.offenderId));
    // Dundee's Level 1 cases, and the people Dundee alone manages at Level 1: none of it is Angus's business.
    const secrets = new Set([...level1.map((c) => c.id), ...level1.map((c) => c.offenderId).filter((p) => !angusPeople.has(p) && !level2People.has(p))]);
    const fields = Object.values((schema.getQueryType() as GraphQLObjectType).getFields()).filter((f) => !f.name.startsWith('angus'));
    expect(fields.map((f) => f.name)).toEqual(expect.arrayContaining(['dundeeCase', 'dundeeCaseload', 'offender', 'offenders']));
    const findings: string[] = [];
    for (const field of fields) {
      const { operation, variables } = benignArguments('query', field, { caseId: level1[0].id, staffId: 'DC-S01', offenderId: level1[0].offenderId });
      const res = await t.query(operation, variables, 'angus-case-manager');
      if (codesOf(res).includes('INTERNAL_SERVER_ERROR')) findings.push(`${field.name}: INTERNAL_SERVER_ERROR`);
      // Only the data counts: an error message may echo the id the caller sent.
      const leaked = [...new Set([...JSON.stringify(res.data ?? null).matchAll(/\b(DC-\d{6}|N\d{6})\b/g)].map((m) => m[0]))].filter((id) => secrets.has(id));
      if (leaked.length) findings.push(`${field.name}: shows ${leaked.slice(0, 5).join(', ')}${leaked.length > 5 ? ` and ${leaked.length - 5} more` : ''}`);
      expectNothingRevealed(JSON.stringify(res));
    }
    expect(findings).toEqual([]);
  });
});

describe('writes by callers who may not write', () => {
  /** Row counts of every table except the s.62 logs, which rightly record the attempts. */
  const snapshot = async () => {
    const { police, councils } = t.fed.databases;
    const out: Record<string, number> = {};
    for (const [name, db] of [['police', police], ...Object.entries(councils)] as const) {
      const tables = await db.query<{ name: string }>("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name NOT LIKE '%audit%'");
      for (const { name: table } of tables) out[`${name}.${table}`] = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${table}"`))[0].n;
    }
    return out;
  };

  it('the inspector (read-only), the police and another council call every mutation they may not: nothing succeeds, nothing is written', async () => {
    const mutations = Object.values(schema.getMutationType()!.getFields());
    const councilIds = { caseId: level1[0].id, staffId: 'DC-S01', offenderId: level1[0].offenderId };
    const attempts: Array<[string, typeof mutations[number]]> = [
      ...mutations.map((m): [string, typeof m] => ['inspector', m]),
      ...mutations.filter((m) => m.name.startsWith('dundee')).map((m): [string, typeof m] => ['angus-case-manager', m]),
      ...mutations.filter((m) => /^(dundee|angus|perthAndKinross|record)/.test(m.name)).map((m): [string, typeof m] => ['police-omo', m]),
    ];
    expect(attempts.length).toBeGreaterThan(20);
    const before = await snapshot();
    const succeeded: string[] = [];
    for (const [as, mutation] of attempts) {
      const { operation, variables } = benignArguments('mutation', mutation, councilIds);
      const res = await t.query(operation, variables, as as never);
      if (res.data?.[mutation.name] != null || !res.errors?.length) succeeded.push(`${as} → ${mutation.name}`);
      if (codesOf(res).includes('INTERNAL_SERVER_ERROR')) succeeded.push(`${as} → ${mutation.name}: INTERNAL_SERVER_ERROR`);
    }
    expect(succeeded).toEqual([]);
    expect(await snapshot()).toEqual(before);
  }, 120_000);
});
