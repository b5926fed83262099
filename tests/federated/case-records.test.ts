import { startTestFederation, TestFederation, TEST_TODAY } from '../support/federation';

/** The core council mutations: open a case, record a contact, record a risk assessment. */
let t: TestFederation;
beforeAll(async () => {
  t = await startTestFederation();
}, 120_000);
afterAll(async () => {
  await t?.stop();
});

const OPEN = `mutation Open($input: OpenCaseInput!) { perthAndKinrossOpenCase(input: $input) { id authority status riskLevel mappaLevel startDate caseManager { id } } }`;
const CONTACT = `mutation C($input: RecordContactInput!) { perthAndKinrossRecordContact(input: $input) { id occurredOn type outcome jointWithPolice staffMember { id } } }`;
const PKC = 'pkc-case-manager';

let nominals: string[] = [];
async function nominal(): Promise<string> {
  if (!nominals.length) {
    const res = await t.query(`{ offenders(first: 200, after: "${Buffer.from('N000271').toString('base64url')}") { edges { node { id cases { id } } } } }`);
    nominals = res.data.offenders.edges.filter((e: any) => e.node.cases.length === 0).map((e: any) => e.node.id);
  }
  return nominals.shift()!;
}

const openInput = (offenderId: string, over: Record<string, unknown> = {}) => ({
  offenderId,
  caseManagerId: 'PK-S02',
  orderType: 'COMMUNITY_PAYBACK_ORDER',
  startDate: '2026-10-05',
  mappaLevel: 1,
  initialRiskLevel: 'MEDIUM',
  ...over,
});

const codeAndField = (res: any) => [res.errors?.[0]?.extensions?.code, res.errors?.[0]?.extensions?.field];

describe('opening a case', () => {
  it('opens a case that the police register then routes to this council', async () => {
    const offenderId = await nominal();
    const res = await t.query(OPEN, { input: openInput(offenderId) }, PKC);
    expect(res.errors).toBeUndefined();
    const opened = res.data.perthAndKinrossOpenCase;
    expect(opened).toMatchObject({ authority: 'PERTH_AND_KINROSS', status: 'OPEN', riskLevel: 'MEDIUM', mappaLevel: 1, startDate: '2026-10-05', caseManager: { id: 'PK-S02' } });
    expect(opened.id).toMatch(/^PK-/);
    const seen = await t.query(`query($id: ID!) { offender(id: $id) { cases { __typename id authority } } }`, { id: offenderId });
    expect(seen.data.offender.cases).toEqual([{ __typename: 'PerthAndKinrossCase', id: opened.id, authority: 'PERTH_AND_KINROSS' }]);
    const chronology = await t.query(`query($id: ID!) { perthAndKinrossCase(id: $id) { chronology { kind occurredOn } } }`, { id: opened.id }, PKC);
    expect(chronology.data.perthAndKinrossCase.chronology).toEqual([{ kind: 'CASE_OPENED', occurredOn: '2026-10-05' }]);
  });

  it.each([
    ['a nominal not on the police register', { offenderId: 'N999999' }, 'offenderId'],
    ['a staff member who is not a case manager', { caseManagerId: 'PK-S07' }, 'caseManagerId'],
    ['an unknown staff member', { caseManagerId: 'PK-S99' }, 'caseManagerId'],
    ['MAPPA level 4', { mappaLevel: 4 }, 'mappaLevel'],
    ['a date that does not exist', { startDate: '2026-02-30' }, 'startDate'],
  ])('refuses %s, naming the field, and keeps nothing', async (_what, over, field) => {
    const offenderId = await nominal();
    const res = await t.query(OPEN, { input: openInput(offenderId, over) }, PKC);
    expect(res.data).toBeNull();
    expect(codeAndField(res)).toEqual(['BAD_USER_INPUT', field]);
    const count = await t.fed.databases.councils.PERTH_AND_KINROSS.query<{ n: number }>('SELECT count(*)::int AS n FROM cases WHERE offender_id = $1', [(over as { offenderId?: string }).offenderId ?? offenderId]);
    expect(count[0].n).toBe(0);
  });

  it('refuses a second open case for the same person', async () => {
    const offenderId = await nominal();
    expect((await t.query(OPEN, { input: openInput(offenderId) }, PKC)).errors).toBeUndefined();
    const again = await t.query(OPEN, { input: openInput(offenderId) }, PKC);
    expect(codeAndField(again)[0]).toBe('CONFLICT');
  });

  it('refuses staff of another council, and inspectors, who are read-only', async () => {
    for (const who of ['angus-case-manager', 'inspector', 'coordinator'] as const) {
      const res = await t.query(OPEN, { input: openInput(await nominal()) }, who);
      expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    }
  });
});

describe('recording contacts', () => {
  let caseId: string;
  beforeAll(async () => {
    const res = await t.query(OPEN, { input: openInput(await nominal()) }, PKC);
    caseId = res.data.perthAndKinrossOpenCase.id;
  });

  const contact = (over: Record<string, unknown> = {}) => ({
    caseId,
    occurredOn: '2026-10-06',
    type: 'OFFICE_APPOINTMENT',
    outcome: 'ATTENDED',
    staffMemberId: 'PK-S02',
    idempotencyKey: `k-${Math.random().toString(36).slice(2)}`,
    ...over,
  });

  it('records a contact once, however often the request is retried', async () => {
    const input = contact({ type: 'HOME_VISIT', jointWithPolice: true, idempotencyKey: 'retry-me-0001' });
    const first = await t.query(CONTACT, { input }, PKC);
    const retry = await t.query(CONTACT, { input }, PKC);
    expect(first.errors).toBeUndefined();
    expect(retry.data.perthAndKinrossRecordContact.id).toBe(first.data.perthAndKinrossRecordContact.id);
    expect(first.data.perthAndKinrossRecordContact).toMatchObject({ occurredOn: '2026-10-06', type: 'HOME_VISIT', outcome: 'ATTENDED', jointWithPolice: true, staffMember: { id: 'PK-S02' } });
    const rows = await t.fed.databases.councils.PERTH_AND_KINROSS.query<{ n: number }>("SELECT count(*)::int AS n FROM contacts WHERE idempotency_key = 'retry-me-0001'");
    expect(rows[0].n).toBe(1);
  });

  it.each([
    ['a date in the future', { occurredOn: '2026-11-28' }, 'occurredOn'],
    ['a date before the case started', { occurredOn: '2026-10-01' }, 'occurredOn'],
    ['an unknown staff member', { staffMemberId: 'PK-S77' }, 'staffMemberId'],
    ['a short idempotency key', { idempotencyKey: 'x' }, 'idempotencyKey'],
    ['notes longer than 4000 characters', { notes: 'n'.repeat(4001) }, 'notes'],
  ])('refuses %s, naming the field', async (_what, over, field) => {
    const res = await t.query(CONTACT, { input: contact(over) }, PKC);
    expect(res.data).toBeNull();
    expect(codeAndField(res)).toEqual(['BAD_USER_INPUT', field]);
  });

  it('refuses a contact on an unknown case, and an idempotency key reused for another case', async () => {
    const unknown = await t.query(CONTACT, { input: contact({ caseId: 'PK-NOPE' }) }, PKC);
    expect(codeAndField(unknown)).toEqual(['NOT_FOUND', 'caseId']);
    const other = await t.query(OPEN, { input: openInput(await nominal()) }, PKC);
    const reused = await t.query(CONTACT, { input: contact({ caseId: other.data.perthAndKinrossOpenCase.id, idempotencyKey: 'retry-me-0001' }) }, PKC);
    expect(codeAndField(reused)).toEqual(['BAD_USER_INPUT', 'idempotencyKey']);
  });

  it('refuses an unknown contact type before anything runs', async () => {
    const res = await t.query(CONTACT, { input: contact({ type: 'SMOKE_SIGNAL' }) }, PKC);
    expect(res.data).toBeUndefined();
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('derives the current risk level from the latest assessment', async () => {
    const view = async () => (await t.query(`query($id: ID!) { perthAndKinrossCase(id: $id) { riskLevel riskAssessments { riskLevel assessedOn } } }`, { id: caseId }, PKC)).data.perthAndKinrossCase;
    expect((await view()).riskLevel).toBe('MEDIUM');
    const staff = await t.query(`{ perthAndKinrossStaff { id role training { tool expiresOn } } }`, {}, PKC);
    const trained = staff.data?.perthAndKinrossStaff?.find((s: any) => s.training?.some((x: any) => x.tool === 'LS_CMI' && x.expiresOn > TEST_TODAY));
    const assessorId = trained?.id ?? 'PK-S02';
    const res = await t.query(
      `mutation A($input: RecordRiskAssessmentInput!) { perthAndKinrossRecordRiskAssessment(input: $input) { riskLevel } }`,
      { input: { caseId, tool: 'LS_CMI', toolResult: 'VERY_HIGH', riskLevel: 'VERY_HIGH', assessedOn: '2026-11-02', assessorId, idempotencyKey: 'assess-0001-pk' } },
      PKC,
    );
    expect(res.errors).toBeUndefined();
    const after = await view();
    expect(after.riskLevel).toBe('VERY_HIGH');
    expect(after.riskAssessments.map((a: any) => a.riskLevel)).toEqual(['VERY_HIGH']);
  });
});
