/**
 * Hand-worked cases for the contact standard (tayside-2026-1). Every expected date below was
 * worked out on paper from DOMAIN.md's table and the GB-SCT bank holidays date-holidays returns.
 */
import type { Agency, ContactOutcome, ContactType, MappaLevel, RiskLevel } from '../../schema/domain';
import {
  AREA_STANDARD_VERSION,
  defaultStandardVersions,
  evaluateCompliance,
  type CaseTimeline,
  type TimelineContact,
} from '../../schema/standard';

const standard = defaultStandardVersions().find((v) => v.id === 'tayside-2026-1')!;

const c = (date: string, type: ContactType = 'OFFICE_APPOINTMENT', outcome: ContactOutcome = 'ATTENDED', agency: Agency = 'COUNCIL'): TimelineContact => ({
  date,
  type,
  outcome,
  agency,
});

function timeline(
  startDate: string,
  risk: RiskLevel | [string, RiskLevel][],
  contacts: TimelineContact[],
  extra: Partial<CaseTimeline> & { mappa?: MappaLevel } = {},
): CaseTimeline {
  const { mappa, ...rest } = extra;
  return {
    startDate,
    riskHistory: typeof risk === 'string' ? [{ from: startDate, level: risk }] : risk.map(([from, level]) => ({ from, level })),
    mappaHistory: mappa ? [{ from: startDate, level: mappa }] : [],
    contacts,
    ...rest,
  };
}

describe('first contact within 1 working day', () => {
  // Friday 27 Nov 2026; Monday 30 Nov is St Andrew's Day, so the first working day after is Tue 1 Dec.
  const released = (contacts: TimelineContact[] = []) => timeline('2026-11-27', 'HIGH', contacts);

  it('is due on Tuesday 1 December when released on the Friday before St Andrew\'s Day', () => {
    const r = evaluateCompliance(released(), { asOf: '2026-11-27' });
    expect(r.firstContact).toEqual({ due: '2026-12-01', deliveredOn: null, met: null, status: 'COMPLIANT' });
    expect(r.status).toBe('COMPLIANT');
    expect(r.standardVersion).toBe(AREA_STANDARD_VERSION);
    // The first contact (Tuesday 1 December) comes before the weekly interval (Friday 4 December).
    expect(r.nextContactDue).toBe('2026-12-01');
    expect(r.nextHomeVisitDue).toBe('2026-12-27');
    expect(r.nextPoliceVisitDue).toBe('2027-02-27');
  });

  it('is DUE_SOON two days before', () => {
    const r = evaluateCompliance(released(), { asOf: '2026-11-29' });
    expect(r.status).toBe('DUE_SOON');
    expect(r.reasons).toEqual(['First contact is due by 2026-12-01 (1 working day after the start on 2026-11-27).']);
  });

  it('is OVERDUE the day after if nobody has been seen', () => {
    const r = evaluateCompliance(released(), { asOf: '2026-12-02' });
    expect(r.status).toBe('OVERDUE');
    expect(r.firstContact).toMatchObject({ met: false, deliveredOn: null, status: 'OVERDUE' });
    expect(r.reasons).toEqual(['First contact was due by 2026-12-01 (1 working day after the start on 2026-11-27) and has not happened.']);
  });

  it('is met by a contact on the Tuesday', () => {
    const r = evaluateCompliance(released([c('2026-12-01')]), { asOf: '2026-12-02' });
    expect(r.firstContact).toEqual({ due: '2026-12-01', deliveredOn: '2026-12-01', met: true, status: 'COMPLIANT' });
    expect(r.status).toBe('COMPLIANT');
    expect(r.nextContactDue).toBe('2026-12-08');
    expect(r.periods[0]).toMatchObject({ from: '2026-11-27', to: '2026-12-01', interval: 'within 1 working day', requiredContacts: 1, deliveredContacts: 1, status: 'COMPLIANT' });
  });

  it('a late first contact is history today but shows in a report for the period', () => {
    const late = released([c('2026-12-02')]);
    const today = evaluateCompliance(late, { asOf: '2026-12-02' });
    expect(today.firstContact).toMatchObject({ deliveredOn: '2026-12-02', met: false, status: 'COMPLIANT' });
    expect(today.status).toBe('COMPLIANT');
    const report = evaluateCompliance(late, { asOf: '2026-12-02', periodFrom: '2026-11-27' });
    expect(report.status).toBe('OVERDUE');
    expect(report.reasons).toContain('First contact on 2026-12-02 was late: it was due by 2026-12-01 (1 working day after the start on 2026-11-27).');
  });
});

describe('risk changes mid-period', () => {
  // Start Mon 5 Jan 2026; "after week 17" starts on day 119, Mon 4 May 2026. A joint visit on
  // Mon 1 Jun 2026 counts as contact, home visit and police visit.
  const start = '2026-01-05';
  const contacts = [c(start), c('2026-06-01', 'JOINT_VISIT')];

  it('MEDIUM throughout: monthly contact, 3-monthly home visit, 6-monthly police visit', () => {
    const r = evaluateCompliance(timeline(start, 'MEDIUM', contacts), { asOf: '2026-06-12' });
    expect([r.nextContactDue, r.nextHomeVisitDue, r.nextPoliceVisitDue]).toEqual(['2026-07-01', '2026-09-01', '2026-12-01']);
    expect([r.status, r.effectiveRisk, r.phase]).toEqual(['COMPLIANT', 'MEDIUM', 'after week 17']);
  });

  it('a rise to HIGH on 10 June brings contact forward to 15 June (fortnightly from the last contact)', () => {
    const risen = timeline(start, [[start, 'MEDIUM'], ['2026-06-10', 'HIGH']], contacts);
    const r = evaluateCompliance(risen, { asOf: '2026-06-12' });
    expect([r.nextContactDue, r.nextHomeVisitDue, r.nextPoliceVisitDue]).toEqual(['2026-06-15', '2026-07-01', '2026-09-01']);
    expect(r.status).toBe('COMPLIANT');

    const soon = evaluateCompliance(risen, { asOf: '2026-06-13' });
    expect(soon.status).toBe('DUE_SOON');
    expect(soon.reasons).toEqual(['Next contact is due by 2026-06-15: fortnightly (HIGH row, after week 17).']);

    const overdue = evaluateCompliance(risen, { asOf: '2026-06-16' });
    expect(overdue.status).toBe('OVERDUE');
    expect(overdue.reasons).toEqual(['No contact since 2026-06-01; fortnightly contact was due by 2026-06-15 (HIGH row, after week 17).']);
    expect(overdue.periods.slice(-2)).toMatchObject([
      { from: '2026-06-02', to: '2026-06-15', due: '2026-06-15', riskLevel: 'HIGH', interval: 'fortnightly', deliveredContacts: 0, status: 'OVERDUE' },
      // still late: the report carries on at the row's cadence from the missed date
      { from: '2026-06-16', to: '2026-06-29', due: '2026-06-29', deliveredContacts: 0, status: 'OVERDUE' },
    ]);
  });

  it('a rise after the new interval has already run out makes contact due on the day of the change, not before', () => {
    const risen = timeline(start, [[start, 'MEDIUM'], ['2026-06-20', 'HIGH']], contacts);
    expect(evaluateCompliance(risen, { asOf: '2026-06-19' }).nextContactDue).toBe('2026-06-20');
    expect(evaluateCompliance(risen, { asOf: '2026-06-20' }).status).toBe('DUE_SOON');
    expect(evaluateCompliance(risen, { asOf: '2026-06-21' }).status).toBe('OVERDUE');
  });

  it('a fall never loosens an obligation that was already due', () => {
    const fellLate = timeline(start, [[start, 'HIGH'], ['2026-06-20', 'MEDIUM']], contacts);
    const r = evaluateCompliance(fellLate, { asOf: '2026-06-25' });
    expect([r.nextContactDue, r.parts.contact, r.effectiveRisk]).toEqual(['2026-06-15', 'OVERDUE', 'MEDIUM']);

    const fellEarly = timeline(start, [[start, 'HIGH'], ['2026-06-10', 'MEDIUM']], contacts);
    expect(evaluateCompliance(fellEarly, { asOf: '2026-06-25' })).toMatchObject({ nextContactDue: '2026-07-01', status: 'COMPLIANT' });
  });
});

describe('joint visits and police visits', () => {
  // Start Mon 5 Jan 2026, HIGH, registered sex offender. Mon 2 Mar 2026 is day 56 (weeks 5–17).
  const start = '2026-01-05';
  const withVisit = (visit: TimelineContact) => timeline(start, 'HIGH', [c(start), visit]);

  it.each<Agency>(['POLICE', 'COUNCIL'])('a joint visit recorded by %s meets council contact, home visit and police visit', (agency) => {
    const r = evaluateCompliance(withVisit(c('2026-03-02', 'JOINT_VISIT', 'ATTENDED', agency)), { asOf: '2026-03-03' });
    expect([r.nextContactDue, r.nextHomeVisitDue, r.nextPoliceVisitDue]).toEqual(['2026-03-16', '2026-04-02', '2026-06-02']);
    expect(r.status).toBe('COMPLIANT');
    expect(r.periods.at(-2)).toMatchObject({ to: '2026-03-02', deliveredContacts: 1, deliveredHomeVisits: 1, deliveredPoliceVisits: 1, requiredHomeVisits: 1 });
  });

  it('a police home visit counts as home visit and police visit, and as contact while the standard says police visits count', () => {
    const policeVisit = withVisit(c('2026-03-02', 'HOME_VISIT', 'ATTENDED', 'POLICE'));
    const counted = evaluateCompliance(policeVisit, { asOf: '2026-03-03' });
    expect([counted.nextContactDue, counted.nextHomeVisitDue, counted.nextPoliceVisitDue]).toEqual(['2026-03-16', '2026-04-02', '2026-06-02']);

    const councilOnly = { ...standard, counts: { ...standard.counts, policeVisitsCountAsContacts: false } };
    const notCounted = evaluateCompliance(policeVisit, { asOf: '2026-03-03', standard: councilOnly });
    expect([notCounted.nextContactDue, notCounted.parts.contact]).toEqual(['2026-01-12', 'OVERDUE']);
    expect(notCounted.nextHomeVisitDue).toBe('2026-04-02');
  });

  it('a council home visit is not a police visit, and cancelled or failed visits count for nothing', () => {
    const council = evaluateCompliance(withVisit(c('2026-03-02', 'HOME_VISIT')), { asOf: '2026-03-03' });
    expect(council.nextPoliceVisitDue).toBe('2026-04-05');
    for (const outcome of ['CANCELLED', 'FAILED_TO_ATTEND'] as const) {
      const r = evaluateCompliance(withVisit(c('2026-03-02', 'JOINT_VISIT', outcome)), { asOf: '2026-03-03' });
      expect([r.nextContactDue, r.nextHomeVisitDue, r.nextPoliceVisitDue]).toEqual(['2026-01-12', '2026-02-05', '2026-04-05']);
    }
  });

  it('no police visits are required when the person is not a registered sex offender', () => {
    const r = evaluateCompliance({ ...withVisit(c('2026-03-02', 'HOME_VISIT')), registeredSexOffender: false }, { asOf: '2026-05-01' });
    expect(r.nextPoliceVisitDue).toBeNull();
    expect(r.parts.policeVisit).toBe('COMPLIANT');
  });
});

describe('missed appointment and follow-up', () => {
  // Start Mon 2 Mar 2026, HIGH. Weekly to Mon 30 Mar (day 28, fortnightly from then), a home visit
  // on 23 Mar. Fails to attend on Thu 2 Apr: 2 working days skip Good Friday 3 Apr but not Easter
  // Monday (a working day in Scotland), so the follow-up is due Tue 7 Apr.
  const history = [c('2026-03-02'), c('2026-03-09'), c('2026-03-16'), c('2026-03-23', 'HOME_VISIT'), c('2026-03-30'), c('2026-04-02', 'OFFICE_APPOINTMENT', 'FAILED_TO_ATTEND')];
  const missed = (...more: TimelineContact[]) => timeline('2026-03-02', 'HIGH', [...history, ...more]);

  it('a follow-up on the due date keeps the case COMPLIANT', () => {
    const r = evaluateCompliance(missed(c('2026-04-07', 'PHONE_CALL')), { asOf: '2026-04-08' });
    expect(r.followUps).toEqual([{ failedOn: '2026-04-02', failedContactId: null, due: '2026-04-07', deliveredOn: '2026-04-07', status: 'COMPLIANT' }]);
    expect([r.status, r.breach, r.nextContactDue]).toEqual(['COMPLIANT', false, '2026-04-21']);
    expect(r.reasons).toEqual([]);
  });

  it('is DUE_SOON while the follow-up is pending', () => {
    const r = evaluateCompliance(missed(), { asOf: '2026-04-06' });
    expect(r.status).toBe('DUE_SOON');
    expect(r.reasons).toEqual(['Failed appointment on 2026-04-02: a follow-up contact is due by 2026-04-07 (2 working days).']);
  });

  it('is a BREACH once the due date passes with no attended contact', () => {
    const r = evaluateCompliance(missed(), { asOf: '2026-04-08' });
    expect([r.status, r.breach]).toEqual(['BREACH', true]);
    expect(r.followUps[0]).toMatchObject({ due: '2026-04-07', deliveredOn: null, status: 'BREACH' });
    expect(r.reasons).toEqual(['Failed appointment on 2026-04-02 was not followed up by 2026-04-07 (2 working days): breach: inform the police and consider recall.']);
    expect(r.parts.contact).toBe('COMPLIANT'); // fortnightly contact is not due until 13 Apr: the breach alone decides
  });

  it('a follow-up one day late is still a breach, and a failed follow-up does not count', () => {
    const late = evaluateCompliance(missed(c('2026-04-08')), { asOf: '2026-04-09' });
    expect(late.status).toBe('BREACH');
    expect(late.reasons[0]).toMatch(/not followed up by 2026-04-07 .*the next contact was only on 2026-04-08/);

    const failedAgain = evaluateCompliance(missed(c('2026-04-06', 'HOME_VISIT', 'FAILED_TO_ATTEND')), { asOf: '2026-04-08' });
    expect(failedAgain.status).toBe('BREACH');
    expect(failedAgain.followUps.map((f) => [f.failedOn, f.due, f.status])).toEqual([
      ['2026-04-02', '2026-04-07', 'BREACH'],
      ['2026-04-06', '2026-04-08', 'DUE_SOON'],
    ]);
  });
});

describe('MAPPA level floor', () => {
  // Same dates as the risk-change cases: last contact a joint visit on 1 Jun 2026, after week 17.
  const start = '2026-01-05';
  const contacts = [c(start), c('2026-06-01', 'JOINT_VISIT')];

  it('runs a Level 2 MEDIUM case on the HIGH row', () => {
    const r = evaluateCompliance(timeline(start, 'MEDIUM', contacts, { mappa: 2 }), { asOf: '2026-06-02' });
    expect([r.assessedRisk, r.mappaLevel, r.effectiveRisk]).toEqual(['MEDIUM', 2, 'HIGH']);
    expect([r.nextContactDue, r.nextHomeVisitDue, r.nextPoliceVisitDue]).toEqual(['2026-06-15', '2026-07-01', '2026-09-01']);

    const level1 = evaluateCompliance(timeline(start, 'MEDIUM', contacts, { mappa: 1 }), { asOf: '2026-06-02' });
    expect([level1.effectiveRisk, level1.nextContactDue, level1.nextHomeVisitDue, level1.nextPoliceVisitDue]).toEqual(['MEDIUM', '2026-07-01', '2026-09-01', '2026-12-01']);
  });

  it('says why in the reason', () => {
    const r = evaluateCompliance(timeline(start, 'MEDIUM', contacts, { mappa: 3 }), { asOf: '2026-06-16' });
    expect(r.reasons).toEqual(['No contact since 2026-06-01; fortnightly contact was due by 2026-06-15 (HIGH row: MAPPA level 3 minimum, assessed MEDIUM; after week 17).']);
  });

  it('never lowers a VERY_HIGH case', () => {
    const r = evaluateCompliance(timeline(start, 'VERY_HIGH', contacts, { mappa: 2 }), { asOf: '2026-06-02' });
    expect([r.effectiveRisk, r.nextContactDue]).toEqual(['VERY_HIGH', '2026-06-08']);
  });
});

describe('transfer between councils', () => {
  // Start Mon 5 Jan 2026, HIGH. Angus sees the person to 23 Feb and transfers on 2 Mar; Dundee
  // picks up on 5 Mar. Weekly to 26 Jan, fortnightly from day 28 (2 Feb).
  const start = '2026-01-05';
  const angus = [c(start), c('2026-01-12'), c('2026-01-19'), c('2026-01-26', 'HOME_VISIT'), c('2026-02-09'), c('2026-02-23', 'HOME_VISIT')];
  const dundee = [c('2026-03-05', 'HOME_VISIT'), c('2026-03-19'), c('2026-04-02', 'HOME_VISIT')];
  const base = { registeredSexOffender: false };

  it('is continuous when both councils\' contacts are put together', () => {
    const r = evaluateCompliance(timeline(start, 'HIGH', [...dundee, ...angus], base), { asOf: '2026-04-10' });
    expect(r.status).toBe('COMPLIANT');
    expect(r.lapses).toEqual([]);
    expect(r.periods.every((p) => p.status === 'COMPLIANT')).toBe(true);
    expect(r.periods.map((p) => p.to)).toEqual(['2026-01-05', '2026-01-12', '2026-01-19', '2026-01-26', '2026-02-09', '2026-02-23', '2026-03-05', '2026-03-19', '2026-04-02', '2026-04-16']);
    expect([r.nextContactDue, r.nextHomeVisitDue]).toEqual(['2026-04-16', '2026-05-02']);
  });

  it('the sending council owes nothing after the transfer date', () => {
    const r = evaluateCompliance(timeline(start, 'HIGH', angus, { ...base, endDate: '2026-03-02' }), { asOf: '2026-04-10' });
    expect(r.status).toBe('COMPLIANT');
    expect([r.nextContactDue, r.nextHomeVisitDue]).toEqual([null, null]);
    expect(r.periods.at(-1)).toMatchObject({ from: '2026-02-24', to: '2026-03-02', requiredContacts: 0 });
  });

  it('one council\'s records alone would show a gap', () => {
    const r = evaluateCompliance(timeline(start, 'HIGH', dundee, base), { asOf: '2026-04-10', periodFrom: start });
    expect(r.status).toBe('OVERDUE');
  });
});

describe('compliance for a period', () => {
  // Start Mon 5 Jan 2026, HIGH, every contact a home visit. Seen fortnightly from 9 Feb, then not
  // until 2 Mar: contact was due by 23 Feb, so the case was late from 24 Feb to 2 Mar.
  const days = ['2026-01-05', '2026-01-12', '2026-01-19', '2026-01-26', '2026-02-09', '2026-03-02', '2026-03-16', '2026-03-30'];
  const gap = timeline('2026-01-05', 'HIGH', days.map((d) => c(d, 'HOME_VISIT')), { registeredSexOffender: false });

  it('today the case is COMPLIANT', () => {
    const r = evaluateCompliance(gap, { asOf: '2026-04-05' });
    expect([r.status, r.nextContactDue]).toEqual(['COMPLIANT', '2026-04-13']);
  });

  it('a report covering February shows the gap, in the periods and in plain English', () => {
    const r = evaluateCompliance(gap, { asOf: '2026-04-05', periodFrom: '2026-02-01' });
    expect(r.status).toBe('OVERDUE');
    expect(r.reasons).toEqual(['No contact between 2026-02-09 and 2026-03-02; fortnightly contact was due by 2026-02-23 (HIGH row, weeks 5–17).']);
    expect(r.lapses).toEqual([{ requirement: 'contact', since: '2026-02-09', due: '2026-02-23', resolvedOn: '2026-03-02' }]);
    expect(r.periods.map((p) => [p.from, p.to, p.due, p.deliveredContacts, p.status])).toEqual([
      ['2026-01-27', '2026-02-09', '2026-02-09', 1, 'COMPLIANT'],
      ['2026-02-10', '2026-02-23', '2026-02-23', 0, 'OVERDUE'],
      ['2026-02-24', '2026-03-02', '2026-03-09', 1, 'OVERDUE'],
      ['2026-03-03', '2026-03-16', '2026-03-16', 1, 'COMPLIANT'],
      ['2026-03-17', '2026-03-30', '2026-03-30', 1, 'COMPLIANT'],
      ['2026-03-31', '2026-04-13', '2026-04-13', 0, 'COMPLIANT'],
    ]);
  });

  it('a report starting after the late contact is COMPLIANT; one starting on it is not', () => {
    expect(evaluateCompliance(gap, { asOf: '2026-04-05', periodFrom: '2026-03-03' }).status).toBe('COMPLIANT');
    expect(evaluateCompliance(gap, { asOf: '2026-04-05', periodFrom: '2026-03-02' }).status).toBe('OVERDUE');
  });

  it('rejects a period that ends before it starts', () => {
    expect(() => evaluateCompliance(gap, { asOf: '2026-04-05', periodFrom: '2026-04-06' })).toThrow(RangeError);
  });
});

describe('input checks', () => {
  it('needs an assessed risk', () => {
    expect(() => evaluateCompliance({ startDate: '2026-03-02', riskHistory: [], mappaHistory: [], contacts: [] }, { asOf: '2026-03-02' })).toThrow(/riskHistory is empty/);
  });
  it('rejects impossible dates', () => {
    expect(() => evaluateCompliance(timeline('2026-03-02', 'LOW', [c('2026-13-01')]), { asOf: '2026-03-02' })).toThrow(/2026-13-01/);
  });
});
