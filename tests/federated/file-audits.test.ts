import { User } from '../../schema/identity';
import { DUNDEE_TEAM_MANAGER, errorOf, openDundeeCase } from '../support/case-practice';
import { startTestFederation, TestFederation } from '../support/federation';

/**
 * DOMAIN.md scenario 5, the quarterly file audit, through the gateway: a Service Manager and a
 * Team Manager grade a sample of high-risk files on the six-point scale; each council's grades
 * are summarised per quarter and as a trend. Today is fixed at 2026-11-27 (2026-Q4).
 */
let t: TestFederation;
beforeAll(async () => {
  t = await startTestFederation();
}, 120_000);
afterAll(async () => {
  await t?.stop();
});

const DUNDEE_SERVICE_MANAGER: User = { sub: 'DC-S09', name: 'Test Dundee Service Manager', org: 'DUNDEE', roles: ['SERVICE_MANAGER'] };
let serial = 0;
const key = () => `fa-test-${++serial}-${Date.now()}`;

const SUMMARY = `quarter from to filesAudited meanGrade meanLabel grades { grade { value label } count }`;
const summary = async (quarter: string, as: Parameters<TestFederation['query']>[2] = 'coordinator') => {
  const res = await t.query(`query S($q: String!) { dundeeFileAuditSummary(quarter: $q) { ${SUMMARY} } }`, { q: quarter }, as);
  expect(res.errors).toBeUndefined();
  return res.data.dundeeFileAuditSummary;
};
const counts = (s: any) => Object.fromEntries(s.grades.map((g: any) => [g.grade.value, g.count]));
const audit = (input: Record<string, unknown>, as: Parameters<TestFederation['query']>[2] = DUNDEE_TEAM_MANAGER) =>
  t.query(
    `mutation A($input: RecordFileAuditInput!) { dundeeRecordFileAudit(input: $input) { id caseId auditedOn grade { value label } findings serviceManager { id role } teamManager { id role } recordedBy } }`,
    { input: { auditedOn: '2026-11-26', serviceManagerId: 'DC-S09', teamManagerId: 'DC-S07', grade: 4, findings: 'Assessment and plan current; chronology complete.', idempotencyKey: key(), ...input } },
    as,
  );
const FLAGS = `query F($id: ID!) { dundeeCase(id: $id) { id riskLevel startDate auditOverdue nextFileAuditDue fileAudits { auditedOn grade { value } } } }`;
const flags = async (id: string) => (await t.query(FLAGS, { id }, 'dundee-case-manager')).data.dundeeCase;

describe('scenario 5: the quarterly file audit round and its grade summary', () => {
  it("expresses Dundee's 2026-Q3 sample exactly as the 2011 report's: 20 files, 1 adequate, 18 good, 1 very good", async () => {
    const q3 = await summary('2026-Q3');
    expect(q3).toMatchObject({ quarter: '2026-Q3', from: '2026-07-01', to: '2026-09-30', filesAudited: 20, meanGrade: 4, meanLabel: 'good' });
    expect(q3.grades).toEqual([
      { grade: { value: 6, label: 'excellent' }, count: 0 },
      { grade: { value: 5, label: 'very good' }, count: 1 },
      { grade: { value: 4, label: 'good' }, count: 18 },
      { grade: { value: 3, label: 'adequate' }, count: 1 },
      { grade: { value: 2, label: 'weak' }, count: 0 },
      { grade: { value: 1, label: 'unsatisfactory' }, count: 0 },
    ]);
  });

  it('records a round of audits by a Service Manager and a Team Manager, clears the overdue flags and moves the quarter summary', async () => {
    const overdue = await t.query(`{ dundeeFileAuditsOverdue { id riskLevel status auditOverdue nextFileAuditDue } }`, {}, DUNDEE_TEAM_MANAGER);
    expect(overdue.errors).toBeUndefined();
    const due = overdue.data.dundeeFileAuditsOverdue;
    expect(due.length).toBeGreaterThanOrEqual(3);
    for (const c of due) {
      expect(c).toMatchObject({ status: 'OPEN', auditOverdue: true });
      expect(['HIGH', 'VERY_HIGH']).toContain(c.riskLevel);
      expect(c.nextFileAuditDue < '2026-11-27').toBe(true);
    }
    // Longest overdue first.
    expect(due.map((c: any) => c.nextFileAuditDue)).toEqual([...due.map((c: any) => c.nextFileAuditDue)].sort());

    const before = counts(await summary('2026-Q4'));
    const round = due.slice(0, 3);
    const grades = [4, 5, 3];
    for (const [i, c] of round.entries()) {
      const res = await audit({ caseId: c.id, grade: grades[i] }, i === 0 ? DUNDEE_SERVICE_MANAGER : DUNDEE_TEAM_MANAGER);
      expect(res.errors).toBeUndefined();
      expect(res.data.dundeeRecordFileAudit).toMatchObject({
        caseId: c.id,
        auditedOn: '2026-11-26',
        grade: { value: grades[i] },
        serviceManager: { id: 'DC-S09', role: 'SERVICE_MANAGER' },
        teamManager: { id: 'DC-S07', role: 'TEAM_MANAGER' },
        recordedBy: i === 0 ? 'DC-S09' : 'DC-S07',
      });
      const after = await flags(c.id);
      expect(after).toMatchObject({ auditOverdue: false, nextFileAuditDue: '2027-02-26' });
      expect(after.fileAudits.at(-1)).toEqual({ auditedOn: '2026-11-26', grade: { value: grades[i] } });
    }
    const after = counts(await summary('2026-Q4'));
    expect(after).toEqual({ ...before, 4: before[4] + 1, 5: before[5] + 1, 3: before[3] + 1 });
    const still = (await t.query(`{ dundeeFileAuditsOverdue { id } }`, {}, DUNDEE_TEAM_MANAGER)).data.dundeeFileAuditsOverdue.map((c: any) => c.id);
    expect(still).toEqual(due.slice(3).map((c: any) => c.id));
  });

  it('shows each council a grade trend across quarters', async () => {
    const trend = await t.query(`{ dundeeFileAuditTrend(from: "2026-Q1", to: "2026-Q4") { ${SUMMARY} } angusFileAuditTrend(from: "2026-Q1", to: "2026-Q4") { quarter filesAudited meanGrade } perthAndKinrossFileAuditTrend(from: "2026-Q1", to: "2026-Q4") { quarter filesAudited meanGrade } }`, {}, 'coordinator');
    expect(trend.errors).toBeUndefined();
    for (const field of ['dundeeFileAuditTrend', 'angusFileAuditTrend', 'perthAndKinrossFileAuditTrend']) {
      expect(trend.data[field].map((q: any) => q.quarter)).toEqual(['2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4']);
      for (const q of trend.data[field]) {
        expect(q.filesAudited).toBeGreaterThan(0);
        expect(q.meanGrade).toBeGreaterThanOrEqual(1);
        expect(q.meanGrade).toBeLessThanOrEqual(6);
      }
    }
    expect(trend.data.dundeeFileAuditTrend[2]).toEqual(await summary('2026-Q3'));
    // A quarter with no audits is listed with zero files and no mean.
    const empty = await t.query(`{ dundeeFileAuditTrend(from: "2019-Q4", to: "2020-Q1") { quarter filesAudited meanGrade meanLabel grades { count } } }`, {}, 'coordinator');
    expect(empty.data.dundeeFileAuditTrend).toEqual([
      { quarter: '2019-Q4', filesAudited: 0, meanGrade: null, meanLabel: null, grades: Array(6).fill({ count: 0 }) },
      { quarter: '2020-Q1', filesAudited: 0, meanGrade: null, meanLabel: null, grades: Array(6).fill({ count: 0 }) },
    ]);
  });
});

describe('the auditOverdue flag', () => {
  it('is set for a HIGH case never audited and open more than 3 months, not for a newer one or a LOW one', async () => {
    const old = await openDundeeCase(t, 'N000150', { startDate: '2026-07-01' });
    const recent = await openDundeeCase(t, 'N000151', { startDate: '2026-09-01' });
    const low = await openDundeeCase(t, 'N000152', { startDate: '2026-01-05', initialRiskLevel: 'LOW' });
    expect(await flags(old)).toMatchObject({ auditOverdue: true, nextFileAuditDue: '2026-10-01', fileAudits: [] });
    expect(await flags(recent)).toMatchObject({ auditOverdue: false, nextFileAuditDue: '2026-12-01' });
    expect(await flags(low)).toMatchObject({ auditOverdue: false, nextFileAuditDue: null });
    // An audit 3 months and 1 day ago no longer covers the case; one exactly 3 months ago still does.
    await audit({ caseId: old, auditedOn: '2026-08-26' });
    expect(await flags(old)).toMatchObject({ auditOverdue: true, nextFileAuditDue: '2026-11-26' });
    await audit({ caseId: old, auditedOn: '2026-08-27' });
    expect(await flags(old)).toMatchObject({ auditOverdue: false, nextFileAuditDue: '2026-11-27' });
  });
});

describe('bad input and access', () => {
  let caseId: string;
  beforeAll(async () => {
    caseId = await openDundeeCase(t, 'N000153', { startDate: '2026-06-01' });
  });

  it('refuses bad audits with a coded error naming the field', async () => {
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ serviceManagerId: 'DC-S07' }, 'BAD_USER_INPUT', 'serviceManagerId'],
      [{ teamManagerId: 'DC-S09' }, 'BAD_USER_INPUT', 'teamManagerId'],
      [{ teamManagerId: 'DC-S01' }, 'BAD_USER_INPUT', 'teamManagerId'],
      [{ serviceManagerId: 'DC-S99' }, 'BAD_USER_INPUT', 'serviceManagerId'],
      [{ serviceManagerId: 'AC-S09' }, 'BAD_USER_INPUT', 'serviceManagerId'],
      [{ grade: 0 }, 'BAD_USER_INPUT', 'grade'],
      [{ grade: 7 }, 'BAD_USER_INPUT', 'grade'],
      [{ findings: 'ok' }, 'BAD_USER_INPUT', 'findings'],
      [{ auditedOn: '2026-11-28' }, 'BAD_USER_INPUT', 'auditedOn'],
      [{ auditedOn: '2026-05-31' }, 'BAD_USER_INPUT', 'auditedOn'],
      [{ caseId: 'DC-NOPE' }, 'NOT_FOUND', 'caseId'],
    ];
    for (const [input, code, field] of cases) expect(errorOf(await audit({ caseId, ...input }))).toMatchObject({ code, field });
  });

  it('refuses an audit on a transferred-out case, and one recorded by a case manager or another council', async () => {
    const moved = await t.query(`{ dundeeCaseload(first: 5, filter: { status: TRANSFERRED_OUT }) { edges { node { id } } } }`, {}, 'dundee-case-manager');
    const movedId = moved.data.dundeeCaseload.edges[0].node.id;
    expect(errorOf(await audit({ caseId: movedId, auditedOn: '2026-01-10' })).code).toBe('CONFLICT');
    expect(errorOf(await audit({ caseId }, 'dundee-case-manager')).code).toBe('FORBIDDEN');
    expect(errorOf(await audit({ caseId }, 'angus-team-manager')).code).toBe('FORBIDDEN');
    expect(errorOf(await audit({ caseId }, 'inspector')).code).toBe('FORBIDDEN');
  });

  it('records an audit once for a retried request', async () => {
    const idempotencyKey = key();
    const a = await audit({ caseId, idempotencyKey });
    const b = await audit({ caseId, idempotencyKey });
    expect(b.data.dundeeRecordFileAudit.id).toBe(a.data.dundeeRecordFileAudit.id);
    expect((await flags(caseId)).fileAudits).toHaveLength(1);
  });

  it('refuses malformed quarters and keeps figures from the police', async () => {
    expect(errorOf(await t.query(`{ dundeeFileAuditSummary(quarter: "Q3-2026") { quarter } }`, {}, 'coordinator'))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'quarter' });
    expect(errorOf(await t.query(`{ dundeeFileAuditSummary(quarter: "2026-Q5") { quarter } }`, {}, 'coordinator'))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'quarter' });
    expect(errorOf(await t.query(`{ dundeeFileAuditTrend(from: "2026-Q3", to: "2026-Q1") { quarter } }`, {}, 'coordinator'))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
    expect(errorOf(await t.query(`{ dundeeFileAuditTrend(from: "2000-Q1", to: "2026-Q1") { quarter } }`, {}, 'coordinator'))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
    expect(errorOf(await t.query(`{ dundeeFileAuditSummary(quarter: "2026-Q3") { quarter } }`, {}, 'police-omo')).code).toBe('FORBIDDEN');
    expect(errorOf(await t.query(`{ dundeeFileAuditsOverdue { id } }`, {}, 'coordinator')).code).toBe('FORBIDDEN');
  });

  it('publishes the six-point scale with its labels', async () => {
    const res = await t.query(`{ angusGradingScale { value label } }`, {}, 'angus-case-manager');
    expect(res.data.angusGradingScale).toEqual([
      { value: 6, label: 'excellent' },
      { value: 5, label: 'very good' },
      { value: 4, label: 'good' },
      { value: 3, label: 'adequate' },
      { value: 2, label: 'weak' },
      { value: 1, label: 'unsatisfactory' },
    ]);
  });
});

describe('batching', () => {
  it("loads this work's case fields in a fixed number of statements, however many cases are asked for", async () => {
    const FIELDS = `id auditOverdue nextFileAuditDue fileAudits { grade { label } serviceManager { id } }
      homeBackgroundReports { late status interviews { staffMember { id } } addressVisits { visitedOn } history { action } author { id } }
      protection { childProtection } transferredFromCaseId transferredFromAuthority transferOut { toAuthority }`;
    const measure = async (first: number) => {
      const before = t.statements();
      const res = await t.query(`query Q($first: Int) { dundeeCaseload(first: $first) { edges { node { ${FIELDS} } } } }`, { first }, 'dundee-case-manager');
      expect(res.errors).toBeUndefined();
      return { n: res.data.dundeeCaseload.edges.length, statements: t.statements().dundee - before.dundee };
    };
    // The demo's reports sit on the newest cases, so both pages include cases with every relation.
    const few = await measure(12);
    const many = await measure(200);
    expect(many.n).toBeGreaterThan(60);
    expect(many.statements).toBe(few.statements);
  });
});
