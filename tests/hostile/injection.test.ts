import { GraphQLField, GraphQLObjectType, GraphQLSchema } from 'graphql';
import { AUTHORITIES, Authority } from '../../schema/domain';
import { authorityNames } from '../../schema/authorities';
import { DEMO_AUDIENCE, DEMO_IDENTITIES, DEMO_ISSUER, DEMO_KEY_ID } from '../../scripts/demo-identities';
import { loadOrCreateKeyPair, loadPublicKey } from '../../schema/tokens';
import { RunningServer } from '../../subgraphs/shared/http';
import { Database } from '../../subgraphs/shared/database';
import { startTestFederation, TestFederation } from '../support/federation';
import { codesOf, expectNothingRevealed, startExtraGateway } from './hostile-support';
import { benignArguments, intPositions, KnownIds, publicSchema, stringPositions } from './schema-walk';

/**
 * SQL metacharacters in every String and ID argument of the public schema, input-object fields
 * included. The list of positions is generated from the schema a development-mode gateway
 * introspects, so a field added tomorrow is attacked tomorrow. The safe answer: data or a coded
 * error, never INTERNAL_SERVER_ERROR, never a database message, never a slow query, and every
 * table still there with its rows.
 */
let t: TestFederation;
let devGateway: RunningServer;
let schema: GraphQLSchema;
const ids = {} as Record<Authority, KnownIds>;
let tablesBefore: Record<string, Record<string, number>>;

const PAYLOADS = [
  "' OR 1=1 --",
  '"; DROP TABLE offenders; --',
  '\\x00',
  "Robert'); DROP TABLE cases; --",
  "'; SELECT pg_sleep(5); --",
  '? $1 ::date %_ \\',
  '{"$ne": null}',
];

const asCursor = (key: string) => Buffer.from(key, 'utf8').toString('base64url');

type Identity = keyof typeof DEMO_IDENTITIES;

/** Who asks: the owning council's case manager for council fields (so the resolver gets past its access check), else the co-ordinator. */
function caller(field: string): { as: Identity; ids: KnownIds } {
  const owner = AUTHORITIES.find((a) => field.startsWith(authorityNames(a).fieldPrefix));
  const as: Record<Authority, Identity> = { DUNDEE: 'dundee-case-manager', ANGUS: 'angus-case-manager', PERTH_AND_KINROSS: 'pkc-case-manager' };
  return owner ? { as: as[owner], ids: ids[owner] } : { as: 'coordinator', ids: ids.DUNDEE };
}

async function tableCounts(db: Database): Promise<Record<string, number>> {
  const tables = await db.query<{ name: string }>("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1");
  const out: Record<string, number> = {};
  for (const { name } of tables) out[name] = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${name}"`))[0].n;
  return out;
}

async function allTableCounts(): Promise<Record<string, Record<string, number>>> {
  const { police, councils } = t.fed.databases;
  return { police: await tableCounts(police), ...Object.fromEntries(await Promise.all(AUTHORITIES.map(async (a) => [a, await tableCounts(councils[a])]))) };
}

interface Attempt {
  field: string;
  path: string;
  payload: string;
}

/** Sends one probe; returns what was unsafe about the answer (empty when safe). */
async function probe(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>, path: string[], payload: unknown): Promise<string[]> {
  const who = caller(field.name);
  const { operation, variables } = benignArguments(kind, field, who.ids, { path, value: payload });
  const started = Date.now();
  const res = await t.query(operation, variables, who.as);
  const problems: string[] = [];
  const text = JSON.stringify(res);
  if (res.status >= 500) problems.push(`HTTP ${res.status}`);
  if (codesOf(res).includes('INTERNAL_SERVER_ERROR')) problems.push('INTERNAL_SERVER_ERROR');
  if (codesOf(res).some((c) => c === undefined)) problems.push('uncoded error');
  if (Date.now() - started > 4500) problems.push(`slow: ${Date.now() - started} ms`);
  try {
    expectNothingRevealed(text);
  } catch {
    problems.push(`reveals: ${text.slice(0, 200)}`);
  }
  return problems;
}

const rootFields = (kind: 'query' | 'mutation') => {
  const type = (kind === 'query' ? schema.getQueryType() : schema.getMutationType()) as GraphQLObjectType | null;
  return type ? Object.values(type.getFields()) : [];
};

beforeAll(async () => {
  t = await startTestFederation();
  devGateway = await startExtraGateway(t, loadOrCreateKeyPair(t.keysDir, 'gateway').privateKey, {
    devMode: true,
    userTokens: { issuer: DEMO_ISSUER, audience: DEMO_AUDIENCE, keys: new Map([[DEMO_KEY_ID, loadPublicKey(t.keysDir, DEMO_KEY_ID)]]) },
  });
  schema = await publicSchema(devGateway.url, t.token('coordinator'));
  const cms: Record<Authority, Identity> = { DUNDEE: 'dundee-case-manager', ANGUS: 'angus-case-manager', PERTH_AND_KINROSS: 'pkc-case-manager' };
  for (const a of AUTHORITIES) {
    const field = `${authorityNames(a).fieldPrefix}Caseload`;
    const res = await t.query(`{ ${field}(first: 1, filter: { status: OPEN }) { edges { node { id offenderId caseManager { id } } } } }`, {}, cms[a]);
    const node = res.data[field].edges[0].node;
    ids[a] = { caseId: node.id, offenderId: node.offenderId, staffId: node.caseManager.id };
  }
  // Real MAPPA records, so probes of the co-ordination mutations get past "not found" to their writes.
  const mappa = await t.query('{ mappaMeetings(from: "2026-01-01", to: "2026-12-31") { id } mappaReferrals { id } mappaOpenActions { id } }');
  const byName = { meetingId: mappa.data?.mappaMeetings?.[0]?.id, referralId: mappa.data?.mappaReferrals?.[0]?.id, actionId: mappa.data?.mappaOpenActions?.[0]?.id };
  for (const a of AUTHORITIES) ids[a].byName = Object.fromEntries(Object.entries(byName).filter(([, v]) => typeof v === 'string'));
  tablesBefore = await allTableCounts();
}, 120_000);
afterAll(async () => {
  await devGateway?.stop();
  await t?.stop();
});

describe('SQL metacharacters in every string argument of the public schema', () => {
  const attack = async (kind: 'query' | 'mutation') => {
    const attempts: Attempt[] = [];
    const failures: Array<Attempt & { problems: string[] }> = [];
    for (const field of rootFields(kind)) {
      for (const { path } of stringPositions(field)) {
        // Cursors are base64 of a sort key: an attacker encodes the payload so it survives decoding.
        const payloads = /^(after|before|cursor)$/.test(path[path.length - 1]) ? [...PAYLOADS, ...PAYLOADS.map(asCursor), asCursor("2026-02-30|' OR 1=1 --")] : PAYLOADS;
        for (const payload of payloads) {
          attempts.push({ field: field.name, path: path.join('.'), payload });
          const problems = await probe(kind, field, path, payload);
          if (problems.length) failures.push({ field: field.name, path: path.join('.'), payload, problems });
        }
      }
    }
    return { attempts, failures };
  };

  it('every String/ID argument of every query field: no internal error, no database message, no slow query', async () => {
    const { attempts, failures } = await attack('query');
    const positions = new Set(attempts.map((a) => `${a.field}.${a.path}`));
    // The generated list really covers the schema: the core arguments are in it.
    expect([...positions]).toEqual(expect.arrayContaining(['offender.id', 'offenders.after', 'dundeeCase.id', 'angusCaseload.after', 'perthAndKinrossCaseload.filter.caseManagerId']));
    expect(failures).toEqual([]);
  }, 300_000);

  it('every String/ID field of every mutation input: no internal error, no database message', async () => {
    const { attempts, failures } = await attack('mutation');
    const positions = new Set(attempts.map((a) => `${a.field}.${a.path}`));
    expect([...positions]).toEqual(expect.arrayContaining(['dundeeRecordContact.input.notes', 'angusRecordRiskAssessment.input.toolResult', 'perthAndKinrossOpenCase.input.offenderId']));
    expect(failures).toEqual([]);
  }, 300_000);

  it('a NUL character in any string argument is refused as BAD_USER_INPUT before it reaches a database', async () => {
    const failures: string[] = [];
    for (const kind of ['query', 'mutation'] as const) {
      for (const field of rootFields(kind)) {
        for (const { path } of stringPositions(field)) {
          const who = caller(field.name);
          const { operation, variables } = benignArguments(kind, field, who.ids, { path, value: 'abc\u0000def' });
          const res = await t.query(operation, variables, who.as);
          if (res.status !== 400 || JSON.stringify(codesOf(res)) !== '["BAD_USER_INPUT"]') failures.push(`${field.name}.${path.join('.')}: ${res.status} ${codesOf(res)}`);
        }
      }
    }
    expect(failures).toEqual([]);
  }, 300_000);

  it('Int extremes (2^31-1, -2^31, 0) in every Int argument: no internal error', async () => {
    const failures: string[] = [];
    for (const kind of ['query', 'mutation'] as const) {
      for (const field of rootFields(kind)) {
        for (const path of intPositions(field)) {
          for (const value of [2147483647, -2147483648, 0]) {
            const problems = await probe(kind, field, path, value);
            if (problems.length) failures.push(`${field.name}.${path.join('.')}=${value}: ${problems.join(', ')}`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
  }, 300_000);

  it('payloads written inline in the operation text, not as variables, behave the same', async () => {
    for (const payload of PAYLOADS) {
      const literal = JSON.stringify(payload);
      const res = await t.query(`{ offender(id: ${literal}) { id } dundeeCase(id: ${literal}) { id } offenders(first: 5, after: ${literal}) { totalCount } }`, {}, 'coordinator');
      expect(res.data).toBeNull();
      expect(codesOf(res)).toEqual(expect.not.arrayContaining(['INTERNAL_SERVER_ERROR']));
      expectNothingRevealed(JSON.stringify(res));
    }
    for (const payload of ["' OR 1=1 --", "x' OR 'a'='a"]) {
      const res = await t.query(`query($id: ID!) { offender(id: $id) { id } dundeeCase(id: $id) { id } }`, { id: payload }, 'coordinator');
      expect(res.data).toEqual({ offender: null, dundeeCase: null });
    }
  });

  it('a payload stored as text comes back verbatim: it was data, never SQL', async () => {
    const notes = `'); DROP TABLE contacts; -- "${PAYLOADS.join(' | ')}"`;
    const res = await t.query(
      'mutation($i: RecordContactInput!) { dundeeRecordContact(input: $i) { id notes } }',
      { i: { caseId: ids.DUNDEE.caseId, occurredOn: '2026-11-26', type: 'PHONE_CALL', outcome: 'ATTENDED', staffMemberId: ids.DUNDEE.staffId, notes, idempotencyKey: 'hostile-verbatim-1' } },
      'dundee-case-manager',
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.dundeeRecordContact.notes).toBe(notes);
    const [row] = await t.fed.databases.councils.DUNDEE.query<{ notes: string }>('SELECT notes FROM contacts WHERE id = $1', [res.data.dundeeRecordContact.id]);
    expect(row.notes).toBe(notes);
  });

  it('afterwards every table of every database is still there, and the register and case tables have the same rows', async () => {
    const after = await allTableCounts();
    for (const db of Object.keys(tablesBefore)) {
      expect(Object.keys(after[db]).sort()).toEqual(Object.keys(tablesBefore[db]).sort());
    }
    expect(after.police.offenders).toBe(tablesBefore.police.offenders);
    for (const a of AUTHORITIES) expect(after[a].cases).toBe(tablesBefore[a].cases);
  });
});
