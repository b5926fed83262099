import { startTestFederation, TestFederation, TEST_TODAY } from '../support/federation';

/** Police RSO visits for the registered sex offenders no council supervises. */
let t: TestFederation;
beforeAll(async () => {
  t = await startTestFederation();
}, 120_000);
afterAll(async () => {
  await t?.stop();
});

const DUE = `query($by: Date, $council: Authority) { policeVisitsDue(by: $by, councilArea: $council) { offender { id councilArea policeVisitCompliance { status nextPoliceVisitDue reasons } } due status lastVisit } }`;

it('lists unsupervised RSOs by when their next police visit is due, agreeing with each person\'s own result', async () => {
  const res = await t.query(DUE, { by: '2026-12-31' }, 'police-omo');
  expect(res.errors).toBeUndefined();
  const list = res.data.policeVisitsDue;
  expect(list.length).toBeGreaterThan(0);
  expect(list.map((x: any) => x.due)).toEqual([...list.map((x: any) => x.due)].sort());
  for (const x of list) {
    expect(x.due <= '2026-12-31').toBe(true);
    expect(x.offender.policeVisitCompliance).toMatchObject({ status: x.status, nextPoliceVisitDue: x.due });
  }
  // Nobody on the list holds an open council case.
  const held = await t.fed.databases.police.query<{ n: number }>('SELECT count(*)::int AS n FROM case_holdings WHERE holding AND offender_id = ANY($1)', [list.map((x: any) => x.offender.id)]);
  expect(held[0].n).toBe(0);
  const dundee = await t.query(DUE, { by: '2026-12-31', council: 'DUNDEE' }, 'police-omo');
  expect(dundee.data.policeVisitsDue.every((x: any) => x.offender.councilArea === 'DUNDEE')).toBe(true);
});

it('moves the next visit when an offender manager records one, and refuses council staff', async () => {
  const res = await t.query(DUE, { by: '2027-12-31' }, 'police-omo');
  const person = res.data.policeVisitsDue.find((x: any) => x.due > TEST_TODAY);
  const record = await t.query(
    `mutation($input: RecordPoliceVisitInput!) { recordPoliceVisit(input: $input) { id visitedOn } }`,
    { input: { offenderId: person.offender.id, visitedOn: TEST_TODAY, type: 'HOME_VISIT', outcome: 'ATTENDED', officer: 'DC Example', idempotencyKey: 'police-visit-0001' } },
    'police-omo',
  );
  expect(record.errors).toBeUndefined();
  const after = await t.query(`query($id: ID!) { offender(id: $id) { policeVisitCompliance { nextPoliceVisitDue status } } }`, { id: person.offender.id }, 'police-omo');
  expect(after.data.offender.policeVisitCompliance.nextPoliceVisitDue > person.due).toBe(true);
  expect(after.data.offender.policeVisitCompliance.status).toBe('COMPLIANT');
  const refused = await t.query(DUE, {}, 'angus-case-manager');
  expect(refused.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  const council = await t.query(
    `mutation($input: RecordPoliceVisitInput!) { recordPoliceVisit(input: $input) { id } }`,
    { input: { offenderId: person.offender.id, visitedOn: TEST_TODAY, type: 'HOME_VISIT', outcome: 'ATTENDED', officer: 'x y', idempotencyKey: 'police-visit-0002' } },
    'angus-case-manager',
  );
  expect(council.errors?.[0].extensions?.code).toBe('FORBIDDEN');
});

it('gives supervised people no police-only result: their visits count in area compliance', async () => {
  const res = await t.query(`{ offenders(first: 20, filter: { mappaLevel: 2 }) { edges { node { id policeVisitCompliance { status } areaCompliance { nextPoliceVisitDue } } } } }`, {}, 'coordinator');
  for (const e of res.data.offenders.edges) {
    expect(e.node.policeVisitCompliance).toBeNull();
    expect(e.node.areaCompliance.nextPoliceVisitDue).not.toBeNull();
  }
});
