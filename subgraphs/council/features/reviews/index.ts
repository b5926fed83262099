import { randomUUID } from 'node:crypto';
import DataLoader from 'dataloader';
import { MigrationInterface, QueryRunner } from 'typeorm';
import { z } from 'zod';
import { badInput, conflict } from '../../../../schema/errors';
import { addDays } from '../../../../schema/standard/dates';
import { justificationOf, logEvent } from '../../../shared/audit-log';
import { groupBy } from '../../../shared/group';
import { freeText, id, idempotencyKey, isoDate, parseInput } from '../../../shared/validate';
import { fullField, notAfterToday, requireWriter, summaryField, updateReturning, userOf, writableCase } from '../../case-access';
import { CouncilFeature, perRequest } from '../../feature';
import type { CouncilContext } from '../../resolvers';
import { addChronologyEntry } from '../chronology';
import { addMonths } from '../risk-tools/scales';

/** The area standard's review points: 6 months after the start, then every 6 months. */
export const CASE_REVIEW_MONTHS = 6;

export const CASE_REVIEW_OUTCOMES = ['NO_CHANGE', 'PLAN_TO_BE_REVISED', 'RISK_REASSESSMENT_NEEDED', 'MAPPA_LEVEL_REFERRAL', 'CLOSURE_RECOMMENDED'] as const;

export interface CaseReviewRow {
  id: string;
  case_id: string;
  status: 'SCHEDULED' | 'HELD';
  scheduled_for: string | null;
  held_on: string | null;
  outcome: string | null;
  notes: string | null;
  next_review_date: string | null;
  scheduled_by: string | null;
  recorded_by: string | null;
  idempotency_key: string | null;
  held_key: string | null;
}

class CreateCaseReviews1764400500000 implements MigrationInterface {
  name = 'CreateCaseReviews1764400500000';
  async up(q: QueryRunner): Promise<void> {
    // One row per review: created when scheduled (or directly as held) and completed when held.
    // Scheduling and holding are separate requests, so each has its own idempotency key.
    await q.query(`
      CREATE TABLE case_reviews (
        id text PRIMARY KEY,
        case_id text NOT NULL REFERENCES cases(id),
        status text NOT NULL CHECK (status IN ('SCHEDULED','HELD')),
        scheduled_for date,
        held_on date,
        outcome text,
        notes text,
        next_review_date date,
        scheduled_by text,
        recorded_by text,
        idempotency_key text UNIQUE,
        held_key text UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (status <> 'SCHEDULED' OR scheduled_for IS NOT NULL),
        CHECK (status <> 'HELD' OR (held_on IS NOT NULL AND outcome IS NOT NULL AND next_review_date > held_on))
      )`);
    await q.query(`CREATE UNIQUE INDEX case_reviews_one_scheduled ON case_reviews (case_id) WHERE status = 'SCHEDULED'`);
    await q.query('CREATE INDEX case_reviews_case ON case_reviews (case_id)');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE case_reviews');
  }
}

type ReviewFacts = Pick<CaseReviewRow, 'status' | 'scheduled_for' | 'held_on' | 'next_review_date'>;

/**
 * When the next review is due: a scheduled review's date; else the next review date set at the
 * last review held; else the first review point, 6 months after the case started.
 */
export function nextCaseReviewDue(startDate: string, reviews: readonly ReviewFacts[]): string {
  const scheduled = reviews.find((r) => r.status === 'SCHEDULED');
  if (scheduled) return scheduled.scheduled_for!;
  const held = reviews.filter((r) => r.status === 'HELD').sort((a, b) => (a.held_on! < b.held_on! ? -1 : a.held_on! > b.held_on! ? 1 : 0));
  return held.length ? held[held.length - 1].next_review_date! : addMonths(startDate, CASE_REVIEW_MONTHS);
}

export function reviewOverdue(c: { status: string; start_date: string }, reviews: readonly ReviewFacts[], today: string): boolean {
  return c.status === 'OPEN' && nextCaseReviewDue(c.start_date, reviews) < today;
}

const reviewsLoader = (ctx: CouncilContext) =>
  perRequest(ctx, 'case-reviews', () =>
    new DataLoader<string, CaseReviewRow[]>(async (ids) =>
      groupBy(await ctx.deps.db.query<CaseReviewRow>('SELECT * FROM case_reviews WHERE case_id = ANY($1) ORDER BY COALESCE(held_on, scheduled_for), created_at', [ids]), (r) => r.case_id, ids),
    ),
  );

const toGraphQL = (r: CaseReviewRow) => ({
  id: r.id,
  status: r.status,
  scheduledFor: r.scheduled_for,
  heldOn: r.held_on,
  outcome: r.outcome,
  notes: r.notes,
  nextReviewDate: r.next_review_date,
  recordedBy: r.recorded_by ?? r.scheduled_by,
});

const scheduleInput = z.object({ caseId: id(), scheduledFor: isoDate(), idempotencyKey: idempotencyKey() });
const recordInput = z.object({
  caseId: id(),
  heldOn: isoDate(),
  outcome: z.enum(CASE_REVIEW_OUTCOMES),
  notes: freeText(4000).nullish(),
  nextReviewDate: isoDate().nullish(),
  idempotencyKey: idempotencyKey(),
});

async function byKey(runner: QueryRunner, column: 'idempotency_key' | 'held_key', key: string, caseId: string): Promise<CaseReviewRow | null> {
  const [row] = (await runner.query(`SELECT * FROM case_reviews WHERE ${column} = $1`, [key])) as CaseReviewRow[];
  if (row && row.case_id !== caseId) throw badInput('idempotencyKey', 'idempotencyKey: already used for another case.');
  return row ?? null;
}

export async function scheduleReview(raw: unknown, ctx: CouncilContext): Promise<CaseReviewRow> {
  const user = userOf(ctx);
  requireWriter(user, ctx.deps);
  const input = parseInput(scheduleInput, raw);
  if (input.scheduledFor < ctx.deps.today()) throw badInput('scheduledFor', 'scheduledFor: cannot be in the past.');
  return ctx.deps.db.transaction(async (runner) => {
    const found = await writableCase(runner, input.caseId);
    const again = await byKey(runner, 'idempotency_key', input.idempotencyKey, input.caseId);
    if (again) return again;
    const [open] = (await runner.query(`SELECT scheduled_for FROM case_reviews WHERE case_id = $1 AND status = 'SCHEDULED'`, [input.caseId])) as CaseReviewRow[];
    if (open) throw conflict(`Case ${input.caseId} already has a review scheduled for ${open.scheduled_for}; record it as held first.`);
    const [row] = (await runner.query(
      `INSERT INTO case_reviews (id, case_id, status, scheduled_for, scheduled_by, idempotency_key) VALUES ($1, $2, 'SCHEDULED', $3, $4, $5) RETURNING *`,
      [`CR-${randomUUID()}`, input.caseId, input.scheduledFor, user.sub, input.idempotencyKey],
    )) as CaseReviewRow[];
    await logEvent(runner, { event: 'COLLECTION', actor: user, justification: justificationOf(ctx.caller), recordType: 'CASE_REVIEW', recordId: row.id, personId: found.offender_id, fields: ['scheduledFor'], note: `case ${input.caseId}` });
    return row;
  });
}

export async function recordReview(raw: unknown, ctx: CouncilContext): Promise<CaseReviewRow> {
  const user = userOf(ctx);
  requireWriter(user, ctx.deps);
  const input = parseInput(recordInput, raw);
  notAfterToday(input.heldOn, 'heldOn', ctx.deps);
  const next = input.nextReviewDate ?? addMonths(input.heldOn, CASE_REVIEW_MONTHS);
  if (next <= input.heldOn) throw badInput('nextReviewDate', 'nextReviewDate: must be after heldOn.');
  return ctx.deps.db.transaction(async (runner) => {
    const found = await writableCase(runner, input.caseId);
    const again = await byKey(runner, 'held_key', input.idempotencyKey, input.caseId);
    if (again) return again;
    if (input.heldOn < found.start_date) throw badInput('heldOn', 'heldOn: is before the case started.');
    const [last] = (await runner.query(`SELECT max(held_on) AS held_on FROM case_reviews WHERE case_id = $1 AND status = 'HELD'`, [input.caseId])) as { held_on: string | null }[];
    if (last.held_on && input.heldOn < last.held_on) throw badInput('heldOn', `heldOn: is before the last review, held on ${last.held_on}.`);
    const values = [input.heldOn, input.outcome, input.notes ?? null, next, user.sub, input.idempotencyKey];
    // Holding the review completes the scheduled one, if any, rather than leaving it open.
    const [completed] = await updateReturning<CaseReviewRow>(
      runner,
      `UPDATE case_reviews SET status = 'HELD', held_on = $2, outcome = $3, notes = $4, next_review_date = $5, recorded_by = $6, held_key = $7
       WHERE case_id = $1 AND status = 'SCHEDULED' RETURNING *`,
      [input.caseId, ...values],
    );
    const row =
      completed ??
      ((await runner.query(
        `INSERT INTO case_reviews (id, case_id, status, held_on, outcome, notes, next_review_date, recorded_by, held_key)
         VALUES ($1, $2, 'HELD', $3, $4, $5, $6, $7, $8) RETURNING *`,
        [`CR-${randomUUID()}`, input.caseId, ...values],
      )) as CaseReviewRow[])[0];
    await addChronologyEntry(runner, {
      caseId: input.caseId,
      occurredOn: input.heldOn,
      kind: 'OTHER',
      summary: `Case review held: ${input.outcome.toLowerCase().replaceAll('_', ' ')}. Next review due ${next}.`,
      recordedBy: user.sub,
    });
    // Holding a scheduled review completes (alters) its record; an unscheduled one is a new record.
    await logEvent(runner, {
      event: completed ? 'ALTERATION' : 'COLLECTION',
      actor: user,
      justification: justificationOf(ctx.caller),
      recordType: 'CASE_REVIEW',
      recordId: row.id,
      personId: found.offender_id,
      fields: ['heldOn', 'nextReviewDate', ...(input.notes ? ['notes'] : []), 'outcome'],
      note: `case ${input.caseId}`,
    });
    return row;
  });
}

export const reviewsFeature: CouncilFeature = {
  name: 'reviews',
  schemaFile: `${__dirname}/schema.graphql`,
  migrations: [CreateCaseReviews1764400500000],
  flags: { REVIEW_OVERDUE: async (c, ctx) => reviewOverdue(c, await reviewsLoader(ctx).load(c.id), ctx.deps.today()) },
  resolvers: (names) => ({
    [`${names.typePrefix}Case`]: {
      caseReviews: fullField(async (c, ctx) => (await reviewsLoader(ctx).load(c.id)).map(toGraphQL)),
      // Dates and a flag about practice, like the plan review date the summary already carries.
      nextCaseReviewDue: summaryField(async (c, ctx) => nextCaseReviewDue(c.start_date, await reviewsLoader(ctx).load(c.id))),
      reviewOverdue: summaryField(async (c, ctx) => reviewOverdue(c, await reviewsLoader(ctx).load(c.id), ctx.deps.today())),
    },
    Mutation: {
      [`${names.fieldPrefix}ScheduleCaseReview`]: async (_: unknown, { input }: { input: unknown }, ctx: CouncilContext) => toGraphQL(await scheduleReview(input, ctx)),
      [`${names.fieldPrefix}RecordCaseReview`]: async (_: unknown, { input }: { input: unknown }, ctx: CouncilContext) => toGraphQL(await recordReview(input, ctx)),
    },
  }),
  demo: (dataset, rng, _names, referenceDate) => {
    // Open cases follow the 6-monthly rhythm, held a few days after each review point. Every
    // sixth case missed its latest review point (overdue); every sixth, offset by two, had that
    // review scheduled but never held (also overdue); every sixth, offset by four, has its next
    // review already scheduled.
    const rows: CaseReviewRow[] = [];
    const base = { scheduled_for: null, held_on: null, outcome: null, notes: null, next_review_date: null, scheduled_by: null, recorded_by: null, idempotency_key: null, held_key: null };
    dataset.cases
      .filter((c) => c.status === 'OPEN')
      .forEach((c, i) => {
        const points: string[] = [];
        for (let p = addMonths(c.start_date, CASE_REVIEW_MONTHS); p < referenceDate; p = addMonths(p, CASE_REVIEW_MONTHS)) points.push(p);
        const missLast = points.length > 0 && (i % 6 === 0 || i % 6 === 2);
        const heldPoints = missLast ? points.slice(0, -1) : points;
        heldPoints.forEach((point, k) => {
          // A missed point's predecessor is held on the day, so the missed one falls due on its point.
          const heldOn = missLast ? point : [addDays(point, rng.int(0, 10)), referenceDate].sort()[0];
          rows.push({ ...base, id: `CR-${c.id}-${k + 1}`, case_id: c.id, status: 'HELD', scheduled_for: point, held_on: heldOn, outcome: rng.pick(['NO_CHANGE', 'NO_CHANGE', 'PLAN_TO_BE_REVISED', 'RISK_REASSESSMENT_NEEDED']), next_review_date: addMonths(heldOn, CASE_REVIEW_MONTHS), recorded_by: c.case_manager_id });
        });
        if (missLast && i % 6 === 2) {
          rows.push({ ...base, id: `CR-${c.id}-${points.length}`, case_id: c.id, status: 'SCHEDULED', scheduled_for: points[points.length - 1], scheduled_by: c.case_manager_id });
        }
        if (!missLast && i % 6 === 4) {
          const due = heldPoints.length ? addMonths(rows[rows.length - 1].held_on!, CASE_REVIEW_MONTHS) : addMonths(c.start_date, CASE_REVIEW_MONTHS);
          rows.push({ ...base, id: `CR-${c.id}-${heldPoints.length + 1}`, case_id: c.id, status: 'SCHEDULED', scheduled_for: due, scheduled_by: c.case_manager_id });
        }
      });
    dataset.extra.case_reviews = rows;
  },
};
