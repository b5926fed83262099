import { authorityNames } from '../../schema/authorities';
import { AUTHORITIES, Authority } from '../../schema/domain';
import { generateDemoData } from '../../scripts/demo-data';
import { startTestFederation, statementDelta, TestFederation, TEST_TODAY } from '../support/federation';

/**
 * DOMAIN scenario 6: the annual return. A 31 March snapshot gives the SOG table for each council
 * and for Tayside, through one gateway query (police, three councils and the MAPPA unit each
 * answering for their own figures) and as CSV from the gateway's report route, which goes through
 * the gateway with the caller's own token.
 */
let t: TestFederation;
beforeAll(async () => {
  t = await startTestFederation();
}, 120_000);
afterAll(async () => {
  await t?.stop();
});

const ANNUAL = `query Annual($year: Int!) { annualReturn(year: $year) { year sogTable { label periodStart periodEnd notes rows {
  area authority population rsosAtLiberty rsosPer100k level1 level2 level3 notificationBreaches wanted missing
  sopos shpos civilOrderBreaches statutorySupervision recalls furtherSeriousOffences } } } }`;

const END = '2026-03-31';
const START = '2025-04-01';
const data = generateDemoData({ referenceDate: TEST_TODAY });
const extra = (table: string) => (data.police.extra[table] ?? []) as any[];

/** The same 31 March snapshot worked out independently from the demo dataset the databases were loaded with. */
function expectedFor(a: Authority) {
  const inArea = data.police.offenders.filter((o) => o.council_area === a);
  const inCustody = (id: string) => extra('custody_periods').some((c) => c.offender_id === id && c.from_on <= END && (c.to_on === null || c.to_on > END));
  const area = new Set(inArea.map((o) => o.id));
  const during = (d: string) => d >= START && d <= END;
  const orders = extra('civil_orders').filter((c) => area.has(c.offender_id));
  const inForce = (type: string) => orders.filter((c) => c.type === type && c.made_on <= END && (c.expires_on === null || c.expires_on > END)).length;
  const outcome = (kind: string) => extra('offender_outcomes').filter((x) => area.has(x.offender_id) && x.kind === kind && during(x.occurred_on)).length;
  const at = (kind: string) => new Set(extra('wanted_missing').filter((w) => area.has(w.offender_id) && w.kind === kind && w.from_on <= END && (w.to_on === null || w.to_on > END)).map((w) => w.offender_id)).size;
  const levels = (level: number) => {
    const latest = new Map<string, any>();
    for (const row of data.coordination.mappa_levels as any[]) {
      if (row.from_on > END) continue;
      const seen = latest.get(row.offender_id);
      if (!seen || row.from_on >= seen.from_on) latest.set(row.offender_id, row);
    }
    return [...latest.values()].filter((r) => r.council === a && r.level === level).length;
  };
  const statutory = data.councils[a].cases.filter((c) => c.order_type !== 'RSO_NOTIFICATION_ONLY' && c.start_date <= END && (c.end_date === null || c.end_date > END)).length;
  const registered = (o: (typeof inArea)[number]) => o.registered_on !== null && o.registered_on <= END && (o.notification_indefinite || (o.notification_period_ends ?? '') > END);
  const nominals = inArea.filter((o) => (o.mappa_category !== 1 || registered(o)) && !inCustody(o.id)).length;
  return {
    rsosAtLiberty: inArea.filter((o) => o.mappa_category === 1 && registered(o) && !inCustody(o.id)).length,
    level1: nominals - levels(2) - levels(3),
    level2: levels(2),
    level3: levels(3),
    notificationBreaches: extra('notification_breaches').filter((b) => area.has(b.offender_id) && during(b.occurred_on)).length,
    wanted: at('WANTED'),
    missing: at('MISSING'),
    sopos: inForce('SOPO'),
    shpos: inForce('SHPO'),
    civilOrderBreaches: extra('civil_order_breaches').filter((b) => orders.some((c) => c.id === b.order_id) && during(b.occurred_on)).length,
    statutorySupervision: statutory,
    recalls: outcome('RECALL'),
    furtherSeriousOffences: outcome('FURTHER_SERIOUS_OFFENCE'),
  };
}

describe('scenario 6: the annual return for 2025-26', () => {
  let rows: any[];

  it('gives one row per council and one for Tayside, as at 31 March 2026', async () => {
    const res = await t.query(ANNUAL, { year: 2025 });
    expect(res.errors).toBeUndefined();
    const table = res.data.annualReturn.sogTable;
    expect(table).toMatchObject({ label: '2025-26', periodStart: START, periodEnd: END });
    rows = table.rows;
    expect(rows.map((r: any) => r.area)).toEqual(['Dundee City', 'Angus', 'Perth & Kinross', 'Tayside']);
    expect(rows.map((r: any) => r.population)).toEqual([148000, 116000, 153000, 417000]);
    expect(table.notes.join(' ')).toMatch(/National Records of Scotland \(NRS\) mid-year population estimates/);
  });

  it.each(AUTHORITIES.map((a) => [authorityNames(a).displayName, a] as const))('%s: every figure matches the 31 March snapshot of its owner’s records', (_name, authority) => {
    const row = rows.find((r) => r.authority === authority);
    expect(row).toMatchObject(expectedFor(authority));
    expect(row.rsosPer100k).toBe(Math.round((row.rsosAtLiberty / row.population) * 1_000_000) / 10);
    // Demo scale: Tayside had 369 RSOs in 2016; every council has some at liberty and on supervision.
    expect(row.rsosAtLiberty).toBeGreaterThan(50);
    expect(row.statutorySupervision).toBeGreaterThan(15);
  });

  it('Tayside is the sum of the councils, with its own rate', () => {
    const [tayside] = rows.slice(-1);
    for (const key of ['rsosAtLiberty', 'level1', 'level2', 'level3', 'notificationBreaches', 'wanted', 'missing', 'sopos', 'shpos', 'civilOrderBreaches', 'statutorySupervision', 'recalls', 'furtherSeriousOffences']) {
      expect({ key, value: tayside[key] }).toEqual({ key, value: rows.slice(0, 3).reduce((a: number, r: any) => a + r[key], 0) });
    }
    expect(tayside.rsosPer100k).toBe(Math.round((tayside.rsosAtLiberty / 417000) * 1_000_000) / 10);
    expect(tayside.level2 + tayside.level3).toBeGreaterThanOrEqual(5);
  });

  it('is one gateway request in which each owner answers for its own figures with one statement', async () => {
    const before = t.statements();
    const res = await t.query(ANNUAL, { year: 2024 });
    expect(res.errors).toBeUndefined();
    expect(res.data.annualReturn.sogTable.label).toBe('2024-25');
    expect(statementDelta(before, t.statements())).toEqual({ police: 1, dundee: 1, angus: 1, 'perth-and-kinross': 1, coordination: 1 });
  });

  it('refuses a year that has not started, naming the field', async () => {
    const res = await t.query(ANNUAL, { year: 2027 });
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'year' });
    expect((await t.query(ANNUAL, { year: 2026 })).data.annualReturn.sogTable.label).toBe('2026-27');
  });

  it('counts a late notification the police record as a breach in the year it happened', async () => {
    const before = (await t.query(ANNUAL, { year: 2026 })).data.annualReturn.sogTable.rows;
    const rso = data.police.offenders.find((o) => o.council_area === 'ANGUS' && o.mappa_category === 1 && o.registered_on && !extra('custody_periods').some((c) => c.offender_id === o.id))!;
    const res = await t.query(
      `mutation($input: RsoNotificationInput!) { recordRsoNotification(input: $input) { dueBy late } }`,
      { input: { offenderId: rso.id, kind: 'CHANGE_OF_DETAILS', eventOn: '2026-11-10', notifiedOn: '2026-11-20', councilArea: 'ANGUS', idempotencyKey: 'annual-late-change' } },
      'police-omo',
    );
    expect(res.data.recordRsoNotification).toEqual({ dueBy: '2026-11-13', late: true });
    const after = (await t.query(ANNUAL, { year: 2026 })).data.annualReturn.sogTable.rows;
    expect(after[1].notificationBreaches).toBe(before[1].notificationBreaches + 1);
    expect(after[3].notificationBreaches).toBe(before[3].notificationBreaches + 1);
    expect(after[0].notificationBreaches).toBe(before[0].notificationBreaches);
  });
});

describe('the annual return as CSV', () => {
  const csvUrl = (year: string) => t.fed.gatewayUrl.replace(/graphql$/, `reports/annual-return.csv?year=${year}`);

  it('downloads the SOG table with the caller’s token, the same figures as the query', async () => {
    const res = await fetch(csvUrl('2025'), { headers: { authorization: `Bearer ${t.token('coordinator')}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="mappa-annual-return-2025-26.csv"');
    const lines = (await res.text()).split('\r\n');
    expect(lines[0]).toBe('MAPPA annual return 2025-26,as at 2026-03-31');
    expect(lines[1]).toBe(
      'Area,"Population (mid-year estimate)",RSOs at liberty on 31 March,"RSOs per 100,000 population",MAPPA Level 1,MAPPA Level 2,MAPPA Level 3,Notification breaches,Wanted,Missing,SOPOs in force,SHPOs in force,Breaches of SOPO/SHPO,On statutory supervision,Recalls to custody,Further serious offences'
        .replace('"Population (mid-year estimate)"', 'Population (mid-year estimate)'),
    );
    const graph = (await t.query(ANNUAL, { year: 2025 })).data.annualReturn.sogTable.rows;
    const keys = ['area', 'population', 'rsosAtLiberty', 'rsosPer100k', 'level1', 'level2', 'level3', 'notificationBreaches', 'wanted', 'missing', 'sopos', 'shpos', 'civilOrderBreaches', 'statutorySupervision', 'recalls', 'furtherSeriousOffences'];
    expect(lines.slice(2, 6)).toEqual(graph.map((r: any) => keys.map((k) => String(r[k])).join(',')));
  });

  it('is refused without a valid token: the route goes through the gateway, not around it', async () => {
    for (const headers of [{}, { authorization: 'Bearer not-a-token-at-all' }, { authorization: `Bearer ${t.token('coordinator')}x` }] as Record<string, string>[]) {
      const res = await fetch(csvUrl('2025'), { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const body = await res.json();
      expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
      expect(JSON.stringify(body)).not.toMatch(/Dundee|Tayside/);
    }
  });

  it('refuses a malformed or future year with a coded error', async () => {
    const auth = { authorization: `Bearer ${t.token('coordinator')}` };
    const bad = await fetch(csvUrl('20x5'), { headers: auth });
    expect(bad.status).toBe(400);
    expect((await bad.json()).errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'year' });
    const future = await fetch(csvUrl('2030'), { headers: auth });
    expect(future.status).toBe(400);
    expect((await future.json()).errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'year' });
  });
});

describe('the dashboard the gateway serves (not in demo mode)', () => {
  const url = (path: string) => t.fed.gatewayUrl.replace(/graphql$/, path.slice(1));

  it('serves the page and its script with a strict content security policy', async () => {
    const page = await fetch(url('/'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = page.headers.get('content-security-policy') ?? '';
    for (const directive of ["default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'"]) expect(csp).toContain(directive);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(await page.text()).toContain("<title>Tayside MAPPA – co-ordinator's dashboard</title>");
    const script = await fetch(url('/dashboard/app.js'));
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('x-content-type-options')).toBe('nosniff');
    // The page itself holds no data: it is the same file whoever asks.
    expect(await script.text()).not.toMatch(/N0\d{5}/);
  });

  it('has no demo sign-in: demo tokens exist only when the gateway is started in demo mode', async () => {
    for (const path of ['/demo/token?identity=coordinator', '/demo/identities']) {
      const res = await fetch(url(path));
      expect(res.status).toBe(404);
      expect(JSON.stringify(await res.json())).not.toMatch(/eyJ/);
    }
  });
});

describe('the reporting-year boundary: 31 March is the last day of a year, 1 April the first of the next', () => {
  // Rows written straight into the owners' databases on and either side of the boundary, then removed.
  const TAG = 'TEST-BOUNDARY-';
  const police = () => t.fed.databases.police;
  const coordination = () => t.fed.databases.coordination;
  const angusOf = async (year: number) => (await t.query(ANNUAL, { year })).data.annualReturn.sogTable.rows.find((r: any) => r.authority === 'ANGUS');
  const KEYS = ['rsosAtLiberty', 'level1', 'level2', 'notificationBreaches', 'recalls'] as const;
  const delta = (before: any, after: any) => Object.fromEntries(KEYS.map((k) => [k, after[k] - before[k]]));

  afterAll(async () => {
    for (const table of ['custody_periods', 'notification_breaches', 'offender_outcomes']) await police().query(`DELETE FROM ${table} WHERE id LIKE $1`, [`${TAG}%`]);
    await coordination().query('DELETE FROM mappa_levels WHERE id LIKE $1', [`${TAG}%`]);
  });

  it('counts events on 31 March in the year ending then and 1 April in the next; custody on 31 March is not at liberty', async () => {
    const managed = new Set((data.coordination.mappa_levels as any[]).map((l) => l.offender_id));
    // Angus RSOs at liberty throughout 2024-27 in the demo data, with no MAPPA level recorded.
    const free = data.police.offenders.filter(
      (o) => o.council_area === 'ANGUS' && o.mappa_category === 1 && o.registered_on !== null && o.registered_on < '2024-01-01' && (o.notification_indefinite || (o.notification_period_ends ?? '') > '2027-12-31') && !extra('custody_periods').some((c) => c.offender_id === o.id) && !managed.has(o.id),
    );
    expect(free.length).toBeGreaterThanOrEqual(5);
    const [inOn31March, releasedOn31March, inFrom1April, level2On31March, level2From1April] = free.map((o) => o.id);
    const years = [2024, 2025, 2026];
    const before = await Promise.all(years.map(angusOf));

    const custody = [
      [inOn31March, '2026-03-31', '2026-06-01'],
      [releasedOn31March, '2026-01-10', '2026-03-31'],
      [inFrom1April, '2026-04-01', null],
    ];
    for (const [i, [who, from, to]] of custody.entries()) {
      await police().query(`INSERT INTO custody_periods (id, offender_id, from_on, to_on, establishment) VALUES ($1, $2, $3, $4, 'HMP Perth')`, [`${TAG}C${i}`, who, from, to]);
    }
    for (const [i, on] of ['2025-03-31', '2025-04-01', '2026-03-31', '2026-04-01'].entries()) {
      await police().query(`INSERT INTO notification_breaches (id, offender_id, occurred_on, detail) VALUES ($1, $2, $3, 'boundary test')`, [`${TAG}B${i}`, releasedOn31March, on]);
      await police().query(`INSERT INTO offender_outcomes (id, offender_id, kind, occurred_on) VALUES ($1, $2, 'RECALL', $3)`, [`${TAG}R${i}`, releasedOn31March, on]);
    }
    for (const [i, [who, from]] of [[level2On31March, '2026-03-31'], [level2From1April, '2026-04-01']].entries()) {
      await coordination().query(`INSERT INTO mappa_levels (id, offender_id, level, from_on, council, source, source_id) VALUES ($1, $2, 2, $3, 'ANGUS', 'REFERRAL', 'boundary-test')`, [`${TAG}L${i}`, who, from]);
    }

    const after = await Promise.all(years.map(angusOf));
    // 2024-25 ends on 31 March 2025: one breach and one recall on that day; nobody in custody yet.
    expect(delta(before[0], after[0])).toEqual({ rsosAtLiberty: 0, level1: 0, level2: 0, notificationBreaches: 1, recalls: 1 });
    // 2025-26: events on 1 April 2025 and 31 March 2026, not 1 April 2026. Taken into custody on
    // 31 March: not at liberty. Released on 31 March: at liberty. Level 2 from 31 March: counted.
    expect(delta(before[1], after[1])).toEqual({ rsosAtLiberty: -1, level1: -2, level2: 1, notificationBreaches: 2, recalls: 2 });
    expect(after[1].rsosPer100k).toBe(Math.round(((before[1].rsosAtLiberty - 1) / 116000) * 1_000_000) / 10);
    // 2026-27 (under way): the 1 April 2026 events and level; in custody since 1 April 2026.
    expect(delta(before[2], after[2])).toEqual({ rsosAtLiberty: -1, level1: -3, level2: 2, notificationBreaches: 1, recalls: 1 });
  });
});

describe('when an owner is down', () => {
  it('leaves its figures empty, in its row and in the Tayside total, and says which owner is missing', async () => {
    await t.fed.subgraphs.angus.stop();
    const res = await t.query(ANNUAL, { year: 2025 });
    expect(res.errors?.map((e) => e.extensions?.code)).toContain('SERVICE_UNAVAILABLE');
    const table = res.data.annualReturn.sogTable;
    const [dundee, angus, , tayside] = table.rows;
    expect(angus.statutorySupervision).toBeNull();
    expect(tayside.statutorySupervision).toBeNull();
    expect(dundee.statutorySupervision).toBe(expectedFor('DUNDEE').statutorySupervision);
    expect(angus.rsosAtLiberty).toBe(expectedFor('ANGUS').rsosAtLiberty);
    expect(table.notes).toContain('Angus did not answer: its statutory supervision figure is missing.');
  });
});
