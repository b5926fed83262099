import { evaluatePoliceVisits } from '../../schema/standard';
import type { TimelineContact } from '../../schema/standard';

const visit = (date: string, over: Partial<TimelineContact> = {}): TimelineContact => ({ date, type: 'HOME_VISIT', outcome: 'ATTENDED', agency: 'POLICE', ...over });

describe('police RSO visits for people with no council case (worked by hand)', () => {
  it('HIGH: every 3 calendar months from the last visit', () => {
    const r = evaluatePoliceVisits({ registeredOn: '2020-01-10', riskLevel: 'HIGH', mappaLevel: 1, visits: [visit('2026-06-15'), visit('2026-09-01')], asOf: '2026-11-27' });
    expect(r).toMatchObject({ standardVersion: 'tayside-2026-1', status: 'COMPLIANT', lastVisit: '2026-09-01', nextPoliceVisitDue: '2026-12-01', effectiveRisk: 'HIGH', reasons: [] });
  });

  it('is DUE_SOON within 2 days of the due date and OVERDUE after it, with a reason', () => {
    expect(evaluatePoliceVisits({ registeredOn: '2020-01-10', riskLevel: 'HIGH', mappaLevel: 1, visits: [visit('2026-08-28')], asOf: '2026-11-27' })).toMatchObject({ status: 'DUE_SOON', nextPoliceVisitDue: '2026-11-28' });
    const late = evaluatePoliceVisits({ registeredOn: '2020-01-10', riskLevel: 'MEDIUM', mappaLevel: 1, visits: [visit('2026-04-30')], asOf: '2026-11-27' });
    expect(late).toMatchObject({ status: 'OVERDUE', nextPoliceVisitDue: '2026-10-30' });
    expect(late.reasons).toEqual(['No police visit since 2026-04-30; a visit was due by 2026-10-30: every 6 months (MEDIUM row).']);
  });

  it('counts a joint visit recorded by the council, but not a failed or cancelled visit', () => {
    const r = evaluatePoliceVisits({
      registeredOn: '2020-01-10', riskLevel: 'VERY_HIGH', mappaLevel: 1, asOf: '2026-11-27',
      visits: [visit('2026-11-01'), visit('2026-11-10', { agency: 'COUNCIL', type: 'JOINT_VISIT' }), visit('2026-11-20', { outcome: 'FAILED_TO_ATTEND' }), visit('2026-11-21', { outcome: 'CANCELLED' })],
    });
    expect(r).toMatchObject({ lastVisit: '2026-11-10', nextPoliceVisitDue: '2026-12-10' });
  });

  it('runs from registration when nobody has visited, and Level 2 never runs below the HIGH row', () => {
    const r = evaluatePoliceVisits({ registeredOn: '2026-10-01', riskLevel: 'LOW', mappaLevel: 2, visits: [], asOf: '2026-11-27' });
    expect(r).toMatchObject({ effectiveRisk: 'HIGH', lastVisit: null, nextPoliceVisitDue: '2027-01-01', status: 'COMPLIANT' });
  });
});
