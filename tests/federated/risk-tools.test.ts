import { DUNDEE_TEAM_MANAGER, errorOf, openDundeeCase } from '../support/case-practice';
import { startTestFederation, TestFederation } from '../support/federation';

/**
 * Risk assessment tool rules through the gateway: results valid for the tool and scale, RM2000
 * only for adult males convicted of a sexual offence, assessors trained in the tool, and the
 * default next review date.
 */
let t: TestFederation;
let maleSexual: string;
beforeAll(async () => {
  t = await startTestFederation();
  maleSexual = await openDundeeCase(t, 'N000120', { subjectSex: 'MALE', subjectDateOfBirth: '1980-04-02', indexOffenceSexual: true });
}, 120_000);
afterAll(async () => {
  await t?.stop();
});

const RECORD = `mutation Record($input: RecordRiskAssessmentInput!) { dundeeRecordRiskAssessment(input: $input) { id tool toolResult riskLevel assessedOn nextReviewDue assessor { id } } }`;
const HISTORY = `query History($id: ID!) { dundeeCase(id: $id) { subjectSex subjectDateOfBirth indexOffenceSexual riskLevel
  assessmentHistory { id tool scale toolResult indicatedRiskLevel riskLevel assessedOn assessor { id } assessorTrained nextReviewDue } } }`;

let keySerial = 0;
const assessment = (caseId: string, fields: Record<string, unknown> = {}) => ({
  caseId,
  tool: 'RM2000',
  scale: 'S',
  toolResult: 'HIGH',
  riskLevel: 'HIGH',
  assessedOn: '2026-11-20',
  assessorId: 'DC-S01',
  idempotencyKey: `rt-test-${++keySerial}`,
  ...fields,
});
const record = (input: Record<string, unknown>, as: Parameters<TestFederation['query']>[2] = 'dundee-case-manager') => t.query(RECORD, { input }, as);

describe('recording an assessment', () => {
  it('records the scale, the level the result indicates, the assessor training and a 6-month review for HIGH', async () => {
    const res = await record(assessment(maleSexual, { toolResult: 'very high', riskLevel: 'VERY_HIGH', idempotencyKey: 'rt-very-high-1' }));
    expect(res.errors).toBeUndefined();
    expect(res.data.dundeeRecordRiskAssessment).toMatchObject({ tool: 'RM2000', toolResult: 'VERY_HIGH', riskLevel: 'VERY_HIGH', nextReviewDue: '2027-05-20' });
    const history = await t.query(HISTORY, { id: maleSexual }, 'dundee-case-manager');
    expect(history.errors).toBeUndefined();
    expect(history.data.dundeeCase).toMatchObject({ subjectSex: 'MALE', subjectDateOfBirth: '1980-04-02', indexOffenceSexual: true, riskLevel: 'VERY_HIGH' });
    expect(history.data.dundeeCase.assessmentHistory).toEqual([
      { id: res.data.dundeeRecordRiskAssessment.id, tool: 'RM2000', scale: 'S', toolResult: 'VERY_HIGH', indicatedRiskLevel: 'VERY_HIGH', riskLevel: 'VERY_HIGH', assessedOn: '2026-11-20', assessor: { id: 'DC-S01' }, assessorTrained: true, nextReviewDue: '2027-05-20' },
    ]);
  });

  it('a retry with the same key records nothing twice', async () => {
    const first = await record(assessment(maleSexual, { scale: 'V', toolResult: 'MEDIUM', riskLevel: 'VERY_HIGH', idempotencyKey: 'rt-retry-1' }));
    const again = await record(assessment(maleSexual, { scale: 'V', toolResult: 'MEDIUM', riskLevel: 'VERY_HIGH', idempotencyKey: 'rt-retry-1' }));
    expect(first.errors).toBeUndefined();
    expect(again.data.dundeeRecordRiskAssessment.id).toBe(first.data.dundeeRecordRiskAssessment.id);
    const history = await t.query(HISTORY, { id: maleSexual }, 'dundee-case-manager');
    expect(history.data.dundeeCase.assessmentHistory.filter((a: any) => a.id === first.data.dundeeRecordRiskAssessment.id)).toHaveLength(1);
  });

  it('keeps a departure from the tool visible: the RM2000/V MEDIUM result indicates MEDIUM while the assessor graded VERY_HIGH', async () => {
    const history = await t.query(HISTORY, { id: maleSexual }, 'dundee-case-manager');
    const v = history.data.dundeeCase.assessmentHistory.find((a: any) => a.scale === 'V');
    expect(v).toMatchObject({ toolResult: 'MEDIUM', indicatedRiskLevel: 'MEDIUM', riskLevel: 'VERY_HIGH' });
  });

  it('defaults the next review to 12 months for LOW and MEDIUM, and keeps a date given', async () => {
    const lsCmiCase = await openDundeeCase(t, 'N000121');
    const low = await record(assessment(lsCmiCase, { tool: 'LS_CMI', scale: null, toolResult: 'VERY_LOW', riskLevel: 'LOW', assessedOn: '2026-10-31' }));
    expect(low.errors).toBeUndefined();
    expect(low.data.dundeeRecordRiskAssessment.nextReviewDue).toBe('2027-10-31');
    const given = await record(assessment(lsCmiCase, { tool: 'SA07', scale: 'ACUTE', toolResult: 'moderate', riskLevel: 'HIGH', nextReviewDue: '2026-12-20' }));
    expect(given.errors).toBeUndefined();
    expect(given.data.dundeeRecordRiskAssessment.nextReviewDue).toBe('2026-12-20');
    const rsvp = await record(assessment(lsCmiCase, { tool: 'RSVP', scale: null, toolResult: 'HIGH', riskLevel: 'HIGH', assessedOn: '2026-08-31' }));
    // A case cannot be assessed before it started (2026-09-01).
    expect(errorOf(rsvp)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'assessedOn' });
  });
});

describe('results must belong to the tool and scale', () => {
  it.each([
    ['RM2000 results are LOW..VERY_HIGH, not MODERATE', { toolResult: 'MODERATE' }, 'toolResult'],
    ['RSVP has no MEDIUM', { tool: 'RSVP', scale: null, toolResult: 'MEDIUM' }, 'toolResult'],
    ['SA07 Stable has no VERY_HIGH', { tool: 'SA07', scale: 'STABLE', toolResult: 'VERY_HIGH' }, 'toolResult'],
    ['LS/CMI has no SEVERE', { tool: 'LS_CMI', scale: null, toolResult: 'SEVERE' }, 'toolResult'],
    ['RM2000 needs a scale', { scale: null }, 'scale'],
    ['RM2000 has no STABLE scale', { scale: 'STABLE' }, 'scale'],
    ['SA07 has no /S scale', { tool: 'SA07', scale: 'S', toolResult: 'HIGH' }, 'scale'],
    ['LS/CMI takes no scale', { tool: 'LS_CMI', scale: 'S', toolResult: 'HIGH' }, 'scale'],
    ['an empty result', { toolResult: '  ' }, 'toolResult'],
    ['an assessment in the future', { assessedOn: '2026-11-28' }, 'assessedOn'],
    ['a review due before the assessment', { nextReviewDue: '2026-11-19' }, 'nextReviewDue'],
    ['an unknown assessor', { assessorId: 'DC-S99' }, 'assessorId'],
    ['a short idempotency key', { idempotencyKey: 'short' }, 'idempotencyKey'],
  ])('refuses %s, naming %s', async (_label, fields, field) => {
    const res = await record(assessment(maleSexual, fields));
    expect(errorOf(res)).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(res.data).toBeNull();
  });

  it('names the valid results in the message', async () => {
    const res = await record(assessment(maleSexual, { tool: 'SA07', scale: 'STABLE', toolResult: 'VERY_HIGH' }));
    expect(errorOf(res).message).toBe('toolResult: SA07/STABLE results are LOW, MODERATE, HIGH.');
  });
});

describe('RM2000 applies only to adult males convicted of a sexual offence', () => {
  it('refuses a female subject', async () => {
    const female = await openDundeeCase(t, 'N000122', { subjectSex: 'FEMALE', subjectDateOfBirth: '1985-06-01', indexOffenceSexual: true });
    const res = await record(assessment(female));
    expect(errorOf(res)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'tool', reason: 'RM2000_NOT_APPLICABLE' });
    expect(errorOf(res).message).toContain('recorded as female');
    // The same subject may be assessed with a tool that fits.
    const ok = await record(assessment(female, { tool: 'SA07', scale: 'STABLE', toolResult: 'HIGH' }));
    expect(ok.errors).toBeUndefined();
  });

  it('refuses a non-sexual index offence', async () => {
    const violent = await openDundeeCase(t, 'N000123', { subjectSex: 'MALE', subjectDateOfBirth: '1979-01-15', indexOffenceSexual: false });
    const res = await record(assessment(violent));
    expect(errorOf(res)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'tool', reason: 'RM2000_NOT_APPLICABLE' });
    expect(errorOf(res).message).toContain('not a sexual offence');
  });

  it('refuses a subject under 18 on the assessment date', async () => {
    const young = await openDundeeCase(t, 'N000124', { subjectSex: 'MALE', subjectDateOfBirth: '2008-11-21', indexOffenceSexual: true });
    const res = await record(assessment(young, { assessedOn: '2026-11-20' }));
    expect(errorOf(res)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'tool', reason: 'RM2000_NOT_APPLICABLE' });
    expect(errorOf(res).message).toContain('was 17 on 2026-11-20');
    // Turned 18 the next day.
    const adult = await record(assessment(young, { assessedOn: '2026-11-21' }));
    expect(adult.errors).toBeUndefined();
  });

  it('refuses a case that does not record the facts', async () => {
    const unknown = await openDundeeCase(t, 'N000125');
    const res = await record(assessment(unknown));
    expect(errorOf(res)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'tool', reason: 'RM2000_NOT_APPLICABLE' });
    const facts = await t.query(HISTORY, { id: unknown }, 'dundee-case-manager');
    expect(facts.data.dundeeCase).toMatchObject({ subjectSex: null, subjectDateOfBirth: null, indexOffenceSexual: null });
  });

  it('validates the subject facts when a case is opened', async () => {
    const input = { offenderId: 'N000126', caseManagerId: 'DC-S01', orderType: 'LICENCE', startDate: '2026-09-01', mappaLevel: 1, initialRiskLevel: 'HIGH' };
    const open = (extra: Record<string, unknown>) => t.query(`mutation O($input: OpenCaseInput!) { dundeeOpenCase(input: $input) { id } }`, { input: { ...input, ...extra } }, 'dundee-case-manager');
    expect(errorOf(await open({ subjectDateOfBirth: '2026-09-01' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'subjectDateOfBirth' });
    expect(errorOf(await open({ subjectDateOfBirth: '2027-01-01', startDate: '2027-02-01' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'subjectDateOfBirth' });
    expect(errorOf(await open({ subjectSex: 'UNKNOWN' })).code).toBe('BAD_USER_INPUT');
  });
});

describe('assessors must hold in-date training in the tool', () => {
  it('refuses an assessor whose RM2000 training has expired, naming assessorId', async () => {
    const res = await record(assessment(maleSexual, { assessorId: 'DC-S05' }));
    expect(errorOf(res)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'assessorId' });
    expect(errorOf(res).message).toBe('assessorId: DC-S05 holds no RM2000 training in date on 2026-11-20; record the training first or choose a trained assessor.');
  });

  it('refuses an assessor never trained in the tool, and accepts them once training is recorded', async () => {
    const before = await record(assessment(maleSexual, { assessorId: 'DC-S06', idempotencyKey: 'rt-s06-1' }));
    expect(errorOf(before)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'assessorId' });
    const training = await t.query(
      `mutation T($input: RecordTrainingInput!) { dundeeRecordTraining(input: $input) { id inDate } }`,
      { input: { staffId: 'DC-S06', tool: 'RM2000', trainedOn: '2026-11-02', expiresOn: '2029-11-02', idempotencyKey: 'rt-train-s06' } },
      DUNDEE_TEAM_MANAGER,
    );
    expect(training.errors).toBeUndefined();
    // Training counts from the day it was completed, not before.
    const tooEarly = await record(assessment(maleSexual, { assessorId: 'DC-S06', assessedOn: '2026-11-01', idempotencyKey: 'rt-s06-2' }));
    expect(errorOf(tooEarly)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'assessorId' });
    const after = await record(assessment(maleSexual, { assessorId: 'DC-S06', idempotencyKey: 'rt-s06-3' }));
    expect(after.errors).toBeUndefined();
    const history = await t.query(HISTORY, { id: maleSexual }, 'dundee-case-manager');
    expect(history.data.dundeeCase.assessmentHistory.find((a: any) => a.id === after.data.dundeeRecordRiskAssessment.id)).toMatchObject({ assessor: { id: 'DC-S06' }, assessorTrained: true });
  });
});

describe('demo data and access', () => {
  it('demo cases record the subject facts, and their opening assessments carry scale, indicated level and training', async () => {
    const res = await t.query(
      `{ dundeeCaseload(first: 100, filter: { status: OPEN }) { edges { node { id subjectSex subjectDateOfBirth indexOffenceSexual assessmentHistory { tool scale toolResult indicatedRiskLevel assessorTrained } } } } }`,
      {},
      'dundee-case-manager',
    );
    expect(res.errors).toBeUndefined();
    const nodes = res.data.dundeeCaseload.edges.map((e: any) => e.node).filter((n: any) => /^DC-\d{6}$/.test(n.id));
    expect(nodes.length).toBeGreaterThan(50);
    for (const n of nodes) {
      expect(n.subjectSex).toMatch(/^(MALE|FEMALE)$/);
      expect(n.subjectDateOfBirth).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      const [first] = n.assessmentHistory;
      // The demo scores RM2000 only for men on the register for a sexual offence.
      if (first.tool === 'RM2000') expect([n.subjectSex, n.indexOffenceSexual, first.scale]).toEqual(['MALE', true, 'S']);
      else expect(first.scale).toBeNull();
      expect(first.indicatedRiskLevel).toBe(first.toolResult);
    }
    const trained = nodes.map((n: any) => n.assessmentHistory[0].assessorTrained);
    expect(trained).toContain(true);
    expect(trained).toContain(false);
  });

  it('inspectors read the assessment history; the co-ordinator, with a summary view, does not', async () => {
    const inspector = await t.query(HISTORY, { id: maleSexual }, 'inspector');
    expect(inspector.errors).toBeUndefined();
    expect(inspector.data.dundeeCase.assessmentHistory.length).toBeGreaterThan(0);
    const coordinator = await t.query(`{ dundeeCase(id: "DC-000001") { riskLevel assessmentHistory { id } subjectSex } }`, {}, 'coordinator');
    expect(coordinator.data.dundeeCase.riskLevel).toMatch(/HIGH|LOW|MEDIUM/);
    expect(coordinator.data.dundeeCase.assessmentHistory).toBeNull();
    expect(coordinator.data.dundeeCase.subjectSex).toBeNull();
    expect(coordinator.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN', 'FORBIDDEN']);
  });

  it('inspectors may not record assessments', async () => {
    expect(errorOf(await record(assessment(maleSexual), 'inspector')).code).toBe('FORBIDDEN');
  });
});
