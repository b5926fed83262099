import { addWorkingDays } from '../../schema/standard';
import { startTestFederation, statementDelta, TestFederation, TEST_TODAY } from '../support/federation';

/**
 * The MAPPA unit's coordination subgraph end to end through the gateway: DOMAIN scenario 1
 * (release from HMP Perth to Angus at Level 2, referral, first meeting within 20 working days,
 * the co-ordinator's consolidated views), scenario 7 (only the executive summary is released, and
 * the release is logged), the access rules and the statement counts of the consolidated views.
 * Real subgraphs, real gateway, real PostgreSQL; today is fixed at 2026-11-27.
 */
let t: TestFederation;
beforeAll(async () => {
  t = await startTestFederation();
}, 120_000);
afterAll(async () => {
  await t?.stop();
});

const codeOf = (res: { errors?: { extensions?: Record<string, any> }[] }) => res.errors?.[0]?.extensions?.code;
const fieldOf = (res: { errors?: { extensions?: Record<string, any> }[] }) => res.errors?.[0]?.extensions?.field;

const REGISTER_PAGE = `query Page($after: String) { offenders(first: 200, after: $after) {
  pageInfo { hasNextPage endCursor } edges { node { id councilArea mappaLevel custody { establishment fromOn } cases { id } } } } }`;

async function register(): Promise<any[]> {
  const people: any[] = [];
  let after: string | null = null;
  do {
    const res: any = await t.query(REGISTER_PAGE, { after }, 'police-omo');
    expect(res.errors).toBeUndefined();
    people.push(...res.data.offenders.edges.map((e: any) => e.node));
    after = res.data.offenders.pageInfo.hasNextPage ? res.data.offenders.pageInfo.endCursor : null;
  } while (after);
  return people;
}

const NOTIFY = `mutation Notify($input: RsoNotificationInput!) { recordRsoNotification(input: $input) { id kind eventOn notifiedOn dueBy late councilArea establishment } }`;
const OPEN_CASE = `mutation Open($input: OpenCaseInput!) { angusOpenCase(input: $input) { id authority status startDate mappaLevel compliance { status nextContactDue } } }`;
const CONTACT = `mutation Contact($input: RecordContactInput!) { angusRecordContact(input: $input) { id } }`;
const REFER = `mutation Refer($input: MakeMappaReferralInput!) { makeMappaReferral(input: $input) { id status council referringAgency proposedLevel referredOn firstMeetingDue firstMeetingLate version offender { id } } }`;
const DECIDE = `mutation Decide($input: DecideMappaReferralInput!) { decideMappaReferral(input: $input) { id status decidedOn decisionReason firstMeetingDue firstMeetingOn firstMeetingLate version } }`;
const SCHEDULE = `mutation Schedule($input: ScheduleMappaMeetingInput!) { scheduleMappaMeeting(input: $input) { id status level kind scheduledOn version people { offender { id } referral { id } } } }`;
const OUTCOME = `mutation Outcome($input: MappaMeetingOutcomeInput!) { recordMappaMeetingOutcome(input: $input) { id status heldOn nextReviewOn version actions { id ownerAgency dueOn overdue version } minutes { executiveSummary } } }`;
const REFERRAL = `query R($id: ID!) { mappaReferral(id: $id) { id status firstMeetingDue firstMeetingOn firstMeetingLate } }`;
const LIST = `query List($filter: CoordinatorListFilter) { coordinatorList(filter: $filter) { asOf entries {
  level since councilArea complianceStatus nextReviewDue reviewOverdue openActions overdueActions
  offender { id firstName lastName councilArea registration { lastNotifiedOn } areaCompliance { status } cases { __typename authority status mappaLevel planReviewDate compliance { status } } } } } }`;
const MEETING_VIEW = `query View($id: ID!) { mappaMeeting(id: $id) { id level kind status heldOn nextReviewOn
  attendees { agency }
  minutes { executiveSummary }
  people {
    offender { id firstName lastName councilArea registration { registeredOn lastNotifiedOn } custody { establishment }
      cases { __typename authority status riskLevel mappaLevel planReviewDate compliance { status } }
      areaCompliance { status reasons }
      mappaManagement { level nextReviewDue }
      openActions { id description dueOn overdue } }
    referral { id firstMeetingDue }
    decisions { kind levelTo } } } }`;

const SUMMARY = 'Level 2 initial meeting for a man released from HMP Perth to Angus. Plan agreed; Angus CJSW to arrange a joint home visit.';
const FULL_MINUTES = 'FULL MINUTES: the victim lives two streets from the release address; police intelligence on associates was discussed in detail.';

/** Scenario 1 state, built step by step below. */
const s1: { offenderId?: string; caseId?: string; referralId?: string; meetingId?: string; actionId?: string; actionVersion?: number } = {};

describe('scenario 1: release from HMP Perth to an Angus address at MAPPA Level 2', () => {
  it('finds a registered sex offender in HMP Perth with no council case', async () => {
    const people = await register();
    const candidate = people.find((p) => p.custody?.establishment === 'HMP Perth' && p.cases.length === 0);
    expect(candidate).toBeDefined();
    s1.offenderId = candidate.id;
  });

  it('police record the release notification: in time, the register moves the person to Angus and ends the custody', async () => {
    const input = { offenderId: s1.offenderId, kind: 'RELEASE_FROM_CUSTODY', eventOn: '2026-10-30', notifiedOn: '2026-11-02', councilArea: 'ANGUS', establishment: 'HMP Perth', idempotencyKey: 'scenario1-notify-release' };
    const res = await t.query(NOTIFY, { input }, 'police-omo');
    expect(res.errors).toBeUndefined();
    // Released on a Friday: 3 days later is Monday 2 November, so notifying then is in time.
    expect(res.data.recordRsoNotification).toMatchObject({ kind: 'RELEASE_FROM_CUSTODY', dueBy: '2026-11-02', late: false, councilArea: 'ANGUS', establishment: 'HMP Perth' });
    const retry = await t.query(NOTIFY, { input }, 'police-omo');
    expect(retry.data.recordRsoNotification.id).toBe(res.data.recordRsoNotification.id);
    const entry = await t.query(`query($id: ID!) { offender(id: $id) { councilArea custody { establishment } registration { lastNotifiedOn } rsoNotifications { kind late } } }`, { id: s1.offenderId }, 'police-omo');
    expect(entry.data.offender).toMatchObject({ councilArea: 'ANGUS', custody: null, registration: { lastNotifiedOn: '2026-11-02' } });
    expect(entry.data.offender.rsoNotifications.filter((n: any) => n.kind === 'RELEASE_FROM_CUSTODY')).toEqual([{ kind: 'RELEASE_FROM_CUSTODY', late: false }]);
  });

  it.each([
    ['a notification dated in the future', { notifiedOn: '2026-11-28' }, 'notifiedOn'],
    ['a release with no address council area', { councilArea: null }, 'councilArea'],
    ['a release notified before it happened', { eventOn: '2026-11-05' }, 'eventOn'],
    ['an idempotency key that is too short', { idempotencyKey: 'x' }, 'idempotencyKey'],
  ])('refuses %s, naming the field', async (_what, change, field) => {
    const input = { offenderId: s1.offenderId, kind: 'RELEASE_FROM_CUSTODY', eventOn: '2026-10-30', notifiedOn: '2026-11-02', councilArea: 'ANGUS', idempotencyKey: 'scenario1-bad-notify', ...change };
    const res = await t.query(NOTIFY, { input }, 'police-omo');
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(fieldOf(res)).toBe(field);
  });

  it('only police offender managers record notifications', async () => {
    const input = { offenderId: s1.offenderId, kind: 'ANNUAL', eventOn: '2026-11-20', notifiedOn: '2026-11-20', idempotencyKey: 'scenario1-notify-by-council' };
    const res = await t.query(NOTIFY, { input }, 'angus-case-manager');
    expect(codeOf(res)).toBe('FORBIDDEN');
    const unknown = await t.query(NOTIFY, { input: { ...input, offenderId: 'N999999', idempotencyKey: 'scenario1-unknown' } }, 'police-omo');
    expect(codeOf(unknown)).toBe('NOT_FOUND');
  });

  it('Angus CJSW opens the case at Level 2 from the release date: the contact schedule starts at release', async () => {
    const res = await t.query(OPEN_CASE, { input: { offenderId: s1.offenderId, caseManagerId: 'AC-S01', orderType: 'LICENCE', startDate: '2026-10-30', mappaLevel: 2, initialRiskLevel: 'HIGH' } }, 'angus-case-manager');
    expect(res.errors).toBeUndefined();
    const opened = res.data.angusOpenCase;
    expect(opened).toMatchObject({ authority: 'ANGUS', status: 'OPEN', startDate: '2026-10-30', mappaLevel: 2 });
    // No contact since release four weeks ago: the first-contact deadline (a working day after release) has passed.
    expect(['OVERDUE', 'BREACH']).toContain(opened.compliance.status);
    s1.caseId = opened.id;
    // First contact on Monday 2 November (1 working day after Friday's release), then weekly with a home visit.
    const dates: [string, string][] = [['2026-11-02', 'OFFICE_APPOINTMENT'], ['2026-11-09', 'OFFICE_APPOINTMENT'], ['2026-11-16', 'HOME_VISIT'], ['2026-11-23', 'OFFICE_APPOINTMENT']];
    for (const [occurredOn, type] of dates) {
      const c = await t.query(CONTACT, { input: { caseId: s1.caseId, occurredOn, type, outcome: 'ATTENDED', staffMemberId: 'AC-S01', idempotencyKey: `scenario1-contact-${occurredOn}` } }, 'angus-case-manager');
      expect(c.errors).toBeUndefined();
    }
    const after = await t.query(`query($id: ID!) { angusCase(id: $id) { compliance { status nextContactDue } } }`, { id: s1.caseId }, 'angus-case-manager');
    expect(['COMPLIANT', 'DUE_SOON']).toContain(after.data.angusCase.compliance.status);
    expect(after.data.angusCase.compliance.nextContactDue > TEST_TODAY).toBe(true);
  });

  it('Angus CJSW refers the person for Level 2; a retry creates nothing twice', async () => {
    const input = {
      offenderId: s1.offenderId,
      council: 'ANGUS',
      referrerName: 'Demo Angus Case Manager',
      category: 1,
      proposedLevel: 2,
      referredOn: '2026-11-02',
      setting: 'COMMUNITY',
      reason: 'Released on licence to Angus; RM2000 high; needs multi-agency management of the release address.',
      idempotencyKey: 'scenario1-referral',
    };
    const res = await t.query(REFER, { input }, 'angus-case-manager');
    expect(res.errors).toBeUndefined();
    expect(res.data.makeMappaReferral).toMatchObject({ status: 'PENDING', council: 'ANGUS', referringAgency: 'ANGUS', proposedLevel: 2, firstMeetingDue: null, firstMeetingLate: false, version: 1, offender: { id: s1.offenderId } });
    s1.referralId = res.data.makeMappaReferral.id;
    const retry = await t.query(REFER, { input }, 'angus-case-manager');
    expect(retry.data.makeMappaReferral.id).toBe(s1.referralId);
    const second = await t.query(REFER, { input: { ...input, idempotencyKey: 'scenario1-referral-again' } }, 'angus-case-manager');
    expect(codeOf(second)).toBe('CONFLICT');
  });

  it.each([
    ['a level that is not 2 or 3', { proposedLevel: 1 }, 'proposedLevel'],
    ['another agency named by a council referrer', { referringAgency: 'POLICE' }, 'referringAgency'],
    ['a custody referral with no release date', { setting: 'CUSTODY' }, 'expectedReleaseOn'],
    ['a referral dated in the future', { referredOn: '2026-11-30' }, 'referredOn'],
    ['no reason', { reason: 'high' }, 'reason'],
    ['category 4', { category: 4 }, 'category'],
  ])('refuses a referral with %s, naming the field', async (_what, change, field) => {
    const input = { offenderId: s1.offenderId, council: 'ANGUS', referrerName: 'Demo', category: 1, proposedLevel: 2, referredOn: '2026-11-02', setting: 'COMMUNITY', reason: 'A reason long enough to pass.', idempotencyKey: 'scenario1-bad-referral', ...change };
    const res = await t.query(REFER, { input }, 'angus-case-manager');
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(fieldOf(res)).toBe(field);
  });

  it('only the co-ordinator decides; a stale version is a conflict; a challenge needs a reason', async () => {
    expect(codeOf(await t.query(DECIDE, { input: { referralId: s1.referralId, expectedVersion: 1, decision: 'ACCEPT' } }, 'angus-team-manager'))).toBe('FORBIDDEN');
    expect(codeOf(await t.query(DECIDE, { input: { referralId: s1.referralId, expectedVersion: 7, decision: 'ACCEPT' } }))).toBe('CONFLICT');
    const challenge = await t.query(DECIDE, { input: { referralId: s1.referralId, expectedVersion: 1, decision: 'CHALLENGE' } });
    expect(codeOf(challenge)).toBe('BAD_USER_INPUT');
    expect(fieldOf(challenge)).toBe('reason');
    expect(codeOf(await t.query(DECIDE, { input: { referralId: 'RF-NOPE', expectedVersion: 1, decision: 'ACCEPT' } }))).toBe('NOT_FOUND');
  });

  it('the co-ordinator accepts: the first meeting is due 20 Scottish working days after the referral', async () => {
    const res = await t.query(DECIDE, { input: { referralId: s1.referralId, expectedVersion: 1, decision: 'ACCEPT', decidedOn: '2026-11-03' } });
    expect(res.errors).toBeUndefined();
    // 2 Nov + 20 working days is 30 Nov, St Andrew's Day (a Scottish bank holiday), so 1 December.
    expect(res.data.decideMappaReferral).toMatchObject({ status: 'ACCEPTED', decidedOn: '2026-11-03', firstMeetingDue: '2026-12-01', firstMeetingOn: null, firstMeetingLate: false, version: 2 });
    expect(addWorkingDays('2026-11-02', 20)).toBe('2026-12-01');
    expect(codeOf(await t.query(DECIDE, { input: { referralId: s1.referralId, expectedVersion: 2, decision: 'ACCEPT' } }))).toBe('CONFLICT');
    // One level everywhere: the police register now shows the level the MAPPA unit accepted, and logs the change.
    const register = await t.query(`query($id: ID!) { offender(id: $id) { mappaLevel } }`, { id: s1.offenderId }, 'police-omo');
    expect(register.data.offender.mappaLevel).toBe(2);
    const logged = await t.fed.databases.police.query<{ actor_sub: string; fields: string[] }>(
      "SELECT actor_sub, fields FROM audit_log WHERE event = 'ALTERATION' AND record_type = 'OFFENDER' AND record_id = $1 AND actor_sub = 'service:coordination'",
      [s1.offenderId],
    );
    expect(logged).toEqual([{ actor_sub: 'service:coordination', fields: ['mappaLevel'] }]);
  });

  it('only the MAPPA unit may set a level on the register', async () => {
    const { signServiceToken, loadOrCreateKeyPair } = await import('../../schema/tokens');
    const res = await fetch(t.fed.subgraphs.police.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${signServiceToken('angus', 'police', loadOrCreateKeyPair(t.keysDir, 'angus').privateKey)}` },
      body: JSON.stringify({ query: 'mutation($i: MappaLevelNoticeInput!) { recordMappaLevel(input: $i) { level } }', variables: { i: { offenderId: s1.offenderId, level: 3, since: '2026-11-20' } } }),
    });
    const body = (await res.json()) as any;
    expect(body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const register = await t.query(`query($id: ID!) { offender(id: $id) { mappaLevel } }`, { id: s1.offenderId }, 'police-omo');
    expect(register.data.offender.mappaLevel).toBe(2);
  });

  it('the co-ordinator schedules the initial Level 2 meeting; only people with an accepted referral can be put in front of it', async () => {
    const refused = await t.query(SCHEDULE, { input: { level: 2, kind: 'INITIAL', scheduledOn: '2026-11-25', offenderIds: [s1.offenderId, 'N000300'], idempotencyKey: 'scenario1-meeting-bad' } });
    expect(codeOf(refused)).toBe('BAD_USER_INPUT');
    expect(fieldOf(refused)).toBe('offenderIds');
    expect(fieldOf(await t.query(SCHEDULE, { input: { level: 4, kind: 'INITIAL', scheduledOn: '2026-11-25', offenderIds: [s1.offenderId], idempotencyKey: 'scenario1-meeting-bad' } }))).toBe('level');
    expect(codeOf(await t.query(SCHEDULE, { input: { level: 2, kind: 'INITIAL', scheduledOn: '2026-11-25', offenderIds: [s1.offenderId], idempotencyKey: 'scenario1-meeting-x' } }, 'angus-case-manager'))).toBe('FORBIDDEN');
    const res = await t.query(SCHEDULE, { input: { level: 2, kind: 'INITIAL', scheduledOn: '2026-11-25', chair: 'Demo MAPPA Co-ordinator', offenderIds: [s1.offenderId], idempotencyKey: 'scenario1-meeting' } });
    expect(res.errors).toBeUndefined();
    expect(res.data.scheduleMappaMeeting).toMatchObject({ status: 'SCHEDULED', level: 2, kind: 'INITIAL', scheduledOn: '2026-11-25', version: 1, people: [{ offender: { id: s1.offenderId }, referral: { id: s1.referralId } }] });
    s1.meetingId = res.data.scheduleMappaMeeting.id;
  });

  const outcome = (change: Record<string, unknown> = {}) => ({
    meetingId: s1.meetingId,
    expectedVersion: 1,
    heldOn: '2026-11-25',
    attendees: [
      { name: 'Demo MAPPA Co-ordinator', agency: 'MAPPA_UNIT', role: 'Chair' },
      { name: 'DS Demo', agency: 'POLICE', role: 'Offender management unit' },
      { name: 'Demo Angus Team Manager', agency: 'ANGUS', role: 'CJSW team manager' },
    ],
    decisions: [
      { offenderId: s1.offenderId, kind: 'LEVEL_CONFIRMED', note: 'Level 2.' },
      { offenderId: s1.offenderId, kind: 'PLAN_AGREED' },
    ],
    actions: [{ offenderId: s1.offenderId, description: 'Joint home visit by CJSW and police', ownerName: 'Demo Angus Case Manager', ownerAgency: 'ANGUS', dueOn: '2026-12-09' }],
    nextReviewOn: '2027-02-10',
    minutes: { executiveSummary: SUMMARY, fullMinutes: FULL_MINUTES },
    ...change,
  });

  it.each([
    ['a review later than Level 2 allows (12 weeks)', { nextReviewOn: '2027-03-01' }, 'nextReviewOn'],
    ['no review date while the person stays at Level 2', { nextReviewOn: null }, 'nextReviewOn'],
    ['a single-agency meeting', { attendees: [{ name: 'Ann Demo', agency: 'ANGUS', role: 'CJSW' }, { name: 'Bob Demo', agency: 'ANGUS', role: 'CJSW' }] }, 'attendees'],
    ['a decision about someone not discussed', { decisions: [{ offenderId: 'N000001', kind: 'PLAN_AGREED' }] }, 'decisions.0.offenderId'],
    ['a level change with no level', { decisions: [{ offenderId: 'X', kind: 'LEVEL_CHANGE' }] }, 'decisions.0.levelTo'],
    ['an action due before the meeting', { actions: [{ description: 'Too early to do', ownerName: 'Demo', ownerAgency: 'POLICE', dueOn: '2026-11-20' }] }, 'actions.0.dueOn'],
    ['a meeting held in the future', { heldOn: '2026-11-30' }, 'heldOn'],
    ['no executive summary', { minutes: { executiveSummary: 'short', fullMinutes: FULL_MINUTES } }, 'minutes.executiveSummary'],
  ])('refuses a meeting record with %s, naming the field', async (_what, change, field) => {
    const res = await t.query(OUTCOME, { input: outcome(change) });
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(fieldOf(res)).toBe(field);
  });

  it('records the meeting in one go: held within the deadline, so the referral is not late', async () => {
    expect(codeOf(await t.query(OUTCOME, { input: outcome({ expectedVersion: 5 }) }))).toBe('CONFLICT');
    const res = await t.query(OUTCOME, { input: outcome() });
    expect(res.errors).toBeUndefined();
    const m = res.data.recordMappaMeetingOutcome;
    expect(m).toMatchObject({ status: 'HELD', heldOn: '2026-11-25', nextReviewOn: '2027-02-10', version: 2, minutes: { executiveSummary: SUMMARY } });
    expect(m.actions).toEqual([expect.objectContaining({ ownerAgency: 'ANGUS', dueOn: '2026-12-09', overdue: false })]);
    s1.actionId = m.actions[0].id;
    s1.actionVersion = m.actions[0].version;
    expect(codeOf(await t.query(OUTCOME, { input: outcome({ expectedVersion: 2 }) }))).toBe('CONFLICT');
    const referral = await t.query(REFERRAL, { id: s1.referralId });
    expect(referral.data.mappaReferral).toMatchObject({ firstMeetingDue: '2026-12-01', firstMeetingOn: '2026-11-25', firstMeetingLate: false });
  });

  it('the co-ordinator sees the person in the consolidated Level 2/3 list, filtered to Angus and Level 2', async () => {
    const res = await t.query(LIST, { filter: { council: 'ANGUS', level: 2 } });
    expect(res.errors).toBeUndefined();
    const entries = res.data.coordinatorList.entries;
    expect(entries.every((e: any) => e.councilArea === 'ANGUS' && e.level === 2)).toBe(true);
    const mine = entries.find((e: any) => e.offender.id === s1.offenderId);
    expect(mine).toMatchObject({ level: 2, since: '2026-11-03', councilArea: 'ANGUS', nextReviewDue: '2027-02-10', reviewOverdue: false, openActions: 1, overdueActions: 0 });
    expect(mine.offender.registration.lastNotifiedOn).toBe('2026-11-02');
    expect(mine.offender.cases).toEqual([expect.objectContaining({ __typename: 'AngusCase', authority: 'ANGUS', status: 'OPEN', mappaLevel: 2 })]);
    expect(mine.complianceStatus).toBe(mine.offender.areaCompliance.status);
    // Other councils' filters leave the person out.
    const dundee = await t.query(LIST, { filter: { council: 'DUNDEE' } });
    expect(dundee.data.coordinatorList.entries.some((e: any) => e.offender.id === s1.offenderId)).toBe(false);
    const level3 = await t.query(LIST, { filter: { level: 3 } });
    expect(level3.data.coordinatorList.entries.every((e: any) => e.level === 3)).toBe(true);
    expect(level3.data.coordinatorList.entries.some((e: any) => e.offender.id === s1.offenderId)).toBe(false);
  });

  it('filters by area-wide compliance status, as the police subgraph computes it', async () => {
    const all = (await t.query(LIST, {})).data.coordinatorList.entries;
    const status = all.find((e: any) => e.offender.id === s1.offenderId).complianceStatus;
    const res = await t.query(LIST, { filter: { complianceStatus: status } });
    const ids = res.data.coordinatorList.entries.map((e: any) => e.offender.id);
    expect(ids).toContain(s1.offenderId);
    expect(ids).toEqual(all.filter((e: any) => e.complianceStatus === status).map((e: any) => e.offender.id));
    const other = ['COMPLIANT', 'DUE_SOON', 'OVERDUE', 'BREACH'].find((x) => x !== status);
    expect((await t.query(LIST, { filter: { complianceStatus: other } })).data.coordinatorList.entries.map((e: any) => e.offender.id)).not.toContain(s1.offenderId);
    expect(fieldOf(await t.query(LIST, { filter: { level: 1 } }))).toBe('level');
  });

  it('the meeting view brings the register entry, the Angus case, area-wide compliance, plan review date and open actions together', async () => {
    const res = await t.query(MEETING_VIEW, { id: s1.meetingId });
    expect(res.errors).toBeUndefined();
    const [person] = res.data.mappaMeeting.people;
    expect(person.offender).toMatchObject({ id: s1.offenderId, councilArea: 'ANGUS', custody: null, registration: { lastNotifiedOn: '2026-11-02' }, mappaManagement: { level: 2, nextReviewDue: '2027-02-10' } });
    expect(person.offender.cases).toEqual([{ __typename: 'AngusCase', authority: 'ANGUS', status: 'OPEN', riskLevel: 'HIGH', mappaLevel: 2, planReviewDate: null, compliance: { status: expect.any(String) } }]);
    expect(person.offender.areaCompliance.status).toMatch(/^(COMPLIANT|DUE_SOON|OVERDUE|BREACH)$/);
    expect(person.offender.openActions).toEqual([expect.objectContaining({ description: 'Joint home visit by CJSW and police', dueOn: '2026-12-09', overdue: false })]);
    expect(person.referral).toEqual({ id: s1.referralId, firstMeetingDue: '2026-12-01' });
    expect(person.decisions.map((d: any) => d.kind)).toEqual(['LEVEL_CONFIRMED', 'PLAN_AGREED']);
  });

  it('the owning agency completes its action; another agency may not', async () => {
    const COMPLETE = `mutation Done($input: CompleteMappaActionInput!) { completeMappaAction(input: $input) { id completedOn overdue version } }`;
    const input = { actionId: s1.actionId, expectedVersion: s1.actionVersion, completedOn: '2026-11-26', note: 'Joint visit done.' };
    expect(codeOf(await t.query(COMPLETE, { input }, 'dundee-case-manager'))).toBe('FORBIDDEN');
    expect(fieldOf(await t.query(COMPLETE, { input: { ...input, completedOn: '2026-11-20' } }, 'angus-case-manager'))).toBe('completedOn');
    const res = await t.query(COMPLETE, { input }, 'angus-case-manager');
    expect(res.data.completeMappaAction).toMatchObject({ completedOn: '2026-11-26', overdue: false, version: s1.actionVersion! + 1 });
    expect(codeOf(await t.query(COMPLETE, { input: { ...input, expectedVersion: s1.actionVersion! + 1 } }, 'angus-case-manager'))).toBe('CONFLICT');
    const list = await t.query(LIST, { filter: { council: 'ANGUS' } });
    expect(list.data.coordinatorList.entries.find((e: any) => e.offender.id === s1.offenderId).openActions).toBe(0);
  });
});

describe('a first meeting that never happened', () => {
  it('is flagged late once the 20 working days have passed, and the person shows as overdue for review', async () => {
    const people = await register();
    const person = people.find((p) => p.councilArea === 'PERTH_AND_KINROSS' && p.mappaLevel === 1 && p.cases.length === 1 && !p.custody);
    const refer = await t.query(REFER, {
      input: { offenderId: person.id, council: 'PERTH_AND_KINROSS', referrerName: 'DS Demo', category: 1, proposedLevel: 2, referredOn: '2026-10-01', setting: 'COMMUNITY', reason: 'New intelligence of contact with children.', idempotencyKey: 'late-referral' },
    }, 'police-omo');
    expect(refer.data.makeMappaReferral.referringAgency).toBe('POLICE');
    const decided = await t.query(DECIDE, { input: { referralId: refer.data.makeMappaReferral.id, expectedVersion: 1, decision: 'ACCEPT', decidedOn: '2026-10-02' } });
    expect(decided.data.decideMappaReferral).toMatchObject({ firstMeetingDue: '2026-10-29', firstMeetingOn: null, firstMeetingLate: true });
    // Perth & Kinross records the new level on its own case, as the council does after MAPPA accepts.
    const read = await t.query(`query($id: ID!) { perthAndKinrossCase(id: $id) { version } }`, { id: person.cases[0].id }, 'pkc-case-manager');
    const changed = await t.query(
      `mutation($input: ChangeMappaLevelInput!) { perthAndKinrossChangeMappaLevel(input: $input) { mappaLevel } }`,
      { input: { caseId: person.cases[0].id, level: 2, effectiveFrom: TEST_TODAY, reason: 'Accepted for MAPPA Level 2.', expectedVersion: read.data.perthAndKinrossCase.version } },
      'pkc-case-manager',
    );
    expect(changed.data.perthAndKinrossChangeMappaLevel.mappaLevel).toBe(2);
    const list = await t.query(LIST, { filter: { council: 'PERTH_AND_KINROSS' } });
    expect(list.data.coordinatorList.entries.find((e: any) => e.offender.id === person.id)).toMatchObject({ level: 2, nextReviewDue: '2026-10-29', reviewOverdue: true });
  });
});

describe('who sees the MAPPA unit’s records', () => {
  const MEETING = `query M($id: ID!) { mappaMeeting(id: $id) { id minutes { executiveSummary fullMinutes } } }`;

  it('an involved council and the police read the meeting and its executive summary, never the full minutes', async () => {
    for (const who of ['angus-case-manager', 'police-omo'] as const) {
      const res = await t.query(MEETING, { id: s1.meetingId }, who);
      expect(res.data.mappaMeeting.minutes.executiveSummary).toBe(SUMMARY);
      expect(res.data.mappaMeeting.minutes.fullMinutes).toBeNull();
      expect(codeOf(res)).toBe('FORBIDDEN');
      expect(JSON.stringify(res)).not.toContain('victim lives');
    }
    const full = await t.query(MEETING, { id: s1.meetingId }, 'inspector');
    expect(full.data.mappaMeeting.minutes.fullMinutes).toBe(FULL_MINUTES);
  });

  it('a council not involved sees nothing of the meeting or the person’s MAPPA records, only the Level 2/3 summary', async () => {
    const res = await t.query(MEETING, { id: s1.meetingId }, 'dundee-case-manager');
    expect(res.data.mappaMeeting).toBeNull();
    expect(codeOf(res)).toBe('FORBIDDEN');
    const list = await t.query(LIST, {}, 'dundee-case-manager');
    expect(list.data).toBeNull();
    expect(codeOf(list)).toBe('FORBIDDEN');
  });

  it('police offender managers see the consolidated list too, minus any Level 1 case history a council keeps to itself', async () => {
    const res = await t.query(LIST, { filter: { council: 'ANGUS' } }, 'police-omo');
    expect(res.data.coordinatorList.entries.map((e: any) => e.offender.id)).toContain(s1.offenderId);
    // A council refuses the police its Level 1 cases (e.g. one transferred out before Level 2): refused, not failed.
    for (const error of res.errors ?? []) expect(error.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('scenario 7: a partner asks for the minutes', () => {
  const RELEASE = `mutation Release($input: ReleaseExecutiveSummaryInput!) { releaseExecutiveSummary(input: $input) { id meetingId recipientOrganisation reason item disclosedBy disclosedByOrganisation disclosedAt executiveSummary } }`;
  const input = () => ({ meetingId: s1.meetingId, recipientOrganisation: 'Angus Council Housing Service', reason: 'Allocation of supported accommodation: housing needs the agreed risk management arrangements.', idempotencyKey: 'scenario7-release' });

  it('releases only the executive summary and logs who, to whom, why and when', async () => {
    const res = await t.query(RELEASE, { input: input() }, 'coordinator', { 'x-justification': 'Housing request HR-2026-117' });
    expect(res.errors).toBeUndefined();
    const d = res.data.releaseExecutiveSummary;
    expect(d).toMatchObject({ meetingId: s1.meetingId, recipientOrganisation: 'Angus Council Housing Service', item: 'EXECUTIVE_SUMMARY', disclosedBy: 'Demo MAPPA Co-ordinator', disclosedByOrganisation: 'MAPPA_UNIT', executiveSummary: SUMMARY });
    expect(JSON.stringify(res)).not.toContain('victim lives');
    expect(Date.now() - new Date(d.disclosedAt).getTime()).toBeLessThan(60_000);

    // The release register, as the co-ordinator and inspectors see it.
    const register = await t.query(`query($id: ID) { mappaDisclosures(meetingId: $id) { id recipientOrganisation reason disclosedBy } }`, { id: s1.meetingId }, 'inspector');
    expect(register.data.mappaDisclosures).toEqual([{ id: d.id, recipientOrganisation: 'Angus Council Housing Service', reason: input().reason, disclosedBy: 'Demo MAPPA Co-ordinator' }]);

    // The s.62 log: a DISCLOSURE naming the recipient, the reason, the part released and the person.
    const log = await t.query(
      `query($f: AuditLogFilter) { coordinationAuditLog(filter: $f) { edges { node { event recordType recordId personId fields recipient justification note actor { id organisation } } } } }`,
      { f: { event: 'DISCLOSURE', personId: s1.offenderId } },
      'inspector',
    );
    expect(log.errors).toBeUndefined();
    const released = log.data.coordinationAuditLog.edges.map((e: any) => e.node).filter((n: any) => n.recordType === 'MappaMinutes');
    expect(released).toEqual([
      {
        event: 'DISCLOSURE',
        recordType: 'MappaMinutes',
        recordId: s1.meetingId,
        personId: s1.offenderId,
        fields: ['executiveSummary'],
        recipient: 'Angus Council Housing Service',
        justification: input().reason,
        note: `Release ${d.id}: executive summary only; full minutes withheld.`,
        actor: { id: 'demo-mappa-coordinator', organisation: 'MAPPA_UNIT' },
      },
    ]);
  });

  it('a retried release is one release and one log entry', async () => {
    const again = await t.query(RELEASE, { input: input() });
    const [{ n }] = await t.fed.databases.coordination.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_log WHERE event = 'DISCLOSURE' AND record_type = 'MappaMinutes' AND record_id = $1 AND recipient = 'Angus Council Housing Service'`,
      [s1.meetingId],
    );
    expect(n).toBe(1);
    const [{ r }] = await t.fed.databases.coordination.query<{ r: number }>(`SELECT count(*)::int AS r FROM disclosures WHERE meeting_id = $1`, [s1.meetingId]);
    expect(r).toBe(1);
    expect(again.data.releaseExecutiveSummary.recipientOrganisation).toBe('Angus Council Housing Service');
  });

  it('the release register cannot be altered, even by the service itself', async () => {
    await expect(t.fed.databases.coordination.query(`UPDATE disclosures SET reason = 'changed' WHERE meeting_id = $1`, [s1.meetingId])).rejects.toThrow(/append-only/);
    await expect(t.fed.databases.coordination.query(`DELETE FROM disclosures WHERE meeting_id = $1`, [s1.meetingId])).rejects.toThrow(/append-only/);
  });

  it('refuses a release by anyone but the co-ordinator, without a reason, or of minutes that do not exist', async () => {
    expect(codeOf(await t.query(RELEASE, { input: { ...input(), idempotencyKey: 'scenario7-by-angus' } }, 'angus-case-manager'))).toBe('FORBIDDEN');
    const noReason = await t.query(RELEASE, { input: { ...input(), reason: 'asked', idempotencyKey: 'scenario7-no-reason' } });
    expect(fieldOf(noReason)).toBe('reason');
    expect(fieldOf(await t.query(RELEASE, { input: { ...input(), recipientOrganisation: '', idempotencyKey: 'scenario7-no-recipient' } }))).toBe('recipientOrganisation');
    const upcoming = (await t.query(`{ mappaMeetings(from: "2026-11-28", to: "2027-03-01") { id status } }`)).data.mappaMeetings.find((m: any) => m.status === 'SCHEDULED');
    expect(codeOf(await t.query(RELEASE, { input: { ...input(), meetingId: upcoming.id, idempotencyKey: 'scenario7-no-minutes' } }))).toBe('CONFLICT');
    expect(codeOf(await t.query(RELEASE, { input: { ...input(), meetingId: 'MT-NOPE', idempotencyKey: 'scenario7-no-meeting' } }))).toBe('NOT_FOUND');
  });
});

describe('consolidated views cost the same whatever the number of people', () => {
  const measure = async (query: string, variables: Record<string, unknown>) => {
    const before = t.statements();
    const res = await t.query(query, variables);
    expect(res.errors).toBeUndefined();
    return { res, delta: statementDelta(before, t.statements()) };
  };

  it('the meeting view: a meeting about six people costs each database what a meeting about one of them does', async () => {
    const meetings = (await t.query(`{ mappaMeetings(from: "2026-06-01", to: "2026-11-27") { id status people { offender { id councilArea } } } }`)).data.mappaMeetings.filter((m: any) => m.status === 'HELD');
    const many = meetings.reduce((a: any, b: any) => (b.people.length > a.people.length ? b : a));
    expect(many.people.length).toBeGreaterThanOrEqual(5);
    const large = await measure(MEETING_VIEW, { id: many.id });
    expect(large.res.data.mappaMeeting.people).toHaveLength(many.people.length);
    // Every person came back whole: register entry, at least one council case, compliance.
    for (const p of large.res.data.mappaMeeting.people) {
      expect(p.offender.registration).not.toBeNull();
      expect(p.offender.cases.length).toBeGreaterThan(0);
      expect(p.offender.areaCompliance).not.toBeNull();
    }
    // For each council, the initial meeting of one of its people: the cost of touching that council at all.
    const councils: Record<string, string> = { DUNDEE: 'dundee', ANGUS: 'angus', PERTH_AND_KINROSS: 'perth-and-kinross' };
    expect(new Set(many.people.map((p: any) => p.offender.councilArea))).toEqual(new Set(Object.keys(councils)));
    for (const [area, db] of Object.entries(councils)) {
      const person = many.people.find((p: any) => p.offender.councilArea === area).offender.id;
      const theirs = (await t.query(`query($id: ID!) { offender(id: $id) { mappaMeetings { id kind status } } }`, { id: person })).data.offender.mappaMeetings;
      const initial = theirs.find((m: any) => m.kind === 'INITIAL' && m.status === 'HELD');
      const one = await measure(MEETING_VIEW, { id: initial.id });
      expect(one.res.data.mappaMeeting.people).toHaveLength(1);
      expect({ db, statements: large.delta[db] }).toEqual({ db, statements: one.delta[db] });
      for (const shared of ['police', 'coordination']) expect({ shared, statements: large.delta[shared] }).toEqual({ shared, statements: one.delta[shared] });
    }
    expect(large.delta.coordination).toBeGreaterThan(0);
    expect(large.delta.police).toBeGreaterThan(0);
  });

  it('the co-ordinator’s list: one person and everyone at Level 2 or 3 run the same statements in every database', async () => {
    // Level 3 in Dundee is one person; the whole list is eleven across three councils.
    const small = await measure(LIST, { filter: { level: 3, council: 'DUNDEE' } });
    const large = await measure(LIST, {});
    expect(small.res.data.coordinatorList.entries).toHaveLength(1);
    expect(large.res.data.coordinatorList.entries.length).toBeGreaterThanOrEqual(10);
    expect(new Set(large.res.data.coordinatorList.entries.map((e: any) => e.councilArea))).toEqual(new Set(['DUNDEE', 'ANGUS', 'PERTH_AND_KINROSS']));
    for (const db of ['police', 'coordination']) expect({ db, statements: large.delta[db] }).toEqual({ db, statements: small.delta[db] });
    // A council answers once (for its own cases) or not at all when nobody on the list is its.
    for (const db of ['dundee', 'angus', 'perth-and-kinross']) expect(large.delta[db]).toBeLessThanOrEqual(Math.max(...['dundee', 'angus', 'perth-and-kinross'].map((d) => small.delta[d])));
  });
});

describe('a meeting about people from more than one council', () => {
  const VIEW = `query M($id: ID!) { mappaMeeting(id: $id) { id
    minutes { executiveSummary }
    people { offender { id } referral { id reason } decisions { kind note } actions { id ownerAgency description } }
    actions { id ownerAgency description offender { id } } } }`;
  const DUNDEE_REASON = 'Dundee referral: new intelligence about the address, not for Angus.';
  const m: { dundeeId?: string; meetingId?: string } = {};

  it('is set up: a Dundee person referred by the police, then discussed with scenario 1’s Angus person at a meeting Angus did not attend', async () => {
    const person = (await register()).find((p) => p.councilArea === 'DUNDEE' && p.mappaLevel === 1 && p.cases.length === 1 && !p.custody);
    m.dundeeId = person.id;
    const refer = await t.query(REFER, {
      input: { offenderId: person.id, council: 'DUNDEE', referrerName: 'DS Demo', category: 1, proposedLevel: 2, referredOn: '2026-11-16', setting: 'COMMUNITY', reason: DUNDEE_REASON, idempotencyKey: 'mixed-referral' },
    }, 'police-omo');
    expect(refer.errors).toBeUndefined();
    expect((await t.query(DECIDE, { input: { referralId: refer.data.makeMappaReferral.id, expectedVersion: 1, decision: 'ACCEPT', decidedOn: '2026-11-17' } })).errors).toBeUndefined();
    const scheduled = await t.query(SCHEDULE, { input: { level: 2, kind: 'REVIEW', scheduledOn: '2026-11-27', offenderIds: [s1.offenderId, person.id], idempotencyKey: 'mixed-meeting' } });
    m.meetingId = scheduled.data.scheduleMappaMeeting.id;
    const held = await t.query(OUTCOME, {
      input: {
        meetingId: m.meetingId,
        expectedVersion: 1,
        heldOn: '2026-11-27',
        attendees: [
          { name: 'Demo MAPPA Co-ordinator', agency: 'MAPPA_UNIT', role: 'Chair' },
          { name: 'DS Demo', agency: 'POLICE', role: 'Offender management unit' },
          { name: 'Demo Dundee Team Manager', agency: 'DUNDEE', role: 'CJSW team manager' },
        ],
        decisions: [
          { offenderId: s1.offenderId, kind: 'LEVEL_CONFIRMED' },
          { offenderId: person.id, kind: 'PLAN_AGREED', note: 'Dundee plan: exclusion zone around the school.' },
        ],
        actions: [
          { offenderId: s1.offenderId, description: 'Angus: review the licence conditions', ownerName: 'Demo Angus Case Manager', ownerAgency: 'ANGUS', dueOn: '2026-12-11' },
          { offenderId: person.id, description: 'Dundee: visit the new address', ownerName: 'Demo Dundee Case Manager', ownerAgency: 'DUNDEE', dueOn: '2026-12-11' },
          { description: 'Housing: confirm the supported accommodation list', ownerName: 'Demo Housing Officer', ownerAgency: 'HOUSING', dueOn: '2026-12-11' },
        ],
        nextReviewOn: '2027-02-12',
        minutes: { executiveSummary: 'Level 2 review of two people; plans agreed and actions set.', fullMinutes: 'Full minutes of the joint review (restricted to the MAPPA unit).' },
      },
    });
    expect(held.errors).toBeUndefined();
  });

  it('Angus reads the meeting and its own person’s records, but not the referral, decisions or actions about the Dundee person', async () => {
    const res = await t.query(VIEW, { id: m.meetingId }, 'angus-case-manager');
    const meeting = res.data.mappaMeeting;
    expect(meeting.minutes.executiveSummary).toMatch(/two people/);
    const [angus, dundee] = meeting.people;
    expect(angus.referral).toMatchObject({ id: s1.referralId });
    expect(angus.decisions).toEqual([{ kind: 'LEVEL_CONFIRMED', note: null }]);
    expect(angus.actions.map((a: any) => a.ownerAgency)).toEqual(['ANGUS']);
    expect(dundee.referral).toBeNull();
    expect(dundee.decisions).toEqual([]);
    expect(dundee.actions).toEqual([]);
    expect(res.errors?.map((e) => e.extensions?.code)).toContain('FORBIDDEN');
    expect(meeting.actions.map((a: any) => a.ownerAgency).sort()).toEqual(['ANGUS', 'HOUSING']);
    const text = JSON.stringify(res.data);
    for (const secret of [DUNDEE_REASON, 'exclusion zone', 'visit the new address']) expect(text).not.toContain(secret);
    // The same referral asked for directly is refused too.
    const direct = await t.query(`query($id: ID!) { offender(id: $id) { mappaReferrals { id } } }`, { id: m.dundeeId }, 'angus-case-manager');
    expect(JSON.stringify(direct.data ?? {})).not.toContain('RF-');
  });

  it('the police, who referred the Dundee person and attended, and the co-ordinator read everything', async () => {
    for (const who of ['police-omo', 'coordinator'] as const) {
      const res = await t.query(VIEW, { id: m.meetingId }, who);
      expect(res.errors).toBeUndefined();
      const dundee = res.data.mappaMeeting.people[1];
      expect(dundee.referral.reason).toBe(DUNDEE_REASON);
      expect(dundee.decisions).toEqual([{ kind: 'PLAN_AGREED', note: 'Dundee plan: exclusion zone around the school.' }]);
      expect(res.data.mappaMeeting.actions).toHaveLength(3);
    }
  });
});

describe('a referral does not open a person\'s MAPPA history to whoever made it', () => {
  it('the referring agency reads its own pending referral, but nothing else about the person until the co-ordinator accepts it', async () => {
    // A Dundee person with MAPPA history (referrals, meetings) that Perth & Kinross has no part in.
    const list = await t.query(`{ coordinatorList(filter: { council: DUNDEE }) { entries { offender { id } } } }`);
    const personId = list.data.coordinatorList.entries[0].offender.id;
    const theirs = async () => {
      const referrals = await t.query(`{ mappaReferrals(first: 200) { id } }`, {}, 'pkc-case-manager');
      const meetings = await t.query(`{ mappaMeetings(from: "2026-01-01", to: "2026-12-31") { id } }`, {}, 'pkc-case-manager');
      expect([referrals.errors, meetings.errors]).toEqual([undefined, undefined]);
      return { referrals: referrals.data.mappaReferrals.map((r: any) => r.id).sort(), meetings: meetings.data.mappaMeetings.map((m: any) => m.id).sort() };
    };
    const before = await theirs();
    const input = {
      offenderId: personId, council: 'DUNDEE', referrerName: 'Demo Perth & Kinross Case Manager', category: 1, proposedLevel: 2,
      referredOn: '2026-11-20', setting: 'COMMUNITY', reason: 'Seen in Perth; concerns shared by a PKC worker.', idempotencyKey: 'pkc-probe-referral-0001',
    };
    const made = await t.query(REFER, { input }, 'pkc-case-manager');
    expect(made.errors).toBeUndefined();
    const own = await t.query(REFERRAL, { id: made.data.makeMappaReferral.id }, 'pkc-case-manager');
    expect(own.data.mappaReferral).toMatchObject({ status: 'PENDING' });
    // Its own referral, and still none of the person's existing MAPPA records.
    expect(await theirs()).toEqual({ referrals: [...before.referrals, made.data.makeMappaReferral.id].sort(), meetings: before.meetings });
  });
});
