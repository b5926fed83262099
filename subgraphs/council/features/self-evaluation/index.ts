import { randomUUID } from 'node:crypto';
import DataLoader from 'dataloader';
import { MigrationInterface, QueryRunner } from 'typeorm';
import { z } from 'zod';
import { AuthorityNames } from '../../../../schema/authorities';
import { appError, badInput, conflict } from '../../../../schema/errors';
import { sixPointGrade } from '../../../../schema/six-point-scale';
import { addDays } from '../../../../schema/standard/dates';
import type { CouncilDataset } from '../../../../scripts/demo-data';
import { justificationOf, logEvent } from '../../../shared/audit-log';
import { groupBy, indexBy } from '../../../shared/group';
import { freeText, id, idempotencyKey, isoDate, parseInput } from '../../../shared/validate';
import { insertOnce, notAfterToday, requireCouncilReader, requireManager, updateReturning, userOf } from '../../case-access';
import { CouncilFeature, DemoRng, perRequest } from '../../feature';
import type { CouncilContext } from '../../resolvers';
import { DUNDEE_2011, REPORT_DATE } from './dundee-2011';

/**
 * Self-evaluation and improvement plan (DOMAIN.md; the 2011 Dundee report is the model): five
 * categories graded on the six-point scale, optionally with graded quality indicators, and a plan
 * of dated actions whose progress is a history of dated notes, so the plan can be reported as it
 * stood on any date.
 */

export const CATEGORIES = ['OUTCOMES', 'IMPACT', 'KEY_PROCESSES', 'STAFF', 'LEADERSHIP'] as const;
type Category = (typeof CATEGORIES)[number];

/** The framework's key question for each category, as the 2011 report states them (para 4.3.1). */
export const CATEGORY_QUESTIONS: Record<Category, string> = {
  OUTCOMES: 'How do we know that what we do reduces the risk of harm that sex offenders and serious violent offenders pose?',
  IMPACT: 'How good are we at getting and acting on feedback from offenders, key partners and in informing the community?',
  KEY_PROCESSES: 'How do we know that we assess, manage, work collaboratively, adhere to procedures and monitor our work?',
  STAFF: 'How do we know that staff have the right skills, training and organisational support to do the job?',
  LEADERSHIP: 'How do we know there is proper oversight, management and corporate ownership of the work that we do?',
};

export const ACTION_STATUSES = ['NOT_STARTED', 'IN_PROGRESS', 'COMPLETE', 'WITHDRAWN'] as const;
type ActionStatus = (typeof ACTION_STATUSES)[number];

interface EvaluationRow {
  id: string;
  title: string;
  period_from: string;
  period_to: string;
  reported_on: string;
  overall_grade: number | null;
  capacity_grade: number | null;
  summary: string | null;
  recorded_by: string | null;
}
interface CategoryRow {
  evaluation_id: string;
  category: Category;
  grade: number;
  evidence: string | null;
}
interface IndicatorRow {
  evaluation_id: string;
  category: Category;
  position: number;
  code: string;
  title: string;
  grade: number;
}
export interface ActionRow {
  id: string;
  evaluation_id: string;
  reference: string;
  scope: 'LOCAL' | 'TAYSIDE';
  title: string;
  owner: string;
  agreed_on: string;
  due_on: string;
  status: ActionStatus;
  completed_on: string | null;
  version: number;
}
export interface NoteRow {
  id: string;
  action_id: string;
  noted_on: string;
  status: ActionStatus;
  note: string;
  recorded_by: string;
  recorded_at: Date | string;
}

class CreateSelfEvaluation1764401637000 implements MigrationInterface {
  name = 'CreateSelfEvaluation1764401637000';
  async up(q: QueryRunner): Promise<void> {
    const grade = 'int CHECK (%s BETWEEN 1 AND 6)';
    await q.query(`
      CREATE TABLE self_evaluations (
        id text PRIMARY KEY,
        title text NOT NULL,
        period_from date NOT NULL,
        period_to date NOT NULL CHECK (period_to >= period_from),
        reported_on date NOT NULL,
        overall_grade ${grade.replace('%s', 'overall_grade')},
        capacity_grade ${grade.replace('%s', 'capacity_grade')},
        summary text,
        recorded_by text,
        idempotency_key text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE self_evaluation_categories (
        evaluation_id text NOT NULL REFERENCES self_evaluations(id),
        category text NOT NULL CHECK (category IN (${CATEGORIES.map((c) => `'${c}'`).join(',')})),
        grade int NOT NULL CHECK (grade BETWEEN 1 AND 6),
        evidence text,
        PRIMARY KEY (evaluation_id, category)
      )`);
    await q.query(`
      CREATE TABLE self_evaluation_indicators (
        evaluation_id text NOT NULL,
        category text NOT NULL,
        position int NOT NULL,
        code text NOT NULL,
        title text NOT NULL,
        grade int NOT NULL CHECK (grade BETWEEN 1 AND 6),
        PRIMARY KEY (evaluation_id, code),
        FOREIGN KEY (evaluation_id, category) REFERENCES self_evaluation_categories (evaluation_id, category)
      )`);
    await q.query(`
      CREATE TABLE improvement_actions (
        id text PRIMARY KEY,
        evaluation_id text NOT NULL REFERENCES self_evaluations(id),
        reference text NOT NULL,
        scope text NOT NULL CHECK (scope IN ('LOCAL','TAYSIDE')),
        title text NOT NULL,
        owner text NOT NULL,
        agreed_on date NOT NULL,
        due_on date NOT NULL CHECK (due_on >= agreed_on),
        status text NOT NULL CHECK (status IN (${ACTION_STATUSES.map((s) => `'${s}'`).join(',')})),
        completed_on date,
        version int NOT NULL DEFAULT 1,
        idempotency_key text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (evaluation_id, reference)
      )`);
    // Progress history: appended to, never updated, so the plan can be reported as of any date.
    await q.query(`
      CREATE TABLE improvement_action_notes (
        id text PRIMARY KEY,
        action_id text NOT NULL REFERENCES improvement_actions(id),
        noted_on date NOT NULL,
        status text NOT NULL CHECK (status IN (${ACTION_STATUSES.map((s) => `'${s}'`).join(',')})),
        note text NOT NULL,
        recorded_by text NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX improvement_action_notes_action ON improvement_action_notes (action_id, noted_on, recorded_at)');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE improvement_action_notes, improvement_actions, self_evaluation_indicators, self_evaluation_categories, self_evaluations');
  }
}

const loaders = (ctx: CouncilContext) =>
  perRequest(ctx, 'selfEvaluation', () => {
    const q = <T>(sql: string) => (ids: readonly string[]) => ctx.deps.db.query<T>(sql, [ids]);
    return {
      evaluation: new DataLoader<string, EvaluationRow | null>(async (ids) => indexBy(await q<EvaluationRow>('SELECT * FROM self_evaluations WHERE id = ANY($1)')(ids), (r) => r.id, ids)),
      categories: new DataLoader<string, CategoryRow[]>(async (ids) => groupBy(await q<CategoryRow>('SELECT * FROM self_evaluation_categories WHERE evaluation_id = ANY($1)')(ids), (r) => r.evaluation_id, ids)),
      indicators: new DataLoader<string, IndicatorRow[]>(async (ids) =>
        groupBy(await q<IndicatorRow>('SELECT * FROM self_evaluation_indicators WHERE evaluation_id = ANY($1) ORDER BY position')(ids), (r) => r.evaluation_id, ids),
      ),
      actions: new DataLoader<string, ActionRow[]>(async (ids) =>
        groupBy(await q<ActionRow>('SELECT * FROM improvement_actions WHERE evaluation_id = ANY($1) ORDER BY reference')(ids), (r) => r.evaluation_id, ids),
      ),
      notes: new DataLoader<string, NoteRow[]>(async (ids) =>
        groupBy(await q<NoteRow>('SELECT * FROM improvement_action_notes WHERE action_id = ANY($1) ORDER BY noted_on, recorded_at, id')(ids), (r) => r.action_id, ids),
      ),
    };
  });

const note = (n: NoteRow) => ({ notedOn: n.noted_on, status: n.status, note: n.note, recordedBy: n.recorded_by, recordedAt: n.recorded_at });

const actionToGraphQL = (ctx: CouncilContext) => (a: ActionRow) => ({
  id: a.id,
  selfEvaluationId: a.evaluation_id,
  reference: a.reference,
  scope: a.scope,
  title: a.title,
  owner: a.owner,
  agreedOn: a.agreed_on,
  dueOn: a.due_on,
  status: a.status,
  completedOn: a.completed_on,
  version: a.version,
  progressNotes: async () => (await loaders(ctx).notes.load(a.id)).map(note),
});

const evaluationToGraphQL = (ctx: CouncilContext) => (e: EvaluationRow) => ({
  id: e.id,
  title: e.title,
  periodFrom: e.period_from,
  periodTo: e.period_to,
  reportedOn: e.reported_on,
  overallGrade: e.overall_grade === null ? null : sixPointGrade(e.overall_grade),
  capacityForImprovement: e.capacity_grade === null ? null : sixPointGrade(e.capacity_grade),
  summary: e.summary,
  recordedBy: e.recorded_by,
  categories: async () => {
    const [categories, indicators] = await Promise.all([loaders(ctx).categories.load(e.id), loaders(ctx).indicators.load(e.id)]);
    return CATEGORIES.flatMap((name) => {
      const c = categories.find((x) => x.category === name);
      return c
        ? [{ category: name, question: CATEGORY_QUESTIONS[name], grade: sixPointGrade(c.grade), evidence: c.evidence, qualityIndicators: indicators.filter((i) => i.category === name).map((i) => ({ code: i.code, title: i.title, grade: sixPointGrade(i.grade) })) }]
        : [];
    });
  },
  improvementPlan: async () => (await loaders(ctx).actions.load(e.id)).map(actionToGraphQL(ctx)),
});

/**
 * Where one action stood on a date: its status from the latest note on or before then
 * (NOT_STARTED if none), and COMPLETE / WITHDRAWN / OVERDUE (past due) / ON_TRACK.
 */
export function actionAsOf(a: Pick<ActionRow, 'due_on'>, notes: readonly NoteRow[], asOf: string) {
  const latest = notes.filter((n) => n.noted_on <= asOf).at(-1) ?? null;
  const status: ActionStatus = latest?.status ?? 'NOT_STARTED';
  const progress = status === 'COMPLETE' ? 'COMPLETE' : status === 'WITHDRAWN' ? 'WITHDRAWN' : a.due_on < asOf ? 'OVERDUE' : 'ON_TRACK';
  return { statusAsOf: status, progress, latestNote: latest };
}

const grade = () => z.number().int('must be a whole grade from 1 to 6').min(1, 'must be 1 (unsatisfactory) to 6 (excellent)').max(6, 'must be 1 (unsatisfactory) to 6 (excellent)');

const evaluationInput = z
  .object({
    title: z.string().trim().min(5, 'must name the self-evaluation').max(300),
    periodFrom: isoDate(),
    periodTo: isoDate(),
    reportedOn: isoDate(),
    overallGrade: grade().nullish(),
    capacityForImprovementGrade: grade().nullish(),
    summary: freeText(8000).nullish(),
    categories: z
      .array(
        z.object({
          category: z.enum(CATEGORIES),
          grade: grade(),
          evidence: freeText(8000).nullish(),
          qualityIndicators: z
            .array(z.object({ code: z.string().trim().min(1).max(20).regex(/^[A-Za-z0-9.-]+$/, 'may use letters, digits, . and - only'), title: z.string().trim().min(3).max(300), grade: grade() }))
            .max(20)
            .nullish(),
        }),
      )
      .length(CATEGORIES.length, `must grade each of the ${CATEGORIES.length} categories (${CATEGORIES.join(', ')}) once`),
    idempotencyKey: idempotencyKey(),
  })
  .superRefine((v, ctx) => {
    if (v.periodTo < v.periodFrom) ctx.addIssue({ code: 'custom', path: ['periodTo'], message: 'must not be before periodFrom' });
    if (v.reportedOn < v.periodFrom) ctx.addIssue({ code: 'custom', path: ['reportedOn'], message: 'must not be before periodFrom' });
    v.categories.forEach((c, i) => {
      if (v.categories.findIndex((x) => x.category === c.category) !== i) ctx.addIssue({ code: 'custom', path: ['categories', i, 'category'], message: `${c.category} is graded twice` });
    });
    const codes = v.categories.flatMap((c) => c.qualityIndicators ?? []).map((q) => q.code);
    if (new Set(codes).size !== codes.length) ctx.addIssue({ code: 'custom', path: ['categories'], message: 'quality indicator codes must be unique' });
  });

const actionInput = z
  .object({
    selfEvaluationId: id(),
    reference: z.string().trim().min(1).max(20).regex(/^[A-Za-z0-9.-]+$/, 'may use letters, digits, . and - only'),
    scope: z.enum(['LOCAL', 'TAYSIDE']),
    title: z.string().trim().min(5, 'must say what the action is').max(500),
    owner: z.string().trim().min(3, 'must name the owner by role title').max(200),
    agreedOn: isoDate(),
    dueOn: isoDate(),
    idempotencyKey: idempotencyKey(),
  })
  .refine((v) => v.dueOn >= v.agreedOn, { path: ['dueOn'], message: 'must not be before agreedOn' });

const progressInput = z.object({
  actionId: id(),
  notedOn: isoDate(),
  status: z.enum(ACTION_STATUSES),
  note: z.string().trim().min(5, 'must say what progress was made').max(4000),
  expectedVersion: z.number().int().min(1),
});

/** Demo: Dundee's 2011 self-evaluation as published; the other councils a small synthetic one. */
function demo(dataset: CouncilDataset, rng: DemoRng, names: AuthorityNames, today: string): void {
  const push = (table: string, rows: object[]) => (dataset.extra[table] ??= []).push(...rows);
  const sm = dataset.staff.find((s) => s.role === 'SERVICE_MANAGER')!.id;
  if (names.authority === 'DUNDEE') {
    const e = DUNDEE_2011;
    push('self_evaluations', [{ id: e.id, title: e.title, period_from: e.periodFrom, period_to: e.periodTo, reported_on: e.reportedOn, overall_grade: e.overallGrade, capacity_grade: e.capacityForImprovementGrade, summary: e.summary, recorded_by: sm, idempotency_key: 'demo-se-dc-2011' }]);
    push('self_evaluation_categories', e.categories.map((c) => ({ evaluation_id: e.id, category: c.category, grade: c.grade, evidence: c.evidence })));
    // Ids are opaque identifiers (letters, digits, - and _), so the plan's "4.4.1" becomes 4-4-1.
    const actionId = (reference: string) => `IA-DC-2011-${reference.replaceAll('.', '-')}`;
    push('improvement_actions', e.actions.map((a) => ({ id: actionId(a.reference), evaluation_id: e.id, reference: a.reference, scope: a.scope, title: a.title, owner: a.owner, agreed_on: REPORT_DATE, due_on: a.dueOn, status: a.status, completed_on: a.status === 'COMPLETE' ? REPORT_DATE : null, version: 2, idempotency_key: `demo-${actionId(a.reference)}` })));
    push('improvement_action_notes', e.actions.map((a) => ({ id: `IN-${actionId(a.reference)}`, action_id: actionId(a.reference), noted_on: REPORT_DATE, status: a.status, note: a.note, recorded_by: sm, recorded_at: `${REPORT_DATE}T12:00:00Z` })));
    return;
  }
  const id = `SE-${names.caseIdPrefix}-2026`;
  const periodFrom = addDays(today, -420);
  const reportedOn = addDays(today, -240);
  push('self_evaluations', [{ id, title: `${names.displayName} CJSW self-evaluation of work with high risk of harm offenders`, period_from: periodFrom, period_to: addDays(today, -270), reported_on: reportedOn, overall_grade: 4, capacity_grade: 4, summary: 'Synthetic demo self-evaluation.', recorded_by: sm, idempotency_key: `demo-se-${names.caseIdPrefix}-2026` }]);
  const indicatorTitles: Record<Category, [string, string]> = {
    OUTCOMES: ['Reduction in the risk of harm', 'Compliance with supervision'],
    IMPACT: ['Feedback from people supervised', 'Feedback from partner agencies'],
    KEY_PROCESSES: ['Quality of risk assessments', 'Links to child and adult protection'],
    STAFF: ['Training in accredited risk tools', 'Support and supervision of staff'],
    LEADERSHIP: ['Oversight of high risk of harm work', 'Planning for improvement'],
  };
  let position = 0;
  CATEGORIES.forEach((category, i) => {
    const grades = [rng.int(3, 5), rng.int(3, 5)];
    push('self_evaluation_categories', [{ evaluation_id: id, category, grade: Math.round((grades[0] + grades[1]) / 2), evidence: null }]);
    push('self_evaluation_indicators', indicatorTitles[category].map((title, k) => ({ evaluation_id: id, category, position: (position += 1), code: `${i + 1}.${k + 1}`, title, grade: grades[k] })));
  });
  const actions = [
    { reference: '1', title: 'Extend exit questionnaires to every person completing supervision', owner: 'Team Manager (Public Protection)', due: 60, notes: [[-200, 'IN_PROGRESS', 'Questionnaire revised with service users.']] },
    { reference: '2', title: 'Audit every high risk of harm case file each quarter', owner: 'Service Manager (Criminal Justice)', due: -60, notes: [[-210, 'IN_PROGRESS', 'Audit rota agreed.'], [-90, 'COMPLETE', 'Quarterly audit round in place.']] },
    { reference: '3', title: 'Refresh training in accredited risk assessment tools for all staff', owner: 'Service Manager (Criminal Justice)', due: -30, notes: [[-180, 'IN_PROGRESS', 'First cohort trained.']] },
  ] as const;
  for (const a of actions) {
    const actionId = `IA-${id}-${a.reference}`;
    const last = a.notes[a.notes.length - 1];
    push('improvement_actions', [{ id: actionId, evaluation_id: id, reference: a.reference, scope: 'LOCAL', title: a.title, owner: a.owner, agreed_on: reportedOn, due_on: addDays(today, a.due), status: last[1], completed_on: last[1] === 'COMPLETE' ? addDays(today, last[0]) : null, version: 1 + a.notes.length, idempotency_key: `demo-${actionId}` }]);
    push('improvement_action_notes', a.notes.map(([d, status, text], k) => ({ id: `IN-${actionId}-${k}`, action_id: actionId, noted_on: addDays(today, d), status, note: text, recorded_by: sm, recorded_at: `${addDays(today, d)}T12:00:00Z` })));
  }
}

export const selfEvaluationFeature: CouncilFeature = {
  name: 'self-evaluation',
  schemaFile: `${__dirname}/schema.graphql`,
  migrations: [CreateSelfEvaluation1764401637000],
  demo,
  resolvers: (names) => {
    const what = `${names.displayName} self-evaluations`;
    return {
      Query: {
        [`${names.fieldPrefix}SelfEvaluations`]: async (_: unknown, _args: unknown, ctx: CouncilContext) => {
          requireCouncilReader(ctx, what);
          return (await ctx.deps.db.query<EvaluationRow>('SELECT * FROM self_evaluations ORDER BY reported_on DESC, id')).map(evaluationToGraphQL(ctx));
        },
        [`${names.fieldPrefix}SelfEvaluation`]: async (_: unknown, args: { id: string }, ctx: CouncilContext) => {
          requireCouncilReader(ctx, what);
          const e = await loaders(ctx).evaluation.load(args.id);
          return e && evaluationToGraphQL(ctx)(e);
        },
        [`${names.fieldPrefix}ImprovementPlanProgress`]: async (_: unknown, args: { selfEvaluationId: string; asOf?: string | null }, ctx: CouncilContext) => {
          requireCouncilReader(ctx, what);
          const asOf = args.asOf ?? ctx.deps.today();
          if (!(await loaders(ctx).evaluation.load(args.selfEvaluationId))) throw appError('NOT_FOUND', `Self-evaluation ${args.selfEvaluationId} was not found.`, { field: 'selfEvaluationId' });
          const actions = (await loaders(ctx).actions.load(args.selfEvaluationId)).filter((a) => a.agreed_on <= asOf);
          const rows = await Promise.all(actions.map(async (a) => ({ a, ...actionAsOf(a, await loaders(ctx).notes.load(a.id), asOf) })));
          const count = (p: string) => rows.filter((r) => r.progress === p).length;
          return {
            selfEvaluationId: args.selfEvaluationId,
            asOf,
            complete: count('COMPLETE'),
            onTrack: count('ON_TRACK'),
            overdue: count('OVERDUE'),
            withdrawn: count('WITHDRAWN'),
            actions: rows.map((r) => ({ action: actionToGraphQL(ctx)(r.a), statusAsOf: r.statusAsOf, progress: r.progress, latestNote: r.latestNote && note(r.latestNote) })),
          };
        },
      },
      Mutation: {
        [`${names.fieldPrefix}RecordSelfEvaluation`]: async (_: unknown, { input }: { input: unknown }, ctx: CouncilContext) => {
          const user = userOf(ctx);
          requireManager(user, ctx.deps, what);
          const p = parseInput(evaluationInput, input);
          notAfterToday(p.reportedOn, 'reportedOn', ctx.deps);
          const row = await ctx.deps.db.transaction(async (runner) => {
            const { row: e, created } = await insertOnce<EvaluationRow>(
              runner,
              'self_evaluations',
              { id: `SE-${randomUUID()}`, title: p.title, period_from: p.periodFrom, period_to: p.periodTo, reported_on: p.reportedOn, overall_grade: p.overallGrade ?? null, capacity_grade: p.capacityForImprovementGrade ?? null, summary: p.summary ?? null, recorded_by: user.sub, idempotency_key: p.idempotencyKey },
              p.idempotencyKey,
            );
            if (!created) return e;
            const categories = p.categories.map((c) => [e.id, c.category, c.grade, c.evidence ?? null]);
            await runner.query(
              `INSERT INTO self_evaluation_categories (evaluation_id, category, grade, evidence) SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[])`,
              [0, 1, 2, 3].map((k) => categories.map((c) => c[k])),
            );
            const indicators = p.categories.flatMap((c) => (c.qualityIndicators ?? []).map((q) => ({ category: c.category, ...q })));
            if (indicators.length) {
              await runner.query(
                `INSERT INTO self_evaluation_indicators (evaluation_id, category, position, code, title, grade)
                 SELECT $1, * FROM unnest($2::text[], $3::int[], $4::text[], $5::text[], $6::int[])`,
                [e.id, indicators.map((q) => q.category), indicators.map((_q, i) => i + 1), indicators.map((q) => q.code), indicators.map((q) => q.title), indicators.map((q) => q.grade)],
              );
            }
            // Not about any person: logged for self-monitoring only.
            const fields = Object.keys(p).filter((k) => k !== 'idempotencyKey' && p[k as keyof typeof p] != null).sort();
            await logEvent(runner, { event: 'COLLECTION', actor: user, justification: justificationOf(ctx.caller), recordType: 'SELF_EVALUATION', recordId: e.id, personId: null, fields });
            return e;
          });
          return evaluationToGraphQL(ctx)(row);
        },
        [`${names.fieldPrefix}AddImprovementAction`]: async (_: unknown, { input }: { input: unknown }, ctx: CouncilContext) => {
          const user = userOf(ctx);
          requireManager(user, ctx.deps, what);
          const p = parseInput(actionInput, input);
          notAfterToday(p.agreedOn, 'agreedOn', ctx.deps);
          const row = await ctx.deps.db.transaction(async (runner) => {
            const [e] = (await runner.query('SELECT id, reported_on FROM self_evaluations WHERE id = $1', [p.selfEvaluationId])) as EvaluationRow[];
            if (!e) throw appError('NOT_FOUND', `Self-evaluation ${p.selfEvaluationId} was not found.`, { field: 'selfEvaluationId' });
            const [{ n }] = (await runner.query('SELECT count(*)::int AS n FROM improvement_actions WHERE evaluation_id = $1 AND reference = $2 AND idempotency_key <> $3', [e.id, p.reference, p.idempotencyKey])) as { n: number }[];
            if (n) throw badInput('reference', `reference: the plan already has an action ${p.reference}.`);
            const { row: a, created } = await insertOnce<ActionRow>(
              runner,
              'improvement_actions',
              { id: `IA-${randomUUID()}`, evaluation_id: e.id, reference: p.reference, scope: p.scope, title: p.title, owner: p.owner, agreed_on: p.agreedOn, due_on: p.dueOn, status: 'NOT_STARTED', idempotency_key: p.idempotencyKey },
              p.idempotencyKey,
            );
            if (created) {
              await logEvent(runner, { event: 'COLLECTION', actor: user, justification: justificationOf(ctx.caller), recordType: 'IMPROVEMENT_ACTION', recordId: a.id, personId: null, fields: ['agreedOn', 'dueOn', 'owner', 'reference', 'scope', 'title'], note: `self-evaluation ${e.id}` });
            }
            return a;
          });
          return actionToGraphQL(ctx)(row);
        },
        [`${names.fieldPrefix}RecordActionProgress`]: async (_: unknown, { input }: { input: unknown }, ctx: CouncilContext) => {
          const user = userOf(ctx);
          requireManager(user, ctx.deps, what);
          const p = parseInput(progressInput, input);
          notAfterToday(p.notedOn, 'notedOn', ctx.deps);
          const row = await ctx.deps.db.transaction(async (runner) => {
            const [a] = (await runner.query('SELECT * FROM improvement_actions WHERE id = $1 FOR UPDATE', [p.actionId])) as ActionRow[];
            if (!a) throw appError('NOT_FOUND', `Improvement action ${p.actionId} was not found.`, { field: 'actionId' });
            if (p.notedOn < a.agreed_on) throw badInput('notedOn', `notedOn: is before the action was agreed (${a.agreed_on}).`);
            const [last] = (await runner.query('SELECT max(noted_on)::text AS last_on FROM improvement_action_notes WHERE action_id = $1', [a.id])) as { last_on: string | null }[];
            // The history is reported "as of" a date, so it must be written in date order.
            if (last.last_on && p.notedOn < last.last_on) throw badInput('notedOn', `notedOn: is before the latest progress note (${last.last_on}).`);
            const [updated] = await updateReturning<ActionRow>(
              runner,
              `UPDATE improvement_actions SET status = $3, version = version + 1,
                 completed_on = CASE WHEN $3 = 'COMPLETE' THEN COALESCE(CASE WHEN status = 'COMPLETE' THEN completed_on END, $4::date) END
               WHERE id = $1 AND version = $2 RETURNING *`,
              [a.id, p.expectedVersion, p.status, p.notedOn],
            );
            if (!updated) throw conflict(`Improvement action ${a.reference} changed since you read it (version ${a.version}, not ${p.expectedVersion}). Reload and try again.`);
            await runner.query('INSERT INTO improvement_action_notes (id, action_id, noted_on, status, note, recorded_by) VALUES ($1, $2, $3, $4, $5, $6)', [
              `IN-${randomUUID()}`,
              a.id,
              p.notedOn,
              p.status,
              p.note,
              user.sub,
            ]);
            await logEvent(runner, { event: 'ALTERATION', actor: user, justification: justificationOf(ctx.caller), recordType: 'IMPROVEMENT_ACTION', recordId: a.id, personId: null, fields: ['note', 'notedOn', 'status'] });
            return updated;
          });
          return actionToGraphQL(ctx)(row);
        },
      },
    };
  },
};
