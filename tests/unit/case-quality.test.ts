import { nearestGrade, SIX_POINT_SCALE, sixPointGrade } from '../../schema/six-point-scale';
import { auditStatus, quarterSummary } from '../../subgraphs/council/features/file-audits';
import { parseQuarter, quarterOf, quarterRange } from '../../subgraphs/council/features/file-audits/quarters';
import { HBR_DEFAULT_DUE_WEEKS, HBR_MIN_PRISON_INTERVIEWS, lateness, missingBeforeSubmission } from '../../subgraphs/council/features/home-background-reports';
import { actionAsOf, NoteRow } from '../../subgraphs/council/features/self-evaluation';
import { DUNDEE_2011 } from '../../subgraphs/council/features/self-evaluation/dundee-2011';
import { authorityOfCaseId } from '../../subgraphs/council/features/transfers';

/** The pure rules behind HBR lateness, file audit flags and summaries, and plan progress. */

describe('the six-point scale', () => {
  it('labels every grade, best first', () => {
    expect(SIX_POINT_SCALE.map((g) => `${g.value} ${g.label}`)).toEqual(['6 excellent', '5 very good', '4 good', '3 adequate', '2 weak', '1 unsatisfactory']);
    expect(sixPointGrade(3)).toEqual({ value: 3, label: 'adequate' });
    expect(() => sixPointGrade(7)).toThrow(RangeError);
    expect(nearestGrade(4.0).label).toBe('good');
    expect(nearestGrade(4.5).label).toBe('very good');
    expect(nearestGrade(4.49).label).toBe('good');
  });
});

describe('calendar quarters', () => {
  it('parses, bounds and ranges quarters', () => {
    expect(parseQuarter('2026-Q3', 'quarter')).toMatchObject({ from: '2026-07-01', to: '2026-09-30' });
    expect(parseQuarter('2024-Q1', 'quarter').to).toBe('2024-03-31');
    expect(() => parseQuarter('2026-Q0', 'quarter')).toThrow(/calendar quarter/);
    expect(quarterOf('2026-11-27').label).toBe('2026-Q4');
    expect(quarterOf('2026-04-01').label).toBe('2026-Q2');
    expect(quarterRange(parseQuarter('2025-Q4', 'f'), parseQuarter('2026-Q2', 't')).map((q) => q.label)).toEqual(['2025-Q4', '2026-Q1', '2026-Q2']);
    expect(quarterRange(parseQuarter('2026-Q2', 'f'), parseQuarter('2026-Q1', 't'))).toEqual([]);
  });
});

describe('file audit status', () => {
  const high = { status: 'OPEN' as const, risk_level: 'HIGH' as const, start_date: '2026-01-10' };
  it('is due 3 months after the last audit and overdue the day after', () => {
    expect(auditStatus(high, '2026-08-27', '2026-11-27')).toEqual({ due: '2026-11-27', overdue: false });
    expect(auditStatus(high, '2026-08-26', '2026-11-27')).toEqual({ due: '2026-11-26', overdue: true });
    // The 31st falls back to the last day of a shorter month.
    expect(auditStatus(high, '2026-08-31', '2026-11-30')).toEqual({ due: '2026-11-30', overdue: false });
  });
  it('counts from the opening date when never audited, and applies only to open HIGH or VERY_HIGH cases', () => {
    expect(auditStatus(high, null, '2026-04-10')).toEqual({ due: '2026-04-10', overdue: false });
    expect(auditStatus(high, null, '2026-04-11')).toEqual({ due: '2026-04-10', overdue: true });
    expect(auditStatus({ ...high, risk_level: 'VERY_HIGH' }, null, '2026-11-27').overdue).toBe(true);
    expect(auditStatus({ ...high, risk_level: 'MEDIUM' }, null, '2026-11-27')).toEqual({ due: null, overdue: false });
    expect(auditStatus({ ...high, status: 'TRANSFERRED_OUT' }, null, '2026-11-27')).toEqual({ due: null, overdue: false });
  });
});

describe('quarter summary', () => {
  it("expresses the 2011 sample (1 adequate, 18 good, 1 very good) as a mean of exactly 4, 'good'", () => {
    const s = quarterSummary(parseQuarter('2011-Q1', 'q'), new Map([[3, 1], [4, 18], [5, 1]]));
    expect(s).toMatchObject({ filesAudited: 20, meanGrade: 4, meanLabel: 'good' });
    expect(s.grades.map((g) => g.count)).toEqual([0, 1, 18, 1, 0, 0]);
  });
  it('rounds the mean to two decimals and has none for an empty quarter', () => {
    expect(quarterSummary(parseQuarter('2026-Q1', 'q'), new Map([[4, 2], [5, 1]])).meanGrade).toBe(4.33);
    expect(quarterSummary(parseQuarter('2026-Q1', 'q'), new Map())).toMatchObject({ filesAudited: 0, meanGrade: null, meanLabel: null });
  });
});

describe('Home Background Report rules', () => {
  it('keeps the DOMAIN.md defaults: due in 6 weeks, at least 2 prison interviews', () => {
    expect(HBR_DEFAULT_DUE_WEEKS).toBe(6);
    expect(HBR_MIN_PRISON_INTERVIEWS).toBe(2);
  });
  it('is late when submitted after the due date, or outstanding past it', () => {
    expect(lateness({ due_on: '2026-11-12', submitted_on: '2026-11-12' }, '2026-11-27')).toEqual({ late: false, daysLate: null });
    expect(lateness({ due_on: '2026-11-12', submitted_on: '2026-11-13' }, '2026-11-27')).toEqual({ late: true, daysLate: 1 });
    expect(lateness({ due_on: '2026-11-27', submitted_on: null }, '2026-11-27')).toEqual({ late: false, daysLate: null });
    expect(lateness({ due_on: '2026-11-26', submitted_on: null }, '2026-11-27')).toEqual({ late: true, daysLate: 1 });
    // Submitted on time stays on time however long ago it was due.
    expect(lateness({ due_on: '2025-01-10', submitted_on: '2025-01-09' }, '2026-11-27').late).toBe(false);
  });
  it('says what is missing before submission', () => {
    expect(missingBeforeSubmission([])).toEqual(['2 more prison interview(s) (at least 2 needed, 0 recorded)', 'a visit to the proposed release address']);
    expect(missingBeforeSubmission([{ kind: 'PRISON_INTERVIEW' }, { kind: 'ADDRESS_VISIT' }])).toEqual(['1 more prison interview(s) (at least 2 needed, 1 recorded)']);
    expect(missingBeforeSubmission([{ kind: 'PRISON_INTERVIEW' }, { kind: 'PRISON_INTERVIEW' }, { kind: 'ADDRESS_VISIT' }])).toEqual([]);
  });
});

describe('improvement action progress as of a date', () => {
  const note = (noted_on: string, status: NoteRow['status']): NoteRow => ({ id: noted_on, action_id: 'A', noted_on, status, note: 'n', recorded_by: 'x', recorded_at: noted_on });
  const notes = [note('2011-08-11', 'IN_PROGRESS'), note('2011-10-01', 'COMPLETE')];
  it('takes the status of the latest note on or before the date', () => {
    expect(actionAsOf({ due_on: '2011-08-31' }, notes, '2011-08-10')).toMatchObject({ statusAsOf: 'NOT_STARTED', progress: 'ON_TRACK', latestNote: null });
    expect(actionAsOf({ due_on: '2011-08-31' }, notes, '2011-08-31')).toMatchObject({ statusAsOf: 'IN_PROGRESS', progress: 'ON_TRACK' });
    expect(actionAsOf({ due_on: '2011-08-31' }, notes, '2011-09-01')).toMatchObject({ statusAsOf: 'IN_PROGRESS', progress: 'OVERDUE' });
    expect(actionAsOf({ due_on: '2011-08-31' }, notes, '2011-10-01')).toMatchObject({ statusAsOf: 'COMPLETE', progress: 'COMPLETE' });
    expect(actionAsOf({ due_on: '2011-08-31' }, [note('2011-08-20', 'WITHDRAWN')], '2012-01-01').progress).toBe('WITHDRAWN');
  });
});

describe("Dundee's 2011 self-evaluation transcription", () => {
  it('has the published grades and 9 local plus 3 Tayside actions, with role titles as owners', () => {
    expect(DUNDEE_2011.categories.map((c) => `${c.category}:${c.grade}`)).toEqual(['OUTCOMES:4', 'IMPACT:3', 'KEY_PROCESSES:4', 'STAFF:5', 'LEADERSHIP:4']);
    expect(DUNDEE_2011.actions.filter((a) => a.scope === 'LOCAL')).toHaveLength(9);
    expect(DUNDEE_2011.actions.filter((a) => a.scope === 'TAYSIDE')).toHaveLength(3);
    expect(JSON.stringify(DUNDEE_2011)).not.toMatch(/Baird|Alan/);
  });
});

describe('transfers', () => {
  it('reads the owning council from a case id prefix', () => {
    expect(authorityOfCaseId('AC-000134')).toBe('ANGUS');
    expect(authorityOfCaseId('DC-1A2B3C4D')).toBe('DUNDEE');
    expect(authorityOfCaseId('PK-000140')).toBe('PERTH_AND_KINROSS');
    expect(authorityOfCaseId('XX-1')).toBeUndefined();
  });
});
