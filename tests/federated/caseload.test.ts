import { startTestFederation, statementDelta, TestFederation } from '../support/federation';

/** A council worker's or manager's caseload: filters, flags, stable order and cursor pages. */
let t: TestFederation;
beforeAll(async () => {
  t = await startTestFederation();
}, 120_000);
afterAll(async () => {
  await t?.stop();
});

const CASELOAD = `query Caseload($filter: CaseloadFilter, $first: Int, $after: String) {
  dundeeCaseload(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { id startDate riskLevel mappaLevel status caseManager { id } flags compliance { status breach } missingPlan reviewOverdue auditOverdue } }
  }
}`;
const DUNDEE = { sub: 'DC-S07', name: 'Demo Dundee Team Manager', org: 'DUNDEE', roles: ['TEAM_MANAGER'] } as const;

async function all(filter: Record<string, unknown>, first = 7) {
  const nodes: any[] = [];
  let after: string | null = null;
  let total = 0;
  for (let page = 0; page < 50; page++) {
    const res: any = await t.query(CASELOAD, { filter, first, after }, { ...DUNDEE, roles: [...DUNDEE.roles] });
    expect(res.errors).toBeUndefined();
    const conn = res.data.dundeeCaseload;
    total = conn.totalCount;
    nodes.push(...conn.edges.map((e: any) => e.node));
    if (!conn.pageInfo.hasNextPage) break;
    after = conn.pageInfo.endCursor;
  }
  return { nodes, total };
}

const newestFirst = (a: any, b: any) => (a.startDate === b.startDate ? (a.id < b.id ? 1 : -1) : a.startDate < b.startDate ? 1 : -1);

describe('caseload', () => {
  it('pages the whole caseload newest first, without gaps or repeats', async () => {
    const { nodes, total } = await all({ status: 'OPEN' });
    expect(nodes).toHaveLength(total);
    expect(new Set(nodes.map((n) => n.id)).size).toBe(total);
    expect(nodes).toEqual([...nodes].sort(newestFirst));
    expect(nodes.every((n) => n.status === 'OPEN')).toBe(true);
  });

  it('filters by risk level, MAPPA level and worker', async () => {
    const high = await all({ riskLevel: 'HIGH' });
    expect(high.nodes.length).toBeGreaterThan(0);
    expect(high.nodes.every((n) => n.riskLevel === 'HIGH')).toBe(true);
    const level2 = await all({ mappaLevel: 2 });
    expect(level2.nodes.length).toBeGreaterThan(0);
    expect(level2.nodes.every((n) => n.mappaLevel === 2)).toBe(true);
    const worker = await all({ caseManagerId: 'DC-S02' });
    expect(worker.nodes.length).toBeGreaterThan(0);
    expect(worker.nodes.every((n) => n.caseManager.id === 'DC-S02')).toBe(true);
  });

  it.each([
    ['MISSING_PLAN', (n: any) => n.missingPlan],
    ['REVIEW_OVERDUE', (n: any) => n.reviewOverdue],
    ['AUDIT_OVERDUE', (n: any) => n.auditOverdue],
    ['CONTACT_OVERDUE', (n: any) => n.compliance.status === 'OVERDUE'],
    ['BREACH', (n: any) => n.compliance.breach],
  ])('filters by the %s flag, agreeing with the case fields', async (flag, holds) => {
    const everyone = await all({ status: 'OPEN' }, 200);
    const expected = everyone.nodes.filter(holds).map((n) => n.id);
    expect(expected.length).toBeGreaterThan(0);
    const flagged = await all({ status: 'OPEN', flags: [flag] }, 3);
    expect(flagged.total).toBe(expected.length);
    expect(flagged.nodes.map((n) => n.id)).toEqual(expected);
    expect(flagged.nodes.every((n) => n.flags.includes(flag))).toBe(true);
  });

  it('flags FOLLOW_UP_DUE as soon as a failed appointment is recorded, until it is followed up', async () => {
    const manager = { sub: 'DC-S02', name: 'Demo Dundee Case Manager', org: 'DUNDEE' as const, roles: ['CASE_MANAGER' as const] };
    const open = await all({ status: 'OPEN', caseManagerId: 'DC-S02' }, 200);
    const target = open.nodes.find((n) => !n.flags.includes('FOLLOW_UP_DUE') && n.compliance.status === 'COMPLIANT');
    const record = (outcome: string, occurredOn: string, idempotencyKey: string) =>
      t.query(`mutation($input: RecordContactInput!) { dundeeRecordContact(input: $input) { id } }`, { input: { caseId: target.id, occurredOn, type: 'OFFICE_APPOINTMENT', outcome, staffMemberId: 'DC-S02', idempotencyKey } }, manager);
    expect((await record('FAILED_TO_ATTEND', '2026-11-26', 'caseload-fta-0001')).errors).toBeUndefined();
    const due = await all({ flags: ['FOLLOW_UP_DUE'] }, 50);
    expect(due.nodes.map((n) => n.id)).toContain(target.id);
    expect((await record('ATTENDED', '2026-11-27', 'caseload-fu-0001')).errors).toBeUndefined();
    const after = await all({ flags: ['FOLLOW_UP_DUE'] }, 50);
    expect(after.nodes.map((n) => n.id)).not.toContain(target.id);
  });

  it('combines flags: every flag asked for must hold', async () => {
    const both = await all({ status: 'OPEN', flags: ['REVIEW_OVERDUE', 'AUDIT_OVERDUE'] });
    expect(both.nodes.every((n) => n.reviewOverdue && n.auditOverdue)).toBe(true);
  });

  it('costs the same number of statements for a flagged caseload of 3 or of 60', async () => {
    const before = t.statements();
    await t.query(CASELOAD, { filter: { flags: ['CONTACT_OVERDUE'] }, first: 3 }, { ...DUNDEE, roles: [...DUNDEE.roles] });
    const small = statementDelta(before, t.statements());
    const mid = t.statements();
    await t.query(CASELOAD, { filter: { flags: ['CONTACT_OVERDUE'] }, first: 60 }, { ...DUNDEE, roles: [...DUNDEE.roles] });
    const large = statementDelta(mid, t.statements());
    expect(large.dundee).toBe(small.dundee);
  });

  it('refuses another council\'s worker', async () => {
    const res = await t.query(CASELOAD, {}, 'angus-case-manager');
    expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});
