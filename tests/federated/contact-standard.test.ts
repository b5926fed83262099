import { startTestFederation, TestFederation, TEST_TODAY } from '../support/federation';

/**
 * The Tayside contact standard through the gateway, worked by hand. Today is fixed at Friday
 * 27 November 2026; Monday 30 November 2026 is St Andrew's Day, a Scottish bank holiday.
 */
let t: TestFederation;
beforeAll(async () => {
  t = await startTestFederation();
}, 120_000);
afterAll(async () => {
  await t?.stop();
});

let keySerial = 0;
const key = () => `test-key-${++keySerial}-${Date.now()}`;

/** Angus-area nominals with no council case yet, RSOs first, handed out one per test. */
let free: string[] = [];
async function freeNominal(): Promise<string> {
  if (!free.length) {
    const res = await t.query(`{ offenders(first: 200, filter: { councilArea: ANGUS, mappaCategory: 1 }) { edges { node { id cases { id } registration { registeredOn } } } } }`);
    free = res.data.offenders.edges.filter((e: any) => e.node.cases.length === 0 && e.node.registration).map((e: any) => e.node.id);
  }
  return free.shift()!;
}

async function openCase(startDate: string, risk: string, mappaLevel = 1): Promise<{ id: string; offenderId: string }> {
  const offenderId = await freeNominal();
  const res = await t.query(
    `mutation Open($input: OpenCaseInput!) { angusOpenCase(input: $input) { id } }`,
    { input: { offenderId, caseManagerId: 'AC-S01', orderType: 'LICENCE', startDate, mappaLevel, initialRiskLevel: risk } },
    'angus-case-manager',
  );
  expect(res.errors).toBeUndefined();
  return { id: res.data.angusOpenCase.id, offenderId };
}

async function contacts(caseId: string, list: Array<[string, string, string?]>) {
  for (const [occurredOn, type, outcome = 'ATTENDED'] of list) {
    const res = await t.query(
      `mutation C($input: RecordContactInput!) { angusRecordContact(input: $input) { id } }`,
      { input: { caseId, occurredOn, type, outcome, staffMemberId: 'AC-S01', idempotencyKey: key() } },
      'angus-case-manager',
    );
    expect(res.errors).toBeUndefined();
  }
}

const CASE_VIEW = `query Case($id: ID!) { angusCase(id: $id) {
  id version riskLevel mappaLevel
  compliance { standardVersion status reasons effectiveRiskLevel nextContactDue nextHomeVisitDue breach }
  chronology { occurredOn kind summary source }
  breachFlags { failedOn followUpDue raisedOn policeNotified }
} }`;

async function view(caseId: string) {
  const res = await t.query(CASE_VIEW, { id: caseId }, 'angus-case-manager');
  expect(res.errors).toBeUndefined();
  return res.data.angusCase;
}

async function area(offenderId: string, as: any = 'coordinator', args = '') {
  const res = await t.query(`query P($id: ID!) { offender(id: $id) { id areaCompliance${args} { standardVersion status reasons nextContactDue nextHomeVisitDue nextPoliceVisitDue breach } breachNotices { caseId authority failedOn followUpDue raisedOn } } }`, { id: offenderId }, as);
  expect(res.errors).toBeUndefined();
  return res.data.offender;
}

describe('hand-worked examples', () => {
  it('release on the Friday before St Andrew\'s Day: first contact is due on Tuesday 1 December', async () => {
    const c = await openCase('2026-11-27', 'HIGH');
    const v = await view(c.id);
    expect(v.compliance.standardVersion).toBe('tayside-2026-1');
    expect(v.compliance.nextContactDue).toBe('2026-12-01');
    expect(v.compliance.status).toBe('COMPLIANT');
    const p = await area(c.offenderId);
    expect(p.areaCompliance.nextContactDue).toBe('2026-12-01');
  });

  it('a risk rise mid-period applies the stricter row from the date of the change', async () => {
    const c = await openCase('2026-06-01', 'MEDIUM');
    await contacts(c.id, [
      ['2026-06-02', 'OFFICE_APPOINTMENT'], ['2026-06-08', 'OFFICE_APPOINTMENT'], ['2026-06-15', 'OFFICE_APPOINTMENT'], ['2026-06-22', 'HOME_VISIT'],
      ['2026-06-29', 'OFFICE_APPOINTMENT'], ['2026-07-13', 'OFFICE_APPOINTMENT'], ['2026-07-27', 'OFFICE_APPOINTMENT'], ['2026-08-10', 'OFFICE_APPOINTMENT'],
      ['2026-08-24', 'OFFICE_APPOINTMENT'], ['2026-09-07', 'HOME_VISIT'], ['2026-09-21', 'OFFICE_APPOINTMENT'], ['2026-10-05', 'OFFICE_APPOINTMENT'],
      ['2026-11-02', 'HOME_VISIT'],
    ]);
    const before = await view(c.id);
    // MEDIUM after week 17: monthly contact, home visit every 3 months.
    expect(before.compliance).toMatchObject({ status: 'COMPLIANT', effectiveRiskLevel: 'MEDIUM', nextContactDue: '2026-12-02', nextHomeVisitDue: '2027-02-02' });

    const res = await t.query(
      `mutation A($input: RecordRiskAssessmentInput!) { angusRecordRiskAssessment(input: $input) { riskLevel } }`,
      { input: { caseId: c.id, tool: 'LS_CMI', toolResult: 'HIGH', riskLevel: 'HIGH', assessedOn: '2026-11-20', assessorId: 'AC-S01', idempotencyKey: key() } },
      'angus-case-manager',
    );
    expect(res.errors).toBeUndefined();
    const after = await view(c.id);
    // HIGH after week 17 is fortnightly: 14 days from 2 November had passed by the rise on 20 November,
    // so a contact fell due on the day of the change, and none has happened since.
    expect(after.riskLevel).toBe('HIGH');
    expect(after.compliance).toMatchObject({ status: 'OVERDUE', effectiveRiskLevel: 'HIGH', nextContactDue: '2026-11-20', nextHomeVisitDue: '2026-12-02' });
    expect(after.compliance.reasons.join(' ')).toMatch(/HIGH/);
    expect(after.chronology.map((e: any) => e.kind)).toContain('RISK_LEVEL_CHANGE');

    // A joint visit today counts for the council and for the police.
    await contacts(c.id, [['2026-11-27', 'JOINT_VISIT']]);
    const joint = await view(c.id);
    expect(joint.compliance).toMatchObject({ status: 'COMPLIANT', nextContactDue: '2026-12-11', nextHomeVisitDue: '2026-12-27' });
    const p = await area(c.offenderId);
    // HIGH police row: every 3 months from the joint visit.
    expect(p.areaCompliance.nextPoliceVisitDue).toBe('2027-02-27');
    expect(p.areaCompliance.nextHomeVisitDue).toBe('2026-12-27');
  });

  it('a missed appointment followed up within 2 working days stays compliant', async () => {
    const c = await openCase('2026-11-16', 'HIGH');
    await contacts(c.id, [['2026-11-17', 'OFFICE_APPOINTMENT'], ['2026-11-23', 'OFFICE_APPOINTMENT', 'FAILED_TO_ATTEND'], ['2026-11-24', 'HOME_VISIT']]);
    expect(await t.fed.sweepBreaches()).toBe(0);
    const v = await view(c.id);
    expect(v.compliance.status).toBe('COMPLIANT');
    expect(v.compliance.breach).toBe(false);
    expect(v.breachFlags).toEqual([]);
    const missed = v.chronology.find((e: any) => e.kind === 'MISSED_APPOINTMENT');
    expect(missed).toMatchObject({ occurredOn: '2026-11-23', source: 'AUTOMATIC' });
    expect(missed.summary).toContain('Follow-up contact due by 2026-11-25');
  });

  it('a missed appointment not followed up becomes a breach the police offender manager sees', async () => {
    const c = await openCase('2026-11-16', 'HIGH');
    await contacts(c.id, [['2026-11-17', 'OFFICE_APPOINTMENT'], ['2026-11-23', 'OFFICE_APPOINTMENT', 'FAILED_TO_ATTEND']]);
    expect(await t.fed.sweepBreaches()).toBe(1);
    expect(await t.fed.sweepBreaches()).toBe(0);
    const v = await view(c.id);
    expect(v.compliance.status).toBe('BREACH');
    expect(v.compliance.breach).toBe(true);
    expect(v.compliance.reasons.join(' ')).toContain('2026-11-23');
    expect(v.breachFlags).toEqual([{ failedOn: '2026-11-23', followUpDue: '2026-11-25', raisedOn: TEST_TODAY, policeNotified: true }]);
    expect(v.chronology.filter((e: any) => e.kind === 'BREACH')).toHaveLength(1);
    // The police offender manager sees the breach on the register (the Level 1 case itself stays with Angus).
    const seenByPolice = await t.query(`query P($id: ID!) { offender(id: $id) { breachNotices { caseId authority failedOn followUpDue raisedOn } } }`, { id: c.offenderId }, 'police-omo');
    expect(seenByPolice.errors).toBeUndefined();
    expect(seenByPolice.data.offender.breachNotices).toEqual([{ caseId: c.id, authority: 'ANGUS', failedOn: '2026-11-23', followUpDue: '2026-11-25', raisedOn: TEST_TODAY }]);
    const seenByCoordinator = await area(c.offenderId);
    expect(seenByCoordinator.areaCompliance.status).toBe('BREACH');
  });

  it('a transfer from Angus to Dundee mid-period keeps the person\'s compliance continuous', async () => {
    const c = await openCase('2026-09-07', 'HIGH');
    await contacts(c.id, [
      ['2026-09-08', 'OFFICE_APPOINTMENT'], ['2026-09-14', 'OFFICE_APPOINTMENT'], ['2026-09-21', 'OFFICE_APPOINTMENT'], ['2026-09-28', 'OFFICE_APPOINTMENT'],
      ['2026-10-05', 'HOME_VISIT'], ['2026-10-19', 'OFFICE_APPOINTMENT'], ['2026-11-02', 'HOME_VISIT'], ['2026-11-16', 'OFFICE_APPOINTMENT'],
    ]);
    const out = await t.query(
      `mutation T($input: TransferOutInput!) { angusTransferOut(input: $input) { status } }`,
      { input: { caseId: c.id, toAuthority: 'DUNDEE', reason: 'Moved to a Dundee address approved by MAPPA', policeConsultedOn: '2026-11-17', policeContactName: 'DS Example', transferDate: '2026-11-18' } },
      'angus-case-manager',
    );
    expect(out.errors).toBeUndefined();
    const accepted = await t.query(
      `mutation A($input: AcceptTransferInput!) { dundeeAcceptTransfer(input: $input) { id } }`,
      { input: { offenderId: c.offenderId, fromAuthority: 'ANGUS', fromCaseId: c.id, caseManagerId: 'DC-S01', startDate: '2026-11-18', mappaLevel: 1, riskLevel: 'HIGH', orderType: 'LICENCE' } },
      'dundee-case-manager',
    );
    expect(accepted.errors).toBeUndefined();
    const dundeeCase = accepted.data.dundeeAcceptTransfer.id;
    const visit = await t.query(
      `mutation C($input: RecordContactInput!) { dundeeRecordContact(input: $input) { id } }`,
      { input: { caseId: dundeeCase, occurredOn: '2026-11-25', type: 'HOME_VISIT', outcome: 'ATTENDED', staffMemberId: 'DC-S01', idempotencyKey: key() } },
      'dundee-case-manager',
    );
    expect(visit.errors).toBeUndefined();
    // Across both councils: HIGH, weeks 5–17 since 7 September, fortnightly from the last contact
    // (Dundee's home visit on 25 November), home visits monthly. No first-contact clock restarts.
    const p = await area(c.offenderId, 'coordinator', '(from: "2026-11-01")');
    expect(p.areaCompliance).toMatchObject({ status: 'COMPLIANT', nextContactDue: '2026-12-09', nextHomeVisitDue: '2026-12-25' });
    const now = await area(c.offenderId);
    expect(now.areaCompliance).toMatchObject({ status: 'COMPLIANT', nextContactDue: '2026-12-09' });
  });

  it('demo transfers keep compliance continuous across the move', async () => {
    // Demo people who moved council: their area compliance spans both councils' records.
    const PAGE = `query Page($after: String) { offenders(first: 200, after: $after) { pageInfo { endCursor } edges { node { id cases { __typename status timeline { startDate endDate } } areaCompliance(from: "2026-01-01") { status reasons nextContactDue } } } } }`;
    const first = await t.query(PAGE);
    const second = await t.query(PAGE, { after: first.data.offenders.pageInfo.endCursor });
    expect([first.errors, second.errors]).toEqual([undefined, undefined]);
    const moved = [...first.data.offenders.edges, ...second.data.offenders.edges].map((e: any) => e.node).filter((n: any) => n.cases.length === 2);
    expect(moved.length).toBeGreaterThanOrEqual(3);
    for (const person of moved) {
      const old = person.cases.find((c: any) => c.status === 'TRANSFERRED_OUT');
      const now = person.cases.find((c: any) => c.status === 'OPEN');
      expect(old.timeline.endDate).toBe(now.timeline.startDate);
      // No first-contact obligation restarts at the move, and no gap opens: the area result is compliant.
      expect(person.areaCompliance.status).toBe('COMPLIANT');
      expect(person.areaCompliance.reasons.join(' ')).not.toMatch(/first contact/i);
    }
  });
});

describe('the co-ordinator\'s report', () => {
  const REPORT = `query R($from: Date!, $to: Date!) { complianceReport(from: $from, to: $to) {
    from to standardVersion versionWarnings
    overall { key total compliant dueSoon overdue breach complianceRate }
    byCouncil { key total compliant dueSoon overdue breach complianceRate }
    byRiskLevel { key total } byMappaLevel { key total }
    exceptions { offender { id } authority status reasons }
  } }`;

  it('agrees with every person\'s own area compliance over the same period', async () => {
    const from = '2026-11-01';
    const report = await t.query(REPORT, { from, to: TEST_TODAY });
    expect(report.errors).toBeUndefined();
    const r = report.data.complianceReport;
    const people = await t.query(`query P($from: Date!, $to: Date!) { offenders(first: 200) { edges { node { id areaCompliance(from: $from, asOf: $to) { status } cases { status timeline { authority status } } } } } more: offenders(first: 200, after: "${Buffer.from('N000200').toString('base64url')}") { edges { node { id areaCompliance(from: $from, asOf: $to) { status } cases { status timeline { authority status } } } } } }`, { from, to: TEST_TODAY });
    expect(people.errors).toBeUndefined();
    const everyone = [...people.data.offenders.edges, ...people.data.more.edges].map((e: any) => e.node).filter((n: any) => n.areaCompliance);
    const count = (status: string, council?: string) =>
      everyone.filter((n: any) => n.areaCompliance.status === status && (!council || n.cases.find((c: any) => c.status === 'OPEN')?.timeline.authority === council)).length;
    expect(r.overall.total).toBe(everyone.length);
    expect(r.overall).toMatchObject({ compliant: count('COMPLIANT'), dueSoon: count('DUE_SOON'), overdue: count('OVERDUE'), breach: count('BREACH') });
    for (const row of r.byCouncil) expect(row).toMatchObject({ compliant: count('COMPLIANT', row.key), dueSoon: count('DUE_SOON', row.key), overdue: count('OVERDUE', row.key), breach: count('BREACH', row.key) });
    expect(r.overall.complianceRate).toBeCloseTo((r.overall.compliant + r.overall.dueSoon) / r.overall.total, 10);
    const exceptional = everyone.filter((n: any) => ['OVERDUE', 'BREACH'].includes(n.areaCompliance.status)).map((n: any) => n.id).sort();
    expect(r.exceptions.map((e: any) => e.offender.id).sort()).toEqual(exceptional);
    expect(r.exceptions.every((e: any) => e.reasons.length > 0)).toBe(true);
    expect(r.byMappaLevel.reduce((n: number, x: any) => n + x.total, 0)).toBe(r.overall.total);
    expect(r.byRiskLevel.reduce((n: number, x: any) => n + x.total, 0)).toBe(r.overall.total);
    expect(r.standardVersion).toBe('tayside-2026-1');
    expect(r.versionWarnings).toEqual([]);
  });

  it('is refused to council staff, and rejects a period that ends before it starts', async () => {
    for (const who of ['angus-case-manager', 'dundee-case-manager', 'angus-team-manager'] as const) {
      const refused = await t.query(REPORT, { from: '2026-11-01', to: TEST_TODAY }, who);
      expect(refused.data?.complianceReport ?? null).toBeNull();
      expect(refused.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    }
    const backwards = await t.query(REPORT, { from: TEST_TODAY, to: '2026-11-01' });
    expect(backwards.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'from' });
  });
});

describe('demo data', () => {
  it('shows every status in every council, for cases and for people', async () => {
    // Over the last month, as the co-ordinator's monthly report would ask.
    const report = await t.query(`{ complianceReport(from: "2026-10-28", to: "${TEST_TODAY}") { byCouncil { key compliant dueSoon overdue breach } } }`);
    expect(report.errors).toBeUndefined();
    for (const row of report.data.complianceReport.byCouncil) {
      expect([row.key, row.compliant > 0, row.dueSoon > 0, row.overdue > 0, row.breach > 0]).toEqual([row.key, true, true, true, true]);
    }
    for (const council of ['dundee', 'angus', 'perthAndKinross']) {
      const identity = { dundee: 'dundee-case-manager', angus: 'angus-case-manager', perthAndKinross: 'pkc-case-manager' }[council] as any;
      const res = await t.query(`{ ${council}Caseload(first: 200, filter: { status: OPEN }) { edges { node { compliance { status } } } } }`, {}, identity);
      expect(res.errors).toBeUndefined();
      const statuses = new Set(res.data[`${council}Caseload`].edges.map((e: any) => e.node.compliance.status));
      expect([council, ...[...statuses].sort()]).toEqual([council, 'BREACH', 'COMPLIANT', 'DUE_SOON', 'OVERDUE']);
    }
  });
});

describe('enforced, not advisory', () => {
  it('a Level 2 case cannot be given a contact plan below the HIGH requirement', async () => {
    const c = await openCase('2026-05-04', 'LOW', 2);
    const v = await view(c.id);
    const loose = await t.query(
      `mutation P($input: SetContactPlanInput!) { angusSetContactPlan(input: $input) { id contactPlan { every unit } } }`,
      { input: { caseId: c.id, every: 1, unit: 'MONTH', expectedVersion: v.version } },
      'angus-case-manager',
    );
    expect(loose.data).toBeNull();
    expect(loose.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'every' });
    expect(loose.errors?.[0].message).toMatch(/HIGH/);
    const ok = await t.query(
      `mutation P($input: SetContactPlanInput!) { angusSetContactPlan(input: $input) { id version contactPlan { every unit setOn } } }`,
      { input: { caseId: c.id, every: 2, unit: 'WEEK', expectedVersion: v.version } },
      'angus-case-manager',
    );
    expect(ok.errors).toBeUndefined();
    expect(ok.data.angusSetContactPlan.contactPlan).toEqual({ every: 2, unit: 'WEEK', setOn: TEST_TODAY });
    const stale = await t.query(
      `mutation P($input: SetContactPlanInput!) { angusSetContactPlan(input: $input) { id } }`,
      { input: { caseId: c.id, every: 1, unit: 'WEEK', expectedVersion: v.version } },
      'angus-case-manager',
    );
    expect(stale.errors?.[0].extensions?.code).toBe('CONFLICT');
  });

  it('raising the MAPPA level applies the HIGH row and writes the chronology', async () => {
    const c = await openCase('2026-05-04', 'LOW');
    await contacts(c.id, [['2026-11-02', 'OFFICE_APPOINTMENT']]);
    const before = await view(c.id);
    expect(before.compliance).toMatchObject({ effectiveRiskLevel: 'LOW' });
    const res = await t.query(
      `mutation L($input: ChangeMappaLevelInput!) { angusChangeMappaLevel(input: $input) { mappaLevel } }`,
      { input: { caseId: c.id, level: 2, effectiveFrom: '2026-11-20', reason: 'Referred to Level 2 meeting', expectedVersion: before.version } },
      'angus-case-manager',
    );
    expect(res.errors).toBeUndefined();
    const after = await view(c.id);
    expect(after.mappaLevel).toBe(2);
    expect(after.compliance).toMatchObject({ effectiveRiskLevel: 'HIGH', status: 'OVERDUE', nextContactDue: '2026-11-20' });
    expect(after.chronology.find((e: any) => e.kind === 'MAPPA_LEVEL_CHANGE')).toMatchObject({ occurredOn: '2026-11-20' });
  });

  it('lists what is due this week across a worker\'s caseload', async () => {
    const res = await t.query(`{ angusDueThisWeek(caseManagerId: "AC-S01") { case { id } requirement due status } }`, {}, 'angus-case-manager');
    expect(res.errors).toBeUndefined();
    const items = res.data.angusDueThisWeek;
    expect(items.length).toBeGreaterThan(0);
    // Week of Monday 23 November: everything due by Sunday 29th, late items included, earliest first.
    expect(items.every((i: any) => i.due <= '2026-11-29')).toBe(true);
    expect(items.map((i: any) => i.due)).toEqual([...items.map((i: any) => i.due)].sort());
    expect(items.filter((i: any) => i.due < TEST_TODAY).every((i: any) => ['OVERDUE', 'BREACH'].includes(i.status))).toBe(true);
    const other = await t.query(`{ angusDueThisWeek { due } }`, {}, 'dundee-case-manager');
    expect(other.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});
