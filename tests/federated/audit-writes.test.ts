import { User } from '../../schema/identity';
import { Database } from '../../subgraphs/shared/database';
import { startTestFederation, TEST_TODAY, TestFederation } from '../support/federation';

/**
 * s.62: every collection, alteration and erasure a mutation makes is logged in the data owner's
 * own database, in the write's transaction, naming the record, the person and the parts written
 * (never their values); a retry that writes nothing logs nothing.
 */
let t: TestFederation;
beforeAll(async () => {
  t = await startTestFederation();
}, 180_000);
afterAll(async () => {
  await t?.stop();
});

interface WriteRow {
  event: string;
  record_type: string;
  record_id: string;
  person_id: string | null;
  fields: string[];
  actor_sub: string;
  actor_org: string;
  justification: string | null;
  recipient: string | null;
  note: string | null;
}

const ANGUS_SERVICE_MANAGER: User = { sub: 'AC-S09', name: 'Test Angus Service Manager', org: 'ANGUS', roles: ['SERVICE_MANAGER'] };
const WHY = { 'x-justification': 's.62 write-logging test' };
let serial = 0;
const key = () => `audit-writes-${++serial}`;

const angus = () => t.fed.databases.councils.ANGUS;
const lastId = async (db: Database) => (await db.query<{ n: number }>('SELECT coalesce(max(id), 0)::int AS n FROM audit_log'))[0].n;
/** The log rows written since `after` other than reads (reading a mutation's answer is a consultation, logged too). */
const writesAfter = (db: Database, after: number) =>
  db.query<WriteRow>(
    `SELECT event, record_type, record_id, person_id, fields, actor_sub, actor_org, justification, recipient, note FROM audit_log
     WHERE id > $1 AND event NOT IN ('CONSULTATION') AND NOT (event = 'DISCLOSURE' AND record_type NOT IN ('BREACH_FLAG')) ORDER BY id`,
    [after],
  );

/** Runs a mutation and returns its data and the write log rows it left in `db`. */
async function logged(db: Database, query: string, input: Record<string, unknown>, as: Parameters<TestFederation['query']>[2], headers: Record<string, string> = WHY) {
  const before = await lastId(db);
  const res = await t.query(query, { input }, as, headers);
  expect(res.errors).toBeUndefined();
  return { data: res.data, rows: await writesAfter(db, before) };
}

/** Angus-area nominals the demo leaves without any case, handed out one per test. */
let free: string[] | null = null;
async function freePerson(): Promise<string> {
  if (!free) {
    const res = await t.query(`{ offenders(first: 200, filter: { councilArea: ANGUS }) { edges { node { id cases { id } } } } }`);
    free = res.data.offenders.edges.map((e: any) => e.node).filter((p: any) => p.cases.length === 0).map((p: any) => p.id as string);
  }
  const offenderId = free!.shift();
  if (!offenderId) throw new Error('no Angus nominal without a case is left');
  return offenderId;
}

/** Opens an Angus case for a nominal nobody holds, so each test starts from a clean case. */
async function freshAngusCase(startDate = '2026-09-01', riskLevel = 'HIGH'): Promise<{ id: string; offenderId: string }> {
  const offenderId = await freePerson();
  const res = await t.query(
    `mutation($input: OpenCaseInput!) { angusOpenCase(input: $input) { id } }`,
    { input: { offenderId, caseManagerId: 'AC-S01', orderType: 'LICENCE', startDate, mappaLevel: 1, initialRiskLevel: riskLevel } },
    'angus-case-manager',
  );
  expect(res.errors).toBeUndefined();
  return { id: res.data.angusOpenCase.id, offenderId };
}
const versionOf = async (caseId: string) => (await t.query(`query($id: ID!) { angusCase(id: $id) { version } }`, { id: caseId }, 'angus-case-manager')).data.angusCase.version as number;

describe('council case records', () => {
  it('a manual chronology entry is one collection; its retry adds nothing', async () => {
    const c = await freshAngusCase();
    const input = { caseId: c.id, occurredOn: '2026-11-20', kind: 'OTHER', summary: 'Phoned the hostel about curfew checks.', idempotencyKey: key() };
    const MUTATION = `mutation($input: ChronologyEntryInput!) { angusAddChronologyEntry(input: $input) { id } }`;
    const { data, rows } = await logged(angus(), MUTATION, input, 'angus-case-manager');
    expect(rows).toEqual([
      expect.objectContaining({ event: 'COLLECTION', record_type: 'CHRONOLOGY_ENTRY', record_id: data.angusAddChronologyEntry.id, person_id: c.offenderId, fields: ['kind', 'occurredOn', 'summary'], actor_sub: 'AC-S01', justification: WHY['x-justification'] }),
    ]);
    const retry = await logged(angus(), MUTATION, input, 'angus-case-manager');
    expect(retry.data.angusAddChronologyEntry.id).toBe(data.angusAddChronologyEntry.id);
    expect(retry.rows).toEqual([]);
  });

  it('a contact plan and a MAPPA level change are alterations of the case', async () => {
    const c = await freshAngusCase();
    const plan = await logged(angus(), `mutation($input: SetContactPlanInput!) { angusSetContactPlan(input: $input) { id } }`, { caseId: c.id, every: 1, unit: 'WEEK', expectedVersion: await versionOf(c.id) }, 'angus-case-manager');
    expect(plan.rows).toEqual([expect.objectContaining({ event: 'ALTERATION', record_type: 'CASE', record_id: c.id, person_id: c.offenderId, fields: ['every', 'unit'] })]);
    const level = await logged(
      angus(),
      `mutation($input: ChangeMappaLevelInput!) { angusChangeMappaLevel(input: $input) { id } }`,
      { caseId: c.id, level: 2, effectiveFrom: '2026-11-20', reason: 'Referred to Level 2 meeting', expectedVersion: await versionOf(c.id) },
      'angus-case-manager',
    );
    expect(level.rows).toEqual([expect.objectContaining({ event: 'ALTERATION', record_type: 'CASE', record_id: c.id, person_id: c.offenderId, fields: ['effectiveFrom', 'level', 'reason'] })]);
  });

  it('a breach the sweep raises is collected and disclosed by the council, and collected by the police', async () => {
    const c = await freshAngusCase('2026-11-16');
    for (const [occurredOn, outcome] of [['2026-11-17', 'ATTENDED'], ['2026-11-23', 'FAILED_TO_ATTEND']]) {
      const res = await t.query(
        `mutation($input: RecordContactInput!) { angusRecordContact(input: $input) { id } }`,
        { input: { caseId: c.id, occurredOn, type: 'OFFICE_APPOINTMENT', outcome, staffMemberId: 'AC-S01', idempotencyKey: key() } },
        'angus-case-manager',
      );
      expect(res.errors).toBeUndefined();
    }
    const [councilBefore, policeBefore] = [await lastId(angus()), await lastId(t.fed.databases.police)];
    expect(await t.fed.sweepBreaches()).toBe(1);
    const council = (await writesAfter(angus(), councilBefore)).filter((r) => r.person_id === c.offenderId);
    expect(council.map((r) => [r.event, r.record_type, r.actor_sub, r.recipient, r.fields])).toEqual([
      ['COLLECTION', 'BREACH_FLAG', 'service:angus', null, ['failedOn', 'followUpDue', 'raisedOn']],
      ['DISCLOSURE', 'BREACH_FLAG', 'service:angus', 'POLICE', ['caseId', 'failedOn', 'followUpDue', 'offenderId', 'raisedOn']],
    ]);
    const police = (await writesAfter(t.fed.databases.police, policeBefore)).filter((r) => r.person_id === c.offenderId);
    expect(police).toEqual([
      expect.objectContaining({ event: 'COLLECTION', record_type: 'BREACH_NOTICE', record_id: `${c.id}:2026-11-23`, actor_sub: 'service:angus', actor_org: 'ANGUS', fields: ['authority', 'caseId', 'failedOn', 'followUpDue', 'raisedOn'] }),
    ]);
    // Swept again: nothing new raised, nothing logged.
    const [again, policeAgain] = [await lastId(angus()), await lastId(t.fed.databases.police)];
    expect(await t.fed.sweepBreaches()).toBe(0);
    expect(await writesAfter(angus(), again)).toEqual([]);
    expect(await writesAfter(t.fed.databases.police, policeAgain)).toEqual([]);
  });

  it('a risk management plan: drafting collects, editing and approving alter', async () => {
    const c = await freshAngusCase();
    const draft = await logged(angus(), `mutation($input: DraftRiskManagementPlanInput!) { angusDraftRiskManagementPlan(input: $input) { id rowVersion } }`, { caseId: c.id, idempotencyKey: key() }, 'angus-case-manager');
    const plan = draft.data.angusDraftRiskManagementPlan;
    expect(draft.rows).toEqual([expect.objectContaining({ event: 'COLLECTION', record_type: 'RISK_MANAGEMENT_PLAN', record_id: plan.id, person_id: c.offenderId, fields: ['reviewDate'] })]);
    const sections = { supervision: 'Weekly office appointments.', monitoringAndControl: 'Curfew checks.', interventionsAndTreatment: 'Programme work.', victimSafetyPlanning: 'Exclusion zone.', contingency: 'Recall if breached.' };
    const edit = await logged(angus(), `mutation($input: EditRiskManagementPlanInput!) { angusEditRiskManagementPlan(input: $input) { rowVersion } }`, { planId: plan.id, expectedRowVersion: plan.rowVersion, ...sections }, 'angus-case-manager');
    expect(edit.rows).toEqual([expect.objectContaining({ event: 'ALTERATION', record_type: 'RISK_MANAGEMENT_PLAN', record_id: plan.id, person_id: c.offenderId, fields: Object.keys(sections).sort() })]);
    const approve = await logged(
      angus(),
      `mutation($input: ApproveRiskManagementPlanInput!) { angusApproveRiskManagementPlan(input: $input) { status } }`,
      { planId: plan.id, expectedRowVersion: edit.data.angusEditRiskManagementPlan.rowVersion },
      'angus-team-manager',
    );
    expect(approve.rows).toEqual([expect.objectContaining({ event: 'ALTERATION', record_type: 'RISK_MANAGEMENT_PLAN', record_id: plan.id, person_id: c.offenderId, actor_sub: 'AC-S07', fields: ['approvedBy', 'approvedOn', 'status'] })]);
  });

  it('a case review: scheduling collects, holding the scheduled review alters it', async () => {
    const c = await freshAngusCase();
    const scheduled = await logged(angus(), `mutation($input: ScheduleCaseReviewInput!) { angusScheduleCaseReview(input: $input) { id } }`, { caseId: c.id, scheduledFor: TEST_TODAY, idempotencyKey: key() }, 'angus-case-manager');
    const id = scheduled.data.angusScheduleCaseReview.id;
    expect(scheduled.rows).toEqual([expect.objectContaining({ event: 'COLLECTION', record_type: 'CASE_REVIEW', record_id: id, person_id: c.offenderId, fields: ['scheduledFor'] })]);
    const held = await logged(angus(), `mutation($input: RecordCaseReviewInput!) { angusRecordCaseReview(input: $input) { id } }`, { caseId: c.id, heldOn: TEST_TODAY, outcome: 'NO_CHANGE', idempotencyKey: key() }, 'angus-case-manager');
    expect(held.rows).toEqual([expect.objectContaining({ event: 'ALTERATION', record_type: 'CASE_REVIEW', record_id: id, person_id: c.offenderId, fields: ['heldOn', 'nextReviewDate', 'outcome'] })]);
  });

  it('a Home Background Report: the request and each step are collected, submission alters it; a retried step adds nothing', async () => {
    const c = await freshAngusCase();
    const REPORT = 'id version';
    const req = await logged(
      angus(),
      `mutation($input: RequestHomeBackgroundReportInput!) { angusRequestHomeBackgroundReport(input: $input) { ${REPORT} } }`,
      { caseId: c.id, requestedBy: 'Parole Board for Scotland', requestedOn: '2026-10-01', authorId: 'AC-S02', idempotencyKey: key() },
      'angus-case-manager',
    );
    const reportId = req.data.angusRequestHomeBackgroundReport.id;
    expect(req.rows).toEqual([expect.objectContaining({ event: 'COLLECTION', record_type: 'HOME_BACKGROUND_REPORT', record_id: reportId, person_id: c.offenderId, fields: ['authorId', 'dueOn', 'requestedBy', 'requestedOn'] })]);
    const INTERVIEW = `mutation($input: RecordHbrPrisonInterviewInput!) { angusRecordHbrPrisonInterview(input: $input) { ${REPORT} } }`;
    const first = { reportId, interviewedOn: '2026-10-10', prison: 'HMP Perth', staffMemberId: 'AC-S02', idempotencyKey: key() };
    const interview = await logged(angus(), INTERVIEW, first, 'angus-case-manager');
    expect(interview.rows).toEqual([expect.objectContaining({ event: 'COLLECTION', record_type: 'HBR_PRISON_INTERVIEW', person_id: c.offenderId, fields: ['interviewedOn', 'prison', 'staffMemberId'], note: `report ${reportId}; case ${c.id}` })]);
    expect((await logged(angus(), INTERVIEW, first, 'angus-case-manager')).rows).toEqual([]);
    expect((await logged(angus(), INTERVIEW, { ...first, interviewedOn: '2026-10-20', idempotencyKey: key() }, 'angus-case-manager')).rows).toHaveLength(1);
    const visit = await logged(
      angus(),
      `mutation($input: RecordHbrAddressVisitInput!) { angusRecordHbrAddressVisit(input: $input) { ${REPORT} } }`,
      { reportId, visitedOn: '2026-10-25', staffMemberId: 'AC-S02', notes: 'Address suitable.', idempotencyKey: key() },
      'angus-case-manager',
    );
    expect(visit.rows).toEqual([expect.objectContaining({ event: 'COLLECTION', record_type: 'HBR_ADDRESS_VISIT', person_id: c.offenderId, fields: ['notes', 'staffMemberId', 'visitedOn'] })]);
    const submit = await logged(
      angus(),
      `mutation($input: SubmitHomeBackgroundReportInput!) { angusSubmitHomeBackgroundReport(input: $input) { ${REPORT} } }`,
      { reportId, submittedOn: '2026-11-01', outcome: 'ADDRESS_SUITABLE', expectedVersion: visit.data.angusRecordHbrAddressVisit.version },
      'angus-case-manager',
    );
    expect(submit.rows).toEqual([expect.objectContaining({ event: 'ALTERATION', record_type: 'HOME_BACKGROUND_REPORT', record_id: reportId, person_id: c.offenderId, fields: ['outcome', 'submittedOn'] })]);
  });

  it('a file audit is one collection about the person whose file was audited', async () => {
    const c = await freshAngusCase();
    const res = await logged(
      angus(),
      `mutation($input: RecordFileAuditInput!) { angusRecordFileAudit(input: $input) { id } }`,
      { caseId: c.id, auditedOn: '2026-11-26', serviceManagerId: 'AC-S09', teamManagerId: 'AC-S07', grade: 4, findings: 'Assessment and plan current; chronology complete.', idempotencyKey: key() },
      ANGUS_SERVICE_MANAGER,
    );
    expect(res.rows).toEqual([
      expect.objectContaining({ event: 'COLLECTION', record_type: 'FILE_AUDIT', record_id: res.data.angusRecordFileAudit.id, person_id: c.offenderId, actor_sub: 'AC-S09', fields: ['auditedOn', 'findings', 'grade', 'serviceManagerId', 'teamManagerId'] }),
    ]);
  });

  it('feedback: a named client questionnaire is logged against its person, partner feedback against no one', async () => {
    const c = await freshAngusCase();
    const client = await logged(
      angus(),
      `mutation($input: RecordClientFeedbackInput!) { angusRecordClientFeedback(input: $input) { id } }`,
      { caseId: c.id, receivedOn: TEST_TODAY, comments: 'Clear about what was expected.', answers: [{ question: 'CLIENT_RESPECT', score: 5 }], idempotencyKey: key() },
      'angus-case-manager',
    );
    expect(client.rows).toEqual([expect.objectContaining({ event: 'COLLECTION', record_type: 'FEEDBACK_RESPONSE', record_id: client.data.angusRecordClientFeedback.id, person_id: c.offenderId, fields: ['answers', 'comments', 'receivedOn'] })]);
    const partner = await logged(
      angus(),
      `mutation($input: RecordPartnerFeedbackInput!) { angusRecordPartnerFeedback(input: $input) { id } }`,
      { agencyName: 'NHS Tayside', receivedOn: TEST_TODAY, answers: [{ question: 'PARTNER_OVERALL', score: 4 }], idempotencyKey: key() },
      'angus-case-manager',
    );
    expect(partner.rows).toEqual([expect.objectContaining({ event: 'COLLECTION', record_type: 'FEEDBACK_RESPONSE', person_id: null, fields: ['agencyName', 'answers', 'receivedOn'] })]);
  });

  it('protection links: a change is an alteration naming the changed parts; asking again changes and logs nothing', async () => {
    const c = await freshAngusCase();
    const MUTATION = `mutation($input: SetProtectionLinksInput!) { angusSetProtectionLinks(input: $input) { id } }`;
    const input = { caseId: c.id, expectedVersion: await versionOf(c.id), childProtection: true, childProtectionRef: 'CP-AC-2026-9001', adultProtection: false, effectiveOn: '2026-11-20' };
    const res = await logged(angus(), MUTATION, input, 'angus-case-manager');
    expect(res.rows).toEqual([expect.objectContaining({ event: 'ALTERATION', record_type: 'CASE', record_id: c.id, person_id: c.offenderId, fields: ['childProtection', 'childProtectionRef', 'effectiveOn'] })]);
    expect((await logged(angus(), MUTATION, input, 'angus-case-manager')).rows).toEqual([]);
  });

  it('a transfer alters the sending case and is collected by the receiving council, each in its own log', async () => {
    const c = await freshAngusCase();
    const out = { caseId: c.id, toAuthority: 'DUNDEE', reason: 'Moved to live with his sister in Dundee.', policeConsultedOn: '2026-11-18', policeContactName: 'DS Example (D Division OMU)', transferDate: '2026-11-20' };
    const OUT = `mutation($input: TransferOutInput!) { angusTransferOut(input: $input) { id status } }`;
    const sent = await logged(angus(), OUT, out, 'angus-case-manager');
    expect(sent.rows).toEqual([
      expect.objectContaining({ event: 'ALTERATION', record_type: 'CASE', record_id: c.id, person_id: c.offenderId, fields: ['policeConsultedOn', 'policeContactName', 'reason', 'toAuthority', 'transferDate'] }),
    ]);
    expect((await logged(angus(), OUT, out, 'angus-case-manager')).rows).toEqual([]);
    const dundee = t.fed.databases.councils.DUNDEE;
    const received = await logged(
      dundee,
      `mutation($input: AcceptTransferInput!) { dundeeAcceptTransfer(input: $input) { id } }`,
      { offenderId: c.offenderId, fromAuthority: 'ANGUS', fromCaseId: c.id, caseManagerId: 'DC-S02', startDate: '2026-11-20', mappaLevel: 1, riskLevel: 'HIGH', orderType: 'LICENCE' },
      'dundee-case-manager',
      { 'x-justification': 'transfer from Angus' },
    );
    expect(received.rows).toEqual([
      expect.objectContaining({ event: 'COLLECTION', record_type: 'CASE', record_id: received.data.dundeeAcceptTransfer.id, person_id: c.offenderId, actor_sub: 'DC-S01', justification: 'transfer from Angus' }),
    ]);
  });
});

describe('council staff and quality records', () => {
  it('training is staff personal data: logged against the staff member; a retry adds nothing', async () => {
    const MUTATION = `mutation($input: RecordTrainingInput!) { angusRecordTraining(input: $input) { id } }`;
    const input = { staffId: 'AC-S02', tool: 'RSVP', trainedOn: '2026-10-01', expiresOn: '2029-10-01', idempotencyKey: key() };
    const res = await logged(angus(), MUTATION, input, 'angus-team-manager');
    expect(res.rows).toEqual([
      expect.objectContaining({ event: 'COLLECTION', record_type: 'STAFF_TRAINING', record_id: res.data.angusRecordTraining.id, person_id: 'AC-S02', actor_sub: 'AC-S07', fields: ['expiresOn', 'tool', 'trainedOn'] }),
    ]);
    expect((await logged(angus(), MUTATION, input, 'angus-team-manager')).rows).toEqual([]);
  });

  it('a self-evaluation and its improvement actions are logged, about no person', async () => {
    const categories = ['OUTCOMES', 'IMPACT', 'KEY_PROCESSES', 'STAFF', 'LEADERSHIP'].map((category) => ({ category, grade: 4 }));
    const evaluation = await logged(
      angus(),
      `mutation($input: RecordSelfEvaluationInput!) { angusRecordSelfEvaluation(input: $input) { id } }`,
      { title: 'Angus CJSW self-evaluation (audit test)', periodFrom: '2026-04-01', periodTo: '2026-09-30', reportedOn: '2026-11-02', overallGrade: 4, categories, idempotencyKey: key() },
      ANGUS_SERVICE_MANAGER,
    );
    const evaluationId = evaluation.data.angusRecordSelfEvaluation.id;
    expect(evaluation.rows).toEqual([
      expect.objectContaining({ event: 'COLLECTION', record_type: 'SELF_EVALUATION', record_id: evaluationId, person_id: null, fields: ['categories', 'overallGrade', 'periodFrom', 'periodTo', 'reportedOn', 'title'] }),
    ]);
    const action = await logged(
      angus(),
      `mutation($input: AddImprovementActionInput!) { angusAddImprovementAction(input: $input) { id version } }`,
      { selfEvaluationId: evaluationId, reference: '1', scope: 'LOCAL', title: 'Structured partner feedback twice a year', owner: 'Team Manager (Public Protection)', agreedOn: '2026-11-02', dueOn: '2027-03-31', idempotencyKey: key() },
      ANGUS_SERVICE_MANAGER,
    );
    const a = action.data.angusAddImprovementAction;
    expect(action.rows).toEqual([expect.objectContaining({ event: 'COLLECTION', record_type: 'IMPROVEMENT_ACTION', record_id: a.id, person_id: null })]);
    const progress = await logged(
      angus(),
      `mutation($input: RecordActionProgressInput!) { angusRecordActionProgress(input: $input) { id } }`,
      { actionId: a.id, notedOn: TEST_TODAY, status: 'IN_PROGRESS', note: 'First round of partner feedback sent.', expectedVersion: a.version },
      ANGUS_SERVICE_MANAGER,
    );
    expect(progress.rows).toEqual([expect.objectContaining({ event: 'ALTERATION', record_type: 'IMPROVEMENT_ACTION', record_id: a.id, person_id: null, fields: ['note', 'notedOn', 'status'] })]);
  });
});

describe('the police register', () => {
  it('an RSO notification is collected and alters the register entry; a retry adds nothing', async () => {
    const res = await t.query(`{ offenders(first: 200, filter: { councilArea: ANGUS, mappaCategory: 1 }) { edges { node { id registration { registeredOn } } } } }`, {}, 'police-omo');
    const rso = res.data.offenders.edges.map((e: any) => e.node).find((o: any) => o.registration);
    expect(rso).toBeDefined();
    const police = t.fed.databases.police;
    const MUTATION = `mutation($input: RsoNotificationInput!) { recordRsoNotification(input: $input) { id } }`;
    const input = { offenderId: rso.id, kind: 'CHANGE_OF_DETAILS', eventOn: '2026-11-24', notifiedOn: '2026-11-25', councilArea: 'ANGUS', idempotencyKey: key() };
    const first = await logged(police, MUTATION, input, 'police-omo');
    const id = first.data.recordRsoNotification.id;
    expect(first.rows).toEqual([
      expect.objectContaining({ event: 'COLLECTION', record_type: 'RSO_NOTIFICATION', record_id: id, person_id: rso.id, actor_sub: 'demo-police-omo', fields: ['councilArea', 'eventOn', 'kind', 'notifiedOn', 'offenderId'] }),
      expect.objectContaining({ event: 'ALTERATION', record_type: 'OFFENDER', record_id: rso.id, person_id: rso.id, fields: ['councilArea', 'registration'], note: `notification ${id}` }),
    ]);
    expect((await logged(police, MUTATION, input, 'police-omo')).rows).toEqual([]);
  });
});

describe('the MAPPA unit', () => {
  it('logs a referral through to a completed action, each write once, against the person', async () => {
    const db = t.fed.databases.coordination;
    const offenderId = await freePerson();

    const REFER = `mutation($input: MakeMappaReferralInput!) { makeMappaReferral(input: $input) { id version } }`;
    const referral = { offenderId, council: 'ANGUS', referrerName: 'Demo Angus Case Manager', category: 1, proposedLevel: 2, referredOn: '2026-11-20', setting: 'COMMUNITY', reason: 'Needs multi-agency management of the release address.', idempotencyKey: key() };
    const referred = await logged(db, REFER, referral, 'angus-case-manager');
    const referralId = referred.data.makeMappaReferral.id;
    expect(referred.rows).toEqual([
      expect.objectContaining({
        event: 'COLLECTION',
        record_type: 'MappaReferral',
        record_id: referralId,
        person_id: offenderId,
        actor_org: 'ANGUS',
        justification: WHY['x-justification'],
        fields: ['category', 'council', 'offenderId', 'proposedLevel', 'reason', 'referredOn', 'referrerName', 'referringAgency', 'setting'],
      }),
    ]);
    expect((await logged(db, REFER, referral, 'angus-case-manager')).rows).toEqual([]);

    const decided = await logged(db, `mutation($input: DecideMappaReferralInput!) { decideMappaReferral(input: $input) { id } }`, { referralId, expectedVersion: 1, decision: 'ACCEPT', decidedOn: TEST_TODAY }, 'coordinator');
    expect(decided.rows).toEqual([expect.objectContaining({ event: 'ALTERATION', record_type: 'MappaReferral', record_id: referralId, person_id: offenderId, fields: ['decidedOn', 'decision'] })]);

    const scheduled = await logged(db, `mutation($input: ScheduleMappaMeetingInput!) { scheduleMappaMeeting(input: $input) { id version } }`, { level: 2, kind: 'INITIAL', scheduledOn: TEST_TODAY, offenderIds: [offenderId], idempotencyKey: key() }, 'coordinator');
    const meeting = scheduled.data.scheduleMappaMeeting;
    expect(scheduled.rows).toEqual([expect.objectContaining({ event: 'COLLECTION', record_type: 'MappaMeeting', record_id: meeting.id, person_id: offenderId, fields: ['kind', 'level', 'offenderIds', 'scheduledOn'] })]);

    const held = await logged(
      db,
      `mutation($input: MappaMeetingOutcomeInput!) { recordMappaMeetingOutcome(input: $input) { id actions { id version } } }`,
      {
        meetingId: meeting.id,
        expectedVersion: meeting.version,
        heldOn: TEST_TODAY,
        attendees: [
          { name: 'Demo MAPPA Co-ordinator', agency: 'MAPPA_UNIT', role: 'Chair' },
          { name: 'DS Demo', agency: 'POLICE', role: 'Offender management unit' },
        ],
        decisions: [{ offenderId, kind: 'LEVEL_CONFIRMED' }],
        actions: [{ offenderId, description: 'Joint home visit by CJSW and police', ownerName: 'Demo Angus Case Manager', ownerAgency: 'ANGUS', dueOn: '2026-12-09' }],
        nextReviewOn: '2027-01-15',
        minutes: { executiveSummary: 'Level 2 confirmed; joint home visit agreed before the review.', fullMinutes: 'Full minutes of the meeting, restricted to the core group.' },
      },
      'coordinator',
    );
    expect(held.rows).toEqual([
      expect.objectContaining({ event: 'ALTERATION', record_type: 'MappaMeeting', record_id: meeting.id, person_id: offenderId, fields: ['actions', 'attendees', 'decisions', 'heldOn', 'minutes', 'nextReviewOn'] }),
    ]);

    const [action] = held.data.recordMappaMeetingOutcome.actions;
    const done = await logged(db, `mutation($input: CompleteMappaActionInput!) { completeMappaAction(input: $input) { id } }`, { actionId: action.id, expectedVersion: action.version, completedOn: TEST_TODAY }, 'angus-case-manager');
    expect(done.rows).toEqual([expect.objectContaining({ event: 'ALTERATION', record_type: 'MappaAction', record_id: action.id, person_id: offenderId, actor_sub: 'AC-S01', fields: ['completedOn'] })]);
  });

  it('logs progress on a Tayside improvement action, about no person; a retry adds nothing', async () => {
    const db = t.fed.databases.coordination;
    const list = await t.query(`{ taysideImprovementActions { id } }`);
    const actionId = list.data.taysideImprovementActions[0].id;
    const MUTATION = `mutation($input: TaysideImprovementProgressInput!) { recordTaysideImprovementProgress(input: $input) { id } }`;
    const input = { actionId, recordedOn: TEST_TODAY, note: 'Reviewed at the SOG.', idempotencyKey: key() };
    const res = await logged(db, MUTATION, input, 'coordinator');
    expect(res.rows).toEqual([expect.objectContaining({ event: 'ALTERATION', record_type: 'TaysideImprovementAction', record_id: actionId, person_id: null, fields: ['note', 'recordedOn'] })]);
    expect((await logged(db, MUTATION, input, 'coordinator')).rows).toEqual([]);
  });
});
