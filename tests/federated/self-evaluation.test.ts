import { User } from '../../schema/identity';
import { DUNDEE_TEAM_MANAGER, errorOf } from '../support/case-practice';
import { startTestFederation, TestFederation } from '../support/federation';

/**
 * Self-evaluation and improvement plan through the gateway. Dundee's demo data is its published
 * 2011 self-evaluation (committee report 354-2011); today is fixed at 2026-11-27.
 */
let t: TestFederation;
beforeAll(async () => {
  t = await startTestFederation();
}, 120_000);
afterAll(async () => {
  await t?.stop();
});

const ANGUS_SERVICE_MANAGER: User = { sub: 'AC-S09', name: 'Test Angus Service Manager', org: 'ANGUS', roles: ['SERVICE_MANAGER'] };
let serial = 0;
const key = () => `se-test-${++serial}-${Date.now()}`;
const ACTION = `id reference scope title owner agreedOn dueOn status completedOn version progressNotes { notedOn status note recordedBy }`;
const EVALUATION = `id title periodFrom periodTo reportedOn overallGrade { value label } capacityForImprovement { value label } summary
  categories { category question grade { value label } evidence qualityIndicators { code title grade { value label } } }
  improvementPlan { ${ACTION} }`;
const PROGRESS = `query P($id: ID!, $asOf: Date) { dundeeImprovementPlanProgress(selfEvaluationId: $id, asOf: $asOf) {
  asOf complete onTrack overdue withdrawn actions { action { reference } statusAsOf progress latestNote { notedOn note } } } }`;
const progress = async (asOf: string | null, id = 'SE-DC-2011') => {
  const res = await t.query(PROGRESS, { id, asOf }, 'coordinator');
  expect(res.errors).toBeUndefined();
  return res.data.dundeeImprovementPlanProgress;
};
const byRef = (p: any) => Object.fromEntries(p.actions.map((a: any) => [a.action.reference, a.progress]));
const recordProgress = (input: Record<string, unknown>, as: Parameters<TestFederation['query']>[2] = DUNDEE_TEAM_MANAGER) =>
  t.query(`mutation R($input: RecordActionProgressInput!) { dundeeRecordActionProgress(input: $input) { ${ACTION} } }`, { input }, as);

describe("Dundee's 2011 self-evaluation, as published", () => {
  it('has the five category grades, the overall grade and the 20-file sample of the committee report', async () => {
    const res = await t.query(`{ dundeeSelfEvaluations { ${EVALUATION} } }`, {}, 'coordinator');
    expect(res.errors).toBeUndefined();
    const e = res.data.dundeeSelfEvaluations.find((x: any) => x.id === 'SE-DC-2011');
    expect(e).toMatchObject({ periodFrom: '2010-11-01', periodTo: '2011-04-30', reportedOn: '2011-08-11', overallGrade: { value: 4, label: 'good' }, capacityForImprovement: { value: 4, label: 'good' } });
    expect(e.categories.map((c: any) => [c.category, c.grade.value, c.grade.label])).toEqual([
      ['OUTCOMES', 4, 'good'],
      ['IMPACT', 3, 'adequate'],
      ['KEY_PROCESSES', 4, 'good'],
      ['STAFF', 5, 'very good'],
      ['LEADERSHIP', 4, 'good'],
    ]);
    expect(e.categories[1].question).toBe('How good are we at getting and acting on feedback from offenders, key partners and in informing the community?');
    expect(e.categories[1].evidence).toMatch(/^Rated as adequate because some systems are in place/);
    expect(e.summary).toContain('20 case files informed the final outcomes and showed 1 as adequate, 18 as good and 1 as very good');
  });

  it('has 9 local actions and 3 Tayside ones, transcribed from the report, owned by role titles only', async () => {
    const res = await t.query(`query E { dundeeSelfEvaluation(id: "SE-DC-2011") { improvementPlan { ${ACTION} } } }`, {}, 'dundee-case-manager');
    const plan = res.data.dundeeSelfEvaluation.improvementPlan;
    const local = plan.filter((a: any) => a.scope === 'LOCAL');
    expect(local.map((a: any) => a.reference)).toEqual(['4.4.1', '4.4.2', '4.4.3', '4.4.4', '4.4.5', '4.4.6', '4.4.7', '4.4.8', '4.4.9']);
    expect(plan.filter((a: any) => a.scope === 'TAYSIDE')).toHaveLength(3);
    // The report's own words (paras 4.4.1 to 4.4.9), and its progress text as each action's first note.
    expect(local.map((a: any) => a.title)).toEqual([
      'Review and improve formats used for risk management plans and case reviews',
      'Implement frameworks for client feedback',
      'Review and enhance the internal file audit process',
      'Implement an integrated Risk Assessment Protocol across all Social Work Department service areas',
      'Increase training in models for risk assessment and risk management for all staff',
      'Ensure intensity of service provision for high risk offenders is sustained',
      'Introduce case chronologies',
      'Obtain staff feedback on their views of the support they receive',
      'Ensure new Child and Adult Protection Procedures are incorporated into the Staff Induction Programme',
    ]);
    expect(local[2].progressNotes).toEqual([
      { notedOn: '2011-08-11', status: 'COMPLETE', recordedBy: 'DC-S09', note: 'A new national tool used by SCSWIS has been adopted and all high risk of harm cases are audited every 3 months by a Service Manager and Team Manager.' },
    ]);
    expect(local.map((a: any) => [a.dueOn, a.status])).toEqual([
      ['2011-11-30', 'IN_PROGRESS'],
      ['2012-08-22', 'IN_PROGRESS'],
      ['2012-08-22', 'COMPLETE'],
      ['2011-08-31', 'IN_PROGRESS'],
      ['2011-12-31', 'IN_PROGRESS'],
      ['2012-08-22', 'COMPLETE'],
      ['2011-12-31', 'IN_PROGRESS'],
      ['2011-11-30', 'NOT_STARTED'],
      ['2011-08-31', 'NOT_STARTED'],
    ]);
    expect(local.find((a: any) => a.reference === '4.4.3')).toMatchObject({ status: 'COMPLETE', completedOn: '2011-08-11' });
    // No officer's name: the report is signed by a named Director; owners are role titles.
    for (const a of plan) {
      expect(a.owner).toMatch(/^(Director of Social Work|Service Manager \(Criminal Justice\)|Team Manager \(Public Protection Team\)|MAPPA Strategic Oversight Group)$/);
      expect(JSON.stringify(a)).not.toMatch(/Baird/);
    }
  });

  it('reports the plan as it stood on any date: complete, on track, overdue', async () => {
    const atReport = await progress('2011-08-11');
    expect(atReport).toMatchObject({ asOf: '2011-08-11', complete: 2, onTrack: 10, overdue: 0, withdrawn: 0 });
    expect(atReport.actions).toHaveLength(12);
    const september = await progress('2011-09-01');
    expect(september).toMatchObject({ complete: 2, onTrack: 8, overdue: 2 });
    expect(byRef(september)).toMatchObject({ '4.4.3': 'COMPLETE', '4.4.6': 'COMPLETE', '4.4.4': 'OVERDUE', '4.4.9': 'OVERDUE', '4.4.1': 'ON_TRACK' });
    // Before the plan was agreed there was nothing to report.
    expect(await progress('2011-08-10')).toMatchObject({ complete: 0, onTrack: 0, overdue: 0, actions: [] });
  });

  it('keeps progress as a dated history, so earlier dates still report what was true then', async () => {
    const plan = (await t.query(`{ dundeeSelfEvaluation(id: "SE-DC-2011") { improvementPlan { ${ACTION} } } }`, {}, DUNDEE_TEAM_MANAGER)).data.dundeeSelfEvaluation.improvementPlan;
    const protocol = plan.find((a: any) => a.reference === '4.4.4');
    const res = await recordProgress({ actionId: protocol.id, notedOn: '2011-08-30', status: 'COMPLETE', note: 'Integrated Risk Assessment Protocol launched across all service areas.', expectedVersion: protocol.version });
    expect(res.errors).toBeUndefined();
    expect(res.data.dundeeRecordActionProgress).toMatchObject({ status: 'COMPLETE', completedOn: '2011-08-30', version: protocol.version + 1 });
    expect(res.data.dundeeRecordActionProgress.progressNotes.map((n: any) => [n.notedOn, n.status, n.recordedBy])).toEqual([
      ['2011-08-11', 'IN_PROGRESS', 'DC-S09'],
      ['2011-08-30', 'COMPLETE', 'DC-S07'],
    ]);
    expect(byRef(await progress('2011-09-01'))).toMatchObject({ '4.4.4': 'COMPLETE', '4.4.9': 'OVERDUE' });
    const before = await progress('2011-08-20');
    expect(before.actions.find((a: any) => a.action.reference === '4.4.4')).toMatchObject({ statusAsOf: 'IN_PROGRESS', progress: 'ON_TRACK', latestNote: { notedOn: '2011-08-11' } });

    // Someone else's change in between, or a note out of date order, is refused.
    expect(errorOf(await recordProgress({ actionId: protocol.id, notedOn: '2011-09-05', status: 'IN_PROGRESS', note: 'Reopened.', expectedVersion: protocol.version })).code).toBe('CONFLICT');
    expect(errorOf(await recordProgress({ actionId: protocol.id, notedOn: '2011-08-29', status: 'IN_PROGRESS', note: 'Back-dated note.', expectedVersion: protocol.version + 1 }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'notedOn' });
  });

  it('refuses bad progress notes', async () => {
    const plan = (await t.query(`{ dundeeSelfEvaluation(id: "SE-DC-2011") { improvementPlan { ${ACTION} } } }`, {}, DUNDEE_TEAM_MANAGER)).data.dundeeSelfEvaluation.improvementPlan;
    const a = plan.find((x: any) => x.reference === '4.4.8');
    const base = { actionId: a.id, notedOn: '2011-11-30', status: 'COMPLETE', note: 'Staff support survey completed.', expectedVersion: a.version };
    expect(errorOf(await recordProgress({ ...base, notedOn: '2011-08-01' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'notedOn' });
    expect(errorOf(await recordProgress({ ...base, notedOn: '2026-11-28' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'notedOn' });
    expect(errorOf(await recordProgress({ ...base, note: '' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'note' });
    expect(errorOf(await recordProgress({ ...base, actionId: 'IA-NOPE' }))).toMatchObject({ code: 'NOT_FOUND', field: 'actionId' });
    expect(errorOf(await recordProgress(base, 'dundee-case-manager')).code).toBe('FORBIDDEN');
    expect(errorOf(await recordProgress(base, 'angus-team-manager')).code).toBe('FORBIDDEN');
    expect((await recordProgress(base)).data.dundeeRecordActionProgress).toMatchObject({ status: 'COMPLETE', completedOn: '2011-11-30' });
  });
});

describe('recording a new self-evaluation and its plan', () => {
  const categories = [
    { category: 'OUTCOMES', grade: 4, qualityIndicators: [{ code: '1.1', title: 'Reduction in the risk of harm', grade: 4 }] },
    { category: 'IMPACT', grade: 4, evidence: 'Exit questionnaires now go to everyone.', qualityIndicators: [{ code: '2.1', title: 'Feedback from people supervised', grade: 5 }, { code: '2.2', title: 'Feedback from partner agencies', grade: 3 }] },
    { category: 'KEY_PROCESSES', grade: 5 },
    { category: 'STAFF', grade: 5 },
    { category: 'LEADERSHIP', grade: 4 },
  ];
  const record = (input: Record<string, unknown>, as: Parameters<TestFederation['query']>[2] = ANGUS_SERVICE_MANAGER) =>
    t.query(`mutation S($input: RecordSelfEvaluationInput!) { angusRecordSelfEvaluation(input: $input) { ${EVALUATION.replace('improvementPlan { ' + ACTION + ' }', 'improvementPlan { id }')} } }`, {
      input: { title: 'Angus CJSW self-evaluation 2026', periodFrom: '2026-04-01', periodTo: '2026-09-30', reportedOn: '2026-11-02', overallGrade: 4, capacityForImprovementGrade: 5, categories, idempotencyKey: key(), ...input },
    }, as);
  const addAction = (input: Record<string, unknown>) =>
    t.query(`mutation A($input: AddImprovementActionInput!) { angusAddImprovementAction(input: $input) { ${ACTION} } }`, {
      input: { reference: '1', scope: 'LOCAL', title: 'Structured partner feedback twice a year', owner: 'Team Manager (Public Protection)', agreedOn: '2026-11-02', dueOn: '2027-03-31', idempotencyKey: key(), ...input },
    }, ANGUS_SERVICE_MANAGER);

  it('grades the five categories and their quality indicators, and builds a plan of dated actions', async () => {
    const res = await record({});
    expect(res.errors).toBeUndefined();
    const e = res.data.angusRecordSelfEvaluation;
    expect(e).toMatchObject({ overallGrade: { value: 4, label: 'good' }, capacityForImprovement: { value: 5, label: 'very good' }, improvementPlan: [] });
    expect(e.categories.map((c: any) => c.category)).toEqual(['OUTCOMES', 'IMPACT', 'KEY_PROCESSES', 'STAFF', 'LEADERSHIP']);
    expect(e.categories[1].qualityIndicators).toEqual([
      { code: '2.1', title: 'Feedback from people supervised', grade: { value: 5, label: 'very good' } },
      { code: '2.2', title: 'Feedback from partner agencies', grade: { value: 3, label: 'adequate' } },
    ]);
    expect(e.categories[2].qualityIndicators).toEqual([]);

    const idempotencyKey = key();
    const first = await addAction({ selfEvaluationId: e.id, idempotencyKey });
    expect(first.data.angusAddImprovementAction).toMatchObject({ reference: '1', status: 'NOT_STARTED', version: 1, progressNotes: [] });
    expect((await addAction({ selfEvaluationId: e.id, idempotencyKey })).data.angusAddImprovementAction.id).toBe(first.data.angusAddImprovementAction.id);
    expect((await addAction({ selfEvaluationId: e.id, reference: '2', dueOn: '2026-11-20' })).errors).toBeUndefined();
    expect(errorOf(await addAction({ selfEvaluationId: e.id }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reference' });
    expect(errorOf(await addAction({ selfEvaluationId: e.id, reference: '3', dueOn: '2026-11-01' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'dueOn' });
    expect(errorOf(await addAction({ selfEvaluationId: e.id, reference: '3', agreedOn: '2026-11-28', dueOn: '2026-12-31' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'agreedOn' });
    expect(errorOf(await addAction({ selfEvaluationId: e.id, reference: '3', owner: '' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'owner' });
    expect(errorOf(await addAction({ selfEvaluationId: 'SE-NOPE', reference: '3' }))).toMatchObject({ code: 'NOT_FOUND', field: 'selfEvaluationId' });

    const report = await t.query(`query P($id: ID!) { angusImprovementPlanProgress(selfEvaluationId: $id) { asOf complete onTrack overdue actions { action { reference } progress } } }`, { id: e.id }, 'angus-case-manager');
    expect(report.data.angusImprovementPlanProgress).toEqual({ asOf: '2026-11-27', complete: 0, onTrack: 1, overdue: 1, actions: [{ action: { reference: '1' }, progress: 'ON_TRACK' }, { action: { reference: '2' }, progress: 'OVERDUE' }] });
  });

  it('refuses bad self-evaluations with a coded error naming the field', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ categories: categories.slice(0, 4) }, 'categories'],
      [{ categories: [...categories.slice(0, 4), { category: 'OUTCOMES', grade: 4 }] }, 'categories.4.category'],
      [{ categories: [{ ...categories[0], grade: 7 }, ...categories.slice(1)] }, 'categories.0.grade'],
      [{ categories: [{ ...categories[0], qualityIndicators: [{ code: '1.1', title: 'Risk', grade: 0 }] }, ...categories.slice(1)] }, 'categories.0.qualityIndicators.0.grade'],
      [{ categories: [{ ...categories[0], qualityIndicators: [{ code: '2.1', title: 'Duplicate code', grade: 4 }] }, ...categories.slice(1)] }, 'categories'],
      [{ overallGrade: 0 }, 'overallGrade'],
      [{ periodTo: '2026-03-31' }, 'periodTo'],
      [{ reportedOn: '2026-11-28' }, 'reportedOn'],
      [{ title: '' }, 'title'],
    ];
    for (const [input, field] of cases) expect(errorOf(await record(input))).toMatchObject({ code: 'BAD_USER_INPUT', field });
    for (const who of ['angus-case-manager', 'dundee-case-manager', 'inspector'] as const) expect(errorOf(await record({}, who)).code).toBe('FORBIDDEN');
  });
});

describe('other councils and access', () => {
  it('gives Angus and Perth & Kinross a synthetic self-evaluation with graded indicators and a plan in every state', async () => {
    for (const prefix of ['angus', 'perthAndKinross']) {
      const res = await t.query(`{ ${prefix}SelfEvaluations { id categories { grade { value } qualityIndicators { grade { value } } } improvementPlan { id } } }`, {}, 'coordinator');
      const e = res.data[`${prefix}SelfEvaluations`].find((x: any) => x.id.endsWith('-2026') && x.improvementPlan.length === 3);
      expect(e.categories).toHaveLength(5);
      for (const c of e.categories) expect(c.qualityIndicators).toHaveLength(2);
      const p = await t.query(`query P($id: ID!) { ${prefix}ImprovementPlanProgress(selfEvaluationId: $id) { complete onTrack overdue } }`, { id: e.id }, 'coordinator');
      expect(p.data[`${prefix}ImprovementPlanProgress`]).toEqual({ complete: 1, onTrack: 1, overdue: 1 });
    }
  });

  it('keeps self-evaluations from the police and answers NOT_FOUND for an unknown one', async () => {
    expect(errorOf(await t.query(`{ dundeeSelfEvaluations { id } }`, {}, 'police-omo')).code).toBe('FORBIDDEN');
    expect(errorOf(await t.query(PROGRESS, { id: 'SE-NOPE', asOf: null }, 'coordinator'))).toMatchObject({ code: 'NOT_FOUND', field: 'selfEvaluationId' });
    expect((await t.query(`{ dundeeSelfEvaluation(id: "SE-NOPE") { id } }`, {}, 'coordinator')).data.dundeeSelfEvaluation).toBeNull();
  });
});
