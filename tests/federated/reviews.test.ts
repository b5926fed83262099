import { errorOf, OPEN_DUNDEE_CASES, openDundeeCase } from '../support/case-practice';
import { startTestFederation, TestFederation } from '../support/federation';

/** Case reviews through the gateway: the 6-monthly rhythm, scheduling, holding, the overdue flag. */
let t: TestFederation;
beforeAll(async () => {
  t = await startTestFederation();
}, 120_000);
afterAll(async () => {
  await t?.stop();
});

const REVIEW_FIELDS = 'id status scheduledFor heldOn outcome notes nextReviewDate recordedBy';
const SCHEDULE = `mutation S($input: ScheduleCaseReviewInput!) { dundeeScheduleCaseReview(input: $input) { ${REVIEW_FIELDS} } }`;
const RECORD = `mutation R($input: RecordCaseReviewInput!) { dundeeRecordCaseReview(input: $input) { ${REVIEW_FIELDS} } }`;
const CASE = `query C($id: ID!) { dundeeCase(id: $id) { id startDate nextCaseReviewDue reviewOverdue caseReviews { ${REVIEW_FIELDS} } chronology { kind summary } } }`;

const schedule = (caseId: string, scheduledFor: string, key: string, as: Parameters<TestFederation['query']>[2] = 'dundee-case-manager') =>
  t.query(SCHEDULE, { input: { caseId, scheduledFor, idempotencyKey: key } }, as);
const record = (caseId: string, fields: Record<string, unknown>, as: Parameters<TestFederation['query']>[2] = 'dundee-case-manager') =>
  t.query(RECORD, { input: { caseId, heldOn: '2026-11-20', outcome: 'NO_CHANGE', idempotencyKey: 'reviews-default-key', ...fields } }, as);
const caseOf = async (id: string) => {
  const res = await t.query(CASE, { id }, 'dundee-case-manager');
  expect(res.errors).toBeUndefined();
  return res.data.dundeeCase;
};

describe('a case with no review yet', () => {
  it('is due 6 months after the start and overdue once that date has passed', async () => {
    const overdue = await openDundeeCase(t, 'N000140', { startDate: '2026-03-01' });
    expect(await caseOf(overdue)).toMatchObject({ nextCaseReviewDue: '2026-09-01', reviewOverdue: true, caseReviews: [] });
    const recent = await openDundeeCase(t, 'N000141', { startDate: '2026-09-01' });
    expect(await caseOf(recent)).toMatchObject({ nextCaseReviewDue: '2027-03-01', reviewOverdue: false });
  });

  it('holding the review clears the flag, sets the next date 6 months on and enters the chronology; a retry records nothing twice', async () => {
    const caseId = await openDundeeCase(t, 'N000142', { startDate: '2026-03-01' });
    const first = await record(caseId, { heldOn: '2026-11-20', outcome: 'RISK_REASSESSMENT_NEEDED', notes: 'New partner disclosed.', idempotencyKey: 'reviews-held-142' });
    expect(first.errors).toBeUndefined();
    expect(first.data.dundeeRecordCaseReview).toMatchObject({ status: 'HELD', scheduledFor: null, heldOn: '2026-11-20', outcome: 'RISK_REASSESSMENT_NEEDED', nextReviewDate: '2027-05-20', recordedBy: 'DC-S01' });
    const again = await record(caseId, { heldOn: '2026-11-20', outcome: 'RISK_REASSESSMENT_NEEDED', notes: 'New partner disclosed.', idempotencyKey: 'reviews-held-142' });
    expect(again.data.dundeeRecordCaseReview.id).toBe(first.data.dundeeRecordCaseReview.id);
    const c = await caseOf(caseId);
    expect(c).toMatchObject({ nextCaseReviewDue: '2027-05-20', reviewOverdue: false });
    expect(c.caseReviews).toHaveLength(1);
    expect(c.chronology.filter((e: any) => e.summary.startsWith('Case review held'))).toEqual([
      { kind: 'OTHER', summary: 'Case review held: risk reassessment needed. Next review due 2027-05-20.' },
    ]);
  });
});

describe('scheduling', () => {
  let caseId: string;
  let scheduled: any;
  beforeAll(async () => {
    caseId = await openDundeeCase(t, 'N000143', { startDate: '2026-09-01' });
  });

  it('a scheduled review sets the due date; a retry schedules nothing twice', async () => {
    const res = await schedule(caseId, '2026-12-15', 'reviews-schedule-143');
    expect(res.errors).toBeUndefined();
    scheduled = res.data.dundeeScheduleCaseReview;
    expect(scheduled).toMatchObject({ status: 'SCHEDULED', scheduledFor: '2026-12-15', heldOn: null, outcome: null });
    expect((await schedule(caseId, '2026-12-15', 'reviews-schedule-143')).data.dundeeScheduleCaseReview.id).toBe(scheduled.id);
    expect(await caseOf(caseId)).toMatchObject({ nextCaseReviewDue: '2026-12-15', reviewOverdue: false });
  });

  it('refuses a second scheduled review while one is open', async () => {
    const res = await schedule(caseId, '2027-01-15', 'reviews-schedule-143-b');
    expect(errorOf(res).code).toBe('CONFLICT');
    expect(errorOf(res).message).toContain('already has a review scheduled for 2026-12-15');
  });

  it('holding the review completes the scheduled one, with the next date given', async () => {
    const res = await record(caseId, { heldOn: '2026-11-27', outcome: 'PLAN_TO_BE_REVISED', nextReviewDate: '2027-02-27', idempotencyKey: 'reviews-held-143' });
    expect(res.errors).toBeUndefined();
    expect(res.data.dundeeRecordCaseReview).toMatchObject({ id: scheduled.id, status: 'HELD', scheduledFor: '2026-12-15', heldOn: '2026-11-27', nextReviewDate: '2027-02-27' });
    const c = await caseOf(caseId);
    expect(c.caseReviews.map((r: any) => r.status)).toEqual(['HELD']);
    expect(c).toMatchObject({ nextCaseReviewDue: '2027-02-27', reviewOverdue: false });
    // The next one can now be scheduled.
    expect((await schedule(caseId, '2027-02-27', 'reviews-schedule-143-c')).errors).toBeUndefined();
  });
});

describe('bad inputs', () => {
  let caseId: string;
  beforeAll(async () => {
    caseId = await openDundeeCase(t, 'N000144', { startDate: '2026-09-01' });
    await record(caseId, { heldOn: '2026-11-10', idempotencyKey: 'reviews-bad-first' });
  });

  it.each([
    ['a date in the past', { scheduledFor: '2026-11-26' }, 'scheduledFor'],
    ['a malformed case id', { caseId: 'DC/1' }, 'caseId'],
    ['a malformed key', { idempotencyKey: 'no spaces allowed' }, 'idempotencyKey'],
  ])('schedule refuses %s, naming %s', async (_label, fields, field) => {
    const res = await t.query(SCHEDULE, { input: { caseId, scheduledFor: '2027-01-10', idempotencyKey: 'reviews-bad-schedule', ...fields } }, 'dundee-case-manager');
    expect(errorOf(res)).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  it.each([
    ['a review held in the future', { heldOn: '2026-11-28' }, 'heldOn'],
    ['a review held before the case started', { heldOn: '2026-08-31' }, 'heldOn'],
    ['a review held before the last one', { heldOn: '2026-11-09' }, 'heldOn'],
    ['a next date not after the review', { heldOn: '2026-11-20', nextReviewDate: '2026-11-20' }, 'nextReviewDate'],
    ['over-long notes', { notes: 'x'.repeat(4001) }, 'notes'],
    ['a short key', { idempotencyKey: 'short' }, 'idempotencyKey'],
  ])('record refuses %s, naming %s', async (_label, fields, field) => {
    const res = await record(caseId, { idempotencyKey: 'reviews-bad-record', ...fields });
    expect(errorOf(res)).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  it('refuses an unknown case, a key used for another case, and an outcome outside the list', async () => {
    expect(errorOf(await schedule('DC-NOSUCH', '2027-01-10', 'reviews-unknown'))).toMatchObject({ code: 'NOT_FOUND', field: 'caseId' });
    const other = await openDundeeCase(t, 'N000145', { startDate: '2026-09-01' });
    expect(errorOf(await record(other, { idempotencyKey: 'reviews-bad-first' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'idempotencyKey' });
    expect(errorOf(await record(caseId, { outcome: 'FINE', idempotencyKey: 'reviews-bad-outcome' })).code).toBe('BAD_USER_INPUT');
  });

  it('inspectors and other councils may not schedule or record reviews', async () => {
    for (const who of ['inspector', 'angus-team-manager'] as const) {
      expect(errorOf(await schedule(caseId, '2027-01-10', `reviews-${who}`, who)).code).toBe('FORBIDDEN');
      expect(errorOf(await record(caseId, { idempotencyKey: `reviews-held-${who}` }, who)).code).toBe('FORBIDDEN');
    }
  });
});

describe('demo data', () => {
  it('has overdue reviews, both never held and scheduled but not held, and every flag agrees with the due date', async () => {
    const res = await t.query(
      `{ dundeeCaseload(first: 200, filter: { status: OPEN }) { edges { node { id startDate nextCaseReviewDue reviewOverdue caseReviews { status scheduledFor heldOn nextReviewDate } } } } }`,
      {},
      'dundee-case-manager',
    );
    expect(res.errors).toBeUndefined();
    const demo = res.data.dundeeCaseload.edges.map((e: any) => e.node).filter((n: any) => /^DC-\d{6}$/.test(n.id));
    for (const n of demo) expect(n.reviewOverdue).toBe(n.nextCaseReviewDue < '2026-11-27');
    const overdue = demo.filter((n: any) => n.reviewOverdue);
    expect(overdue.length).toBeGreaterThanOrEqual(5);
    expect(overdue.some((n: any) => n.caseReviews.some((r: any) => r.status === 'SCHEDULED' && r.scheduledFor < '2026-11-27'))).toBe(true);
    expect(overdue.some((n: any) => !n.caseReviews.some((r: any) => r.status === 'SCHEDULED'))).toBe(true);
    // Most cases are reviewed on rhythm.
    expect(overdue.length).toBeLessThan(demo.length / 2);
    expect(demo.some((n: any) => n.caseReviews.filter((r: any) => r.status === 'HELD').length >= 2)).toBe(true);
  });

  it('the MAPPA co-ordinator sees the overdue flag on a Level 2 case, but not the reviews', async () => {
    const caseload = await t.query(OPEN_DUNDEE_CASES, {}, 'dundee-case-manager');
    const level2 = caseload.data.dundeeCaseload.edges.map((e: any) => e.node).find((n: any) => n.mappaLevel === 2);
    const res = await t.query(`query C($id: ID!) { dundeeCase(id: $id) { reviewOverdue nextCaseReviewDue caseReviews { id } } }`, { id: level2.id }, 'coordinator');
    expect(typeof res.data.dundeeCase.reviewOverdue).toBe('boolean');
    expect(res.data.dundeeCase.nextCaseReviewDue).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(res.data.dundeeCase.caseReviews).toBeNull();
    expect(errorOf(res).code).toBe('FORBIDDEN');
  });

  it('a transferred-out case takes no new review', async () => {
    const res = await t.query(`{ angusCaseload(first: 100, filter: { status: TRANSFERRED_OUT }) { edges { node { id } } } }`, {}, 'angus-case-manager');
    const [old] = res.data.angusCaseload.edges;
    const r = await t.query(
      `mutation R($input: RecordCaseReviewInput!) { angusRecordCaseReview(input: $input) { id } }`,
      { input: { caseId: old.node.id, heldOn: '2026-11-20', outcome: 'NO_CHANGE', idempotencyKey: 'reviews-transferred' } },
      'angus-case-manager',
    );
    expect(errorOf(r).code).toBe('CONFLICT');
  });
});
