import { authorityNames } from '../schema/authorities';
import { AUTHORITIES, Authority, RiskLevel } from '../schema/domain';
import type { CaseHoldingRow, OffenderRow, PoliceVisitRow } from '../subgraphs/police/data/register';
import { COUNCIL_FEATURES } from '../subgraphs/council/features';
import { POLICE_FEATURES } from '../subgraphs/police/features';
import { coordinationDemo } from '../subgraphs/coordination/data/demo';
import type { AssessmentRow, CaseRow, ContactRow, PlanRow, StaffRow } from '../subgraphs/council/data/cases';

/**
 * Deterministic synthetic demo data at Tayside scale (2016 figures: 369 RSOs — Dundee 168,
 * Angus 102, Perth & Kinross 99 — 133 on statutory supervision, a handful at Level 2, one or
 * two at Level 3). Same seed and reference date → byte-identical dataset. Every name is made up
 * by combining word lists; no record describes a real person.
 */

/** mulberry32: tiny, fast, deterministic PRNG. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
    chance: (p: number) => next() < p,
  };
}

const FIRST_MALE = ['Aldous', 'Brennan', 'Calder', 'Dorran', 'Ewart', 'Fergal', 'Gorrie', 'Hamish', 'Innes', 'Jory', 'Kester', 'Lachlan', 'Murdo', 'Niven', 'Oran', 'Piers', 'Ruaridh', 'Struan', 'Torquil', 'Wallis'];
const FIRST_FEMALE = ['Ailsa', 'Brona', 'Catriona', 'Deirdre', 'Elspeth', 'Fenella', 'Isla', 'Morven', 'Rhona', 'Sorcha'];
const SURNAMES = ['Abernethy-Vale', 'Balgray', 'Carnoustock', 'Drumlithie', 'Edzellton', 'Fintry-Moss', 'Glenprosen', 'Inverarity', 'Kettins', 'Lunanhead', 'Menmuirson', 'Newtyle-Hay', 'Ogilvane', 'Pitscandle', 'Rescobie', 'Strathmartine-Roy', 'Tannadice-Lowe', 'Wellbank', 'Auchterhouse', 'Birkhill-Shaw', 'Craigowl', 'Dunnichen', 'Forfarley', 'Guthriefield', 'Kinnettles', 'Lintrathen', 'Monikie-Dow', 'Oathlaw', 'Panbride', 'Tealing'];
/** Every name the generator can use: invented compounds and common given names, never a real record. */
export const DEMO_NAME_LISTS = { FIRST_MALE: [] as string[], FIRST_FEMALE: [] as string[], SURNAMES: [] as string[] };
const STAFF_FIRST = ['Morag', 'Euan', 'Fiona', 'Graeme', 'Kirsty', 'Alasdair', 'Shona', 'Callum', 'Eilidh', 'Fraser', 'Iona', 'Ross'];

DEMO_NAME_LISTS.FIRST_MALE = FIRST_MALE;
DEMO_NAME_LISTS.FIRST_FEMALE = FIRST_FEMALE;
DEMO_NAME_LISTS.SURNAMES = SURNAMES;

export interface CouncilDataset {
  staff: StaffRow[];
  cases: Omit<CaseRow, 'risk_level'>[];
  assessments: (AssessmentRow & { idempotency_key: string })[];
  contacts: (ContactRow & { idempotency_key: string })[];
  plans: PlanRow[];
  /** Rows of feature tables, inserted after the core tables in the order the keys were added. */
  extra: Record<string, object[]>;
}

export interface PoliceDataset {
  offenders: OffenderRow[];
  holdings: CaseHoldingRow[];
  visits: PoliceVisitRow[];
  /** Rows of police feature tables, inserted after the core tables in the order the keys were added. */
  extra: Record<string, object[]>;
}

export interface DemoDataset {
  referenceDate: string;
  police: PoliceDataset;
  councils: Record<Authority, CouncilDataset>;
  /** The MAPPA unit's records: table → rows, in insertion order. */
  coordination: Record<string, object[]>;
}

const NOMINALS: Record<Authority, number> = { DUNDEE: 168, ANGUS: 102, PERTH_AND_KINROSS: 99 };
const SUPERVISED: Record<Authority, number> = { DUNDEE: 60, ANGUS: 37, PERTH_AND_KINROSS: 36 };
const CONTACT_DAYS: Record<RiskLevel, number> = { VERY_HIGH: 7, HIGH: 14, MEDIUM: 28, LOW: 28 };
const POLICE_VISIT_DAYS: Record<RiskLevel, number> = { VERY_HIGH: 30, HIGH: 91, MEDIUM: 182, LOW: 365 };

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

const pad = (n: number, w = 4) => String(n).padStart(w, '0');

/** How a supervised case's recent contact history is shaped, so the demo shows every compliance status. */
type Pattern = 'KEPT_UP' | 'DUE_SOON' | 'OVERDUE' | 'MISSED_NO_FOLLOW_UP' | 'MISSED_FOLLOWED_UP';

export function generateDemoData(options: { referenceDate: string; seed?: number }): DemoDataset {
  const rng = prng(options.seed ?? 20111);
  const today = options.referenceDate;
  const offenders: OffenderRow[] = [];
  const holdings: CaseHoldingRow[] = [];
  const visits: PoliceVisitRow[] = [];
  const councils = Object.fromEntries(
    AUTHORITIES.map((a) => [a, { staff: [], cases: [], assessments: [], contacts: [], plans: [], extra: {} } as CouncilDataset]),
  ) as Record<Authority, CouncilDataset>;

  for (const authority of AUTHORITIES) {
    const names = authorityNames(authority);
    const staff = councils[authority].staff;
    for (let i = 1; i <= 9; i++) {
      const role = i <= 6 ? 'CASE_MANAGER' : i <= 8 ? 'TEAM_MANAGER' : 'SERVICE_MANAGER';
      staff.push({ id: `${names.caseIdPrefix}-S${pad(i, 2)}`, name: `${rng.pick(STAFF_FIRST)} ${rng.pick(SURNAMES)}`, role });
    }
  }

  let serial = 0;
  for (const authority of AUTHORITIES) {
    for (let i = 0; i < NOMINALS[authority]; i++) {
      serial += 1;
      const id = `N${pad(serial, 6)}`;
      const sex = rng.chance(0.97) ? 'MALE' : 'FEMALE';
      const risk = rng.pick<RiskLevel>(['LOW', 'LOW', 'MEDIUM', 'MEDIUM', 'MEDIUM', 'HIGH', 'HIGH', 'VERY_HIGH']);
      const registeredOn = addDays(today, -rng.int(60, 3650));
      const indefinite = rng.chance(0.4);
      const category = i % 45 === 44 ? 3 : 1;
      offenders.push({
        id,
        first_name: rng.pick(sex === 'MALE' ? FIRST_MALE : FIRST_FEMALE),
        last_name: rng.pick(SURNAMES),
        date_of_birth: addDays('1990-01-01', -rng.int(0, 365 * 40)),
        sex,
        mappa_category: category,
        mappa_level: 1,
        council_area: authority,
        responsible_authority: 'POLICE_SCOTLAND',
        police_risk_level: risk,
        registered_on: category === 1 ? registeredOn : null,
        notification_period_ends: category === 1 && !indefinite ? addDays(registeredOn, 365 * rng.int(5, 10)) : null,
        notification_indefinite: category === 1 && indefinite,
        last_notified_on: category === 1 ? addDays(today, -rng.int(5, 360)) : null,
      });
      // Police RSO visits over the last two years, at the police row's frequency.
      if (category === 1) {
        for (let d = rng.int(0, POLICE_VISIT_DAYS[risk]); d < 730; d += POLICE_VISIT_DAYS[risk]) {
          const visitedOn = addDays(today, -d);
          if (visitedOn < registeredOn) break;
          // All attended: a failed police visit would need a follow-up too, and demo breaches are placed deliberately below.
          visits.push({ id: `PV-${id}-${pad(visits.length, 6)}`, offender_id: id, visited_on: visitedOn, type: 'HOME_VISIT', outcome: 'ATTENDED', officer: `DC ${rng.pick(SURNAMES)}` });
        }
      }
    }
  }

  // Supervised people: the first SUPERVISED[a] nominals of each council area hold a case there.
  const byArea = (a: Authority) => offenders.filter((o) => o.council_area === a);
  const patterns: Pattern[] = ['KEPT_UP', 'KEPT_UP', 'KEPT_UP', 'KEPT_UP', 'KEPT_UP', 'MISSED_FOLLOWED_UP', 'DUE_SOON', 'OVERDUE', 'KEPT_UP', 'KEPT_UP'];
  let caseSerial = 0;

  const openCase = (authority: Authority, offender: OffenderRow, start: string, end: string | null, pattern: Pattern, mappaLevel: number, transferredFrom: string | null) => {
    const names = authorityNames(authority);
    const data = councils[authority];
    caseSerial += 1;
    const caseId = `${names.caseIdPrefix}-${pad(caseSerial, 6)}`;
    const risk = offender.police_risk_level as RiskLevel;
    const managers = data.staff.filter((s) => s.role === 'CASE_MANAGER');
    const manager = managers[caseSerial % managers.length];
    data.cases.push({
      id: caseId,
      offender_id: offender.id,
      case_manager_id: manager.id,
      order_type: rng.pick(['LICENCE', 'COMMUNITY_PAYBACK_ORDER', 'SUPERVISED_RELEASE_ORDER', 'EXTENDED_SENTENCE']),
      start_date: start,
      end_date: end,
      status: end ? 'TRANSFERRED_OUT' : 'OPEN',
      mappa_level: mappaLevel,
      initial_risk_level: risk,
      transferred_from_case_id: transferredFrom,
      version: 1,
      // Register category 1 people are on the register for a sexual offence.
      subject_sex: offender.sex as 'MALE' | 'FEMALE',
      subject_date_of_birth: offender.date_of_birth,
      index_offence_sexual: offender.mappa_category === 1,
    });
    holdings.push({ case_id: caseId, offender_id: offender.id, authority, holding: !end });
    data.assessments.push({
      id: `RA-${caseId}-1`,
      case_id: caseId,
      tool: offender.sex === 'MALE' && offender.mappa_category === 1 ? 'RM2000' : 'LS_CMI',
      tool_result: risk,
      risk_level: risk,
      assessed_on: start,
      assessor_id: manager.id,
      next_review_due: addDays(start, 182),
      idempotency_key: `demo-ra-${caseId}-1`,
    });
    data.plans.push({ id: `RMP-${caseId}-1`, case_id: caseId, version: 1, status: 'APPROVED', review_date: addDays(end ?? today, rng.int(10, 150)), approved_by: data.staff.find((s) => s.role === 'TEAM_MANAGER')!.id });
    // Contacts: first within a day of start, then at the risk row's interval up to the end (or today).
    const interval = CONTACT_DAYS[mappaLevel >= 2 && (risk === 'LOW' || risk === 'MEDIUM') ? 'HIGH' : risk];
    const last = end ?? today;
    // Where regular contact stops decides the status the case shows on the reference date.
    const stopAt: Record<Pattern, string> = {
      KEPT_UP: last,
      DUE_SOON: addDays(last, -(interval - 1)),
      OVERDUE: addDays(last, -(interval + 10)),
      MISSED_FOLLOWED_UP: addDays(last, -6),
      MISSED_NO_FOLLOW_UP: addDays(last, -10),
    };
    let n = 0;
    const add = (date: string, type: string, outcome: string) => {
      n += 1;
      data.contacts.push({ id: `CT-${caseId}-${pad(n)}`, case_id: caseId, occurred_on: date, type, outcome, staff_id: manager.id, joint_with_police: type === 'JOINT_VISIT', notes: null, idempotency_key: `demo-ct-${caseId}-${n}` });
    };
    for (let d = start; d <= stopAt[pattern]; d = addDays(d, d === start ? 1 : Math.min(interval, 7))) {
      const type = n % 4 === 3 ? (n % 12 === 11 ? 'JOINT_VISIT' : 'HOME_VISIT') : 'OFFICE_APPOINTMENT';
      // A transferred-in case starts with a visit to the new address on the day of the move, so
      // supervision carries on without a gap; a release starts with a contact the next day.
      if (d === start && transferredFrom) add(start, 'HOME_VISIT', 'ATTENDED');
      else add(d === start ? addDays(start, 1) : d, type, 'ATTENDED');
    }
    if (pattern === 'MISSED_FOLLOWED_UP') {
      add(addDays(last, -5), 'OFFICE_APPOINTMENT', 'FAILED_TO_ATTEND');
      add(addDays(last, -4), 'HOME_VISIT', 'ATTENDED');
    }
    if (pattern === 'MISSED_NO_FOLLOW_UP') add(addDays(last, -9), 'OFFICE_APPOINTMENT', 'FAILED_TO_ATTEND');
    return caseId;
  };

  for (const authority of AUTHORITIES) {
    const supervised = byArea(authority).slice(0, SUPERVISED[authority]);
    supervised.forEach((o, i) => {
      // Levels: two Level 2 people per council; Level 3 for one in Dundee and one in Perth & Kinross.
      const level = i < 2 ? 2 : i === 2 && authority !== 'ANGUS' ? 3 : 1;
      o.mappa_level = level;
      o.responsible_authority = authority;
      const pattern: Pattern = i === 5 ? 'MISSED_NO_FOLLOW_UP' : patterns[i % patterns.length];
      const start = i === 3 ? addDays(today, -10) : addDays(today, -rng.int(40, 700));
      openCase(authority, o, start, null, pattern, level, null);
    });
  }

  // Transfers: a few people moved council; the old case stays as read-only history.
  const transfers: [Authority, Authority][] = [['ANGUS', 'DUNDEE'], ['ANGUS', 'DUNDEE'], ['DUNDEE', 'PERTH_AND_KINROSS'], ['PERTH_AND_KINROSS', 'ANGUS']];
  transfers.forEach(([from, to], k) => {
    const o = byArea(from)[SUPERVISED[from] + k];
    const start = addDays(today, -rng.int(300, 600));
    const moved = addDays(today, -rng.int(30, 200));
    const oldCase = openCase(from, o, start, moved, 'KEPT_UP', 1, null);
    openCase(to, o, moved, null, 'KEPT_UP', 1, oldCase);
    o.council_area = to;
    o.responsible_authority = to;
  });

  // Each feature of council case practice adds its own demo rows.
  for (const authority of AUTHORITIES) {
    for (const feature of COUNCIL_FEATURES) feature.demo?.(councils[authority], rng, authorityNames(authority), today);
  }

  // Police features and the MAPPA unit draw from their own streams, so adding them leaves every
  // row generated above unchanged.
  const police: PoliceDataset = { offenders, holdings, visits, extra: {} };
  const policeRng = prng((options.seed ?? 20111) + 1);
  for (const feature of POLICE_FEATURES) feature.demo?.(police, policeRng, today);
  const partial = { referenceDate: today, police, councils };
  return { ...partial, coordination: coordinationDemo(partial, prng((options.seed ?? 20111) + 2), today) };
}
