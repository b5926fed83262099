import { startTestFederation, TestFederation } from '../support/federation';

/**
 * s.62: reads of case content reached through a council's own root fields (not through the case)
 * are logged too, against the person they concern.
 */
let t: TestFederation;
beforeAll(async () => {
  t = await startTestFederation();
}, 120_000);
afterAll(async () => {
  await t?.stop();
});

const logged = async (recordType: string, ids: string[]) =>
  t.fed.databases.councils.ANGUS.query<{ record_id: string; person_id: string | null; actor_sub: string; justification: string | null; event: string; fields: string[] }>(
    'SELECT record_id, person_id, actor_sub, justification, event, fields FROM audit_log WHERE record_type = $1 AND record_id = ANY($2)',
    [recordType, ids],
  );

it('logs every Home Background Report read, with the person, the reader, the reason and the parts read', async () => {
  const res = await t.query(`{ angusHomeBackgroundReports(first: 5) { edges { node { id dueOn late } } } }`, {}, 'angus-case-manager', { 'x-justification': 'HBR due-date check' });
  expect(res.errors).toBeUndefined();
  const ids = res.data.angusHomeBackgroundReports.edges.map((e: any) => e.node.id);
  expect(ids.length).toBeGreaterThan(0);
  const rows = await logged('HOME_BACKGROUND_REPORT', ids);
  expect(rows.map((r) => r.record_id).sort()).toEqual([...ids].sort());
  for (const r of rows) {
    expect(r).toMatchObject({ actor_sub: 'AC-S01', justification: 'HBR due-date check', event: 'CONSULTATION' });
    expect(r.person_id).toMatch(/^N\d{6}$/);
    expect([...r.fields].sort()).toEqual(['dueOn', 'id', 'late']);
  }
});

it('logs every feedback response read; a named client questionnaire is logged against its person', async () => {
  const res = await t.query(`{ angusFeedbackResponses(from: "2025-01-01", to: "2026-11-27", first: 20) { edges { node { id kind caseId comments } } } }`, {}, 'angus-case-manager');
  expect(res.errors).toBeUndefined();
  const nodes = res.data.angusFeedbackResponses.edges.map((e: any) => e.node);
  expect(nodes.length).toBeGreaterThan(0);
  const rows = await logged('FEEDBACK_RESPONSE', nodes.map((n: any) => n.id));
  expect(rows).toHaveLength(nodes.length);
  for (const n of nodes.filter((x: any) => x.caseId)) expect(rows.find((r) => r.record_id === n.id)!.person_id).toMatch(/^N\d{6}$/);
});
