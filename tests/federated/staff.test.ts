import { DUNDEE_TEAM_MANAGER, errorOf, OPEN_DUNDEE_CASES } from '../support/case-practice';
import { startTestFederation, statementDelta, TestFederation } from '../support/federation';

/** Staff training in accredited risk tools, and weighted workload, through the gateway. */
let t: TestFederation;
beforeAll(async () => {
  t = await startTestFederation();
}, 120_000);
afterAll(async () => {
  await t?.stop();
});

const STAFF = `{ dundeeStaff { id name role trainedTools training { id staffId tool trainedOn expiresOn inDate }
  workload { openCases weightedCaseload byRiskLevel { riskLevel weight cases } } } }`;
const RECORD = `mutation T($input: RecordTrainingInput!) { dundeeRecordTraining(input: $input) { id staffId tool trainedOn expiresOn inDate } }`;
const record = (fields: Record<string, unknown>, as: Parameters<TestFederation['query']>[2] = DUNDEE_TEAM_MANAGER) =>
  t.query(RECORD, { input: { staffId: 'DC-S02', tool: 'RSVP', trainedOn: '2026-10-01', expiresOn: '2029-10-01', idempotencyKey: 'staff-test-default', ...fields } }, as);

describe('training records', () => {
  it('lists every staff member; every case manager has training, some of it expired', async () => {
    const res = await t.query(STAFF, {}, 'dundee-case-manager');
    expect(res.errors).toBeUndefined();
    const staff = res.data.dundeeStaff;
    expect(staff.map((s: any) => s.id)).toEqual(['DC-S01', 'DC-S02', 'DC-S03', 'DC-S04', 'DC-S05', 'DC-S06', 'DC-S07', 'DC-S08', 'DC-S09']);
    const managers = staff.filter((s: any) => s.role === 'CASE_MANAGER');
    expect(managers).toHaveLength(6);
    for (const m of managers) {
      expect(m.training.length).toBeGreaterThan(0);
      expect(m.trainedTools).toContain('LS_CMI');
      for (const r of m.training) expect(r.inDate).toBe(r.trainedOn <= '2026-11-27' && '2026-11-27' <= r.expiresOn);
    }
    const byId = Object.fromEntries(staff.map((s: any) => [s.id, s]));
    expect(byId['DC-S01'].trainedTools).toEqual(['RM2000', 'SA07', 'LS_CMI', 'RSVP']);
    // DC-S05's RM2000 accreditation has lapsed: it is listed, but no longer lets them assess.
    expect(byId['DC-S05'].training.find((r: any) => r.tool === 'RM2000')).toMatchObject({ inDate: false });
    expect(byId['DC-S05'].trainedTools).toEqual(['LS_CMI']);
    expect(managers.flatMap((m: any) => m.training).filter((r: any) => !r.inDate).length).toBeGreaterThanOrEqual(2);
  });

  it('a team manager records training; it shows at once and a retry records nothing twice', async () => {
    const first = await record({ idempotencyKey: 'staff-test-rsvp-s02' });
    expect(first.errors).toBeUndefined();
    expect(first.data.dundeeRecordTraining).toMatchObject({ staffId: 'DC-S02', tool: 'RSVP', trainedOn: '2026-10-01', expiresOn: '2029-10-01', inDate: true });
    const again = await record({ idempotencyKey: 'staff-test-rsvp-s02' });
    expect(again.data.dundeeRecordTraining.id).toBe(first.data.dundeeRecordTraining.id);
    const list = await t.query(STAFF, {}, DUNDEE_TEAM_MANAGER);
    const s02 = list.data.dundeeStaff.find((s: any) => s.id === 'DC-S02');
    expect(s02.training.filter((r: any) => r.tool === 'RSVP')).toHaveLength(1);
    expect(s02.trainedTools).toContain('RSVP');
  });

  it.each([
    ['expiry not after training', { expiresOn: '2026-10-01' }, 'expiresOn'],
    ['training in the future', { trainedOn: '2026-11-28', expiresOn: '2029-11-28' }, 'trainedOn'],
    ['an unknown staff member', { staffId: 'DC-S42' }, 'staffId'],
    ['a malformed staff id', { staffId: 'DC S01;' }, 'staffId'],
    ['a malformed idempotency key', { idempotencyKey: 'bad key!' }, 'idempotencyKey'],
  ])('refuses %s, naming %s', async (_label, fields, field) => {
    const res = await record({ idempotencyKey: `staff-bad-${field}`, ...fields });
    expect(errorOf(res)).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  it('refuses a key already used for another staff member', async () => {
    await record({ staffId: 'DC-S03', tool: 'SA07', idempotencyKey: 'staff-test-shared-key' });
    expect(errorOf(await record({ staffId: 'DC-S04', tool: 'SA07', idempotencyKey: 'staff-test-shared-key' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'idempotencyKey' });
  });

  it('only team and service managers of the council record training', async () => {
    expect(errorOf(await record({ staffId: 'DC-S01', idempotencyKey: 'staff-test-self' }, 'dundee-case-manager')).code).toBe('FORBIDDEN');
    expect(errorOf(await record({ idempotencyKey: 'staff-test-angus' }, 'angus-team-manager')).code).toBe('FORBIDDEN');
    expect(errorOf(await record({ idempotencyKey: 'staff-test-inspector' }, 'inspector')).code).toBe('FORBIDDEN');
  });
});

describe('workload', () => {
  it('counts each manager\'s open cases weighted LOW 1, MEDIUM 2, HIGH 3, VERY_HIGH 5', async () => {
    const [staffRes, caseload] = await Promise.all([t.query(STAFF, {}, 'dundee-case-manager'), t.query(OPEN_DUNDEE_CASES, {}, 'dundee-case-manager')]);
    const weights: Record<string, number> = { LOW: 1, MEDIUM: 2, HIGH: 3, VERY_HIGH: 5 };
    const cases = caseload.data.dundeeCaseload.edges.map((e: any) => e.node);
    let total = 0;
    for (const s of staffRes.data.dundeeStaff) {
      const mine = cases.filter((c: any) => c.caseManager.id === s.id);
      total += s.workload.openCases;
      expect(s.workload.openCases).toBe(mine.length);
      expect(s.workload.weightedCaseload).toBe(mine.reduce((sum: number, c: any) => sum + weights[c.riskLevel], 0));
      expect(s.workload.byRiskLevel).toEqual(
        ['LOW', 'MEDIUM', 'HIGH', 'VERY_HIGH'].map((level) => ({ riskLevel: level, weight: weights[level], cases: mine.filter((c: any) => c.riskLevel === level).length })),
      );
    }
    expect(total).toBe(cases.length);
    // Managers carry no caseload of their own.
    expect(staffRes.data.dundeeStaff.filter((s: any) => s.role !== 'CASE_MANAGER').map((s: any) => s.workload.openCases)).toEqual([0, 0, 0]);
    expect(staffRes.data.dundeeStaff.find((s: any) => s.id === 'DC-S01').workload.openCases).toBeGreaterThan(5);
  });

  it('a new assessment moves the weighted workload at once', async () => {
    const before = (await t.query(STAFF, {}, 'dundee-case-manager')).data.dundeeStaff.find((s: any) => s.id === 'DC-S02').workload;
    const caseload = await t.query(OPEN_DUNDEE_CASES, {}, 'dundee-case-manager');
    const target = caseload.data.dundeeCaseload.edges.map((e: any) => e.node).find((c: any) => c.caseManager.id === 'DC-S02' && c.riskLevel === 'LOW');
    const res = await t.query(
      `mutation R($input: RecordRiskAssessmentInput!) { dundeeRecordRiskAssessment(input: $input) { id } }`,
      { input: { caseId: target.id, tool: 'LS_CMI', toolResult: 'VERY_HIGH', riskLevel: 'VERY_HIGH', assessedOn: '2026-11-27', assessorId: 'DC-S02', idempotencyKey: 'staff-workload-ra' } },
      'dundee-case-manager',
    );
    expect(res.errors).toBeUndefined();
    const after = (await t.query(STAFF, {}, 'dundee-case-manager')).data.dundeeStaff.find((s: any) => s.id === 'DC-S02').workload;
    expect(after.openCases).toBe(before.openCases);
    expect(after.weightedCaseload).toBe(before.weightedCaseload - 1 + 5);
  });

  it('costs the same two statements however many staff and records there are', async () => {
    const before = t.statements();
    const res = await t.query(STAFF, {}, 'dundee-case-manager');
    expect(res.errors).toBeUndefined();
    const delta = statementDelta(before, t.statements());
    // One for the workload of every staff member, one for every training record.
    expect(delta.dundee).toBe(2);
    expect(delta.angus).toBe(0);
  });
});

describe('access', () => {
  it('inspectors read the staff list; the co-ordinator and other councils do not', async () => {
    expect((await t.query(STAFF, {}, 'inspector')).data.dundeeStaff).toHaveLength(9);
    for (const who of ['coordinator', 'angus-case-manager', 'police-omo'] as const) {
      const res = await t.query(STAFF, {}, who);
      expect(res.data).toBeNull();
      expect(errorOf(res).code).toBe('FORBIDDEN');
    }
  });
});
