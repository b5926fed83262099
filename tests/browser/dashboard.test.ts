import { existsSync, readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { startTestFederation, TestFederation } from '../support/federation';

/**
 * The co-ordinator's dashboard in a real browser (Debian's Chromium, driven by playwright-core)
 * against the real gateway and subgraphs: sign in with the demo picker, filter the Level 2/3
 * list, open a person with the keyboard, and see DOMAIN scenario 1's person appear once police,
 * Angus CJSW and the MAPPA unit have done their part. Where no Chromium is installed the suite
 * says so loudly, in the console and in a test whose name says it did not run.
 */
/** Debian's Chromium; CHROMIUM_PATH points elsewhere (or at nothing, to see the skip report). */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

if (!existsSync(CHROMIUM)) {
  describe('dashboard in a browser', () => {
    it(`SKIPPED: no Chromium at ${CHROMIUM}, so the dashboard was NOT tested in a browser`, () => {
      console.warn(`\n*** Browser tests SKIPPED: ${CHROMIUM} is missing. Install Debian's chromium to run tests/browser/dashboard.test.ts. ***\n`);
    });
  });
} else {
  let t: TestFederation;
  let browser: Browser;
  let page: Page;
  let base: string;
  const errors: string[] = [];

  beforeAll(async () => {
    const { chromium } = await import('playwright-core');
    t = await startTestFederation({ demoTokens: true });
    base = t.fed.gatewayUrl.replace(/graphql$/, '');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
    page.on('pageerror', (e) => errors.push(e.message));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  const rowsText = () => page.$$eval('#list-table tbody tr', (trs) => trs.map((tr) => (tr as HTMLElement).innerText));

  /** Scenario 1 through the gateway, as police, Angus CJSW and the co-ordinator would do it. */
  async function releaseToAngusAtLevel2(): Promise<{ id: string; name: string }> {
    const page1 = await t.query(`{ offenders(first: 200, after: "${Buffer.from('N000270').toString('base64url')}") { edges { node { id firstName lastName custody { establishment } cases { id } } } } }`, {}, 'police-omo');
    const person = page1.data.offenders.edges.map((e: any) => e.node).find((n: any) => n.custody?.establishment === 'HMP Perth' && n.cases.length === 0);
    expect(person).toBeDefined();
    const steps: [string, string, Record<string, unknown>, string][] = [
      ['police-omo', `mutation($i: RsoNotificationInput!) { recordRsoNotification(input: $i) { id } }`, { offenderId: person.id, kind: 'RELEASE_FROM_CUSTODY', eventOn: '2026-10-30', notifiedOn: '2026-11-02', councilArea: 'ANGUS', establishment: 'HMP Perth', idempotencyKey: 'browser-release' }, 'recordRsoNotification'],
      ['angus-case-manager', `mutation($i: OpenCaseInput!) { angusOpenCase(input: $i) { id } }`, { offenderId: person.id, caseManagerId: 'AC-S01', orderType: 'LICENCE', startDate: '2026-10-30', mappaLevel: 2, initialRiskLevel: 'HIGH' }, 'angusOpenCase'],
      ['angus-case-manager', `mutation($i: MakeMappaReferralInput!) { makeMappaReferral(input: $i) { id } }`, { offenderId: person.id, council: 'ANGUS', referrerName: 'Demo Angus Case Manager', category: 1, proposedLevel: 2, referredOn: '2026-11-02', setting: 'COMMUNITY', reason: 'Released to Angus on licence; high risk.', idempotencyKey: 'browser-referral' }, 'makeMappaReferral'],
    ];
    const ids: Record<string, string> = {};
    for (const [who, mutation, input, field] of steps) {
      const res = await t.query(mutation, { i: input }, who as never);
      expect(res.errors).toBeUndefined();
      ids[field] = res.data[field].id;
    }
    const decided = await t.query(`mutation($i: DecideMappaReferralInput!) { decideMappaReferral(input: $i) { firstMeetingDue } }`, { i: { referralId: ids.makeMappaReferral, expectedVersion: 1, decision: 'ACCEPT', decidedOn: '2026-11-03' } });
    expect(decided.data.decideMappaReferral.firstMeetingDue).toBe('2026-12-01');
    const meeting = await t.query(`mutation($i: ScheduleMappaMeetingInput!) { scheduleMappaMeeting(input: $i) { id } }`, { i: { level: 2, kind: 'INITIAL', scheduledOn: '2026-11-25', offenderIds: [person.id], idempotencyKey: 'browser-meeting' } });
    const held = await t.query(`mutation($i: MappaMeetingOutcomeInput!) { recordMappaMeetingOutcome(input: $i) { status } }`, {
      i: {
        meetingId: meeting.data.scheduleMappaMeeting.id,
        expectedVersion: 1,
        heldOn: '2026-11-25',
        attendees: [{ name: 'Demo MAPPA Co-ordinator', agency: 'MAPPA_UNIT', role: 'Chair' }, { name: 'DS Demo', agency: 'POLICE', role: 'OMU' }, { name: 'Demo Angus Team Manager', agency: 'ANGUS', role: 'CJSW' }],
        decisions: [{ offenderId: person.id, kind: 'PLAN_AGREED' }],
        actions: [{ offenderId: person.id, description: 'Joint home visit by CJSW and police', ownerName: 'Demo Angus Case Manager', ownerAgency: 'ANGUS', dueOn: '2026-12-09' }],
        nextReviewOn: '2027-02-10',
        minutes: { executiveSummary: 'Initial Level 2 meeting after release from HMP Perth; plan agreed.', fullMinutes: 'Full minutes of the initial meeting (restricted).' },
      },
    });
    expect(held.data.recordMappaMeetingOutcome.status).toBe('HELD');
    return { id: person.id, name: `${person.lastName}, ${person.firstName}` };
  }

  describe('dashboard in a browser', () => {
    let released: { id: string; name: string };

    it('signs in as a demo identity and shows the Level 2/3 list, the chart, the calendar and the annual table', async () => {
      released = await releaseToAngusAtLevel2();
      await page.goto(base);
      expect(await page.title()).toBe("Tayside MAPPA – co-ordinator's dashboard");
      await page.selectOption('#identity', 'coordinator');
      await page.click('#sign-in-button');
      await page.waitForSelector('body[data-loaded="true"]', { timeout: 30_000 });
      expect(await page.textContent('#who-name')).toBe('Demo MAPPA Co-ordinator');
      expect(await page.isHidden('#sign-in')).toBe(true);
      const rows = await rowsText();
      expect(rows.length).toBeGreaterThanOrEqual(9);
      expect(rows.some((r) => r.includes(released.name))).toBe(true);
      // The chart and its text alternative.
      expect(await page.getAttribute('#compliance-chart svg', 'role')).toBe('img');
      expect(await page.textContent('#chart-desc')).toMatch(/Dundee City: \d+% compliant or due soon of \d+/);
      expect(await page.$$eval('#compliance-table tbody tr', (trs) => trs.map((tr) => tr.querySelector('th')!.textContent))).toEqual(['Dundee City', 'Angus', 'Perth & Kinross', 'Tayside']);
      // The calendar has the next Level 2 review; the annual table has a Tayside total.
      expect(await page.textContent('#calendar')).toMatch(/Level 2 review/);
      expect(await page.$$eval('#annual-table tbody tr th', (ths) => ths.map((th) => th.textContent))).toEqual(['Dundee City', 'Angus', 'Perth & Kinross', 'Tayside']);
      expect(await page.textContent('#annual-caption')).toContain('2025-26');
      expect(errors).toEqual([]);
    });

    it('filters to Angus at Level 2 and shows scenario 1’s person', async () => {
      await page.selectOption('#filter-council', 'ANGUS');
      await page.selectOption('#filter-level', '2');
      await page.click('#apply-filters');
      await page.waitForFunction(() => /match the filters/.test(document.querySelector('#list-summary')?.textContent ?? ''));
      const rows = await rowsText();
      expect(rows.length).toBeGreaterThanOrEqual(3);
      for (const r of rows) expect(r).toMatch(/Angus[\s\S]*Level 2/);
      const mine = rows.find((r) => r.includes(released.name))!;
      expect(mine).toContain(released.id);
      expect(mine).toContain('10 Feb 2027');
    });

    it('opens the person with the keyboard and shows the register, the Angus case, MAPPA management and the open action', async () => {
      const button = page.locator(`#list-table tr[data-offender="${released.id}"] button`);
      await button.focus();
      await page.keyboard.press('Enter');
      await page.waitForFunction((name) => document.querySelector('#detail-heading')?.textContent === name, released.name.split(', ').reverse().join(' '));
      // Focus moves to the details so a keyboard or screen-reader user lands there.
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('detail-heading');
      const detail = await page.innerText('#detail');
      expect(detail).toContain(released.id);
      expect(detail).toMatch(/Council area\s+Angus/);
      expect(detail).toMatch(/Level\s+Level 2 since 3 Nov 2026 \(Angus\)/);
      expect(detail).toMatch(/Angus open case AC-/);
      expect(detail).toContain('Joint home visit by CJSW and police');
      expect(detail).toMatch(/first meeting due 1 Dec 2026, held 25 Nov 2026/);
      expect(detail).not.toContain('Late');
      // Escape closes the details and returns focus to the name the user came from.
      await page.keyboard.press('Escape');
      expect(await page.isHidden('#detail-section')).toBe(true);
      expect(await page.evaluate(() => document.activeElement?.closest('tr')?.getAttribute('data-offender'))).toBe(released.id);
    });

    it('labels every control and shows where the keyboard focus is', async () => {
      const unlabelled = await page.$$eval('input:not([type=hidden]), select, textarea', (els) => els.filter((e) => (e as HTMLInputElement).labels?.length === 0).map((e) => e.id));
      expect(unlabelled).toEqual([]);
      await page.focus('#filter-council');
      const outline = await page.$eval('#filter-council', (e) => getComputedStyle(e).outlineStyle);
      expect(outline).not.toBe('none');
    });

    it('downloads the annual return as CSV with the signed-in user’s token', async () => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#annual-csv')]);
      expect(download.suggestedFilename()).toBe('mappa-annual-return-2025-26.csv');
      const text = readFileSync((await download.path())!, 'utf8');
      expect(text.split('\r\n')[0]).toBe('MAPPA annual return 2025-26,as at 2026-03-31');
      expect(text).toMatch(/\r\nTayside,417000,/);
    });

    it('demo mode signs only the demo identities', async () => {
      const res = await fetch(`${base}demo/token?identity=superuser`);
      expect(res.status).toBe(400);
      expect((await res.json()).errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'identity' });
      expect((await fetch(`${base}demo/token?identity=__proto__`)).status).toBe(400);
    });

    it('shows a council user what they may see, and never the co-ordinator list', async () => {
      await page.click('#sign-out');
      await page.selectOption('#identity', 'dundee-case-manager');
      await page.click('#sign-in-button');
      await page.waitForSelector('body[data-loaded="true"]');
      await page.waitForFunction(() => /MAPPA unit and police/.test(document.querySelector('#list-summary')?.textContent ?? ''));
      expect(await page.$$('#list-table tbody tr')).toHaveLength(0);
      expect(await page.textContent('#who-name')).toBe('Demo Dundee Case Manager');
      // The annual statistics are published aggregates: every MAPPA partner sees them.
      expect(await page.$$eval('#annual-table tbody tr th', (ths) => ths.map((th) => th.textContent))).toEqual(['Dundee City', 'Angus', 'Perth & Kinross', 'Tayside']);
      expect(await page.textContent('#status')).not.toMatch(/Could not load/);
      expect(errors).toEqual([]);
    });
  });
}
