/**
 * Police RSO visits for registered sex offenders with no council case: the police row of the
 * standard on its own. (People with a council case are judged by the full evaluator, where police
 * visits are one requirement among several; see Offender.areaCompliance.)
 */
import type { ComplianceStatus, IsoDate, MappaLevel, RiskLevel } from '../domain';
import { dayNumber, fromDayNumber } from './dates';
import { addInterval, type TimelineContact } from './evaluate';
import { describeInterval, rowFor, standardInForce, type StandardVersion } from './standard';

export interface PoliceVisitInput {
  registeredOn: IsoDate;
  riskLevel: RiskLevel;
  mappaLevel: MappaLevel;
  /** Visits by any agency; the standard's counting table decides which count. */
  visits: TimelineContact[];
  asOf: IsoDate;
  standard?: StandardVersion;
}

export interface PoliceVisitResult {
  standardVersion: string;
  asOf: IsoDate;
  status: Exclude<ComplianceStatus, 'BREACH'>;
  effectiveRisk: RiskLevel;
  lastVisit: IsoDate | null;
  nextPoliceVisitDue: IsoDate;
  reasons: string[];
}

export function evaluatePoliceVisits(input: PoliceVisitInput): PoliceVisitResult {
  const standard = input.standard ?? standardInForce(input.asOf);
  const row = rowFor(standard, input.riskLevel, input.mappaLevel);
  const interval = standard.rows[row].policeVisit;
  const counting = input.visits
    .filter((v) => standard.counts.countedOutcomes.includes(v.outcome as 'ATTENDED'))
    .filter((v) => standard.counts.policeVisit[v.agency]?.includes(v.type))
    .filter((v) => v.date <= input.asOf)
    .map((v) => v.date)
    .sort();
  const lastVisit = counting.at(-1) ?? null;
  const due = fromDayNumber(addInterval(dayNumber(lastVisit ?? input.registeredOn), interval));
  const daysLeft = dayNumber(due) - dayNumber(input.asOf);
  const status: PoliceVisitResult['status'] = daysLeft < 0 ? 'OVERDUE' : daysLeft <= standard.dueSoonDays ? 'DUE_SOON' : 'COMPLIANT';
  const rule = `${describeInterval(interval)} (${row} row)`;
  const since = lastVisit ?? `registration on ${input.registeredOn}`;
  const reasons = {
    OVERDUE: [`No police visit since ${since}; a visit was due by ${due}: ${rule}.`],
    DUE_SOON: [`Next police visit is due by ${due}: ${rule}.`],
    COMPLIANT: [],
  }[status];
  return { standardVersion: standard.id, asOf: input.asOf, status, effectiveRisk: row, lastVisit, nextPoliceVisitDue: due, reasons };
}
