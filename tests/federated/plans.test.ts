import { DUNDEE_TEAM_MANAGER, errorOf, OPEN_DUNDEE_CASES, openDundeeCase } from '../support/case-practice';
import { startTestFederation, statementDelta, TestFederation } from '../support/federation';

/** Versioned risk management plans through the gateway: draft, edit, approve, history, flags. */
let t: TestFederation;
beforeAll(async () => {
  t = await startTestFederation();
}, 120_000);
afterAll(async () => {
  await t?.stop();
});

const PLAN_FIELDS = `id caseId version status reviewDate inDate rowVersion format { code title }
  supervision monitoringAndControl interventionsAndTreatment victimSafetyPlanning contingency draftedBy approvedBy { id name } approvedOn`;
const DRAFT = `mutation D($input: DraftRiskManagementPlanInput!) { dundeeDraftRiskManagementPlan(input: $input) { ${PLAN_FIELDS} } }`;
const EDIT = `mutation E($input: EditRiskManagementPlanInput!) { dundeeEditRiskManagementPlan(input: $input) { ${PLAN_FIELDS} } }`;
const APPROVE = `mutation A($input: ApproveRiskManagementPlanInput!) { dundeeApproveRiskManagementPlan(input: $input) { ${PLAN_FIELDS} } }`;
const CASE = `query C($id: ID!) { dundeeCase(id: $id) { id riskLevel missingPlan planReviewDate riskManagementPlan { version status }
  riskManagementPlanHistory { ${PLAN_FIELDS} } chronology { kind summary } } }`;

const SECTIONS = {
  supervision: 'Weekly office appointments; monthly home visit.',
  monitoringAndControl: 'Licence curfew 21:00-07:00, checked by police.',
  interventionsAndTreatment: 'Moving Forward Making Changes programme.',
  victimSafetyPlanning: 'Exclusion zone around the victim address in Lochee.',
  contingency: 'Any breach: inform police the same day and request recall.',
};

const draft = (caseId: string, key: string, extra: Record<string, unknown> = {}, as: Parameters<TestFederation['query']>[2] = 'dundee-case-manager') =>
  t.query(DRAFT, { input: { caseId, idempotencyKey: key, ...extra } }, as);
const edit = (planId: string, expectedRowVersion: number, fields: Record<string, unknown>, as: Parameters<TestFederation['query']>[2] = 'dundee-case-manager') =>
  t.query(EDIT, { input: { planId, expectedRowVersion, ...fields } }, as);
const approve = (planId: string, expectedRowVersion: number, as: Parameters<TestFederation['query']>[2] = DUNDEE_TEAM_MANAGER) =>
  t.query(APPROVE, { input: { planId, expectedRowVersion } }, as);
const caseOf = async (id: string, as: Parameters<TestFederation['query']>[2] = 'dundee-case-manager') => {
  const res = await t.query(CASE, { id }, as);
  expect(res.errors).toBeUndefined();
  return res.data.dundeeCase;
};

describe('the plan life cycle on a new HIGH-risk case', () => {
  let caseId: string;
  let v1: any;
  beforeAll(async () => {
    caseId = await openDundeeCase(t, 'N000130');
  });

  it('flags the new HIGH-risk case as missing a plan', async () => {
    const c = await caseOf(caseId);
    expect(c).toMatchObject({ riskLevel: 'HIGH', missingPlan: true, riskManagementPlan: null, riskManagementPlanHistory: [] });
  });

  it('drafts version 1 in the format in force, reviewed 6 months on by default; a retry creates nothing twice', async () => {
    const res = await draft(caseId, 'plans-v1-draft');
    expect(res.errors).toBeUndefined();
    v1 = res.data.dundeeDraftRiskManagementPlan;
    expect(v1).toMatchObject({
      caseId, version: 1, status: 'DRAFT', reviewDate: '2027-05-27', inDate: false, rowVersion: 1, draftedBy: 'DC-S01', approvedBy: null,
      format: { code: 'NATIONAL', title: 'National RMP format (replaces local format)' }, supervision: null, victimSafetyPlanning: null,
    });
    const again = await draft(caseId, 'plans-v1-draft');
    expect(again.data.dundeeDraftRiskManagementPlan.id).toBe(v1.id);
    expect((await caseOf(caseId)).riskManagementPlanHistory).toHaveLength(1);
    // A draft is not a plan: the case is still flagged.
    expect((await caseOf(caseId)).missingPlan).toBe(true);
  });

  it('refuses a second draft while one is open', async () => {
    expect(errorOf(await draft(caseId, 'plans-v1-second-draft'))).toMatchObject({ code: 'CONFLICT' });
  });

  it('edits the draft section by section, bumping the row version', async () => {
    const first = await edit(v1.id, 1, { supervision: SECTIONS.supervision, monitoringAndControl: SECTIONS.monitoringAndControl });
    expect(first.errors).toBeUndefined();
    expect(first.data.dundeeEditRiskManagementPlan).toMatchObject({ rowVersion: 2, supervision: SECTIONS.supervision, contingency: null });
    const second = await edit(v1.id, 2, { interventionsAndTreatment: SECTIONS.interventionsAndTreatment, victimSafetyPlanning: SECTIONS.victimSafetyPlanning, reviewDate: '2027-03-31' });
    expect(second.data.dundeeEditRiskManagementPlan).toMatchObject({ rowVersion: 3, supervision: SECTIONS.supervision, reviewDate: '2027-03-31' });
    v1 = second.data.dundeeEditRiskManagementPlan;
  });

  it('refuses approval while a section is empty, naming the sections', async () => {
    const res = await approve(v1.id, v1.rowVersion);
    expect(errorOf(res)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'planId' });
    expect(errorOf(res).message).toContain('empty: contingency');
  });

  it('of two concurrent edits from the same row version exactly one wins; the other gets CONFLICT', async () => {
    const [a, b] = await Promise.all([edit(v1.id, 3, { contingency: 'Version from worker A' }), edit(v1.id, 3, { contingency: 'Version from worker B' })]);
    const results = [a, b];
    const winners = results.filter((r) => !r.errors);
    const losers = results.filter((r) => r.errors);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(1);
    expect(errorOf(losers[0]).code).toBe('CONFLICT');
    expect(errorOf(losers[0]).message).toContain('Someone else saved plan version 1 first');
    const saved = (await caseOf(caseId)).riskManagementPlanHistory[0];
    expect(saved.rowVersion).toBe(4);
    expect(saved.contingency).toBe(winners[0].data.dundeeEditRiskManagementPlan.contingency);
    v1 = saved;
  });

  it('refuses a stale edit', async () => {
    expect(errorOf(await edit(v1.id, 3, { contingency: SECTIONS.contingency })).code).toBe('CONFLICT');
  });

  it('only a team or service manager approves; the approval records who and when, clears the flag and enters the chronology', async () => {
    expect(errorOf(await approve(v1.id, 4, 'dundee-case-manager')).code).toBe('FORBIDDEN');
    expect(errorOf(await approve(v1.id, 4, 'angus-team-manager')).code).toBe('FORBIDDEN');
    const res = await approve(v1.id, 4);
    expect(res.errors).toBeUndefined();
    expect(res.data.dundeeApproveRiskManagementPlan).toMatchObject({ status: 'APPROVED', rowVersion: 5, approvedBy: { id: 'DC-S07' }, approvedOn: '2026-11-27', inDate: true });
    const c = await caseOf(caseId);
    expect(c).toMatchObject({ missingPlan: false, planReviewDate: '2027-03-31', riskManagementPlan: { version: 1, status: 'APPROVED' } });
    const approverName = res.data.dundeeApproveRiskManagementPlan.approvedBy.name;
    expect(c.chronology.filter((e: any) => e.summary.startsWith('Risk management plan version 1'))).toEqual([
      { kind: 'OTHER', summary: `Risk management plan version 1 approved by ${approverName}; review by 2027-03-31.` },
    ]);
  });

  it('a retried approval returns the approved plan and writes nothing again', async () => {
    const again = await approve(v1.id, 4);
    expect(again.errors).toBeUndefined();
    expect(again.data.dundeeApproveRiskManagementPlan).toMatchObject({ id: v1.id, status: 'APPROVED', rowVersion: 5 });
    const c = await caseOf(caseId);
    expect(c.chronology.filter((e: any) => e.summary.startsWith('Risk management plan version 1 approved'))).toHaveLength(1);
  });

  it('an approved version is read-only', async () => {
    const res = await edit(v1.id, 5, { supervision: 'Too late' });
    expect(errorOf(res).code).toBe('CONFLICT');
    expect(errorOf(res).message).toContain('approved and read-only');
  });

  it('version 2 copies the sections; approving it supersedes version 1 in one step', async () => {
    const d = await draft(caseId, 'plans-v2-draft', { reviewDate: '2027-06-30' });
    expect(d.errors).toBeUndefined();
    const v2 = d.data.dundeeDraftRiskManagementPlan;
    expect(v2).toMatchObject({ version: 2, status: 'DRAFT', reviewDate: '2027-06-30', supervision: SECTIONS.supervision, interventionsAndTreatment: SECTIONS.interventionsAndTreatment, victimSafetyPlanning: SECTIONS.victimSafetyPlanning, contingency: v1.contingency });
    // While v2 is drafted, v1 stays the plan in force.
    expect((await caseOf(caseId)).riskManagementPlan).toEqual({ version: 1, status: 'APPROVED' });
    const a = await approve(v2.id, 1);
    expect(a.errors).toBeUndefined();
    const history = (await caseOf(caseId)).riskManagementPlanHistory;
    expect(history.map((p: any) => [p.version, p.status, p.inDate])).toEqual([
      [2, 'APPROVED', true],
      [1, 'SUPERSEDED', false],
    ]);
    expect(history[1].rowVersion).toBe(6);
  });
});

describe('bad inputs', () => {
  let caseId: string;
  let planId: string;
  beforeAll(async () => {
    caseId = await openDundeeCase(t, 'N000131');
    planId = (await draft(caseId, 'plans-bad-inputs')).data.dundeeDraftRiskManagementPlan.id;
  });

  it.each([
    ['a review date not after today', { reviewDate: '2026-11-27' }, 'reviewDate'],
    ['a malformed case id', { caseId: 'DC 1' }, 'caseId'],
    ['a malformed idempotency key', { idempotencyKey: 'x' }, 'idempotencyKey'],
  ])('draft refuses %s, naming %s', async (_label, fields, field) => {
    const res = await t.query(DRAFT, { input: { caseId, idempotencyKey: 'plans-bad-draft', ...fields } }, 'dundee-case-manager');
    expect(errorOf(res)).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  it('draft refuses an unknown case and a key used for another case', async () => {
    expect(errorOf(await draft('DC-NOSUCH', 'plans-unknown-case'))).toMatchObject({ code: 'NOT_FOUND', field: 'caseId' });
    const other = await openDundeeCase(t, 'N000132');
    expect(errorOf(await draft(other, 'plans-bad-inputs'))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'idempotencyKey' });
  });

  it.each([
    ['a row version below 1', { expectedRowVersion: 0, supervision: 'x' }, 'expectedRowVersion'],
    ['nothing to change', { expectedRowVersion: 1 }, 'input'],
    ['an over-long section', { expectedRowVersion: 1, victimSafetyPlanning: 'x'.repeat(10001) }, 'victimSafetyPlanning'],
    ['a past review date', { expectedRowVersion: 1, reviewDate: '2026-01-01' }, 'reviewDate'],
  ])('edit refuses %s, naming %s', async (_label, fields, field) => {
    const res = await t.query(EDIT, { input: { planId, ...fields } }, 'dundee-case-manager');
    expect(errorOf(res)).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  it('edit and approve refuse an unknown plan, naming planId', async () => {
    expect(errorOf(await edit('RMP-NOSUCH', 1, { supervision: 'x' }))).toMatchObject({ code: 'NOT_FOUND', field: 'planId' });
    expect(errorOf(await approve('RMP-NOSUCH', 1))).toMatchObject({ code: 'NOT_FOUND', field: 'planId' });
    expect(errorOf(await t.query(APPROVE, { input: { planId, expectedRowVersion: -1 } }, DUNDEE_TEAM_MANAGER))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'expectedRowVersion' });
  });

  it('inspectors may not draft, edit or approve', async () => {
    expect(errorOf(await draft(caseId, 'plans-inspector', {}, 'inspector')).code).toBe('FORBIDDEN');
    expect(errorOf(await edit(planId, 1, { supervision: 'x' }, 'inspector')).code).toBe('FORBIDDEN');
    expect(errorOf(await approve(planId, 1, 'inspector')).code).toBe('FORBIDDEN');
  });
});

describe('restricted victim safety planning', () => {
  it('inspectors read the plan but get null and FORBIDDEN for victim safety planning', async () => {
    const caseId = await openDundeeCase(t, 'N000133');
    const d = await draft(caseId, 'plans-restricted');
    await edit(d.data.dundeeDraftRiskManagementPlan.id, 1, SECTIONS);
    const res = await t.query(CASE, { id: caseId }, 'inspector');
    const [plan] = res.data.dundeeCase.riskManagementPlanHistory;
    expect(plan).toMatchObject({ supervision: SECTIONS.supervision, contingency: SECTIONS.contingency, victimSafetyPlanning: null });
    expect(res.errors?.map((e) => [e.extensions?.code, e.path?.at(-1)])).toEqual([['FORBIDDEN', 'victimSafetyPlanning']]);
    const own = await caseOf(caseId);
    expect(own.riskManagementPlanHistory[0].victimSafetyPlanning).toBe(SECTIONS.victimSafetyPlanning);
  });
});

describe('demo data and read-only history', () => {
  it('flags exactly the open HIGH and VERY_HIGH demo cases whose approved plan has lapsed', async () => {
    const res = await t.query(
      `{ dundeeCaseload(first: 200, filter: { status: OPEN }) { edges { node { id riskLevel missingPlan riskManagementPlanHistory { status reviewDate } } } } }`,
      {},
      'dundee-case-manager',
    );
    expect(res.errors).toBeUndefined();
    const demo = res.data.dundeeCaseload.edges.map((e: any) => e.node).filter((n: any) => /^DC-\d{6}$/.test(n.id));
    const flagged = demo.filter((n: any) => n.missingPlan);
    expect(flagged.length).toBeGreaterThanOrEqual(3);
    for (const n of demo) {
      const approved = n.riskManagementPlanHistory.find((p: any) => p.status === 'APPROVED');
      expect(n.missingPlan).toBe(['HIGH', 'VERY_HIGH'].includes(n.riskLevel) && !(approved && approved.reviewDate >= '2026-11-27'));
    }
    expect(flagged.every((n: any) => ['HIGH', 'VERY_HIGH'].includes(n.riskLevel))).toBe(true);
    // Some demo cases have a revision in draft beside the approved version.
    expect(demo.some((n: any) => n.riskManagementPlanHistory.map((p: any) => p.status).join() === 'DRAFT,APPROVED')).toBe(true);
  });

  it('the MAPPA co-ordinator sees the flag on a Level 2 case but not the plan content', async () => {
    const caseload = await t.query(OPEN_DUNDEE_CASES, {}, 'dundee-case-manager');
    const level2 = caseload.data.dundeeCaseload.edges.map((e: any) => e.node).find((n: any) => n.mappaLevel === 2);
    const res = await t.query(`query C($id: ID!) { dundeeCase(id: $id) { missingPlan riskManagementPlanHistory { id } } }`, { id: level2.id }, 'coordinator');
    expect(typeof res.data.dundeeCase.missingPlan).toBe('boolean');
    expect(res.data.dundeeCase.riskManagementPlanHistory).toBeNull();
    expect(errorOf(res).code).toBe('FORBIDDEN');
  });

  it('a transferred-out case takes no new plan', async () => {
    const res = await t.query(`{ angusCaseload(first: 100, filter: { status: TRANSFERRED_OUT }) { edges { node { id } } } }`, {}, 'angus-case-manager');
    const [old] = res.data.angusCaseload.edges;
    const d = await t.query(`mutation D($input: DraftRiskManagementPlanInput!) { angusDraftRiskManagementPlan(input: $input) { id } }`, { input: { caseId: old.node.id, idempotencyKey: 'plans-transferred' } }, 'angus-case-manager');
    expect(errorOf(d).code).toBe('CONFLICT');
  });

  it('lists the plan formats with their effective dates', async () => {
    const res = await t.query(`{ dundeePlanFormats { code title effectiveFrom effectiveTo } }`, {}, 'dundee-case-manager');
    expect(res.data.dundeePlanFormats).toEqual([
      { code: 'LOCAL_2011', title: 'Dundee 2011 local RMP format', effectiveFrom: '2011-01-01', effectiveTo: '2016-03-31' },
      { code: 'NATIONAL', title: 'National RMP format (replaces local format)', effectiveFrom: '2016-04-01', effectiveTo: null },
    ]);
  });
});

describe('batching', () => {
  it('the case-practice fields of a whole caseload cost the same statements as those of five cases', async () => {
    const PAGE = `query P($first: Int) { dundeeCaseload(first: $first) { edges { node { id missingPlan reviewOverdue nextCaseReviewDue subjectSex
      caseReviews { id } assessmentHistory { id assessor { name } } riskManagementPlanHistory { id format { code } approvedBy { name } victimSafetyPlanning } } } } }`;
    const measure = async (first: number) => {
      const before = t.statements();
      const res = await t.query(PAGE, { first }, 'dundee-case-manager');
      expect(res.errors).toBeUndefined();
      expect(res.data.dundeeCaseload.edges).toHaveLength(first);
      return statementDelta(before, t.statements()).dundee;
    };
    const five = await measure(5);
    const sixty = await measure(60);
    expect(sixty).toBe(five);
    expect(five).toBeLessThanOrEqual(12);
  });
});
