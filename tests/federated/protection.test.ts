import { errorOf, openDundeeCase } from '../support/case-practice';
import { startTestFederation, TestFederation } from '../support/federation';

/** Child and adult protection links on a case, through the gateway. Today is fixed at 2026-11-27. */
let t: TestFederation;
beforeAll(async () => {
  t = await startTestFederation();
}, 120_000);
afterAll(async () => {
  await t?.stop();
});

const VIEW = `query V($id: ID!) { dundeeCase(id: $id) { id version protection { childProtection childProtectionRef adultProtection adultProtectionRef changedOn changedBy } chronology { occurredOn kind summary source recordedBy } } }`;
const view = async (id: string) => (await t.query(VIEW, { id }, 'dundee-case-manager')).data.dundeeCase;
const set = (input: Record<string, unknown>, as: Parameters<TestFederation['query']>[2] = 'dundee-case-manager') =>
  t.query(
    `mutation P($input: SetProtectionLinksInput!) { dundeeSetProtectionLinks(input: $input) { id version protection { childProtection childProtectionRef adultProtection adultProtectionRef changedOn } } }`,
    { input: { childProtection: false, adultProtection: false, effectiveOn: '2026-11-20', ...input } },
    as,
  );
const protectionEntries = (c: any) => c.chronology.filter((e: any) => e.kind === 'PROTECTION_CHANGE');

describe('setting protection links', () => {
  let caseId: string;
  beforeAll(async () => {
    caseId = await openDundeeCase(t, 'N000154', { startDate: '2026-09-01' });
  });

  it('adds a link with its referral reference, bumps the case version and writes a chronology entry', async () => {
    const before = await view(caseId);
    expect(before.protection).toEqual({ childProtection: false, childProtectionRef: null, adultProtection: false, adultProtectionRef: null, changedOn: null, changedBy: null });
    const res = await set({ caseId, expectedVersion: before.version, childProtection: true, childProtectionRef: 'CP-2026-0042', reason: 'Partner has two children under 5.' });
    expect(res.errors).toBeUndefined();
    expect(res.data.dundeeSetProtectionLinks).toMatchObject({ version: before.version + 1, protection: { childProtection: true, childProtectionRef: 'CP-2026-0042', adultProtection: false, changedOn: '2026-11-20' } });
    const after = await view(caseId);
    expect(after.protection.changedBy).toBe('DC-S01');
    expect(protectionEntries(after)).toEqual([
      { occurredOn: '2026-11-20', kind: 'PROTECTION_CHANGE', summary: 'Child protection link added: referral CP-2026-0042. Reason: Partner has two children under 5.', source: 'AUTOMATIC', recordedBy: 'DC-S01' },
    ]);
  });

  it('treats asking for what is already recorded as done: no new version, no new entry', async () => {
    const before = await view(caseId);
    const res = await set({ caseId, expectedVersion: before.version - 1, childProtection: true, childProtectionRef: 'CP-2026-0042' });
    expect(res.errors).toBeUndefined();
    const after = await view(caseId);
    expect(after.version).toBe(before.version);
    expect(protectionEntries(after)).toHaveLength(protectionEntries(before).length);
  });

  it('refuses a change made on a stale version, and lets only one of two simultaneous changes win', async () => {
    const before = await view(caseId);
    const stale = await set({ caseId, expectedVersion: before.version - 1, childProtection: true, childProtectionRef: 'CP-2026-0042', adultProtection: true, adultProtectionRef: 'ASP-7' });
    expect(errorOf(stale).code).toBe('CONFLICT');
    expect((await view(caseId)).protection.adultProtection).toBe(false);

    const [a, b] = await Promise.all([
      set({ caseId, expectedVersion: before.version, childProtection: true, childProtectionRef: 'CP-2026-0042', adultProtection: true, adultProtectionRef: 'ASP-2026-0001' }),
      set({ caseId, expectedVersion: before.version, childProtection: true, childProtectionRef: 'CP-2026-0099' }),
    ]);
    const outcomes = [a, b].map((r) => (r.errors ? errorOf(r).code : 'OK')).sort();
    expect(outcomes).toEqual(['CONFLICT', 'OK']);
    const after = await view(caseId);
    expect(after.version).toBe(before.version + 1);
    expect(protectionEntries(after)).toHaveLength(protectionEntries(before).length + 1);
  });

  it('records a removal and a changed reference in the chronology', async () => {
    const before = await view(caseId);
    const cleared = await set({ caseId, expectedVersion: before.version, childProtection: false, adultProtection: true, adultProtectionRef: 'ASP-2026-0002', effectiveOn: '2026-11-25' });
    expect(cleared.errors).toBeUndefined();
    const last = protectionEntries(await view(caseId)).at(-1);
    expect(last.occurredOn).toBe('2026-11-25');
    expect(last.summary).toMatch(/^Child protection link removed \(was CP-2026-00(42|99)\)\. Adult protection (link added: referral|referral changed from ASP-2026-0001 to) ASP-2026-0002\.$/);
  });
});

describe('bad input and access', () => {
  let caseId: string;
  let version: number;
  beforeAll(async () => {
    caseId = await openDundeeCase(t, 'N000155', { startDate: '2026-09-01' });
    version = (await view(caseId)).version;
  });

  it('refuses bad links with a coded error naming the field', async () => {
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ childProtection: true }, 'BAD_USER_INPUT', 'childProtectionRef'],
      [{ childProtectionRef: 'CP-1' }, 'BAD_USER_INPUT', 'childProtectionRef'],
      [{ adultProtection: true, adultProtectionRef: 'ASP 1; DROP' }, 'BAD_USER_INPUT', 'adultProtectionRef'],
      [{ adultProtection: true }, 'BAD_USER_INPUT', 'adultProtectionRef'],
      [{ childProtection: true, childProtectionRef: 'CP-1', effectiveOn: '2026-11-28' }, 'BAD_USER_INPUT', 'effectiveOn'],
      [{ childProtection: true, childProtectionRef: 'CP-1', effectiveOn: '2026-08-31' }, 'BAD_USER_INPUT', 'effectiveOn'],
      [{ childProtection: true, childProtectionRef: 'CP-1', expectedVersion: 0 }, 'BAD_USER_INPUT', 'expectedVersion'],
      [{ childProtection: true, childProtectionRef: 'CP-1', caseId: 'DC-NOPE' }, 'NOT_FOUND', 'caseId'],
    ];
    for (const [input, code, field] of cases) expect(errorOf(await set({ caseId, expectedVersion: version, ...input }))).toMatchObject({ code, field });
    expect((await view(caseId)).version).toBe(version);
  });

  it('refuses changes to a transferred-out case and by anyone outside the council', async () => {
    const moved = (await t.query(`{ dundeeCaseload(first: 5, filter: { status: TRANSFERRED_OUT }) { edges { node { id } } } }`, {}, 'dundee-case-manager')).data.dundeeCaseload.edges[0].node.id;
    expect(errorOf(await set({ caseId: moved, expectedVersion: 1, childProtection: true, childProtectionRef: 'CP-1', effectiveOn: '2026-01-01' })).code).toBe('CONFLICT');
    for (const who of ['angus-case-manager', 'inspector', 'police-omo'] as const) {
      expect(errorOf(await set({ caseId, expectedVersion: version, childProtection: true, childProtectionRef: 'CP-1' }, who)).code).toBe('FORBIDDEN');
    }
    const summaryOnly = await t.query(`query V($id: ID!) { dundeeCase(id: $id) { protection { childProtection } } }`, { id: caseId }, 'coordinator');
    expect(errorOf(summaryOnly).code).toBe('FORBIDDEN');
  });
});

describe('demo data', () => {
  it('links some cases in every council to child or adult protection, each with its chronology entry', async () => {
    for (const [prefix, as] of [['dundee', 'dundee-case-manager'], ['angus', 'angus-case-manager'], ['perthAndKinross', 'pkc-case-manager']] as const) {
      const res = await t.query(`{ ${prefix}Caseload(first: 200) { edges { node { id protection { childProtection childProtectionRef adultProtection adultProtectionRef changedOn } chronology { kind occurredOn } } } } }`, {}, as);
      expect(res.errors).toBeUndefined();
      const linked = res.data[`${prefix}Caseload`].edges.map((e: any) => e.node).filter((n: any) => n.protection.childProtection || n.protection.adultProtection);
      expect(linked.length).toBeGreaterThan(0);
      for (const n of linked) {
        if (n.protection.childProtection) expect(n.protection.childProtectionRef).toMatch(/^CP-/);
        if (n.protection.adultProtection) expect(n.protection.adultProtectionRef).toMatch(/^ASP-/);
        expect(n.chronology).toContainEqual({ kind: 'PROTECTION_CHANGE', occurredOn: n.protection.changedOn });
      }
    }
  });
});
