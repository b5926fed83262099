/**
 * The area-wide contact standard as versioned, effective-dated data.
 *
 * Every version is a JSON file in `versions/`. Adding a file is all it takes to publish a new
 * standard: it is validated here, picked by its `effectiveFrom` date, and every evaluation
 * reports the id of the version it used.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { AGENCIES, CONTACT_TYPES, RISK_LEVELS, RISK_RANK, type IsoDate, type RiskLevel } from '../domain';
import { isIsoDate } from './dates';

const isoDate = z.string().refine(isIsoDate, 'must be a real date written YYYY-MM-DD');

export const IntervalSchema = z
  .object({
    every: z.number().int().positive(),
    /** WEEK = 7 days; MONTH = same day of the month, clamped to the end of a shorter month. */
    unit: z.enum(['DAY', 'WEEK', 'MONTH']),
  })
  .strict();
export type Interval = z.infer<typeof IntervalSchema>;

const RowSchema = z
  .object({
    /** Supervision contact interval, keyed by phase id. */
    contact: z.record(z.string(), IntervalSchema),
    homeVisit: IntervalSchema,
    policeVisit: IntervalSchema,
  })
  .strict();

/** Which contact types recorded by which agency count towards one requirement. */
const CountingTableSchema = z.partialRecord(z.enum(AGENCIES), z.array(z.enum(CONTACT_TYPES)));

export const StandardVersionSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, 'lower-case letters, digits, dots and dashes'),
    effectiveFrom: isoDate,
    description: z.string().min(1),
    notes: z.array(z.string()).optional(),
    phases: z
      .array(
        z
          .object({
            id: z.string().min(1),
            label: z.string().min(1),
            /** The phase starts this many whole weeks after the release or order start. */
            fromWeek: z.number().int().min(0),
          })
          .strict(),
      )
      .min(1),
    rows: z.object({ LOW: RowSchema, MEDIUM: RowSchema, HIGH: RowSchema, VERY_HIGH: RowSchema }).strict(),
    minimumRowForMappaLevel: z.partialRecord(z.enum(['1', '2', '3']), z.enum(RISK_LEVELS)),
    firstContactWorkingDays: z.number().int().min(0),
    followUp: z
      .object({
        workingDays: z.number().int().min(0),
        /** Status of a failed appointment whose follow-up did not happen in time. */
        escalation: z.enum(['OVERDUE', 'BREACH']),
      })
      .strict(),
    dueSoonDays: z.number().int().min(0),
    reviews: z
      .object({
        rmpReview: z.object({ by: z.literal('RMP_REVIEW_DATE') }).strict(),
        caseReview: z.object({ first: IntervalSchema, thenEvery: IntervalSchema }).strict(),
        riskAssessment: z.object({ every: IntervalSchema, forRiskLevels: z.array(z.enum(RISK_LEVELS)) }).strict(),
      })
      .strict(),
    counts: z
      .object({
        // Only ATTENDED may count. The follow-up rule and the promise that recording a contact
        // never makes a case less compliant both rest on cancelled and failed contacts never counting.
        countedOutcomes: z.array(z.literal('ATTENDED')).min(1),
        contact: CountingTableSchema,
        homeVisit: CountingTableSchema,
        policeVisit: CountingTableSchema,
        /**
         * When true, anything that counts as a police visit also counts as a supervision contact
         * (and a failed one needs a follow-up). tayside-2026-1 says true: DOMAIN.md's rule is that
         * where police visits count, compliance for a person counts every agency's contacts. The
         * question the standard answers is "has anyone with a duty to see this person seen them
         * recently enough?". A police officer at the door two days ago is an answer to that, and
         * flagging the person overdue would send a second agency out to duplicate the visit.
         * A version can say false if CJSW contact is to mean offence-focused work only.
         */
        policeVisitsCountAsContacts: z.boolean(),
      })
      .strict(),
  })
  .strict()
  .superRefine((v, ctx) => {
    const ids = v.phases.map((p) => p.id);
    if (v.phases[0].fromWeek !== 0) {
      ctx.addIssue({ code: 'custom', path: ['phases', 0, 'fromWeek'], message: 'the first phase must start at week 0' });
    }
    v.phases.forEach((p, i) => {
      if (i > 0 && p.fromWeek <= v.phases[i - 1].fromWeek) {
        ctx.addIssue({ code: 'custom', path: ['phases', i, 'fromWeek'], message: 'phases must start in increasing week order' });
      }
    });
    if (new Set(ids).size !== ids.length) ctx.addIssue({ code: 'custom', path: ['phases'], message: 'phase ids must be unique' });
    for (const level of RISK_LEVELS) {
      const keys = Object.keys(v.rows[level].contact).sort();
      if (keys.join() !== [...ids].sort().join()) {
        ctx.addIssue({
          code: 'custom',
          path: ['rows', level, 'contact'],
          message: `needs exactly one interval per phase (${ids.join(', ')}), found ${keys.join(', ') || 'none'}`,
        });
      }
    }
    // The MAPPA floor and "higher risk is stricter" both assume a higher row never asks for less.
    for (let i = 1; i < RISK_LEVELS.length; i++) {
      const [lower, higher] = [v.rows[RISK_LEVELS[i - 1]], v.rows[RISK_LEVELS[i]]];
      const pairs: [string, Interval | undefined, Interval | undefined][] = [
        ...ids.map((id) => [`contact.${id}`, lower.contact[id], higher.contact[id]] as [string, Interval | undefined, Interval | undefined]),
        ['homeVisit', lower.homeVisit, higher.homeVisit],
        ['policeVisit', lower.policeVisit, higher.policeVisit],
      ];
      for (const [what, lo, hi] of pairs) {
        if (lo && hi && nominalDays(hi) > nominalDays(lo)) {
          ctx.addIssue({
            code: 'custom',
            path: ['rows', RISK_LEVELS[i]],
            message: `${RISK_LEVELS[i]} ${what} is less frequent than ${RISK_LEVELS[i - 1]}; a higher risk row must never ask for less`,
          });
        }
      }
    }
  });

export type StandardVersion = z.infer<typeof StandardVersionSchema>;

export function nominalDays({ every, unit }: Interval): number {
  return every * { DAY: 1, WEEK: 7, MONTH: 30.44 }[unit];
}

export const DEFAULT_VERSIONS_DIR = path.join(__dirname, 'versions');

/** Parse and validate one version; `source` names the file (or whatever) in error messages. */
export function parseStandardVersion(raw: unknown, source = 'standard version'): StandardVersion {
  const result = StandardVersionSchema.safeParse(raw);
  if (!result.success) {
    throw new Error(`Invalid contact standard in ${source}:\n${z.prettifyError(result.error)}`);
  }
  return result.data;
}

/**
 * Every version in `dir` (default: `versions/` next to this file), oldest first.
 * Throws, naming the file, on unreadable JSON, a schema failure, a file name that does not match
 * the id, or two versions sharing an id or an effective date.
 */
export function loadStandardVersions(dir: string = DEFAULT_VERSIONS_DIR): readonly StandardVersion[] {
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  const versions = files.map((file) => {
    const full = path.join(dir, file);
    let raw: unknown;
    try {
      raw = JSON.parse(fs.readFileSync(full, 'utf8'));
    } catch (err) {
      throw new Error(`Cannot read contact standard ${full}: ${(err as Error).message}`);
    }
    const version = parseStandardVersion(raw, full);
    if (`${version.id}.json` !== file) {
      throw new Error(`Contact standard ${full} has id "${version.id}"; the file must be named ${version.id}.json`);
    }
    return version;
  });
  if (versions.length === 0) throw new Error(`No contact standard versions (*.json) found in ${dir}`);
  versions.sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
  for (let i = 1; i < versions.length; i++) {
    if (versions[i].effectiveFrom === versions[i - 1].effectiveFrom) {
      throw new Error(
        `Contact standards ${versions[i - 1].id} and ${versions[i].id} in ${dir} are both effective from ${versions[i].effectiveFrom}`,
      );
    }
  }
  return Object.freeze(versions);
}

let defaultVersions: readonly StandardVersion[] | undefined;

/** The versions shipped in `versions/`, read once per process. */
export function defaultStandardVersions(): readonly StandardVersion[] {
  return (defaultVersions ??= loadStandardVersions());
}

/** The version in force on `date`: the latest whose `effectiveFrom` is on or before it. */
export function standardInForce(date: IsoDate, versions: readonly StandardVersion[] = defaultStandardVersions()): StandardVersion {
  if (!isIsoDate(date)) throw new RangeError(`Not a valid ISO date (YYYY-MM-DD): ${JSON.stringify(date)}`);
  let found: StandardVersion | undefined;
  for (const v of versions) {
    if (v.effectiveFrom <= date && (!found || v.effectiveFrom > found.effectiveFrom)) found = v;
  }
  if (!found) {
    const earliest = versions.map((v) => v.effectiveFrom).sort()[0];
    throw new RangeError(`No contact standard is in force on ${date}; the earliest version takes effect on ${earliest ?? '(none loaded)'}`);
  }
  return found;
}

/** Id of the newest shipped version (by effective date). */
export const AREA_STANDARD_VERSION: string = defaultStandardVersions().at(-1)!.id;

/** The row a case is managed on: its assessed risk, raised to the floor for its MAPPA level. */
export function rowFor(standard: StandardVersion, risk: RiskLevel, mappaLevel: number): RiskLevel {
  const floor = standard.minimumRowForMappaLevel[String(mappaLevel) as '1' | '2' | '3'];
  return floor && RISK_RANK[floor] > RISK_RANK[risk] ? floor : risk;
}

/** "weekly", "fortnightly", "monthly", "every 3 months", … */
export function describeInterval({ every, unit }: Interval): string {
  if (every === 1) return { DAY: 'daily', WEEK: 'weekly', MONTH: 'monthly' }[unit];
  if (every === 2 && unit === 'WEEK') return 'fortnightly';
  return `every ${every} ${unit.toLowerCase()}s`;
}
