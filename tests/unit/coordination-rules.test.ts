/**
 * The MAPPA unit's rules, without a database: the first-meeting deadline in Scottish working days,
 * review limits, the reporting year, and the SOG table's arithmetic (rates, totals, missing owners).
 */
import { csvCell, sogTableCsv } from '../../gateway/dashboard/csv';
import { notificationDueBy } from '../../subgraphs/police/features/annual-return';
import { buildSogTable, firstMeetingDue, firstMeetingLate, maxReviewDate, nextReviewDue, per100k, PoliceFigures, populationFor, reportingYear } from '../../subgraphs/coordination/rules';

const community = (referredOn: string) => ({ setting: 'COMMUNITY' as const, referred_on: referredOn, expected_release_on: null });

describe('first MAPPA meeting deadline', () => {
  it('is 20 Scottish working days after a community referral, skipping St Andrew’s Day', () => {
    // 2 Nov 2026 (Mon) + 20 working days lands on Mon 30 Nov, a Scottish bank holiday: so Tue 1 Dec.
    expect(firstMeetingDue(community('2026-11-02'))).toBe('2026-12-01');
  });

  it('skips Christmas and the two New Year holidays', () => {
    // From Mon 14 Dec 2026: 25 and 28 Dec (Boxing Day substitute), 1 and 4 Jan (2 Jan substitute) are not working days.
    expect(firstMeetingDue(community('2026-12-14'))).toBe('2027-01-15');
  });

  it('counts only working days after the referral, so a weekend referral has the Friday’s deadline', () => {
    // Fri 6 Nov 2026: 19 working days to Fri 4 Dec (30 Nov is St Andrew's Day), the 20th is Mon 7 Dec.
    expect(firstMeetingDue(community('2026-11-06'))).toBe('2026-12-07');
    expect(firstMeetingDue(community('2026-11-07'))).toBe('2026-12-07');
    expect(firstMeetingDue(community('2026-11-08'))).toBe('2026-12-07');
  });

  it('from custody is the day before the expected release', () => {
    expect(firstMeetingDue({ setting: 'CUSTODY', referred_on: '2026-06-01', expected_release_on: '2026-12-10' })).toBe('2026-12-09');
  });

  it('is late when held after the deadline, or when nothing is held and the deadline has passed', () => {
    expect(firstMeetingLate('2026-12-01', '2026-12-01', '2027-01-01')).toBe(false);
    expect(firstMeetingLate('2026-12-01', '2026-12-02', '2027-01-01')).toBe(true);
    expect(firstMeetingLate('2026-12-01', null, '2026-12-01')).toBe(false);
    expect(firstMeetingLate('2026-12-01', null, '2026-12-02')).toBe(true);
    expect(firstMeetingLate(null, null, '2030-01-01')).toBe(false);
  });
});

describe('reviews', () => {
  it('limits the next review to 12 weeks at Level 2 and 6 weeks at Level 3', () => {
    expect(maxReviewDate(2, '2026-11-02')).toBe('2027-01-25');
    expect(maxReviewDate(3, '2026-11-02')).toBe('2026-12-14');
  });

  it('takes the last meeting’s review date, else the first-meeting deadline', () => {
    expect(nextReviewDue({ last_meeting_on: '2026-09-01', last_next_review_on: '2026-11-10', first_meeting_due: '2026-05-01' })).toBe('2026-11-10');
    expect(nextReviewDue({ last_meeting_on: null, last_next_review_on: null, first_meeting_due: '2026-12-01' })).toBe('2026-12-01');
    // Stepped down at the last meeting: no review date is owed.
    expect(nextReviewDue({ last_meeting_on: '2026-09-01', last_next_review_on: null, first_meeting_due: '2026-05-01' })).toBeNull();
  });
});

describe('RSO notification deadlines', () => {
  it('gives 3 days after a release or change, 7 days’ notice of travel, 12 months between re-confirmations', () => {
    expect(notificationDueBy('RELEASE_FROM_CUSTODY', '2026-10-30', null)).toBe('2026-11-02');
    expect(notificationDueBy('CHANGE_OF_DETAILS', '2026-02-27', null)).toBe('2026-03-02');
    expect(notificationDueBy('FOREIGN_TRAVEL', '2026-12-20', null)).toBe('2026-12-13');
    expect(notificationDueBy('ANNUAL', '2026-11-01', '2025-11-15')).toBe('2026-11-15');
  });
});

describe('annual return', () => {
  it('runs from 1 April to 31 March and is labelled as the SOG writes it', () => {
    expect(reportingYear(2025)).toEqual({ start: '2025-04-01', end: '2026-03-31', label: '2025-26' });
    expect(reportingYear(2099).label).toBe('2099-00');
  });

  it('uses the published-scale mid-year populations', () => {
    expect(populationFor(2025).byCouncil).toEqual({ DUNDEE: 148000, ANGUS: 116000, PERTH_AND_KINROSS: 153000 });
    // Before the earliest entry: the earliest one, not nothing.
    expect(populationFor(1990).byCouncil).toEqual(populationFor(2025).byCouncil);
    expect(populationFor(2025).label).toMatch(/assumption/);
  });

  it('gives rates per 100,000 to one decimal place', () => {
    expect(per100k(168, 148000)).toBe(113.5);
    expect(per100k(369, 417000)).toBe(88.5);
    expect(per100k(0, 116000)).toBe(0);
  });

  const police = (council: PoliceFigures['council'], rsos: number, nominals: number): PoliceFigures => ({
    council,
    rsosAtLiberty: rsos,
    mappaNominalsAtLiberty: nominals,
    notificationBreaches: 2,
    wanted: 1,
    missing: 0,
    sopos: 3,
    shpos: 10,
    civilOrderBreaches: 1,
    recalls: 2,
    furtherSeriousOffences: 0,
  });

  it('builds one row per council and a Tayside total, with Level 1 as everyone else in the community', () => {
    const table = buildSogTable({
      year: 2025,
      police: [police('DUNDEE', 168, 172), police('ANGUS', 102, 104), police('PERTH_AND_KINROSS', 99, 101)],
      statutorySupervision: { DUNDEE: 60, ANGUS: 37, PERTH_AND_KINROSS: 36 },
      levels: [
        { council: 'DUNDEE', level: 2, n: 2 },
        { council: 'DUNDEE', level: 3, n: 1 },
        { council: 'ANGUS', level: 2, n: 2 },
      ],
    });
    expect(table.rows.map((r) => r.area)).toEqual(['Dundee City', 'Angus', 'Perth & Kinross', 'Tayside']);
    const [dundee, angus, pkc, tayside] = table.rows;
    expect(dundee).toMatchObject({ rsosAtLiberty: 168, rsosPer100k: 113.5, level1: 169, level2: 2, level3: 1, statutorySupervision: 60 });
    expect(angus).toMatchObject({ level1: 102, level2: 2, level3: 0 });
    expect(pkc).toMatchObject({ level1: 101, level2: 0, level3: 0 });
    expect(tayside).toMatchObject({ authority: null, population: 417000, rsosAtLiberty: 369, rsosPer100k: 88.5, level1: 372, level2: 4, level3: 1, statutorySupervision: 133, sopos: 9, shpos: 30, recalls: 6 });
    expect(table.notes.join(' ')).toContain('National Records of Scotland');
  });

  it('leaves a missing owner’s figures empty, in its row and in the Tayside total, and says so', () => {
    const table = buildSogTable({ year: 2025, police: null, statutorySupervision: { DUNDEE: 60, ANGUS: null, PERTH_AND_KINROSS: 36 }, levels: [] });
    const [dundee, angus, , tayside] = table.rows;
    expect(dundee).toMatchObject({ rsosAtLiberty: null, rsosPer100k: null, level1: null, statutorySupervision: 60 });
    expect(angus.statutorySupervision).toBeNull();
    expect(tayside).toMatchObject({ rsosAtLiberty: null, statutorySupervision: null, level2: 0 });
    expect(table.notes).toEqual(expect.arrayContaining(['The police register did not answer: its figures are missing.', 'Angus did not answer: its statutory supervision figure is missing.']));
  });

  it('writes the SOG table as CSV: headings, one line per area, empty cells for missing figures, no formulas', () => {
    const table = buildSogTable({ year: 2025, police: null, statutorySupervision: { DUNDEE: 60, ANGUS: 37, PERTH_AND_KINROSS: 36 }, levels: [] });
    const lines = sogTableCsv({ label: '2025-26', periodEnd: '2026-03-31', rows: table.rows, notes: ['a "quoted", note'] }).split('\r\n');
    expect(lines[0]).toBe('MAPPA annual return 2025-26,as at 2026-03-31');
    expect(lines[1].split(',')[0]).toBe('Area');
    expect(lines[2]).toBe('Dundee City,148000,,,,0,0,,,,,,,60,,');
    expect(lines[5].startsWith('Tayside,417000,')).toBe(true);
    expect(lines).toContain('"Note: a ""quoted"", note"');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell(-3)).toBe('-3');
  });
});
