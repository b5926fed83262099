import { errorOf } from '../support/case-practice';
import { startTestFederation, TestFederation } from '../support/federation';

/**
 * DOMAIN.md scenario 3, transfer from Angus to Dundee, through the gateway: Angus hands the case
 * over after consulting the police and keeps it as read-only history; Dundee opens its own case,
 * linked to Angus's, from the transfer date; the register shows both. Today is fixed at 2026-11-27.
 */
let t: TestFederation;
let angusOpen: Array<{ id: string; offenderId: string; startDate: string; mappaLevel: number; riskLevel: string; orderType: string }>;
beforeAll(async () => {
  t = await startTestFederation();
  const res = await t.query(`{ angusCaseload(first: 200, filter: { status: OPEN }) { edges { node { id offenderId startDate mappaLevel riskLevel orderType } } } }`, {}, 'angus-case-manager');
  angusOpen = res.data.angusCaseload.edges.map((e: any) => e.node).filter((c: any) => c.startDate < '2026-10-01');
}, 120_000);
afterAll(async () => {
  await t?.stop();
});

let serial = 0;
const key = () => `transfer-test-${++serial}-${Date.now()}`;
const nextCase = () => angusOpen.shift()!;

const CASE = `id status startDate endDate transferredFromCaseId transferredFromAuthority
  transferOut { toAuthority transferDate reason policeConsultedOn policeContactName recordedBy }
  chronology { occurredOn kind summary source }`;
const transferOut = (input: Record<string, unknown>, as: Parameters<TestFederation['query']>[2] = 'angus-case-manager') =>
  t.query(`mutation T($input: TransferOutInput!) { angusTransferOut(input: $input) { ${CASE} } }`, {
    input: { toAuthority: 'DUNDEE', reason: 'Moved to live with his sister in Dundee.', policeConsultedOn: '2026-11-18', policeContactName: 'DS Example (D Division OMU)', transferDate: '2026-11-20', ...input },
  }, as);
const accept = (input: Record<string, unknown>, as: Parameters<TestFederation['query']>[2] = 'dundee-case-manager') =>
  t.query(`mutation A($input: AcceptTransferInput!) { dundeeAcceptTransfer(input: $input) { ${CASE} caseManager { id } mappaLevel riskLevel orderType } }`, {
    input: { fromAuthority: 'ANGUS', caseManagerId: 'DC-S02', startDate: '2026-11-20', mappaLevel: 1, riskLevel: 'HIGH', orderType: 'LICENCE', ...input },
  }, as);

describe('scenario 3: transfer from Angus to Dundee', () => {
  it('ends the Angus case as read-only history, opens a linked Dundee case, and the register shows both', async () => {
    const angus = nextCase();
    const out = await transferOut({ caseId: angus.id });
    expect(out.errors).toBeUndefined();
    const sent = out.data.angusTransferOut;
    expect(sent).toMatchObject({
      id: angus.id,
      status: 'TRANSFERRED_OUT',
      endDate: '2026-11-20',
      transferOut: { toAuthority: 'DUNDEE', transferDate: '2026-11-20', reason: 'Moved to live with his sister in Dundee.', policeConsultedOn: '2026-11-18', policeContactName: 'DS Example (D Division OMU)', recordedBy: 'AC-S01' },
    });
    expect(sent.chronology.at(-1)).toEqual({
      occurredOn: '2026-11-20',
      kind: 'TRANSFER',
      source: 'AUTOMATIC',
      summary: 'Transferred to Dundee City CJSW: Moved to live with his sister in Dundee. Police consulted on 2026-11-18 (DS Example (D Division OMU)). This record is now read-only history.',
    });

    // Read-only: Angus can no longer record anything on it.
    const contact = await t.query(
      `mutation C($input: RecordContactInput!) { angusRecordContact(input: $input) { id } }`,
      { input: { caseId: angus.id, occurredOn: '2026-11-21', type: 'OFFICE_APPOINTMENT', outcome: 'ATTENDED', staffMemberId: 'AC-S01', idempotencyKey: key() } },
      'angus-case-manager',
    );
    expect(errorOf(contact).code).toBe('CONFLICT');

    const received = await accept({ offenderId: angus.offenderId, fromCaseId: angus.id, mappaLevel: angus.mappaLevel, riskLevel: angus.riskLevel, orderType: angus.orderType });
    expect(received.errors).toBeUndefined();
    const dundee = received.data.dundeeAcceptTransfer;
    expect(dundee).toMatchObject({ status: 'OPEN', startDate: '2026-11-20', endDate: null, transferredFromCaseId: angus.id, transferredFromAuthority: 'ANGUS', transferOut: null, caseManager: { id: 'DC-S02' }, riskLevel: angus.riskLevel, mappaLevel: angus.mappaLevel });
    expect(dundee.id).toMatch(/^DC-/);
    expect(dundee.chronology.map((e: any) => [e.occurredOn, e.kind])).toEqual([
      ['2026-11-20', 'CASE_OPENED'],
      ['2026-11-20', 'TRANSFER'],
    ]);
    expect(dundee.chronology[1].summary).toBe(`Transferred in from Angus CJSW (their case ${angus.id}); supervision continues from 2026-11-20 without a gap.`);

    // The MAPPA view (the co-ordinator's summary): the register routes each record to its owner and shows both.
    const person = await t.query(
      `query O($id: ID!) { offender(id: $id) { id cases { __typename id authority status ... on DundeeCase { transferredFromCaseId transferredFromAuthority } } } }`,
      { id: angus.offenderId },
      'coordinator',
    );
    expect(person.errors).toBeUndefined();
    const cases = person.data.offender.cases;
    expect(cases).toHaveLength(2);
    expect(cases).toContainEqual({ __typename: 'AngusCase', id: angus.id, authority: 'ANGUS', status: 'TRANSFERRED_OUT' });
    expect(cases).toContainEqual({ __typename: 'DundeeCase', id: dundee.id, authority: 'DUNDEE', status: 'OPEN', transferredFromCaseId: angus.id, transferredFromAuthority: 'ANGUS' });

    // Angus keeps its history: the record is still readable in full by Angus staff.
    const history = await t.query(`query H($id: ID!) { angusCase(id: $id) { status contacts { id } chronology { kind } } }`, { id: angus.id }, 'angus-team-manager');
    expect(history.data.angusCase.status).toBe('TRANSFERRED_OUT');
    expect(history.data.angusCase.contacts.length).toBeGreaterThan(0);
    // And Dundee can now work its own case.
    const dundeeContact = await t.query(
      `mutation C($input: RecordContactInput!) { dundeeRecordContact(input: $input) { id } }`,
      { input: { caseId: dundee.id, occurredOn: '2026-11-21', type: 'HOME_VISIT', outcome: 'ATTENDED', staffMemberId: 'DC-S02', idempotencyKey: key() } },
      'dundee-case-manager',
    );
    expect(dundeeContact.errors).toBeUndefined();
  });

  it('treats a retried transfer as done, but refuses a different transfer of the same case and a second acceptance', async () => {
    const angus = nextCase();
    expect((await transferOut({ caseId: angus.id })).errors).toBeUndefined();
    const retry = await transferOut({ caseId: angus.id });
    expect(retry.errors).toBeUndefined();
    expect(retry.data.angusTransferOut.chronology.filter((e: any) => e.kind === 'TRANSFER')).toHaveLength(1);
    expect(errorOf(await transferOut({ caseId: angus.id, toAuthority: 'PERTH_AND_KINROSS' })).code).toBe('CONFLICT');

    expect((await accept({ offenderId: angus.offenderId, fromCaseId: angus.id })).errors).toBeUndefined();
    // Dundee already holds an open case for this person.
    expect(errorOf(await accept({ offenderId: angus.offenderId, fromCaseId: angus.id })).code).toBe('CONFLICT');
  });
});

describe('bad input and access', () => {
  it('refuses bad transfers out with a coded error naming the field, and changes nothing', async () => {
    const angus = nextCase();
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ toAuthority: 'ANGUS' }, 'BAD_USER_INPUT', 'toAuthority'],
      [{ reason: 'moved' }, 'BAD_USER_INPUT', 'reason'],
      [{ policeContactName: ' ' }, 'BAD_USER_INPUT', 'policeContactName'],
      [{ policeConsultedOn: '2026-11-21' }, 'BAD_USER_INPUT', 'policeConsultedOn'],
      [{ transferDate: '2026-11-28', policeConsultedOn: '2026-11-27' }, 'BAD_USER_INPUT', 'transferDate'],
      [{ transferDate: '2019-01-01', policeConsultedOn: '2018-12-01' }, 'BAD_USER_INPUT', 'transferDate'],
      [{ caseId: 'AC-NOPE' }, 'NOT_FOUND', 'caseId'],
    ];
    for (const [input, code, field] of cases) expect(errorOf(await transferOut({ caseId: angus.id, ...input }))).toMatchObject({ code, field });
    for (const who of ['dundee-case-manager', 'inspector', 'coordinator'] as const) expect(errorOf(await transferOut({ caseId: angus.id }, who)).code).toBe('FORBIDDEN');
    const still = await t.query(`query H($id: ID!) { angusCase(id: $id) { status endDate chronology { kind } } }`, { id: angus.id }, 'angus-case-manager');
    expect(still.data.angusCase).toMatchObject({ status: 'OPEN', endDate: null });
    expect(still.data.angusCase.chronology.filter((e: any) => e.kind === 'TRANSFER')).toEqual([]);
  });

  it('refuses bad acceptances with a coded error naming the field', async () => {
    const angus = nextCase();
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ fromAuthority: 'DUNDEE', fromCaseId: 'DC-000001' }, 'BAD_USER_INPUT', 'fromAuthority'],
      [{ fromCaseId: 'PK-000001' }, 'BAD_USER_INPUT', 'fromCaseId'],
      [{ caseManagerId: 'DC-S07' }, 'BAD_USER_INPUT', 'caseManagerId'],
      [{ caseManagerId: 'DC-S99' }, 'BAD_USER_INPUT', 'caseManagerId'],
      [{ mappaLevel: 4 }, 'BAD_USER_INPUT', 'mappaLevel'],
      [{ startDate: '2026-12-01' }, 'BAD_USER_INPUT', 'startDate'],
      [{ offenderId: 'N999999', fromCaseId: 'AC-999999' }, 'BAD_USER_INPUT', 'offenderId'],
    ];
    for (const [input, code, field] of cases) expect(errorOf(await accept({ offenderId: angus.offenderId, fromCaseId: angus.id, ...input }))).toMatchObject({ code, field });
    expect(errorOf(await accept({ offenderId: angus.offenderId, fromCaseId: angus.id }, 'angus-case-manager')).code).toBe('FORBIDDEN');
    // Nothing was kept in Dundee, and the register still has only the Angus record.
    const person = await t.query(`query O($id: ID!) { offender(id: $id) { cases { __typename id } } }`, { id: angus.offenderId }, 'coordinator');
    expect(person.data.offender.cases).toEqual([{ __typename: 'AngusCase', id: angus.id }]);
  });
});

describe('demo data', () => {
  it('links every received case to the sending council, with TRANSFER entries on both sides', async () => {
    const q = (prefix: string) => `{ ${prefix}Caseload(first: 200) { edges { node { id status endDate startDate transferredFromCaseId transferredFromAuthority chronology { kind occurredOn } } } } }`;
    const all: any[] = [];
    for (const [prefix, as] of [['dundee', 'dundee-case-manager'], ['angus', 'angus-case-manager'], ['perthAndKinross', 'pkc-case-manager']] as const) {
      const res = await t.query(q(prefix), {}, as);
      expect(res.errors).toBeUndefined();
      all.push(...res.data[`${prefix}Caseload`].edges.map((e: any) => e.node));
    }
    const received = all.filter((c) => c.transferredFromCaseId);
    expect(received.length).toBeGreaterThanOrEqual(4);
    const prefixes: Record<string, string> = { DC: 'DUNDEE', AC: 'ANGUS', PK: 'PERTH_AND_KINROSS' };
    for (const c of received) {
      expect(c.transferredFromAuthority).toBe(prefixes[c.transferredFromCaseId.slice(0, 2)]);
      expect(c.chronology).toContainEqual({ kind: 'TRANSFER', occurredOn: c.startDate });
      const sender = all.find((s) => s.id === c.transferredFromCaseId);
      expect(sender).toMatchObject({ status: 'TRANSFERRED_OUT', endDate: c.startDate });
      expect(sender.chronology).toContainEqual({ kind: 'TRANSFER', occurredOn: sender.endDate });
    }
  });
});
