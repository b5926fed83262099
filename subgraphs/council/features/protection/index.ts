import DataLoader from 'dataloader';
import { MigrationInterface, QueryRunner } from 'typeorm';
import { z } from 'zod';
import { AuthorityNames } from '../../../../schema/authorities';
import { badInput, conflict } from '../../../../schema/errors';
import { addDays } from '../../../../schema/standard/dates';
import type { CouncilDataset } from '../../../../scripts/demo-data';
import { justificationOf, logEvent } from '../../../shared/audit-log';
import { indexBy } from '../../../shared/group';
import { freeText, id, isoDate, parseInput } from '../../../shared/validate';
import { fullField, notAfterToday, requireWriter, updateReturning, userOf, writableCase } from '../../case-access';
import { CouncilFeature, DemoRng, perRequest } from '../../feature';
import type { CouncilContext } from '../../resolvers';
import { addChronologyEntry } from '../chronology';

/**
 * Links to child and adult protection (2011 self-evaluation indicator; improvement action 4.4.9).
 * A change is a significant event: it goes into the chronology in the same transaction, and the
 * case row's version guards against two people changing the links at once.
 */

interface ProtectionRow {
  case_id: string;
  child_protection: boolean;
  child_protection_ref: string | null;
  adult_protection: boolean;
  adult_protection_ref: string | null;
  changed_on: string | null;
  changed_by: string | null;
}

class CreateCaseProtection1764401437000 implements MigrationInterface {
  name = 'CreateCaseProtection1764401437000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE case_protection (
        case_id text PRIMARY KEY REFERENCES cases(id),
        child_protection boolean NOT NULL,
        child_protection_ref text CHECK (child_protection OR child_protection_ref IS NULL),
        adult_protection boolean NOT NULL,
        adult_protection_ref text CHECK (adult_protection OR adult_protection_ref IS NULL),
        changed_on date NOT NULL,
        changed_by text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE case_protection');
  }
}

const NONE = { child_protection: false, child_protection_ref: null, adult_protection: false, adult_protection_ref: null, changed_on: null, changed_by: null };

const protectionLoader = (ctx: CouncilContext) =>
  perRequest(ctx, 'protection', () =>
    new DataLoader<string, ProtectionRow | null>(async (ids) =>
      indexBy(await ctx.deps.db.query<ProtectionRow>('SELECT * FROM case_protection WHERE case_id = ANY($1)', [ids]), (r) => r.case_id, ids),
    ),
  );

/** Referral references as the protection systems issue them: letters, digits and / - . only. */
const reference = () => z.string().trim().min(3, 'must be a referral reference').max(50).regex(/^[A-Za-z0-9/.-]+$/, 'may use letters, digits and / . - only');

const setInput = z
  .object({
    caseId: id(),
    expectedVersion: z.number().int().min(1),
    childProtection: z.boolean(),
    childProtectionRef: reference().nullish(),
    adultProtection: z.boolean(),
    adultProtectionRef: reference().nullish(),
    effectiveOn: isoDate(),
    reason: freeText(1000).nullish(),
  })
  .superRefine((v, ctx) => {
    // A flag is a link to the other system: it needs that system's reference, and a reference needs its flag.
    for (const [flag, ref] of [['childProtection', 'childProtectionRef'], ['adultProtection', 'adultProtectionRef']] as const) {
      if (v[flag] && !v[ref]) ctx.addIssue({ code: 'custom', path: [ref], message: `is required when ${flag} is true` });
      if (!v[flag] && v[ref]) ctx.addIssue({ code: 'custom', path: [ref], message: `must be empty when ${flag} is false` });
    }
  });

function describeChange(before: Pick<ProtectionRow, 'child_protection' | 'child_protection_ref' | 'adult_protection' | 'adult_protection_ref'>, after: typeof before): string[] {
  const parts: string[] = [];
  for (const [label, flag, ref] of [['Child protection', 'child_protection', 'child_protection_ref'], ['Adult protection', 'adult_protection', 'adult_protection_ref']] as const) {
    if (before[flag] === after[flag] && before[ref] === after[ref]) continue;
    if (!after[flag]) parts.push(`${label} link removed (was ${before[ref]}).`);
    else if (!before[flag]) parts.push(`${label} link added: referral ${after[ref]}.`);
    else parts.push(`${label} referral changed from ${before[ref]} to ${after[ref]}.`);
  }
  return parts;
}

/** Demo: about one case in eight is linked to child protection and one in sixteen to adult protection. */
function demo(dataset: CouncilDataset, rng: DemoRng, names: AuthorityNames, today: string): void {
  const rows: ProtectionRow[] = [];
  const chronology: object[] = [];
  let serial = 0;
  for (const c of dataset.cases.filter((x) => x.status === 'OPEN')) {
    const child = rng.chance(0.125);
    const adult = rng.chance(0.0625);
    if (!child && !adult) continue;
    const on = [addDays(c.start_date, rng.int(1, 60)), today].sort()[0];
    const row = {
      case_id: c.id,
      child_protection: child,
      child_protection_ref: child ? `CP-${names.caseIdPrefix}-${on.slice(0, 4)}-${String((serial += 1)).padStart(4, '0')}` : null,
      adult_protection: adult,
      adult_protection_ref: adult ? `ASP-${names.caseIdPrefix}-${on.slice(0, 4)}-${String((serial += 1)).padStart(4, '0')}` : null,
      changed_on: on,
      changed_by: c.case_manager_id,
    };
    rows.push(row);
    chronology.push({
      id: `CH-${c.id}-protection`,
      case_id: c.id,
      occurred_on: on,
      kind: 'PROTECTION_CHANGE',
      summary: describeChange(NONE, row).join(' '),
      source: 'AUTOMATIC',
      recorded_by: c.case_manager_id,
      idempotency_key: null,
      created_at: `${on}T12:00:00Z`,
    });
  }
  (dataset.extra.case_protection ??= []).push(...rows);
  (dataset.extra.chronology_entries ??= []).push(...chronology);
}

export const protectionFeature: CouncilFeature = {
  name: 'protection',
  schemaFile: `${__dirname}/schema.graphql`,
  migrations: [CreateCaseProtection1764401437000],
  demo,
  resolvers: (names) => ({
    [`${names.typePrefix}Case`]: {
      protection: fullField(async (c, ctx) => {
        const p = (await protectionLoader(ctx).load(c.id)) ?? NONE;
        return {
          childProtection: p.child_protection,
          childProtectionRef: p.child_protection_ref,
          adultProtection: p.adult_protection,
          adultProtectionRef: p.adult_protection_ref,
          changedOn: p.changed_on,
          changedBy: p.changed_by,
        };
      }),
    },
    Mutation: {
      [`${names.fieldPrefix}SetProtectionLinks`]: async (_: unknown, { input }: { input: unknown }, ctx: CouncilContext) => {
        const user = userOf(ctx);
        requireWriter(user, ctx.deps);
        const p = parseInput(setInput, input);
        notAfterToday(p.effectiveOn, 'effectiveOn', ctx.deps);
        const after = { child_protection: p.childProtection, child_protection_ref: p.childProtectionRef ?? null, adult_protection: p.adultProtection, adult_protection_ref: p.adultProtectionRef ?? null };
        await ctx.deps.db.transaction(async (runner) => {
          const found = await writableCase(runner, p.caseId);
          if (p.effectiveOn < found.start_date) throw badInput('effectiveOn', 'effectiveOn: is before the case started.');
          const [before = NONE] = (await runner.query('SELECT * FROM case_protection WHERE case_id = $1', [p.caseId])) as ProtectionRow[];
          const changes = describeChange(before, after);
          // Asking for what is already recorded (a retry, or two people agreeing) changes nothing.
          if (!changes.length) return;
          const bumped = await updateReturning(runner, 'UPDATE cases SET version = version + 1 WHERE id = $1 AND version = $2 RETURNING id', [p.caseId, p.expectedVersion]);
          if (!bumped.length) throw conflict(`Case ${p.caseId} changed since you read it (version ${found.version}, not ${p.expectedVersion}). Reload and try again.`);
          await runner.query(
            `INSERT INTO case_protection (case_id, child_protection, child_protection_ref, adult_protection, adult_protection_ref, changed_on, changed_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (case_id) DO UPDATE SET child_protection = $2, child_protection_ref = $3, adult_protection = $4, adult_protection_ref = $5,
               changed_on = $6, changed_by = $7, updated_at = now()`,
            [p.caseId, after.child_protection, after.child_protection_ref, after.adult_protection, after.adult_protection_ref, p.effectiveOn, user.sub],
          );
          await addChronologyEntry(runner, {
            caseId: p.caseId,
            occurredOn: p.effectiveOn,
            kind: 'PROTECTION_CHANGE',
            summary: [...changes, ...(p.reason?.trim() ? [`Reason: ${p.reason.trim()}`] : [])].join(' '),
            recordedBy: user.sub,
          });
          // The parts that changed, by input field name; the reason goes into the chronology.
          const changed = (['child', 'adult'] as const).flatMap((k) =>
            before[`${k}_protection`] === after[`${k}_protection`] && before[`${k}_protection_ref`] === after[`${k}_protection_ref`] ? [] : [`${k}Protection`, `${k}ProtectionRef`],
          );
          await logEvent(runner, {
            event: 'ALTERATION',
            actor: user,
            justification: justificationOf(ctx.caller),
            recordType: 'CASE',
            recordId: found.id,
            personId: found.offender_id,
            fields: [...changed, 'effectiveOn', ...(p.reason?.trim() ? ['reason'] : [])],
            note: 'protection links',
          });
        });
        ctx.loaders.case.clear(p.caseId);
        protectionLoader(ctx).clear(p.caseId);
        return ctx.loaders.case.load(p.caseId);
      },
    },
  }),
};
