/**
 * The one contact-standard evaluator shared by every council subgraph, the police subgraph and
 * the gateway. Pure: a case timeline and a standard version in, a result out. No I/O beyond the
 * (cached) default standard and the bank-holiday calendar.
 *
 * The model, in one sentence: at every date, the time since the last contact that counts must not
 * exceed the interval in force on that date. Everything else follows from it:
 *
 * - "next due" is the last date that rule can still be met without another contact;
 * - a case is *late* on date t when t is after the due date worked out from the last counting
 *   contact before t. Recording another contact can only move that contact later, so it can only
 *   remove late dates, never add them: that is why recording a contact never makes a result worse;
 * - a risk change starts a new segment. The new row's interval is measured from the last contact,
 *   but nothing becomes due before the day of the change (a rise cannot make a case retroactively
 *   late), and an obligation that fell due before a fall stays due (a fall never loosens it);
 * - periods are only a way of showing this: one row per obligation ("a contact was due by `due`").
 */
import {
  RISK_RANK,
  type Agency,
  type ComplianceStatus,
  type ContactOutcome,
  type ContactType,
  type IsoDate,
  type MappaLevel,
  type RiskLevel,
} from '../domain';
import { addMonthsToDay, dayNumber, fromDayNumber } from './dates';
import { describeInterval, rowFor, standardInForce, type Interval, type StandardVersion } from './standard';
import { addWorkingDaysToDay } from './working-days';

export interface TimelineContact {
  id?: string;
  date: IsoDate;
  type: ContactType;
  outcome: ContactOutcome;
  /** Agency that recorded it. A JOINT_VISIT is recorded once but counts for both agencies. */
  agency: Agency;
}

export interface CaseTimeline {
  /** Release or order start: day 0 of the contact schedule. */
  startDate: IsoDate;
  /** Assessed risk of serious harm, in force from each date. Order does not matter; must not be empty. */
  riskHistory: { from: IsoDate; level: RiskLevel }[];
  /** MAPPA level from each date. Empty means level 1 throughout. */
  mappaHistory: { from: IsoDate; level: MappaLevel }[];
  /** Every agency's contacts (council and police), in any order. */
  contacts: TimelineContact[];
  /** Case closed or transferred out: nothing is required after it. */
  endDate?: IsoDate | null;
  /**
   * Police RSO visits are only required for registered sex offenders. Defaults to true because most
   * MAPPA cases are RSOs; pass false for category 2/3 cases that are not on the register.
   */
  registeredSexOffender?: boolean;
}

export interface EvaluateOptions {
  asOf: IsoDate;
  /** Report on [periodFrom, asOf] instead of on "where the case stands on asOf". */
  periodFrom?: IsoDate;
  /** Defaults to the version in force on `asOf`. */
  standard?: StandardVersion;
}

export type Requirement = 'contact' | 'homeVisit' | 'policeVisit';

export interface FirstContactResult {
  due: IsoDate;
  /** First counting contact on or after the start, even if it was late. */
  deliveredOn: IsoDate | null;
  /** null while still pending (or when the case closed before it fell due). */
  met: boolean | null;
  status: ComplianceStatus;
}

export interface FollowUpResult {
  failedOn: IsoDate;
  failedContactId: string | null;
  due: IsoDate;
  /** First counting contact on or after the failed date, even if it came too late. */
  deliveredOn: IsoDate | null;
  /** COMPLIANT (followed up in time, or case closed first), DUE_SOON (pending) or the escalation status (BREACH). */
  status: ComplianceStatus;
}

/** A stretch of dates on which a requirement was not met. */
export interface Lapse {
  requirement: Requirement | 'firstContact';
  /** Last counting contact before the lapse, or the start date if there was none. */
  since: IsoDate;
  due: IsoDate;
  /** The late contact that ended the lapse; null if it is still open on asOf (or at the end date). */
  resolvedOn: IsoDate | null;
}

/** One required-contact window: a contact was due by `due`. */
export interface CompliancePeriod {
  from: IsoDate;
  /** The contact that met the obligation, or `due` if none did (yet). */
  to: IsoDate;
  due: IsoDate;
  /** Row the obligation was set by (after the MAPPA floor); the first window is the first-contact rule. */
  riskLevel: RiskLevel;
  phase: string;
  /** e.g. "fortnightly", or "within 1 working day" for the first-contact window. */
  interval: string;
  requiredContacts: number;
  deliveredContacts: number;
  requiredHomeVisits: number;
  deliveredHomeVisits: number;
  requiredPoliceVisits: number;
  deliveredPoliceVisits: number;
  status: ComplianceStatus;
}

export interface ComplianceResult {
  standardVersion: string;
  asOf: IsoDate;
  periodFrom: IsoDate | null;
  /** Worst of `parts` (no periodFrom) or of `periods` and follow-ups in range (with periodFrom). */
  status: ComplianceStatus;
  reasons: string[];
  breach: boolean;
  assessedRisk: RiskLevel;
  mappaLevel: MappaLevel;
  /** Row used on asOf: assessed risk raised to the MAPPA level's minimum row. */
  effectiveRisk: RiskLevel;
  phase: string;
  /** null when nothing more is required (case ended, or the next due date is after the end date). */
  nextContactDue: IsoDate | null;
  nextHomeVisitDue: IsoDate | null;
  nextPoliceVisitDue: IsoDate | null;
  /** Where each requirement stands on asOf. */
  parts: Record<Requirement | 'firstContact' | 'followUps', ComplianceStatus>;
  firstContact: FirstContactResult;
  followUps: FollowUpResult[];
  lapses: Lapse[];
  periods: CompliancePeriod[];
  /** Informational only: review events are not on the timeline, so these are not graded. */
  reviews: {
    nextCaseReview: IsoDate | null;
    /** Last risk history entry + the standard's interval, for rows the standard names (HIGH, VERY_HIGH). */
    riskAssessmentDue: IsoDate | null;
  };
}

export const STATUS_RANK: Record<ComplianceStatus, number> = { COMPLIANT: 0, DUE_SOON: 1, OVERDUE: 2, BREACH: 3 };

export function worstStatus(...statuses: ComplianceStatus[]): ComplianceStatus {
  return statuses.reduce<ComplianceStatus>((a, b) => (STATUS_RANK[b] > STATUS_RANK[a] ? b : a), 'COMPLIANT');
}

// ---------------------------------------------------------------------------------------------

const REQUIREMENTS: readonly Requirement[] = ['contact', 'homeVisit', 'policeVisit'];
const NOUN: Record<Requirement, string> = { contact: 'contact', homeVisit: 'home visit', policeVisit: 'police visit' };
const ONE_DAY = 1;

type Phase = StandardVersion['phases'][number];

/** A stretch of time with one row and one phase. Internal dates are day numbers. */
interface Segment {
  from: number;
  to: number; // exclusive; Infinity for the last
  assessed: RiskLevel;
  mappa: MappaLevel;
  row: RiskLevel;
  phase: Phase;
}

interface Obligation {
  due: number;
  /** null for the first-contact rule, which is set in working days rather than by a row. */
  seg: Segment | null;
}

interface InternalLapse {
  requirement: Requirement | 'firstContact';
  since: number;
  due: number;
  seg: Segment | null;
  resolvedOn: number | null;
  lateFrom: number;
  lateTo: number;
}

interface Window extends Obligation {
  from: number;
  to: number;
}

interface Ctx {
  standard: StandardVersion;
  timeline: CaseTimeline;
  start: number;
  asOf: number;
  end: number;
  /** Last date anything can be late on: asOf, or the end date if earlier. */
  limit: number;
  /** Start of what the result reports on: periodFrom, or the start of the case. */
  scopeFrom: number;
  reportingPeriod: boolean;
  segments: Segment[];
  required: readonly Requirement[];
  /** Contacts dated within [start, limit], sorted. */
  relevant: { c: TimelineContact; day: number }[];
  /** Days of delivered counting contacts, sorted, one entry per contact. */
  delivered: Record<Requirement, number[]>;
  /** Same, de-duplicated. */
  days: Record<Requirement, number[]>;
}

export function addInterval(day: number, { every, unit }: Interval): number {
  if (unit === 'MONTH') return addMonthsToDay(day, every);
  return day + every * (unit === 'WEEK' ? 7 : 1);
}

function intervalOf(ctx: Ctx, seg: Segment, req: Requirement): Interval {
  const row = ctx.standard.rows[seg.row];
  return req === 'contact' ? row.contact[seg.phase.id] : row[req];
}

/**
 * Due date of the next counting contact after one on `anchor`. Within each segment the segment's
 * interval runs from the anchor, but never to a date before the segment starts; the first segment
 * whose candidate falls inside it wins. Monotone in `anchor`, and always after it.
 */
function nextDue(ctx: Ctx, anchor: number, req: Requirement): Obligation {
  for (const seg of ctx.segments) {
    if (seg.to <= anchor) continue;
    const due = Math.max(seg.from, addInterval(anchor, intervalOf(ctx, seg, req)));
    if (due < seg.to) return { due, seg };
  }
  throw new Error('unreachable: the last segment is open-ended');
}

function countsFor(standard: StandardVersion, req: Requirement, c: TimelineContact): boolean {
  const inTable = (r: Requirement) => standard.counts[r][c.agency]?.includes(c.type) ?? false;
  return inTable(req) || (req === 'contact' && standard.counts.policeVisitsCountAsContacts && inTable('policeVisit'));
}

/** History entry in force on `day`. The earliest entry also covers any time before it; on a date
 *  with two entries the stricter wins, so the answer never depends on input order. */
function levelAt<L extends string | number>(sorted: { day: number; level: L }[], day: number): L {
  const cutoff = Math.max(day, sorted[0].day);
  let found = sorted[0].level;
  for (const e of sorted) if (e.day <= cutoff) found = e.level;
  return found;
}

function sortHistory<L extends string | number>(history: { from: IsoDate; level: L }[], rank: (l: L) => number) {
  return history
    .map((h) => ({ day: dayNumber(h.from), level: h.level }))
    .sort((a, b) => a.day - b.day || rank(a.level) - rank(b.level));
}

function buildSegments(standard: StandardVersion, timeline: CaseTimeline, start: number): Segment[] {
  for (const h of timeline.riskHistory) {
    if (!(h.level in RISK_RANK)) throw new RangeError(`Unknown risk level ${JSON.stringify(h.level)}`);
  }
  const risk = sortHistory(timeline.riskHistory, (l) => RISK_RANK[l]);
  const mappa = timeline.mappaHistory.length
    ? sortHistory(timeline.mappaHistory, (l) => l)
    : [{ day: start, level: 1 as MappaLevel }];
  const phaseStart = (p: Phase) => start + 7 * p.fromWeek;
  const boundaries = [start, ...standard.phases.map(phaseStart), ...risk.map((e) => e.day), ...mappa.map((e) => e.day)]
    .filter((d) => d >= start)
    .sort((a, b) => a - b)
    .filter((d, i, all) => i === 0 || d !== all[i - 1]);
  return boundaries.map((from, i) => {
    const assessed = levelAt(risk, from);
    const level = levelAt(mappa, from);
    const phase = standard.phases.filter((p) => phaseStart(p) <= from).at(-1)!;
    return { from, to: boundaries[i + 1] ?? Infinity, assessed, mappa: level, row: rowFor(standard, assessed, level), phase };
  });
}

function segmentAt(ctx: Ctx, day: number): Segment {
  return ctx.segments.find((s) => day < s.to) ?? ctx.segments[ctx.segments.length - 1];
}

function lastIn(sortedDays: number[], from: number, to: number): number | undefined {
  let found: number | undefined;
  for (const d of sortedDays) {
    if (d > to) break;
    if (d >= from) found = d;
  }
  return found;
}

function countIn(sortedDays: number[], from: number, to: number): number {
  return sortedDays.filter((d) => d >= from && d <= to).length;
}

function buildContext(timeline: CaseTimeline, options: EvaluateOptions, standard: StandardVersion): Ctx {
  if (timeline.riskHistory.length === 0) {
    throw new RangeError('riskHistory is empty: a case needs an assessed risk level before it can be evaluated');
  }
  const start = dayNumber(timeline.startDate);
  const asOf = dayNumber(options.asOf);
  const end = timeline.endDate ? dayNumber(timeline.endDate) : Infinity;
  const periodFrom = options.periodFrom === undefined ? null : dayNumber(options.periodFrom);
  if (periodFrom !== null && periodFrom > asOf) {
    throw new RangeError(`periodFrom ${options.periodFrom} is after asOf ${options.asOf}`);
  }
  const limit = Math.min(asOf, end);

  // Only what happened between the start and asOf (or the end date) can count: earlier contacts
  // belong to pre-release work, and a contact dated after asOf has not happened yet as of asOf.
  const relevant = timeline.contacts
    .map((c) => ({ c, day: dayNumber(c.date) }))
    .filter(({ day }) => day >= start && day <= limit)
    .sort((a, b) => a.day - b.day || (a.c.id ?? '').localeCompare(b.c.id ?? ''));
  const countedOutcomes: readonly ContactOutcome[] = standard.counts.countedOutcomes;
  const delivered = {} as Record<Requirement, number[]>;
  const days = {} as Record<Requirement, number[]>;
  for (const req of REQUIREMENTS) {
    delivered[req] = relevant.filter(({ c }) => countedOutcomes.includes(c.outcome) && countsFor(standard, req, c)).map(({ day }) => day);
    days[req] = delivered[req].filter((d, i, all) => i === 0 || d !== all[i - 1]);
  }

  return {
    standard,
    timeline,
    start,
    asOf,
    end,
    limit,
    scopeFrom: periodFrom ?? start,
    reportingPeriod: periodFrom !== null,
    segments: buildSegments(standard, timeline, start),
    required: timeline.registeredSexOffender === false ? ['contact', 'homeVisit'] : REQUIREMENTS,
    relevant,
    delivered,
    days,
  };
}

/** Does [from, to] reach into what the result reports on? */
function inScope(ctx: Ctx, from: number, to: number): boolean {
  return to >= ctx.scopeFrom && from <= ctx.limit;
}

function dueSoon(ctx: Ctx, due: number): boolean {
  return ctx.asOf <= ctx.end && due >= ctx.asOf && due - ctx.asOf <= ctx.standard.dueSoonDays;
}

// --- the parts ---------------------------------------------------------------------------------

interface Position {
  status: ComplianceStatus;
  /** null when nothing more is required: not required at all, case closed, or due after the end. */
  next: number | null;
  obligation: Obligation;
}

/** Where one requirement stands on asOf, from the last counting contact. */
function positionOf(ctx: Ctx, req: Requirement): Position {
  const obligation = nextDue(ctx, ctx.days[req].at(-1) ?? ctx.start, req);
  const { due } = obligation;
  if (!ctx.required.includes(req) || due > ctx.end) return { status: 'COMPLIANT', next: null, obligation };
  const status: ComplianceStatus = due < ctx.limit ? 'OVERDUE' : dueSoon(ctx, due) ? 'DUE_SOON' : 'COMPLIANT';
  return { status, next: ctx.asOf <= ctx.end ? due : null, obligation };
}

/** Late stretches of one requirement: between each counting contact and the next, the days after the due date. */
function lapsesFor(ctx: Ctx, req: Requirement): InternalLapse[] {
  const anchors = [ctx.start, ...ctx.days[req].filter((d) => d > ctx.start)];
  return anchors.flatMap((since, k): InternalLapse[] => {
    const { due, seg } = nextDue(ctx, since, req);
    const next = anchors[k + 1] ?? null;
    const lateTo = Math.min(next ?? Infinity, ctx.limit);
    return due + ONE_DAY <= lateTo ? [{ requirement: req, since, due, seg, resolvedOn: next, lateFrom: due + ONE_DAY, lateTo }] : [];
  });
}

function firstContactOf(ctx: Ctx): { result: FirstContactResult; obligation: Obligation; lapses: InternalLapse[] } {
  const due = addWorkingDaysToDay(ctx.start, ctx.standard.firstContactWorkingDays);
  const deliveredOn = ctx.days.contact[0] ?? null;
  const met = deliveredOn !== null && deliveredOn <= due ? true : due < ctx.limit ? false : null;
  // A late first contact is history once it has happened; only a first contact still missing is overdue.
  const status: ComplianceStatus =
    met === false && deliveredOn === null ? 'OVERDUE' : met === null && due <= ctx.end && dueSoon(ctx, due) ? 'DUE_SOON' : 'COMPLIANT';
  const lateTo = Math.min(deliveredOn ?? Infinity, ctx.limit);
  return {
    result: { due: fromDayNumber(due), deliveredOn: deliveredOn === null ? null : fromDayNumber(deliveredOn), met, status },
    obligation: { due, seg: null },
    lapses:
      due + ONE_DAY <= lateTo
        ? [{ requirement: 'firstContact', since: ctx.start, due, seg: null, resolvedOn: deliveredOn, lateFrom: due + ONE_DAY, lateTo }]
        : [],
  };
}

function followUpsOf(ctx: Ctx): FollowUpResult[] {
  const { standard } = ctx;
  return ctx.relevant
    .filter(({ c }) => c.outcome === 'FAILED_TO_ATTEND' && countsFor(standard, 'contact', c))
    .map(({ c, day }) => {
      const due = addWorkingDaysToDay(day, standard.followUp.workingDays);
      // Same-day counts: dates carry no time, and the usual story is "missed the office
      // appointment, seen at home that afternoon".
      const deliveredOn = ctx.days.contact.find((d) => d >= day) ?? null;
      const status: ComplianceStatus =
        deliveredOn !== null && deliveredOn <= due
          ? 'COMPLIANT'
          : due < ctx.limit
            ? standard.followUp.escalation
            : ctx.asOf > ctx.end
              ? 'COMPLIANT' // closed before the follow-up fell due: nothing is required after the end
              : 'DUE_SOON';
      return {
        failedOn: c.date,
        failedContactId: c.id ?? null,
        due: fromDayNumber(due),
        deliveredOn: deliveredOn === null ? null : fromDayNumber(deliveredOn),
        status,
      };
    });
}

/**
 * The obligations of one requirement, in order, as contiguous windows. A window closes at the last
 * contact that meets it, or at its due date if none did. After a missed due date the case stays
 * late until the next contact, and the windows carry on at the standard's cadence from that date so
 * a long gap shows as several missed windows rather than one.
 */
function windowsFor(ctx: Ctx, req: Requirement, first?: Obligation): Window[] {
  const days = ctx.days[req];
  const out: Window[] = [];
  let from = ctx.start;
  let obligation = first ?? nextDue(ctx, ctx.start, req);
  while (from <= ctx.limit) {
    const { due, seg } = obligation;
    const last = lastIn(days, from, due);
    // A contact meets the window only if the next obligation it starts lies beyond this due date;
    // after a risk rise, an older contact may not (the new, shorter interval has already run out).
    const met = last !== undefined && (seg === null || nextDue(ctx, last, req).due > due);
    const to = met ? last : due;
    out.push({ from, to, due, seg });
    from = to + ONE_DAY;
    const fromLastContact = nextDue(ctx, lastIn(days, ctx.start, to) ?? ctx.start, req);
    obligation = fromLastContact.due > to ? fromLastContact : nextDue(ctx, to, req);
  }
  return out;
}

/**
 * One row per contact obligation. A period is OVERDUE when the case was late on any day of it
 * within scope (or on the day after it, when it is the window that was missed); the period running
 * on asOf also carries today's DUE_SOON. That makes the worst period status exactly "was the case
 * late at any time in scope", which recording a contact can only improve.
 */
function periodsOf(ctx: Ctx, firstContact: Obligation, lapses: InternalLapse[], today: ComplianceStatus): CompliancePeriod[] {
  const { end } = ctx;
  // A visit obligation is shown in the contact period where it was settled: where the visit that
  // met it happened, or where its due date fell if it was missed.
  const settled = (req: Requirement) =>
    ctx.required.includes(req) ? windowsFor(ctx, req).filter((w) => w.due <= end).map((w) => w.to) : [];
  const homeSettled = settled('homeVisit');
  const policeSettled = settled('policeVisit');
  const wd = ctx.standard.firstContactWorkingDays;
  const windows = windowsFor(ctx, 'contact', firstContact);

  return windows.flatMap((w, i): CompliancePeriod[] => {
    const to = Math.min(w.to, end);
    if (!inScope(ctx, w.from, to)) return [];
    const seg = w.seg ?? segmentAt(ctx, w.from);
    const lookFrom = Math.max(w.from, ctx.scopeFrom);
    const lookTo = Math.min(to + ONE_DAY, ctx.limit);
    const late = lapses.some((l) => l.lateFrom <= lookTo && l.lateTo >= lookFrom);
    const within = (d: number) => d >= w.from && d <= to;
    return [
      {
        from: fromDayNumber(w.from),
        to: fromDayNumber(to),
        due: fromDayNumber(w.due),
        riskLevel: seg.row,
        phase: seg.phase.label,
        interval: w.seg ? describeInterval(intervalOf(ctx, w.seg, 'contact')) : `within ${wd} working day${wd === 1 ? '' : 's'}`,
        requiredContacts: w.due <= end ? 1 : 0,
        deliveredContacts: countIn(ctx.delivered.contact, w.from, to),
        requiredHomeVisits: homeSettled.filter(within).length,
        deliveredHomeVisits: countIn(ctx.delivered.homeVisit, w.from, to),
        requiredPoliceVisits: policeSettled.filter(within).length,
        deliveredPoliceVisits: countIn(ctx.delivered.policeVisit, w.from, to),
        status: late ? 'OVERDUE' : i === windows.length - 1 ? today : 'COMPLIANT',
      },
    ];
  });
}

// --- plain-English reasons -------------------------------------------------------------------

function reasonsOf(
  ctx: Ctx,
  first: FirstContactResult,
  positions: Record<Requirement, Position>,
  lapses: InternalLapse[],
  followUps: FollowUpResult[],
): string[] {
  const { standard, timeline } = ctx;
  const iso = fromDayNumber;
  const wd = standard.firstContactWorkingDays;
  const fwd = standard.followUp.workingDays;
  const firstText = `${wd} working day${wd === 1 ? '' : 's'} after the start on ${timeline.startDate}`;
  // "HIGH row, weeks 5–17" or "HIGH row: MAPPA level 2 minimum, assessed MEDIUM; weeks 5–17".
  const rowText = (req: Requirement, seg: Segment) => {
    const floor = seg.row !== seg.assessed ? `: MAPPA level ${seg.mappa} minimum, assessed ${seg.assessed}` : '';
    const phase = req === 'contact' ? `${floor ? ';' : ','} ${seg.phase.label}` : '';
    return `${seg.row} row${floor}${phase}`;
  };
  const sinceText = (req: Requirement, since: number) =>
    since === ctx.start && !ctx.days[req].includes(since) ? `the start on ${timeline.startDate}` : iso(since);

  const lapseText = (l: InternalLapse): string => {
    if (l.requirement === 'firstContact') {
      return l.resolvedOn === null
        ? `First contact was due by ${iso(l.due)} (${firstText}) and has not happened.`
        : `First contact on ${iso(l.resolvedOn)} was late: it was due by ${iso(l.due)} (${firstText}).`;
    }
    const req = l.requirement;
    const what = `${describeInterval(intervalOf(ctx, l.seg!, req))} ${NOUN[req]} was due by ${iso(l.due)} (${rowText(req, l.seg!)})`;
    return l.resolvedOn === null
      ? `No ${NOUN[req]} since ${sinceText(req, l.since)}; ${what}.`
      : `No ${NOUN[req]} between ${sinceText(req, l.since)} and ${iso(l.resolvedOn)}; ${what}.`;
  };

  const reasons: string[] = [];
  // Today's view names only what is still open (and a missing first contact says it all);
  // a report names every lapse that reached into the period.
  const firstOutstanding = first.status !== 'COMPLIANT';
  for (const l of lapses) {
    const show = ctx.reportingPeriod ? l.lateTo >= ctx.scopeFrom : l.resolvedOn === null && !(l.requirement === 'contact' && firstOutstanding);
    if (show) reasons.push(lapseText(l));
  }
  if (first.status === 'DUE_SOON') reasons.push(`First contact is due by ${first.due} (${firstText}).`);
  for (const req of ctx.required) {
    const { status, obligation } = positions[req];
    if (status === 'DUE_SOON' && !(req === 'contact' && firstOutstanding)) {
      const seg = obligation.seg!;
      reasons.push(`Next ${NOUN[req]} is due by ${iso(obligation.due)}: ${describeInterval(intervalOf(ctx, seg, req))} (${rowText(req, seg)}).`);
    }
  }
  for (const f of followUps) {
    if (f.status === 'DUE_SOON') {
      reasons.push(`Failed appointment on ${f.failedOn}: a follow-up contact is due by ${f.due} (${fwd} working days).`);
    } else if (f.status !== 'COMPLIANT') {
      const late = f.deliveredOn ? `; the next contact was only on ${f.deliveredOn}` : '';
      const action = f.status === 'BREACH' ? 'breach: inform the police and consider recall' : f.status.toLowerCase();
      reasons.push(`Failed appointment on ${f.failedOn} was not followed up by ${f.due} (${fwd} working days)${late}: ${action}.`);
    }
  }
  return reasons;
}

// ---------------------------------------------------------------------------------------------

export function evaluateCompliance(timeline: CaseTimeline, options: EvaluateOptions): ComplianceResult {
  const standard = options.standard ?? standardInForce(options.asOf);
  const ctx = buildContext(timeline, options, standard);

  const first = firstContactOf(ctx);
  const positions = Object.fromEntries(REQUIREMENTS.map((r) => [r, positionOf(ctx, r)])) as Record<Requirement, Position>;
  const lapses = [...first.lapses, ...ctx.required.flatMap((r) => lapsesFor(ctx, r))];
  const followUps = followUpsOf(ctx);
  const followUpsInScope = followUps.filter((f) => inScope(ctx, dayNumber(f.failedOn), dayNumber(f.due)));

  const parts: ComplianceResult['parts'] = {
    firstContact: first.result.status,
    contact: positions.contact.status,
    homeVisit: positions.homeVisit.status,
    policeVisit: positions.policeVisit.status,
    followUps: worstStatus(...followUpsInScope.map((f) => f.status)),
  };
  const today = worstStatus(parts.firstContact, parts.contact, parts.homeVisit, parts.policeVisit);
  const periods = periodsOf(ctx, first.obligation, lapses, today);
  // Without periodFrom the question is "where does this case stand today": lapses that have since
  // been put right are history (they stay in `periods`), but a breach stays until the case ends.
  // With periodFrom, anything that went wrong within the period counts.
  const status = ctx.reportingPeriod
    ? worstStatus(parts.followUps, ...periods.map((p) => p.status))
    : worstStatus(...Object.values(parts));

  // Today's row, and the informational review dates.
  const now = segmentAt(ctx, Math.max(ctx.asOf, ctx.start));
  const { caseReview, riskAssessment } = standard.reviews;
  let review = addInterval(ctx.start, caseReview.first);
  while (review < ctx.asOf) review = addInterval(review, caseReview.thenEvery);
  const assessed = timeline.riskHistory.map((h) => dayNumber(h.from)).sort((a, b) => a - b);
  const lastAssessment = assessed.filter((d) => d <= ctx.asOf).at(-1) ?? assessed[0];
  const nextIso = (p: Position) => (p.next === null ? null : fromDayNumber(p.next));
  // The next contact is due by the earliest outstanding obligation: the regular interval, a first
  // contact not yet made (Friday release → Tuesday after a Monday bank holiday), or a follow-up.
  const contactDues =
    positions.contact.next === null
      ? []
      : [
          positions.contact.next,
          ...(first.result.deliveredOn === null && first.result.met === null ? [dayNumber(first.result.due)] : []),
          ...followUps.filter((f) => f.deliveredOn === null).map((f) => dayNumber(f.due)),
        ];

  return {
    standardVersion: standard.id,
    asOf: options.asOf,
    periodFrom: options.periodFrom ?? null,
    status,
    reasons: reasonsOf(ctx, first.result, positions, lapses, followUpsInScope),
    breach: followUpsInScope.some((f) => f.status === 'BREACH'),
    assessedRisk: now.assessed,
    mappaLevel: now.mappa,
    effectiveRisk: now.row,
    phase: now.phase.label,
    nextContactDue: contactDues.length ? fromDayNumber(Math.min(...contactDues)) : null,
    nextHomeVisitDue: nextIso(positions.homeVisit),
    nextPoliceVisitDue: nextIso(positions.policeVisit),
    parts,
    firstContact: first.result,
    followUps,
    lapses: lapses
      .filter((l) => l.lateTo >= ctx.scopeFrom)
      .map((l) => ({
        requirement: l.requirement,
        since: fromDayNumber(l.since),
        due: fromDayNumber(l.due),
        resolvedOn: l.resolvedOn === null ? null : fromDayNumber(l.resolvedOn),
      })),
    periods,
    reviews: {
      nextCaseReview: review <= ctx.end && ctx.asOf <= ctx.end ? fromDayNumber(review) : null,
      riskAssessmentDue: riskAssessment.forRiskLevels.includes(now.assessed) ? fromDayNumber(addInterval(lastAssessment, riskAssessment.every)) : null,
    },
  };
}
