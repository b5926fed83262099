import { startTestFederation, TestFederation, TEST_TODAY } from '../support/federation';

/** Victim details and addresses: visible only to the owning council's team, whoever else asks. */
let t: TestFederation;
let level2: { caseId: string; offenderId: string; version: number };
beforeAll(async () => {
  t = await startTestFederation();
  const res = await t.query(`{ angusCaseload(first: 50, filter: { mappaLevel: 2, status: OPEN }) { edges { node { id offenderId version } } } }`, {}, 'angus-case-manager');
  const node = res.data.angusCaseload.edges[0].node;
  level2 = { caseId: node.id, offenderId: node.offenderId, version: node.version };
}, 120_000);
afterAll(async () => {
  await t?.stop();
});

const VIEW = `query($id: ID!) { angusCase(id: $id) { id riskLevel mappaLevel address { line1 town postcode since } victimDetails { relationship contactArrangements exclusionZone } } }`;

it('the owning council\'s case manager and team manager see the address and victim details', async () => {
  for (const who of ['angus-case-manager', 'angus-team-manager'] as const) {
    const res = await t.query(VIEW, { id: level2.caseId }, who);
    expect(res.errors).toBeUndefined();
    expect(res.data.angusCase.address).toMatchObject({ town: 'Arbroath' });
    expect(res.data.angusCase.address.postcode).toMatch(/^DD\d \d[A-Z]{2}$/);
    expect(res.data.angusCase.victimDetails.length).toBeGreaterThan(0);
  }
});

it.each(['coordinator', 'police-omo', 'dundee-case-manager', 'inspector'] as const)('%s gets null and FORBIDDEN for exactly those two fields of a Level 2 case', async (who) => {
  const res = await t.query(VIEW, { id: level2.caseId }, who);
  expect(res.data.angusCase).toMatchObject({ id: level2.caseId, mappaLevel: 2, address: null, victimDetails: null });
  const refused = (res.errors ?? []).map((e) => [e.path?.at(-1), e.extensions?.code]);
  expect(refused).toEqual(expect.arrayContaining([['address', 'FORBIDDEN'], ['victimDetails', 'FORBIDDEN']]));
  expect(JSON.stringify(res.data)).not.toMatch(/Arbroath|liaison/);
});

it('records a change of address without putting it in the chronology, and refuses bad input naming the field', async () => {
  const set = `mutation($input: SetCaseAddressInput!) { angusSetCaseAddress(input: $input) { version address { line1 postcode since } chronology { kind summary } } }`;
  const bad = await t.query(set, { input: { caseId: level2.caseId, line1: '1 Test Row', town: 'Forfar', postcode: 'NOT A POSTCODE', since: TEST_TODAY, expectedVersion: level2.version } }, 'angus-case-manager');
  expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'postcode' });
  const ok = await t.query(set, { input: { caseId: level2.caseId, line1: '7 Test Row', town: 'Forfar', postcode: 'dd8 1zz', since: TEST_TODAY, expectedVersion: level2.version } }, 'angus-case-manager');
  expect(ok.errors).toBeUndefined();
  expect(ok.data.angusSetCaseAddress.address).toEqual({ line1: '7 Test Row', postcode: 'DD8 1ZZ', since: TEST_TODAY });
  expect(JSON.stringify(ok.data.angusSetCaseAddress.chronology)).not.toContain('Test Row');
  const stale = await t.query(set, { input: { caseId: level2.caseId, line1: '9 Test Row', town: 'Forfar', postcode: 'DD8 1ZZ', since: TEST_TODAY, expectedVersion: level2.version } }, 'angus-case-manager');
  expect(stale.errors?.[0].extensions?.code).toBe('CONFLICT');
  const inspector = await t.query(set, { input: { caseId: level2.caseId, line1: '9 Test Row', town: 'Forfar', postcode: 'DD8 1ZZ', since: TEST_TODAY, expectedVersion: level2.version + 1 } }, 'inspector');
  expect(inspector.errors?.[0].extensions?.code).toBe('FORBIDDEN');
});

it('records a victim detail once per idempotency key', async () => {
  const rec = `mutation($input: RecordVictimDetailInput!) { angusRecordVictimDetail(input: $input) { id relationship } }`;
  const input = { caseId: level2.caseId, relationship: 'Former partner', contactArrangements: 'Through the victim liaison officer only.', idempotencyKey: 'victim-detail-0001' };
  const first = await t.query(rec, { input }, 'angus-case-manager');
  const retry = await t.query(rec, { input }, 'angus-case-manager');
  expect(first.errors).toBeUndefined();
  expect(retry.data.angusRecordVictimDetail.id).toBe(first.data.angusRecordVictimDetail.id);
  const empty = await t.query(rec, { input: { ...input, relationship: '  ', idempotencyKey: 'victim-detail-0002' } }, 'angus-case-manager');
  expect(empty.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'relationship' });
});
