import { errorOf } from '../support/case-practice';
import { startTestFederation, TestFederation } from '../support/federation';

/** Client exit questionnaires and partner-agency feedback, through the gateway. Today is fixed at 2026-11-27. */
let t: TestFederation;
let caseId: string;
beforeAll(async () => {
  t = await startTestFederation();
  const res = await t.query(`{ perthAndKinrossCaseload(first: 1) { edges { node { id } } } }`, {}, 'pkc-case-manager');
  caseId = res.data.perthAndKinrossCaseload.edges[0].node.id;
}, 120_000);
afterAll(async () => {
  await t?.stop();
});

let serial = 0;
const key = () => `feedback-test-${++serial}-${Date.now()}`;
const RESPONSE = `id kind caseId agencyName receivedOn comments recordedBy answers { question { code kind text } score }`;
const client = (input: Record<string, unknown>, as: Parameters<TestFederation['query']>[2] = 'pkc-case-manager') =>
  t.query(`mutation C($input: RecordClientFeedbackInput!) { perthAndKinrossRecordClientFeedback(input: $input) { ${RESPONSE} } }`, { input: { receivedOn: '2026-11-27', idempotencyKey: key(), ...input } }, as);
const partner = (input: Record<string, unknown>, as: Parameters<TestFederation['query']>[2] = 'pkc-case-manager') =>
  t.query(`mutation P($input: RecordPartnerFeedbackInput!) { perthAndKinrossRecordPartnerFeedback(input: $input) { ${RESPONSE} } }`, { input: { receivedOn: '2026-11-27', agencyName: 'NHS Tayside', idempotencyKey: key(), ...input } }, as);
const answers = (scores: Record<string, number>) => Object.entries(scores).map(([question, score]) => ({ question, score }));
const SUMMARY = `query S($from: Date!, $to: Date!) { perthAndKinrossFeedbackSummary(from: $from, to: $to) {
  from to agencies { agencyName responses }
  clientExit { kind responses questions { question { code } answered meanScore } }
  partnerAgency { kind responses questions { question { code } answered meanScore } } } }`;

describe('recording feedback and summarising it per council and period', () => {
  it('counts responses and gives the mean score per question for the period', async () => {
    const first = await client({ caseId, answers: answers({ CLIENT_UNDERSTOOD: 4, CLIENT_RESPECT: 5, CLIENT_HELPED: 3 }), comments: 'Always knew where I stood.' });
    expect(first.errors).toBeUndefined();
    expect(first.data.perthAndKinrossRecordClientFeedback).toMatchObject({
      kind: 'CLIENT_EXIT',
      caseId,
      agencyName: null,
      recordedBy: 'PK-S01',
      comments: 'Always knew where I stood.',
      answers: [
        { question: { code: 'CLIENT_UNDERSTOOD', kind: 'CLIENT_EXIT' }, score: 4 },
        { question: { code: 'CLIENT_RESPECT', kind: 'CLIENT_EXIT' }, score: 5 },
        { question: { code: 'CLIENT_HELPED', kind: 'CLIENT_EXIT' }, score: 3 },
      ],
    });
    expect((await client({ answers: answers({ CLIENT_SUPPORT: 4, CLIENT_HELPED: 2, CLIENT_RESPECT: 4, CLIENT_UNDERSTOOD: 5 }) })).data.perthAndKinrossRecordClientFeedback.caseId).toBeNull();
    expect((await partner({ answers: answers({ PARTNER_INFORMATION: 4, PARTNER_JOINT_WORKING: 4, PARTNER_CONTACT: 3, PARTNER_OVERALL: 4 }) })).errors).toBeUndefined();
    expect((await partner({ agencyName: 'Police Scotland D Division', answers: answers({ PARTNER_INFORMATION: 5, PARTNER_OVERALL: 5 }) })).errors).toBeUndefined();

    // Demo feedback is dated at least two days back, so today holds only what this test recorded.
    const res = await t.query(SUMMARY, { from: '2026-11-27', to: '2026-11-27' }, 'coordinator');
    expect(res.errors).toBeUndefined();
    const s = res.data.perthAndKinrossFeedbackSummary;
    expect(s.clientExit).toEqual({
      kind: 'CLIENT_EXIT',
      responses: 2,
      questions: [
        { question: { code: 'CLIENT_UNDERSTOOD' }, answered: 2, meanScore: 4.5 },
        { question: { code: 'CLIENT_RESPECT' }, answered: 2, meanScore: 4.5 },
        { question: { code: 'CLIENT_HELPED' }, answered: 2, meanScore: 2.5 },
        { question: { code: 'CLIENT_SUPPORT' }, answered: 1, meanScore: 4 },
      ],
    });
    expect(s.partnerAgency).toEqual({
      kind: 'PARTNER_AGENCY',
      responses: 2,
      questions: [
        { question: { code: 'PARTNER_INFORMATION' }, answered: 2, meanScore: 4.5 },
        { question: { code: 'PARTNER_JOINT_WORKING' }, answered: 1, meanScore: 4 },
        { question: { code: 'PARTNER_CONTACT' }, answered: 1, meanScore: 3 },
        { question: { code: 'PARTNER_OVERALL' }, answered: 2, meanScore: 4.5 },
      ],
    });
    expect(s.agencies).toEqual([
      { agencyName: 'NHS Tayside', responses: 1 },
      { agencyName: 'Police Scotland D Division', responses: 1 },
    ]);
    // Another council's summary for the same day is untouched.
    const angus = await t.query(`{ angusFeedbackSummary(from: "2026-11-27", to: "2026-11-27") { clientExit { responses } partnerAgency { responses } } }`, {}, 'coordinator');
    expect(angus.data.angusFeedbackSummary).toEqual({ clientExit: { responses: 0 }, partnerAgency: { responses: 0 } });
  });

  it('has a year of demo feedback for every council and lists responses with their comments to council staff', async () => {
    for (const field of ['dundeeFeedbackSummary', 'angusFeedbackSummary', 'perthAndKinrossFeedbackSummary']) {
      const res = await t.query(`{ ${field}(from: "2025-11-27", to: "2026-11-26") { clientExit { responses questions { answered meanScore } } partnerAgency { responses } agencies { agencyName } } }`, {}, 'coordinator');
      const s = res.data[field];
      expect(s.clientExit.responses).toBe(12);
      expect(s.partnerAgency.responses).toBe(8);
      for (const q of s.clientExit.questions) {
        expect(q.answered).toBeGreaterThan(0);
        expect(q.meanScore).toBeGreaterThanOrEqual(1);
        expect(q.meanScore).toBeLessThanOrEqual(5);
      }
    }
    const list = await t.query(`{ perthAndKinrossFeedbackResponses(kind: PARTNER_AGENCY, from: "2025-01-01", to: "2026-11-27", first: 3) { totalCount pageInfo { hasNextPage endCursor } edges { node { kind agencyName receivedOn } } } }`, {}, 'pkc-case-manager');
    expect(list.errors).toBeUndefined();
    const page = list.data.perthAndKinrossFeedbackResponses;
    expect(page.totalCount).toBe(10);
    expect(page.edges.every((e: any) => e.node.kind === 'PARTNER_AGENCY' && e.node.agencyName)).toBe(true);
    const next = await t.query(`query N($after: String) { perthAndKinrossFeedbackResponses(kind: PARTNER_AGENCY, from: "2025-01-01", to: "2026-11-27", first: 20, after: $after) { edges { node { receivedOn } } } }`, { after: page.pageInfo.endCursor }, 'pkc-case-manager');
    expect(next.data.perthAndKinrossFeedbackResponses.edges).toHaveLength(7);
    const dates = [...page.edges, ...next.data.perthAndKinrossFeedbackResponses.edges].map((e: any) => e.node.receivedOn);
    expect(dates).toEqual([...dates].sort().reverse());
  });

  it('records a retried questionnaire once', async () => {
    const idempotencyKey = key();
    const a = await client({ idempotencyKey, answers: answers({ CLIENT_RESPECT: 5 }) });
    const b = await client({ idempotencyKey, answers: answers({ CLIENT_RESPECT: 5 }) });
    expect(b.data.perthAndKinrossRecordClientFeedback.id).toBe(a.data.perthAndKinrossRecordClientFeedback.id);
    expect(errorOf(await partner({ idempotencyKey, answers: answers({ PARTNER_OVERALL: 5 }) }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'idempotencyKey' });
  });

  it('publishes the fixed questionnaires', async () => {
    const res = await t.query(`{ angusFeedbackQuestions(kind: PARTNER_AGENCY) { code kind text } all: angusFeedbackQuestions { code } }`, {}, 'angus-case-manager');
    expect(res.data.angusFeedbackQuestions.map((q: any) => q.code)).toEqual(['PARTNER_INFORMATION', 'PARTNER_JOINT_WORKING', 'PARTNER_CONTACT', 'PARTNER_OVERALL']);
    expect(res.data.all).toHaveLength(8);
  });
});

describe('bad input and access', () => {
  it('refuses bad questionnaires with a coded error naming the field', async () => {
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ answers: answers({ CLIENT_RESPECT: 0 }) }, 'BAD_USER_INPUT', 'answers.0.score'],
      [{ answers: answers({ CLIENT_RESPECT: 6 }) }, 'BAD_USER_INPUT', 'answers.0.score'],
      [{ answers: answers({ NOT_A_QUESTION: 3 }) }, 'BAD_USER_INPUT', 'answers.0.question'],
      [{ answers: answers({ PARTNER_OVERALL: 3 }) }, 'BAD_USER_INPUT', 'answers.0.question'],
      [{ answers: [{ question: 'CLIENT_RESPECT', score: 3 }, { question: 'CLIENT_RESPECT', score: 4 }] }, 'BAD_USER_INPUT', 'answers.1.question'],
      [{ answers: [] }, 'BAD_USER_INPUT', 'answers'],
      [{ answers: answers({ CLIENT_RESPECT: 3 }), receivedOn: '2026-11-28' }, 'BAD_USER_INPUT', 'receivedOn'],
      [{ answers: answers({ CLIENT_RESPECT: 3 }), caseId: 'PK-NOPE' }, 'NOT_FOUND', 'caseId'],
      [{ answers: answers({ CLIENT_RESPECT: 3 }), comments: 'x'.repeat(4001) }, 'BAD_USER_INPUT', 'comments'],
    ];
    for (const [input, code, field] of cases) expect(errorOf(await client(input))).toMatchObject({ code, field });
    expect(errorOf(await partner({ agencyName: ' ', answers: answers({ PARTNER_OVERALL: 3 }) }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'agencyName' });
    expect(errorOf(await partner({ answers: answers({ CLIENT_RESPECT: 3 }) }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'answers.0.question' });
    expect(errorOf(await t.query(SUMMARY, { from: '2026-11-27', to: '2026-11-01' }, 'coordinator'))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
  });

  it('lets only the council record feedback, and keeps free-text comments from the co-ordinator and figures from the police', async () => {
    for (const who of ['dundee-case-manager', 'inspector', 'coordinator'] as const) expect(errorOf(await client({ answers: answers({ CLIENT_RESPECT: 3 }) }, who)).code).toBe('FORBIDDEN');
    expect(errorOf(await t.query(`{ perthAndKinrossFeedbackResponses(from: "2026-01-01", to: "2026-11-27") { totalCount } }`, {}, 'coordinator')).code).toBe('FORBIDDEN');
    expect((await t.query(`{ perthAndKinrossFeedbackResponses(from: "2026-01-01", to: "2026-11-27") { totalCount } }`, {}, 'inspector')).errors).toBeUndefined();
    expect(errorOf(await t.query(SUMMARY, { from: '2026-11-01', to: '2026-11-27' }, 'police-omo')).code).toBe('FORBIDDEN');
  });
});
