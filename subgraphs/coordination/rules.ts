import { authorityNames } from '../../schema/authorities';
import { AUTHORITIES, Authority } from '../../schema/domain';
import { addWorkingDays } from '../../schema/standard';
import { addDays } from '../../schema/standard/dates';
import POPULATION from './data/population.json';
import TIMESCALES from './data/timescales.json';

/**
 * The MAPPA unit's rules as pure functions: first-meeting deadline and lateness, review dates,
 * and the annual return's arithmetic. Unit-tested without a database.
 */

export const FIRST_MEETING_WORKING_DAYS: number = TIMESCALES.firstMeetingWorkingDays;

/** The longest a person at `level` may go between meetings (default, configurable data). */
export function maxReviewDate(level: number, heldOn: string): string {
  const weeks = (TIMESCALES.maxReviewWeeks as Record<string, number>)[String(level)];
  return addDays(heldOn, weeks * 7);
}

/**
 * When the first meeting must be held. Community: within FIRST_MEETING_WORKING_DAYS Scottish
 * working days of the referral. Custody (*default*): before release, so by the day before the
 * expected release date.
 */
export function firstMeetingDue(referral: { setting: 'COMMUNITY' | 'CUSTODY'; referred_on: string; expected_release_on: string | null }): string {
  if (referral.setting === 'CUSTODY' && referral.expected_release_on) return addDays(referral.expected_release_on, -1);
  return addWorkingDays(referral.referred_on, FIRST_MEETING_WORKING_DAYS);
}

/** Late: held after the deadline, or not held and the deadline has passed. */
export function firstMeetingLate(due: string | null, firstMeetingOn: string | null, today: string): boolean {
  if (!due) return false;
  return firstMeetingOn ? firstMeetingOn > due : today > due;
}

/** The date a managed person is next due to be reviewed: the last meeting's review date, else the first-meeting deadline. */
export function nextReviewDue(m: { last_meeting_on: string | null; last_next_review_on: string | null; first_meeting_due: string | null }): string | null {
  return m.last_meeting_on ? m.last_next_review_on : m.first_meeting_due;
}

// ---- Annual return ---------------------------------------------------------------------------

/** 1 April `year` – 31 March `year + 1`. */
export function reportingYear(year: number) {
  return { start: `${year}-04-01`, end: `${year + 1}-03-31`, label: `${year}-${String((year + 1) % 100).padStart(2, '0')}` };
}

/** The latest population entry that applies to the reporting year (else the earliest), with what it is. */
export function populationFor(year: number): { label: string; appliesFrom: number; byCouncil: Record<Authority, number> } {
  const sorted = [...POPULATION.estimates].sort((a, b) => a.appliesFrom - b.appliesFrom);
  const chosen = [...sorted].reverse().find((e) => e.appliesFrom <= year) ?? sorted[0];
  return { label: chosen.label, appliesFrom: chosen.appliesFrom, byCouncil: Object.fromEntries(AUTHORITIES.map((a) => [a, chosen[a]])) as Record<Authority, number> };
}

export const POPULATION_SOURCE: string = POPULATION.source;

export interface PoliceFigures {
  council: Authority;
  rsosAtLiberty: number;
  mappaNominalsAtLiberty: number;
  notificationBreaches: number;
  wanted: number;
  missing: number;
  sopos: number;
  shpos: number;
  civilOrderBreaches: number;
  recalls: number;
  furtherSeriousOffences: number;
}

export interface SogRow {
  area: string;
  authority: Authority | null;
  population: number;
  rsosAtLiberty: number | null;
  rsosPer100k: number | null;
  level1: number | null;
  level2: number;
  level3: number;
  notificationBreaches: number | null;
  wanted: number | null;
  missing: number | null;
  sopos: number | null;
  shpos: number | null;
  civilOrderBreaches: number | null;
  statutorySupervision: number | null;
  recalls: number | null;
  furtherSeriousOffences: number | null;
}

export const per100k = (count: number, population: number) => Math.round((count / population) * 100_000 * 10) / 10;

const sum = (xs: (number | null)[]) => (xs.some((x) => x === null) ? null : xs.reduce<number>((a, b) => a + (b as number), 0));

/**
 * Combines every owner's figures into the SOG table: one row per council, then Tayside. A figure
 * whose owner did not answer is null in its council's row and in the Tayside total (a partial
 * total would be read as the real one), and a note says who is missing.
 */
export function buildSogTable(input: {
  year: number;
  police: PoliceFigures[] | null;
  statutorySupervision: Record<Authority, number | null>;
  levels: { council: string; level: number; n: number }[];
}) {
  const period = reportingYear(input.year);
  const population = populationFor(input.year);
  const notes = [`Population: ${population.label}. ${POPULATION_SOURCE}`, `Figures "on 31 March" are as at ${period.end}; other figures count events from ${period.start} to ${period.end}.`];
  if (!input.police) notes.push('The police register did not answer: its figures are missing.');
  for (const a of AUTHORITIES) if (input.statutorySupervision[a] === null) notes.push(`${authorityNames(a).displayName} did not answer: its statutory supervision figure is missing.`);
  const rows: SogRow[] = AUTHORITIES.map((a) => {
    const p = input.police?.find((f) => f.council === a) ?? null;
    const level2 = input.levels.find((l) => l.council === a && l.level === 2)?.n ?? 0;
    const level3 = input.levels.find((l) => l.council === a && l.level === 3)?.n ?? 0;
    return {
      area: authorityNames(a).displayName,
      authority: a,
      population: population.byCouncil[a],
      rsosAtLiberty: p?.rsosAtLiberty ?? null,
      rsosPer100k: p ? per100k(p.rsosAtLiberty, population.byCouncil[a]) : null,
      level1: p ? Math.max(0, p.mappaNominalsAtLiberty - level2 - level3) : null,
      level2,
      level3,
      notificationBreaches: p?.notificationBreaches ?? null,
      wanted: p?.wanted ?? null,
      missing: p?.missing ?? null,
      sopos: p?.sopos ?? null,
      shpos: p?.shpos ?? null,
      civilOrderBreaches: p?.civilOrderBreaches ?? null,
      statutorySupervision: input.statutorySupervision[a],
      recalls: p?.recalls ?? null,
      furtherSeriousOffences: p?.furtherSeriousOffences ?? null,
    };
  });
  const total = (pick: (r: SogRow) => number | null) => sum(rows.map(pick));
  const taysidePopulation = rows.reduce((a, r) => a + r.population, 0);
  const rsos = total((r) => r.rsosAtLiberty);
  rows.push({
    area: 'Tayside',
    authority: null,
    population: taysidePopulation,
    rsosAtLiberty: rsos,
    rsosPer100k: rsos === null ? null : per100k(rsos, taysidePopulation),
    level1: total((r) => r.level1),
    level2: rows.reduce((a, r) => a + r.level2, 0),
    level3: rows.reduce((a, r) => a + r.level3, 0),
    notificationBreaches: total((r) => r.notificationBreaches),
    wanted: total((r) => r.wanted),
    missing: total((r) => r.missing),
    sopos: total((r) => r.sopos),
    shpos: total((r) => r.shpos),
    civilOrderBreaches: total((r) => r.civilOrderBreaches),
    statutorySupervision: total((r) => r.statutorySupervision),
    recalls: total((r) => r.recalls),
    furtherSeriousOffences: total((r) => r.furtherSeriousOffences),
  });
  return { year: input.year, label: period.label, periodStart: period.start, periodEnd: period.end, rows, notes };
}
