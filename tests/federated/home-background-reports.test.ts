import { errorOf } from '../support/case-practice';
import { startTestFederation, TestFederation } from '../support/federation';

/**
 * DOMAIN.md scenario 4, Home Background Report, through the gateway: requested with a deadline,
 * interviews and the address visit recorded, submitted on time or flagged late, with an audit
 * trail. Today is fixed at 2026-11-27.
 */
let t: TestFederation;
let caseId: string;
beforeAll(async () => {
  t = await startTestFederation();
  const res = await t.query(`{ angusCaseload(first: 5, filter: { status: OPEN }) { edges { node { id } } } }`, {}, 'angus-case-manager');
  caseId = res.data.angusCaseload.edges[0].node.id;
}, 120_000);
afterAll(async () => {
  await t?.stop();
});

let serial = 0;
const key = () => `hbr-test-${++serial}-${Date.now()}`;

const REPORT = `id caseId requestedBy requestedOn dueOn author { id } status submittedOn outcome late daysLate missingBeforeSubmission version
  interviews { interviewedOn prison staffMember { id } }
  addressVisits { visitedOn staffMember { id } notes }
  history { action occurredOn summary recordedBy recordedAt }`;

const request = (input: Record<string, unknown>, as: Parameters<TestFederation['query']>[2] = 'angus-case-manager') =>
  t.query(`mutation R($input: RequestHomeBackgroundReportInput!) { angusRequestHomeBackgroundReport(input: $input) { ${REPORT} } }`, { input: { caseId, requestedBy: 'Parole Board for Scotland', authorId: 'AC-S02', idempotencyKey: key(), ...input } }, as);
const interview = (reportId: string, interviewedOn: string, extra: Record<string, unknown> = {}) =>
  t.query(`mutation I($input: RecordHbrPrisonInterviewInput!) { angusRecordHbrPrisonInterview(input: $input) { ${REPORT} } }`, { input: { reportId, interviewedOn, prison: 'HMP Perth', staffMemberId: 'AC-S02', idempotencyKey: key(), ...extra } }, 'angus-case-manager');
const visit = (reportId: string, visitedOn: string, extra: Record<string, unknown> = {}) =>
  t.query(`mutation V($input: RecordHbrAddressVisitInput!) { angusRecordHbrAddressVisit(input: $input) { ${REPORT} } }`, { input: { reportId, visitedOn, staffMemberId: 'AC-S02', notes: 'Address suitable.', idempotencyKey: key(), ...extra } }, 'angus-case-manager');
const submit = (reportId: string, submittedOn: string, expectedVersion: number, outcome = 'ADDRESS_SUITABLE') =>
  t.query(`mutation S($input: SubmitHomeBackgroundReportInput!) { angusSubmitHomeBackgroundReport(input: $input) { ${REPORT} } }`, { input: { reportId, submittedOn, outcome, expectedVersion } }, 'angus-case-manager');

describe('scenario 4: a Home Background Report from request to submission', () => {
  it('is due 6 weeks after the request, cannot be submitted without 2 interviews and the address visit, and is on time when submitted by the due date', async () => {
    const requested = await request({ requestedOn: '2026-10-01' });
    expect(requested.errors).toBeUndefined();
    const report = requested.data.angusRequestHomeBackgroundReport;
    // Outstanding past its due date today (27 November): late until it is submitted.
    expect(report).toMatchObject({ caseId, requestedOn: '2026-10-01', dueOn: '2026-11-12', status: 'REQUESTED', late: true, daysLate: 15, version: 1, author: { id: 'AC-S02' } });
    expect(report.missingBeforeSubmission).toHaveLength(2);

    const first = await interview(report.id, '2026-10-08');
    expect(first.data.angusRecordHbrPrisonInterview).toMatchObject({ status: 'IN_PROGRESS', version: 2 });
    const tooFew = await submit(report.id, '2026-11-10', 2);
    expect(errorOf(tooFew)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'interviews' });
    expect(tooFew.errors?.[0].message).toMatch(/at least 2 prison interviews.*1 recorded/);

    const second = await interview(report.id, '2026-10-20', { prison: 'HMP Castle Huntly' });
    expect(second.data.angusRecordHbrPrisonInterview.version).toBe(3);
    const noVisit = await submit(report.id, '2026-11-10', 3);
    expect(errorOf(noVisit)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'addressVisits' });

    const visited = await visit(report.id, '2026-10-27');
    expect(visited.errors).toBeUndefined();
    expect(visited.data.angusRecordHbrAddressVisit).toMatchObject({ version: 4, missingBeforeSubmission: [] });

    const stale = await submit(report.id, '2026-11-10', 3);
    expect(errorOf(stale).code).toBe('CONFLICT');

    const done = await submit(report.id, '2026-11-10', 4);
    expect(done.errors).toBeUndefined();
    const submitted = done.data.angusSubmitHomeBackgroundReport;
    expect(submitted).toMatchObject({ status: 'SUBMITTED', submittedOn: '2026-11-10', outcome: 'ADDRESS_SUITABLE', late: false, daysLate: null, version: 5 });
    expect(submitted.interviews.map((i: any) => [i.interviewedOn, i.prison])).toEqual([
      ['2026-10-08', 'HMP Perth'],
      ['2026-10-20', 'HMP Castle Huntly'],
    ]);
    expect(submitted.addressVisits).toEqual([{ visitedOn: '2026-10-27', staffMember: { id: 'AC-S02' }, notes: 'Address suitable.' }]);
    // The audit trail: every step, with its date, who recorded it and when.
    expect(submitted.history.map((h: any) => [h.action, h.occurredOn, h.recordedBy])).toEqual([
      ['REQUESTED', '2026-10-01', 'AC-S01'],
      ['PRISON_INTERVIEW', '2026-10-08', 'AC-S01'],
      ['PRISON_INTERVIEW', '2026-10-20', 'AC-S01'],
      ['ADDRESS_VISIT', '2026-10-27', 'AC-S01'],
      ['SUBMITTED', '2026-11-10', 'AC-S01'],
    ]);
    expect(submitted.history[0].summary).toBe('Requested by Parole Board for Scotland; due 2026-11-12 (the 6-week default).');
    expect(submitted.history[4].summary).toBe('Submitted on time: address suitable.');
    for (const h of submitted.history) expect(Number.isNaN(Date.parse(h.recordedAt))).toBe(false);

    // A submitted report is read-only.
    expect(errorOf(await interview(report.id, '2026-11-11')).code).toBe('CONFLICT');
    expect(errorOf(await visit(report.id, '2026-11-11')).code).toBe('CONFLICT');
    expect(errorOf(await submit(report.id, '2026-11-12', 5)).code).toBe('CONFLICT');
  });

  it('flags a report late while it is outstanding past its due date, and keeps it late once submitted after it', async () => {
    const report = (await request({ requestedOn: '2026-09-01' })).data.angusRequestHomeBackgroundReport;
    expect(report.dueOn).toBe('2026-10-13');
    // Unsubmitted and past due: late by the days to today (27 November).
    expect(report).toMatchObject({ late: true, daysLate: 45 });
    await interview(report.id, '2026-09-10');
    await interview(report.id, '2026-09-24');
    const visited = (await visit(report.id, '2026-10-30')).data.angusRecordHbrAddressVisit;
    const done = (await submit(report.id, '2026-11-20', visited.version, 'ADDRESS_UNSUITABLE')).data.angusSubmitHomeBackgroundReport;
    expect(done).toMatchObject({ status: 'SUBMITTED', submittedOn: '2026-11-20', late: true, daysLate: 38, outcome: 'ADDRESS_UNSUITABLE' });
    expect(done.history.at(-1).summary).toBe('Submitted 38 day(s) late (due 2026-10-13): address unsuitable.');

    const notYetDue = (await request({ requestedOn: '2026-11-20' })).data.angusRequestHomeBackgroundReport;
    expect(notYetDue).toMatchObject({ dueOn: '2027-01-01', late: false, daysLate: null });
    const setDate = (await request({ requestedOn: '2026-10-01', dueOn: '2026-11-01' })).data.angusRequestHomeBackgroundReport;
    expect(setDate).toMatchObject({ dueOn: '2026-11-01', late: true, daysLate: 26 });
    expect(setDate.history[0].summary).toBe('Requested by Parole Board for Scotland; due 2026-11-01.');

    // The council's list of late reports has the late ones and not the others; the case lists its reports.
    const late = await t.query(`{ angusHomeBackgroundReports(first: 200, filter: { late: true }) { totalCount edges { node { id late } } } }`, {}, 'angus-team-manager');
    const lateIds = late.data.angusHomeBackgroundReports.edges.map((e: any) => e.node.id);
    expect(lateIds).toEqual(expect.arrayContaining([report.id, setDate.id]));
    expect(lateIds).not.toContain(notYetDue.id);
    expect(late.data.angusHomeBackgroundReports.edges.every((e: any) => e.node.late)).toBe(true);
    const outstanding = await t.query(`{ angusHomeBackgroundReports(first: 200, filter: { outstanding: true, late: false }) { edges { node { id submittedOn late } } } }`, {}, 'angus-team-manager');
    expect(outstanding.data.angusHomeBackgroundReports.edges.map((e: any) => e.node.id)).toContain(notYetDue.id);
    const onCase = await t.query(`query C($id: ID!) { angusCase(id: $id) { homeBackgroundReports { id } } }`, { id: caseId }, 'angus-case-manager');
    expect(onCase.data.angusCase.homeBackgroundReports.map((r: any) => r.id)).toEqual(expect.arrayContaining([report.id, notYetDue.id, setDate.id]));
  });

  it('pages the council list with stable cursors', async () => {
    const page1 = await t.query(`{ angusHomeBackgroundReports(first: 2) { totalCount pageInfo { hasNextPage endCursor } edges { node { id dueOn } } } }`, {}, 'angus-case-manager');
    const { endCursor } = page1.data.angusHomeBackgroundReports.pageInfo;
    const page2 = await t.query(`query P($after: String) { angusHomeBackgroundReports(first: 2, after: $after) { edges { node { id dueOn } } } }`, { after: endCursor }, 'angus-case-manager');
    const ids = [...page1.data.angusHomeBackgroundReports.edges, ...page2.data.angusHomeBackgroundReports.edges].map((e: any) => e.node.id);
    expect(new Set(ids).size).toBe(4);
    const dues = [...page1.data.angusHomeBackgroundReports.edges, ...page2.data.angusHomeBackgroundReports.edges].map((e: any) => e.node.dueOn);
    expect(dues).toEqual([...dues].sort().reverse());
    expect(errorOf(await t.query(`{ angusHomeBackgroundReports(after: "bm9wZQ") { totalCount } }`, {}, 'angus-case-manager')).code).toBe('BAD_USER_INPUT');
  });

  it('creates nothing twice for a retried request', async () => {
    const idempotencyKey = key();
    const a = (await request({ requestedOn: '2026-11-02', idempotencyKey })).data.angusRequestHomeBackgroundReport;
    const b = (await request({ requestedOn: '2026-11-02', idempotencyKey })).data.angusRequestHomeBackgroundReport;
    expect(b.id).toBe(a.id);
    expect(b.history).toHaveLength(1);
    const stepKey = key();
    await interview(a.id, '2026-11-03', { idempotencyKey: stepKey });
    const again = (await interview(a.id, '2026-11-03', { idempotencyKey: stepKey })).data.angusRecordHbrPrisonInterview;
    expect(again.interviews).toHaveLength(1);
    expect(again.history).toHaveLength(2);
  });
});

describe('bad input and access', () => {
  it('refuses bad requests with a coded error naming the field', async () => {
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ requestedOn: '2026-11-01', dueOn: '2026-10-31' }, 'BAD_USER_INPUT', 'dueOn'],
      [{ requestedOn: '2026-11-01', dueOn: '2026-11-01' }, 'BAD_USER_INPUT', 'dueOn'],
      [{ requestedOn: '2026-12-01' }, 'BAD_USER_INPUT', 'requestedOn'],
      [{ requestedOn: '2026-11-01', requestedBy: ' ' }, 'BAD_USER_INPUT', 'requestedBy'],
      [{ requestedOn: '2026-11-01', authorId: 'AC-S99' }, 'BAD_USER_INPUT', 'authorId'],
      [{ requestedOn: '2026-11-01', caseId: 'AC-NOPE' }, 'NOT_FOUND', 'caseId'],
      [{ requestedOn: '2026-11-01', idempotencyKey: 'short' }, 'BAD_USER_INPUT', 'idempotencyKey'],
    ];
    for (const [input, code, field] of cases) expect(errorOf(await request(input))).toMatchObject({ code, field });
  });

  it('refuses bad steps and submissions', async () => {
    const report = (await request({ requestedOn: '2026-11-01' })).data.angusRequestHomeBackgroundReport;
    expect(errorOf(await interview(report.id, '2026-10-31'))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'interviewedOn' });
    expect(errorOf(await interview(report.id, '2026-11-28'))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'interviewedOn' });
    expect(errorOf(await interview(report.id, '2026-11-02', { prison: '' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'prison' });
    expect(errorOf(await interview(report.id, '2026-11-02', { staffMemberId: 'DC-S01' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'staffMemberId' });
    expect(errorOf(await interview('HBR-missing', '2026-11-02'))).toMatchObject({ code: 'NOT_FOUND', field: 'reportId' });
    expect(errorOf(await visit(report.id, '2026-10-30'))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'visitedOn' });
    await interview(report.id, '2026-11-05');
    await interview(report.id, '2026-11-06');
    const v = (await visit(report.id, '2026-11-09')).data.angusRecordHbrAddressVisit;
    expect(errorOf(await submit(report.id, '2026-11-08', v.version))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'submittedOn' });
    expect(errorOf(await submit(report.id, '2026-11-30', v.version))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'submittedOn' });
    const invalidOutcome = await submit(report.id, '2026-11-10', v.version, 'MAYBE');
    expect(errorOf(invalidOutcome).code).toMatch(/BAD_USER_INPUT|GRAPHQL_VALIDATION_FAILED/);
  });

  it('lets only the owning council write, and only full-view readers read', async () => {
    expect(errorOf(await request({ requestedOn: '2026-11-01' }, 'dundee-case-manager')).code).toBe('FORBIDDEN');
    expect(errorOf(await request({ requestedOn: '2026-11-01' }, 'inspector')).code).toBe('FORBIDDEN');
    const report = (await request({ requestedOn: '2026-11-01' })).data.angusRequestHomeBackgroundReport;
    const q = `query H($id: ID!) { angusHomeBackgroundReport(id: $id) { id late } }`;
    expect((await t.query(q, { id: report.id }, 'inspector')).data.angusHomeBackgroundReport.id).toBe(report.id);
    const coordinator = await t.query(q, { id: report.id }, 'coordinator');
    expect(errorOf(coordinator).code).toBe('FORBIDDEN');
    expect(coordinator.data?.angusHomeBackgroundReport ?? null).toBeNull();
    expect(errorOf(await t.query(`{ angusHomeBackgroundReports { totalCount } }`, {}, 'police-omo')).code).toBe('FORBIDDEN');
    expect((await t.query(q, { id: 'HBR-none' }, 'angus-case-manager')).data.angusHomeBackgroundReport).toBeNull();
  });
});

describe('demo data', () => {
  it('gives every council reports on time, late and outstanding', async () => {
    for (const [field, as] of [['dundeeHomeBackgroundReports', 'dundee-case-manager'], ['angusHomeBackgroundReports', 'angus-case-manager'], ['perthAndKinrossHomeBackgroundReports', 'pkc-case-manager']] as const) {
      const res = await t.query(`{ ${field}(first: 200) { edges { node { id late submittedOn history { action } } } } }`, {}, as);
      const nodes = res.data[field].edges.map((e: any) => e.node).filter((n: any) => /^HBR-(DC|AC|PK)-\d{6}-1$/.test(n.id));
      expect(nodes.some((n: any) => n.submittedOn && !n.late)).toBe(true);
      expect(nodes.some((n: any) => n.submittedOn && n.late)).toBe(true);
      expect(nodes.some((n: any) => !n.submittedOn && n.late)).toBe(true);
      expect(nodes.some((n: any) => !n.submittedOn && !n.late)).toBe(true);
    }
  });
});
