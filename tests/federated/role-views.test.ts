import { DEMO_IDENTITIES } from '../../scripts/demo-identities';
import { startTestFederation, TestFederation } from '../support/federation';

/**
 * One Level 2 person, supervised by Angus, seen by five roles. Each role's answer differs exactly
 * as schema/access.ts says: which fields are data, which are null with a FORBIDDEN error. The case
 * is read twice, through the council's root field and through the register (`Offender.cases`,
 * i.e. the council's `__resolveReference`), and both paths must agree.
 */
let t: TestFederation;
let person: string;
let caseId: string;

/** What every MAPPA partner may see of a Level 2/3 case. */
const SUMMARY = ['id', 'authority', 'offenderId', 'status', 'mappaLevel', 'riskLevel', 'planReviewDate', 'compliance'] as const;
/** Case content: the owning council's staff and inspectors only. */
const FULL = ['caseManager', 'orderType', 'startDate', 'riskAssessments', 'contacts', 'riskManagementPlan', 'chronology'] as const;
const REGISTER = ['id', 'lastName', 'dateOfBirth', 'mappaLevel', 'registration', 'policeVisits'] as const;

const CASE_FIELDS = `id authority offenderId status mappaLevel riskLevel planReviewDate compliance { status breach }
  caseManager { name } orderType startDate riskAssessments { id riskLevel } contacts { id notes } riskManagementPlan { id version } chronology { id kind }`;
const VIEW = `query View($person: ID!, $case: ID!) {
  offender(id: $person) { id lastName dateOfBirth mappaLevel registration { registeredOn } policeVisits { id } cases { ... on AngusCase { ${CASE_FIELDS} } } }
  angusCase(id: $case) { ${CASE_FIELDS} }
}`;

beforeAll(async () => {
  t = await startTestFederation();
  const res = await t.query(`{ offenders(first: 200, filter: { mappaLevel: 2 }) { edges { node { id mappaLevel registration { registeredOn } cases { __typename id status mappaLevel planReviewDate } } } } }`);
  // A registered person with one case, open at Angus at Level 2, with a plan (so every field has a value).
  const chosen = res.data.offenders.edges
    .map((e: any) => e.node)
    .find((p: any) => p.registration && p.cases.length === 1 && p.cases[0].__typename === 'AngusCase' && p.cases[0].status === 'OPEN' && p.cases[0].mappaLevel === 2 && p.cases[0].planReviewDate);
  person = chosen.id;
  caseId = chosen.cases[0].id;
}, 120_000);
afterAll(async () => {
  await t?.stop();
});

interface Observed {
  /** Field → 'data' (a value, no error) or 'FORBIDDEN' (null with a FORBIDDEN error at that path). */
  register: Record<string, string> | 'FORBIDDEN';
  viaRegister: Record<string, string> | null;
  viaCouncil: Record<string, string>;
  otherErrors: unknown[];
}

/** Classifies every field of the answer, and fails on any error the classification does not explain. */
async function observe(as: keyof typeof DEMO_IDENTITIES): Promise<Observed> {
  const res = await t.query(VIEW, { person, case: caseId }, as);
  expect(res.status).toBe(200);
  const errors = new Map((res.errors ?? []).map((e) => [e.path?.join('.'), e.extensions?.code]));
  const used = new Set<string>();
  const classify = (obj: any, path: string, fields: readonly string[]) =>
    Object.fromEntries(
      fields.map((f) => {
        const at = `${path}.${f}`;
        if (errors.has(at)) {
          used.add(at);
          expect(obj[f]).toBeNull();
          return [f, errors.get(at)];
        }
        expect(obj[f]).not.toBeNull();
        return [f, 'data'];
      }),
    );
  let register: Observed['register'];
  let viaRegister: Observed['viaRegister'] = null;
  if (res.data.offender === null) {
    expect(errors.get('offender')).toBe('FORBIDDEN');
    used.add('offender');
    register = 'FORBIDDEN';
  } else {
    register = classify(res.data.offender, 'offender', REGISTER);
    expect(res.data.offender.cases).toHaveLength(1);
    viaRegister = classify(res.data.offender.cases[0], 'offender.cases.0', [...SUMMARY, ...FULL]);
  }
  const viaCouncil = classify(res.data.angusCase, 'angusCase', [...SUMMARY, ...FULL]);
  return { register, viaRegister, viaCouncil, otherErrors: (res.errors ?? []).filter((e) => !used.has(e.path?.join('.') ?? '')) };
}

const all = (fields: readonly string[], value: string) => Object.fromEntries(fields.map((f) => [f, value]));
const summaryOnly = { ...all(SUMMARY, 'data'), ...all(FULL, 'FORBIDDEN') };
const everything = all([...SUMMARY, ...FULL], 'data');
const registerEntry = all(REGISTER, 'data');

describe("each role's view of the same Level 2 person", () => {
  it('the MAPPA co-ordinator: the register entry and the case summary; case content null + FORBIDDEN', async () => {
    expect(await observe('coordinator')).toEqual({ register: registerEntry, viaRegister: summaryOnly, viaCouncil: summaryOnly, otherErrors: [] });
  });

  it('a police offender manager: the register entry and the case summary; case content null + FORBIDDEN', async () => {
    expect(await observe('police-omo')).toEqual({ register: registerEntry, viaRegister: summaryOnly, viaCouncil: summaryOnly, otherErrors: [] });
  });

  it('the owning council (Angus) case manager: everything, no errors', async () => {
    expect(await observe('angus-case-manager')).toEqual({ register: registerEntry, viaRegister: everything, viaCouncil: everything, otherErrors: [] });
  });

  it('another council (Dundee) case manager: no register entry (Dundee holds no case), the case summary only', async () => {
    expect(await observe('dundee-case-manager')).toEqual({ register: 'FORBIDDEN', viaRegister: null, viaCouncil: summaryOnly, otherErrors: [] });
  });

  it('an inspector: reads everything, no errors', async () => {
    expect(await observe('inspector')).toEqual({ register: registerEntry, viaRegister: everything, viaCouncil: everything, otherErrors: [] });
  });

  it('the values every summary role sees are the values the owning council sees', async () => {
    const q = `query($case: ID!) { angusCase(id: $case) { authority mappaLevel riskLevel planReviewDate compliance { status breach } } }`;
    const owner = (await t.query(q, { case: caseId }, 'angus-case-manager')).data.angusCase;
    expect(owner).toEqual(expect.objectContaining({ authority: 'ANGUS', mappaLevel: 2 }));
    for (const as of ['coordinator', 'police-omo', 'dundee-case-manager', 'inspector'] as const) {
      expect((await t.query(q, { case: caseId }, as)).data.angusCase).toEqual(owner);
    }
  });

  it('only the owning council may change the case: the inspector and every other role get FORBIDDEN and nothing is written', async () => {
    const M = `mutation($i: RecordContactInput!) { angusRecordContact(input: $i) { id } }`;
    const owner = await t.query(`query($c: ID!) { angusCase(id: $c) { caseManager { id } contacts { id } } }`, { c: caseId }, 'angus-case-manager');
    const input = (key: string) => ({ caseId, occurredOn: '2026-11-26', type: 'PHONE_CALL', outcome: 'ATTENDED', staffMemberId: owner.data.angusCase.caseManager.id, idempotencyKey: key });
    for (const as of ['inspector', 'coordinator', 'police-omo', 'dundee-case-manager'] as const) {
      const res = await t.query(M, { i: input(`role-views-${as}`) }, as);
      expect(res.data).toBeNull();
      expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    }
    const after = await t.query(`query($c: ID!) { angusCase(id: $c) { contacts { id } } }`, { c: caseId }, 'angus-case-manager');
    expect(after.data.angusCase.contacts).toEqual(owner.data.angusCase.contacts);
  });
});
