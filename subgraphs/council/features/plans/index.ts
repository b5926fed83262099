import { randomUUID } from 'node:crypto';
import DataLoader from 'dataloader';
import { MigrationInterface, QueryRunner } from 'typeorm';
import { z } from 'zod';
import { canSeeRestricted } from '../../../../schema/access';
import { RiskLevel } from '../../../../schema/domain';
import { appError, badInput, conflict, forbidden } from '../../../../schema/errors';
import { User } from '../../../../schema/identity';
import { addDays } from '../../../../schema/standard/dates';
import { justificationOf, logEvent } from '../../../shared/audit-log';
import { groupBy } from '../../../shared/group';
import { freeText, id, idempotencyKey, isoDate, parseInput } from '../../../shared/validate';
import { fullField, requireWriter, summaryField, updateReturning, userOf, writableCase } from '../../case-access';
import type { CaseRow, PlanRow } from '../../data/cases';
import { CouncilFeature, perRequest } from '../../feature';
import type { CouncilContext } from '../../resolvers';
import { addChronologyEntry } from '../chronology';
import { addMonths } from '../risk-tools/scales';

/** The five sections of a risk management plan (DOMAIN.md, "RMP"): GraphQL name → column. */
export const PLAN_SECTIONS = {
  supervision: 'supervision',
  monitoringAndControl: 'monitoring_and_control',
  interventionsAndTreatment: 'interventions_and_treatment',
  victimSafetyPlanning: 'victim_safety_planning',
  contingency: 'contingency',
} as const;
type SectionField = keyof typeof PLAN_SECTIONS;
const SECTION_FIELDS = Object.keys(PLAN_SECTIONS) as SectionField[];
const SECTION_COLUMNS = Object.values(PLAN_SECTIONS);

/** Months from today to a new draft's review date when none is given (the 6-monthly review rhythm; default). */
export const DEFAULT_PLAN_REVIEW_MONTHS = 6;

const PLAN_RISK_LEVELS: readonly RiskLevel[] = ['HIGH', 'VERY_HIGH'];

export interface PlanVersionRow extends PlanRow {
  format_code: string;
  supervision: string | null;
  monitoring_and_control: string | null;
  interventions_and_treatment: string | null;
  victim_safety_planning: string | null;
  contingency: string | null;
  row_version: number;
  approved_on: string | null;
  drafted_by: string | null;
  idempotency_key: string | null;
}

interface FormatRow {
  code: string;
  title: string;
  effective_from: string;
  effective_to: string | null;
}

class VersionPlans1764400400000 implements MigrationInterface {
  name = 'VersionPlans1764400400000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE plan_formats (
        code text PRIMARY KEY,
        title text NOT NULL,
        effective_from date NOT NULL,
        effective_to date CHECK (effective_to IS NULL OR effective_to >= effective_from)
      )`);
    // The 2011 Dundee report has local formats "later replaced by a national format"; no public
    // changeover date exists, so the switch is put at 1 April 2016, when Tayside took on category 3 (default).
    await q.query(`
      INSERT INTO plan_formats (code, title, effective_from, effective_to) VALUES
        ('LOCAL_2011', 'Dundee 2011 local RMP format', '2011-01-01', '2016-03-31'),
        ('NATIONAL', 'National RMP format (replaces local format)', '2016-04-01', NULL)`);
    await q.query(`
      ALTER TABLE risk_management_plans
        ADD COLUMN format_code text REFERENCES plan_formats(code),
        ADD COLUMN supervision text,
        ADD COLUMN monitoring_and_control text,
        ADD COLUMN interventions_and_treatment text,
        ADD COLUMN victim_safety_planning text,
        ADD COLUMN contingency text,
        ADD COLUMN row_version int NOT NULL DEFAULT 1,
        ADD COLUMN approved_on date,
        ADD COLUMN drafted_by text,
        ADD COLUMN idempotency_key text UNIQUE`);
    // Existing plans get the format that was in force when they were written.
    await q.query(`
      UPDATE risk_management_plans p SET format_code = f.code FROM plan_formats f
      WHERE p.created_at::date >= f.effective_from AND (f.effective_to IS NULL OR p.created_at::date <= f.effective_to)`);
    await q.query('ALTER TABLE risk_management_plans ALTER COLUMN format_code SET NOT NULL');
    // At most one draft and one approved version per case: the database, not only the code, keeps it so.
    await q.query(`CREATE UNIQUE INDEX rmp_one_draft ON risk_management_plans (case_id) WHERE status = 'DRAFT'`);
    await q.query(`CREATE UNIQUE INDEX rmp_one_approved ON risk_management_plans (case_id) WHERE status = 'APPROVED'`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX rmp_one_draft, rmp_one_approved');
    await q.query(`
      ALTER TABLE risk_management_plans DROP COLUMN format_code, DROP COLUMN supervision, DROP COLUMN monitoring_and_control,
        DROP COLUMN interventions_and_treatment, DROP COLUMN victim_safety_planning, DROP COLUMN contingency,
        DROP COLUMN row_version, DROP COLUMN approved_on, DROP COLUMN drafted_by, DROP COLUMN idempotency_key`);
    await q.query('DROP TABLE plan_formats');
  }
}

/** The "missing plan" rule: an open HIGH/VERY_HIGH case needs an approved plan not past its review date. */
export function planMissing(c: { status: string; risk_level: RiskLevel }, currentPlan: { status: string; review_date: string } | null, today: string): boolean {
  if (c.status !== 'OPEN' || !PLAN_RISK_LEVELS.includes(c.risk_level)) return false;
  return !(currentPlan?.status === 'APPROVED' && currentPlan.review_date >= today);
}

const historyLoader = (ctx: CouncilContext) =>
  perRequest(ctx, 'plan-history', () =>
    new DataLoader<string, PlanVersionRow[]>(async (ids) =>
      groupBy(await ctx.deps.db.query<PlanVersionRow>('SELECT * FROM risk_management_plans WHERE case_id = ANY($1) ORDER BY case_id, version DESC', [ids]), (r) => r.case_id, ids),
    ),
  );

/** The formats table is a handful of rows: read once per request. */
const formats = (ctx: CouncilContext) =>
  perRequest(ctx, 'plan-formats', () => ctx.deps.db.query<FormatRow>('SELECT * FROM plan_formats ORDER BY effective_from'));

const formatToGraphQL = (f: FormatRow) => ({ code: f.code, title: f.title, effectiveFrom: f.effective_from, effectiveTo: f.effective_to });

/** The parent object of RiskManagementPlanVersion: the row plus the case facts the restricted-field rule needs. */
interface PlanParent {
  row: PlanVersionRow;
  mappaLevel: number;
}

const section = () => freeText(10000).transform((s) => s.trim()).nullish();

const draftInput = z.object({ caseId: id(), reviewDate: isoDate().nullish(), idempotencyKey: idempotencyKey() });
const editInput = z.object({
  planId: id(),
  expectedRowVersion: z.number().int().min(1, 'must be a row version read from the plan'),
  reviewDate: isoDate().nullish(),
  ...Object.fromEntries(SECTION_FIELDS.map((f) => [f, section()])),
}) as z.ZodType<{ planId: string; expectedRowVersion: number; reviewDate?: string | null } & Partial<Record<SectionField, string | null>>>;
const approveInput = z.object({ planId: id(), expectedRowVersion: z.number().int().min(1, 'must be a row version read from the plan') });

const isManager = (user: User) => user.roles.includes('TEAM_MANAGER') || user.roles.includes('SERVICE_MANAGER');

async function planForWrite(runner: QueryRunner, planId: string): Promise<{ plan: PlanVersionRow; found: CaseRow }> {
  const [plan] = (await runner.query('SELECT * FROM risk_management_plans WHERE id = $1', [planId])) as PlanVersionRow[];
  if (!plan) throw appError('NOT_FOUND', `Plan ${planId} was not found.`, { field: 'planId' });
  // Locking the case row serialises every write to the case's plans, so of two concurrent
  // saves of the same draft the second always sees the first's row version.
  const found = await writableCase(runner, plan.case_id, 'planId');
  const [fresh] = (await runner.query('SELECT * FROM risk_management_plans WHERE id = $1', [planId])) as PlanVersionRow[];
  return { plan: fresh, found };
}

function staleOrReadOnly(plan: PlanVersionRow, expected: number) {
  if (plan.status !== 'DRAFT') return conflict(`Plan version ${plan.version} is ${plan.status.toLowerCase()} and read-only; draft a new version to change it.`);
  return conflict(`Someone else saved plan version ${plan.version} first (row version ${plan.row_version}, you had ${expected}); reload it and reapply your changes.`);
}

export async function draftPlan(user: User, raw: unknown, ctx: CouncilContext): Promise<PlanParent> {
  requireWriter(user, ctx.deps);
  const input = parseInput(draftInput, raw);
  const today = ctx.deps.today();
  if (input.reviewDate && input.reviewDate <= today) throw badInput('reviewDate', 'reviewDate: must be after today.');
  return ctx.deps.db.transaction(async (runner) => {
    const found = await writableCase(runner, input.caseId);
    const [again] = (await runner.query('SELECT * FROM risk_management_plans WHERE idempotency_key = $1', [input.idempotencyKey])) as PlanVersionRow[];
    if (again) {
      if (again.case_id !== input.caseId) throw badInput('idempotencyKey', 'idempotencyKey: already used for another case.');
      return { row: again, mappaLevel: found.mappa_level };
    }
    const [latest] = (await runner.query('SELECT * FROM risk_management_plans WHERE case_id = $1 ORDER BY version DESC LIMIT 1', [input.caseId])) as PlanVersionRow[];
    if (latest?.status === 'DRAFT') throw conflict(`Case ${input.caseId} already has draft version ${latest.version}; edit that draft instead.`);
    const [format] = (await runner.query(
      'SELECT code FROM plan_formats WHERE effective_from <= $1 AND (effective_to IS NULL OR effective_to >= $1) ORDER BY effective_from DESC LIMIT 1',
      [today],
    )) as { code: string }[];
    if (!format) throw new Error(`No risk management plan format is in force on ${today}`);
    const [row] = (await runner.query(
      `INSERT INTO risk_management_plans (id, case_id, version, status, review_date, format_code, ${SECTION_COLUMNS.join(', ')}, drafted_by, idempotency_key)
       VALUES ($1, $2, $3, 'DRAFT', $4, $5, ${SECTION_COLUMNS.map((_, i) => `$${i + 6}`).join(', ')}, $11, $12) RETURNING *`,
      [
        `RMP-${randomUUID()}`,
        input.caseId,
        (latest?.version ?? 0) + 1,
        input.reviewDate ?? addMonths(today, DEFAULT_PLAN_REVIEW_MONTHS),
        format.code,
        ...SECTION_COLUMNS.map((c) => latest?.[c] ?? null),
        user.sub,
        input.idempotencyKey,
      ],
    )) as PlanVersionRow[];
    // The new version holds its review date and whatever sections it took over from the last one.
    const copied = SECTION_FIELDS.filter((f) => latest?.[PLAN_SECTIONS[f]] != null);
    await logEvent(runner, {
      event: 'COLLECTION',
      actor: user,
      justification: justificationOf(ctx.caller),
      recordType: 'RISK_MANAGEMENT_PLAN',
      recordId: row.id,
      personId: found.offender_id,
      fields: ['reviewDate', ...copied].sort(),
      note: `case ${found.id}; version ${row.version}${latest ? ` drafted from version ${latest.version}` : ''}`,
    });
    return { row, mappaLevel: found.mappa_level };
  });
}

export async function editPlan(user: User, raw: unknown, ctx: CouncilContext): Promise<PlanParent> {
  requireWriter(user, ctx.deps);
  const input = parseInput(editInput, raw);
  if (input.reviewDate && input.reviewDate <= ctx.deps.today()) throw badInput('reviewDate', 'reviewDate: must be after today.');
  const changes = SECTION_FIELDS.filter((f) => input[f] != null);
  if (!changes.length && !input.reviewDate) throw badInput('input', 'input: nothing to change; give reviewDate or at least one section.');
  return ctx.deps.db.transaction(async (runner) => {
    const { plan, found } = await planForWrite(runner, input.planId);
    const sets = changes.map((f, i) => `${PLAN_SECTIONS[f]} = $${i + 4}`);
    const [row] = await updateReturning<PlanVersionRow>(
      runner,
      `UPDATE risk_management_plans SET ${[...sets, 'review_date = COALESCE($3, review_date)', 'row_version = row_version + 1'].join(', ')}
       WHERE id = $1 AND row_version = $2 AND status = 'DRAFT' RETURNING *`,
      [input.planId, input.expectedRowVersion, input.reviewDate ?? null, ...changes.map((f) => input[f])],
    );
    if (!row) throw staleOrReadOnly(plan, input.expectedRowVersion);
    await logEvent(runner, {
      event: 'ALTERATION',
      actor: user,
      justification: justificationOf(ctx.caller),
      recordType: 'RISK_MANAGEMENT_PLAN',
      recordId: row.id,
      personId: found.offender_id,
      fields: [...(input.reviewDate ? ['reviewDate'] : []), ...changes].sort(),
      note: `case ${found.id}; version ${row.version}`,
    });
    return { row, mappaLevel: found.mappa_level };
  });
}

export async function approvePlan(user: User, raw: unknown, ctx: CouncilContext): Promise<PlanParent> {
  requireWriter(user, ctx.deps);
  if (!isManager(user)) throw forbidden('plan approval (team or service managers approve plans)');
  const input = parseInput(approveInput, raw);
  const today = ctx.deps.today();
  return ctx.deps.db.transaction(async (runner) => {
    const { plan, found } = await planForWrite(runner, input.planId);
    const [approver] = (await runner.query('SELECT id, name FROM staff WHERE id = $1', [user.sub])) as { id: string; name: string }[];
    if (!approver) throw forbidden(`plan approval (you are not on the ${ctx.deps.names.displayName} staff list)`);
    // A retried approval: this approver's approval is what moved the row on from the expected version.
    if (plan.status === 'APPROVED' && plan.approved_by === user.sub && plan.row_version === input.expectedRowVersion + 1) return { row: plan, mappaLevel: found.mappa_level };
    if (plan.status !== 'DRAFT' || plan.row_version !== input.expectedRowVersion) throw staleOrReadOnly(plan, input.expectedRowVersion);
    const empty = SECTION_FIELDS.filter((f) => !plan[PLAN_SECTIONS[f]]?.trim());
    if (empty.length) throw badInput('planId', `planId: every section must be written before approval; empty: ${empty.join(', ')}.`);
    if (plan.review_date < today) throw badInput('planId', `planId: the review date ${plan.review_date} has passed; edit it before approval.`);
    const superseded = await updateReturning<{ version: number }>(
      runner,
      `UPDATE risk_management_plans SET status = 'SUPERSEDED', row_version = row_version + 1 WHERE case_id = $1 AND status = 'APPROVED' RETURNING version`,
      [plan.case_id],
    );
    const [row] = await updateReturning<PlanVersionRow>(
      runner,
      `UPDATE risk_management_plans SET status = 'APPROVED', approved_by = $3, approved_on = $4, row_version = row_version + 1
       WHERE id = $1 AND row_version = $2 AND status = 'DRAFT' RETURNING *`,
      [plan.id, input.expectedRowVersion, user.sub, today],
    );
    if (!row) throw staleOrReadOnly(plan, input.expectedRowVersion);
    await addChronologyEntry(runner, {
      caseId: plan.case_id,
      occurredOn: today,
      kind: 'OTHER',
      summary: `Risk management plan version ${row.version} approved by ${approver.name}; review by ${row.review_date}.`,
      recordedBy: user.sub,
    });
    await logEvent(runner, {
      event: 'ALTERATION',
      actor: user,
      justification: justificationOf(ctx.caller),
      recordType: 'RISK_MANAGEMENT_PLAN',
      recordId: row.id,
      personId: found.offender_id,
      fields: ['approvedBy', 'approvedOn', 'status'],
      note: `case ${found.id}; version ${row.version} approved${superseded.length ? `, superseding version ${superseded.map((p) => p.version).join(', ')}` : ''}`,
    });
    return { row, mappaLevel: found.mappa_level };
  });
}

export const plansFeature: CouncilFeature = {
  name: 'plans',
  schemaFile: `${__dirname}/schema.graphql`,
  migrations: [VersionPlans1764400400000],
  flags: { MISSING_PLAN: async (c, ctx) => planMissing(c, await ctx.loaders.currentPlan.load(c.id), ctx.deps.today()) },
  resolvers: (names) => ({
    Query: {
      [`${names.fieldPrefix}PlanFormats`]: async (_: unknown, _args: unknown, ctx: CouncilContext) => {
        userOf(ctx);
        return (await formats(ctx)).map(formatToGraphQL);
      },
    },
    Mutation: {
      [`${names.fieldPrefix}DraftRiskManagementPlan`]: (_: unknown, { input }: { input: unknown }, ctx: CouncilContext) => draftPlan(userOf(ctx), input, ctx),
      [`${names.fieldPrefix}EditRiskManagementPlan`]: (_: unknown, { input }: { input: unknown }, ctx: CouncilContext) => editPlan(userOf(ctx), input, ctx),
      [`${names.fieldPrefix}ApproveRiskManagementPlan`]: (_: unknown, { input }: { input: unknown }, ctx: CouncilContext) => approvePlan(userOf(ctx), input, ctx),
    },
    [`${names.typePrefix}Case`]: {
      riskManagementPlanHistory: fullField(async (c, ctx): Promise<PlanParent[]> => (await historyLoader(ctx).load(c.id)).map((row) => ({ row, mappaLevel: c.mappa_level }))),
      // Derived only from what the MAPPA summary already shows (risk level, plan review date), so summary viewers get it too.
      missingPlan: summaryField(async (c, ctx) => planMissing(c, await ctx.loaders.currentPlan.load(c.id), ctx.deps.today())),
    },
    RiskManagementPlanVersion: {
      id: ({ row }: PlanParent) => row.id,
      caseId: ({ row }: PlanParent) => row.case_id,
      version: ({ row }: PlanParent) => row.version,
      status: ({ row }: PlanParent) => row.status,
      format: async ({ row }: PlanParent, _: unknown, ctx: CouncilContext) => formatToGraphQL((await formats(ctx)).find((f) => f.code === row.format_code)!),
      reviewDate: ({ row }: PlanParent) => row.review_date,
      inDate: ({ row }: PlanParent, _: unknown, ctx: CouncilContext) => row.status === 'APPROVED' && row.review_date >= ctx.deps.today(),
      supervision: ({ row }: PlanParent) => row.supervision,
      monitoringAndControl: ({ row }: PlanParent) => row.monitoring_and_control,
      interventionsAndTreatment: ({ row }: PlanParent) => row.interventions_and_treatment,
      victimSafetyPlanning: ({ row, mappaLevel }: PlanParent, _: unknown, ctx: CouncilContext) => {
        if (!canSeeRestricted(userOf(ctx), { authority: names.authority, mappaLevel })) throw forbidden(`the victim safety planning of plan ${row.id}`);
        return row.victim_safety_planning;
      },
      contingency: ({ row }: PlanParent) => row.contingency,
      draftedBy: ({ row }: PlanParent) => row.drafted_by,
      approvedBy: async ({ row }: PlanParent, _: unknown, ctx: CouncilContext) => {
        const s = row.approved_by ? await ctx.loaders.staff.load(row.approved_by) : null;
        return s && { id: s.id, name: s.name, role: s.role };
      },
      approvedOn: ({ row }: PlanParent) => row.approved_on,
      rowVersion: ({ row }: PlanParent) => row.row_version,
    },
  }),
  demo: (dataset, rng, _names, referenceDate) => {
    const cases = new Map(dataset.cases.map((c) => [c.id, c]));
    const text = (c: { id: string }, what: string) => `${what} for ${c.id} (synthetic demo text).`;
    const sections = (c: { id: string }) => ({
      supervision: text(c, 'Weekly office appointments and monthly home visits'),
      monitoring_and_control: text(c, 'Licence conditions, exclusion zone and curfew checks'),
      interventions_and_treatment: text(c, 'Accredited programme and substance misuse work'),
      victim_safety_planning: text(c, 'Exclusion from the victim area; victim liaison kept informed'),
      contingency: text(c, 'If a condition is breached, inform police the same day and consider recall'),
    });
    let highRisk = 0;
    const extraVersions: PlanVersionRow[] = [];
    dataset.plans.forEach((p, i) => {
      const c = cases.get(p.case_id)!;
      Object.assign(p, { format_code: 'NATIONAL', ...sections(c), row_version: 1, approved_on: c.start_date, drafted_by: c.case_manager_id, idempotency_key: null });
      if (c.status !== 'OPEN') return;
      // Every third open HIGH/VERY_HIGH case has let its plan lapse: the missing-plan flag shows.
      if (PLAN_RISK_LEVELS.includes(c.initial_risk_level) && highRisk++ % 3 === 0) p.review_date = addDays(referenceDate, -rng.int(3, 60));
      // Every eighth open case has a revision in draft.
      if (i % 8 === 4) {
        extraVersions.push({ ...(p as PlanVersionRow), id: `RMP-${c.id}-2`, version: 2, status: 'DRAFT', review_date: addDays(referenceDate, rng.int(30, 180)), approved_by: null, approved_on: null, supervision: text(c, 'Revised: twice-weekly contact after a change of address') });
      }
    });
    dataset.plans.push(...extraVersions);
  },
};
