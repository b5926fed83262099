/** The standard as versioned data: loading, validation, and picking a version by date. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  AREA_STANDARD_VERSION,
  DEFAULT_VERSIONS_DIR,
  evaluateCompliance,
  loadStandardVersions,
  standardInForce,
  type CaseTimeline,
} from '../../schema/standard';

const shipped = JSON.parse(fs.readFileSync(path.join(DEFAULT_VERSIONS_DIR, 'tayside-2026-1.json'), 'utf8'));

const made: string[] = [];
afterAll(() => made.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function tempDir(files: Record<string, unknown>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'contact-standard-'));
  made.push(dir);
  for (const [name, content] of Object.entries(files)) {
    fs.writeFileSync(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return dir;
}

describe('contact standard versions', () => {
  it('ships tayside-2026-1 with the DOMAIN.md table', () => {
    const versions = loadStandardVersions();
    const v = versions.find((x) => x.id === 'tayside-2026-1')!;
    expect(AREA_STANDARD_VERSION).toBe(versions.at(-1)!.id);
    expect(v.effectiveFrom).toBe('2026-01-01');
    expect(v.phases.map((p) => [p.id, p.fromWeek])).toEqual([
      ['WEEKS_1_4', 0],
      ['WEEKS_5_17', 4],
      ['AFTER_WEEK_17', 17],
    ]);
    const week = (every: number) => ({ every, unit: 'WEEK' });
    const month = (every: number) => ({ every, unit: 'MONTH' });
    expect(v.rows.VERY_HIGH).toEqual({ contact: { WEEKS_1_4: week(1), WEEKS_5_17: week(1), AFTER_WEEK_17: week(1) }, homeVisit: month(1), policeVisit: month(1) });
    expect(v.rows.HIGH).toEqual({ contact: { WEEKS_1_4: week(1), WEEKS_5_17: week(2), AFTER_WEEK_17: week(2) }, homeVisit: month(1), policeVisit: month(3) });
    expect(v.rows.MEDIUM).toEqual({ contact: { WEEKS_1_4: week(1), WEEKS_5_17: week(2), AFTER_WEEK_17: month(1) }, homeVisit: month(3), policeVisit: month(6) });
    expect(v.rows.LOW).toEqual({ contact: { WEEKS_1_4: week(1), WEEKS_5_17: week(2), AFTER_WEEK_17: month(1) }, homeVisit: month(6), policeVisit: month(12) });
    expect(v.minimumRowForMappaLevel).toEqual({ '2': 'HIGH', '3': 'HIGH' });
    expect(v.firstContactWorkingDays).toBe(1);
    expect(v.followUp).toEqual({ workingDays: 2, escalation: 'BREACH' });
    expect(v.counts.countedOutcomes).toEqual(['ATTENDED']);
    expect(v.counts.policeVisitsCountAsContacts).toBe(true);
  });

  it('picks the version in force on a date, and a new file needs no code change', () => {
    // A stricter successor: HIGH cases weekly for good, from April 2027.
    const next = structuredClone(shipped);
    next.id = 'tayside-2027-1';
    next.effectiveFrom = '2027-04-01';
    next.rows.HIGH.contact.AFTER_WEEK_17 = { every: 1, unit: 'WEEK' };
    const dir = tempDir({ 'tayside-2026-1.json': shipped, 'tayside-2027-1.json': next });

    const versions = loadStandardVersions(dir);
    expect(versions.map((v) => v.id)).toEqual(['tayside-2026-1', 'tayside-2027-1']);
    expect(standardInForce('2027-03-31', versions).id).toBe('tayside-2026-1');
    expect(standardInForce('2027-04-01', versions).id).toBe('tayside-2027-1');

    const timeline: CaseTimeline = {
      startDate: '2026-06-01',
      riskHistory: [{ from: '2026-06-01', level: 'HIGH' }],
      mappaHistory: [],
      contacts: [{ date: '2027-03-29', type: 'JOINT_VISIT', outcome: 'ATTENDED', agency: 'COUNCIL' }],
    };
    const before = evaluateCompliance(timeline, { asOf: '2027-03-31', standard: standardInForce('2027-03-31', versions) });
    const after = evaluateCompliance(timeline, { asOf: '2027-04-01', standard: standardInForce('2027-04-01', versions) });
    expect([before.standardVersion, before.nextContactDue]).toEqual(['tayside-2026-1', '2027-04-12']);
    expect([after.standardVersion, after.nextContactDue]).toEqual(['tayside-2027-1', '2027-04-05']);
  });

  it('defaults to the shipped version in force on asOf and says which one it used', () => {
    const r = evaluateCompliance(
      { startDate: '2026-11-27', riskHistory: [{ from: '2026-11-27', level: 'LOW' }], mappaHistory: [], contacts: [] },
      { asOf: '2026-11-27' },
    );
    expect(r.standardVersion).toBe('tayside-2026-1');
    expect(() => standardInForce('2025-12-31')).toThrow(/No contact standard is in force on 2025-12-31/);
  });

  describe('validation names the file and the problem', () => {
    const broken = (mutate: (v: any) => void) => {
      const v = structuredClone(shipped);
      mutate(v);
      return v;
    };
    it.each<[string, unknown, RegExp]>([
      ['not JSON', '{ "id": ', /Cannot read contact standard .*tayside-2026-1\.json/],
      ['a missing phase interval', broken((v) => delete v.rows.LOW.contact.AFTER_WEEK_17), /needs exactly one interval per phase/],
      ['a higher row asking for less', broken((v) => (v.rows.HIGH.homeVisit = { every: 6, unit: 'MONTH' })), /HIGH homeVisit is less frequent than MEDIUM/],
      ['cancelled contacts counting', broken((v) => (v.counts.countedOutcomes = ['ATTENDED', 'CANCELLED'])), /countedOutcomes/],
      ['an impossible date', broken((v) => (v.effectiveFrom = '2026-02-30')), /effectiveFrom/],
      ['an unknown unit', broken((v) => (v.rows.LOW.homeVisit = { every: 6, unit: 'YEAR' })), /homeVisit/],
    ])('rejects %s', (_what, content, message) => {
      const dir = tempDir({ 'tayside-2026-1.json': content });
      expect(() => loadStandardVersions(dir)).toThrow(message);
      expect(() => loadStandardVersions(dir)).toThrow(path.join(dir, 'tayside-2026-1.json'));
    });

    it('requires the file name to match the id', () => {
      const dir = tempDir({ 'new-standard.json': shipped });
      expect(() => loadStandardVersions(dir)).toThrow(/has id "tayside-2026-1"; the file must be named tayside-2026-1\.json/);
    });

    it('rejects two versions taking effect on the same day', () => {
      const dir = tempDir({ 'tayside-2026-1.json': shipped, 'tayside-2026-2.json': { ...shipped, id: 'tayside-2026-2' } });
      expect(() => loadStandardVersions(dir)).toThrow(/both effective from 2026-01-01/);
    });
  });
});
