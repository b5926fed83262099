import { randomUUID } from 'node:crypto';
import DataLoader from 'dataloader';
import { MigrationInterface, QueryRunner } from 'typeorm';
import { z } from 'zod';
import { AuthorityNames } from '../../../../schema/authorities';
import { appError, badInput, conflict, forbidden } from '../../../../schema/errors';
import { addDays, dayNumber } from '../../../../schema/standard/dates';
import type { CouncilDataset } from '../../../../scripts/demo-data';
import { justificationOf, logEvent } from '../../../shared/audit-log';
import { groupBy, indexBy } from '../../../shared/group';
import { connection, decodeCursor, pageSize } from '../../../shared/pagination';
import { freeText, id, idempotencyKey, isoDate, parseInput } from '../../../shared/validate';
import { fullField, insertOnce, notAfterToday, requireFullCouncilView, requireWriter, staffMember, updateReturning, userOf, viewOf, writableCase } from '../../case-access';
import type { StaffRow } from '../../data/cases';
import { CouncilFeature, DemoRng, perRequest } from '../../feature';
import type { CouncilContext } from '../../resolvers';

/**
 * Home Background Reports (2009 thematic inspection recommendation 1, DOMAIN.md "Home Background
 * Report"): requested with a deadline, the prisoner interviewed, the proposed release address
 * visited, then submitted on time or flagged late. Every step is kept in the report's history.
 */

/**
 * *Defaults* from DOMAIN.md, not published Tayside figures: a report is due 6 weeks after the
 * request unless the requester sets another date, and needs at least 2 prison interviews.
 */
export const HBR_DEFAULT_DUE_WEEKS = 6;
export const HBR_MIN_PRISON_INTERVIEWS = 2;

export const HBR_OUTCOMES = ['ADDRESS_SUITABLE', 'ADDRESS_SUITABLE_WITH_CONDITIONS', 'ADDRESS_UNSUITABLE'] as const;
type HbrAction = 'REQUESTED' | 'PRISON_INTERVIEW' | 'ADDRESS_VISIT' | 'SUBMITTED';

export interface HbrRow {
  id: string;
  case_id: string;
  offender_id: string | null;
  requested_by: string;
  requested_on: string;
  due_on: string;
  author_id: string;
  submitted_on: string | null;
  outcome: string | null;
  version: number;
}

export interface HbrStepRow {
  id: string;
  report_id: string;
  case_id: string;
  kind: 'PRISON_INTERVIEW' | 'ADDRESS_VISIT';
  occurred_on: string;
  staff_id: string;
  prison: string | null;
  notes: string | null;
}

interface HbrHistoryRow {
  report_id: string;
  action: HbrAction;
  occurred_on: string;
  summary: string;
  recorded_by: string;
  recorded_at: Date | string;
}

class CreateHomeBackgroundReports1764401137000 implements MigrationInterface {
  name = 'CreateHomeBackgroundReports1764401137000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE home_background_reports (
        id text PRIMARY KEY,
        case_id text NOT NULL REFERENCES cases(id),
        requested_by text NOT NULL,
        requested_on date NOT NULL,
        due_on date NOT NULL CHECK (due_on > requested_on),
        author_id text NOT NULL REFERENCES staff(id),
        submitted_on date CHECK (submitted_on >= requested_on),
        outcome text CHECK (outcome IN ('ADDRESS_SUITABLE','ADDRESS_SUITABLE_WITH_CONDITIONS','ADDRESS_UNSUITABLE')),
        version int NOT NULL DEFAULT 1,
        idempotency_key text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((submitted_on IS NULL) = (outcome IS NULL))
      )`);
    await q.query('CREATE INDEX hbr_case ON home_background_reports (case_id)');
    await q.query('CREATE INDEX hbr_due ON home_background_reports (due_on DESC, id DESC)');
    await q.query(`
      CREATE TABLE hbr_steps (
        id text PRIMARY KEY,
        report_id text NOT NULL REFERENCES home_background_reports(id),
        case_id text NOT NULL REFERENCES cases(id),
        kind text NOT NULL CHECK (kind IN ('PRISON_INTERVIEW','ADDRESS_VISIT')),
        occurred_on date NOT NULL,
        staff_id text NOT NULL REFERENCES staff(id),
        prison text CHECK ((kind = 'PRISON_INTERVIEW') = (prison IS NOT NULL)),
        notes text,
        idempotency_key text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX hbr_steps_report ON hbr_steps (report_id, occurred_on)');
    // The audit trail: appended to by every step, never updated.
    await q.query(`
      CREATE TABLE hbr_history (
        id text PRIMARY KEY,
        report_id text NOT NULL REFERENCES home_background_reports(id),
        action text NOT NULL CHECK (action IN ('REQUESTED','PRISON_INTERVIEW','ADDRESS_VISIT','SUBMITTED')),
        occurred_on date NOT NULL,
        summary text NOT NULL,
        recorded_by text NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX hbr_history_report ON hbr_history (report_id, recorded_at)');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE hbr_history, hbr_steps, home_background_reports');
  }
}

/** Late: submitted after the due date, or still outstanding after it. Days late counts to submission or today. */
export function lateness(r: Pick<HbrRow, 'due_on' | 'submitted_on'>, today: string): { late: boolean; daysLate: number | null } {
  const days = dayNumber(r.submitted_on ?? today) - dayNumber(r.due_on);
  return days > 0 ? { late: true, daysLate: days } : { late: false, daysLate: null };
}

export function missingBeforeSubmission(steps: readonly Pick<HbrStepRow, 'kind'>[]): string[] {
  const interviews = steps.filter((s) => s.kind === 'PRISON_INTERVIEW').length;
  const visits = steps.filter((s) => s.kind === 'ADDRESS_VISIT').length;
  const missing: string[] = [];
  if (interviews < HBR_MIN_PRISON_INTERVIEWS) missing.push(`${HBR_MIN_PRISON_INTERVIEWS - interviews} more prison interview(s) (at least ${HBR_MIN_PRISON_INTERVIEWS} needed, ${interviews} recorded)`);
  if (visits === 0) missing.push('a visit to the proposed release address');
  return missing;
}

const loaders = (ctx: CouncilContext) =>
  perRequest(ctx, 'homeBackgroundReports', () => ({
    byId: new DataLoader<string, HbrRow | null>(async (ids) =>
      indexBy(await ctx.deps.db.query<HbrRow>('SELECT * FROM home_background_reports WHERE id = ANY($1)', [ids]), (r) => r.id, ids),
    ),
    byCase: new DataLoader<string, HbrRow[]>(async (ids) =>
      groupBy(await ctx.deps.db.query<HbrRow>('SELECT * FROM home_background_reports WHERE case_id = ANY($1) ORDER BY requested_on DESC, id DESC', [ids]), (r) => r.case_id, ids),
    ),
    steps: new DataLoader<string, HbrStepRow[]>(async (ids) =>
      groupBy(await ctx.deps.db.query<HbrStepRow>('SELECT * FROM hbr_steps WHERE report_id = ANY($1) ORDER BY occurred_on, created_at', [ids]), (r) => r.report_id, ids),
    ),
    history: new DataLoader<string, HbrHistoryRow[]>(async (ids) =>
      groupBy(await ctx.deps.db.query<HbrHistoryRow>('SELECT * FROM hbr_history WHERE report_id = ANY($1) ORDER BY recorded_at, id', [ids]), (r) => r.report_id, ids),
    ),
  }));

const staff = (s: StaffRow | null) => (s ? { id: s.id, name: s.name, role: s.role } : null);

/** The GraphQL object: plain fields now, relations resolved lazily (and batched) only when asked for. */
const toGraphQL = (ctx: CouncilContext) => (r: HbrRow) => {
  const steps = () => loaders(ctx).steps.load(r.id);
  const step = async (s: HbrStepRow) => ({ id: s.id, staffMember: staff(await ctx.loaders.staff.load(s.staff_id)), notes: s.notes, prison: s.prison, interviewedOn: s.occurred_on, visitedOn: s.occurred_on });
  return {
    id: r.id,
    // Not in the schema: the person the report concerns, for the s.62 log.
    personId: r.offender_id,
    caseId: r.case_id,
    requestedBy: r.requested_by,
    requestedOn: r.requested_on,
    dueOn: r.due_on,
    author: async () => staff(await ctx.loaders.staff.load(r.author_id)),
    status: async () => (r.submitted_on ? 'SUBMITTED' : (await steps()).length ? 'IN_PROGRESS' : 'REQUESTED'),
    interviews: async () => Promise.all((await steps()).filter((s) => s.kind === 'PRISON_INTERVIEW').map(step)),
    addressVisits: async () => Promise.all((await steps()).filter((s) => s.kind === 'ADDRESS_VISIT').map(step)),
    submittedOn: r.submitted_on,
    outcome: r.outcome,
    ...lateness(r, ctx.deps.today()),
    missingBeforeSubmission: async () => (r.submitted_on ? [] : missingBeforeSubmission(await steps())),
    version: r.version,
    history: async () =>
      (await loaders(ctx).history.load(r.id)).map((h) => ({ action: h.action, occurredOn: h.occurred_on, summary: h.summary, recordedBy: h.recorded_by, recordedAt: h.recorded_at })),
  };
};

/**
 * The nominal a row concerns, kept beside it so every read can be logged against the person (s.62)
 * without a join: filled from the case by the database itself, so no writer can forget it.
 */
class AddHbrPerson1764401800000 implements MigrationInterface {
  name = 'AddHbrPerson1764401800000';
  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE home_background_reports ADD COLUMN offender_id text');
    await q.query('UPDATE home_background_reports t SET offender_id = c.offender_id FROM cases c WHERE c.id = t.case_id');
    await q.query(`CREATE FUNCTION hbr_person() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN NEW.offender_id := (SELECT offender_id FROM cases WHERE id = NEW.case_id); RETURN NEW; END $$`);
    await q.query('CREATE TRIGGER hbr_person BEFORE INSERT OR UPDATE OF case_id ON home_background_reports FOR EACH ROW EXECUTE FUNCTION hbr_person()');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TRIGGER hbr_person ON home_background_reports; DROP FUNCTION hbr_person(); ALTER TABLE home_background_reports DROP COLUMN offender_id');
  }
}

/** A report is case content: only callers with the full view of its case may read it. */
async function readableReport(ctx: CouncilContext, reportId: string): Promise<HbrRow | null> {
  const report = await loaders(ctx).byId.load(reportId);
  if (!report) return null;
  const c = await ctx.loaders.case.load(report.case_id);
  if (!c || viewOf(ctx, c) !== 'FULL') throw forbidden(`Home Background Report ${reportId}`);
  return report;
}

const addHistory = (runner: QueryRunner, entry: { reportId: string; action: HbrAction; occurredOn: string; summary: string; recordedBy: string }) =>
  runner.query('INSERT INTO hbr_history (id, report_id, action, occurred_on, summary, recorded_by) VALUES ($1, $2, $3, $4, $5, $6)', [
    `HH-${randomUUID()}`,
    entry.reportId,
    entry.action,
    entry.occurredOn,
    entry.summary,
    entry.recordedBy,
  ]);

/** Locks the report for a step; a submitted report, or one whose case is read-only, takes no more steps. */
async function openReport(runner: QueryRunner, reportId: string): Promise<HbrRow> {
  const [report] = (await runner.query('SELECT * FROM home_background_reports WHERE id = $1 FOR UPDATE', [reportId])) as HbrRow[];
  if (!report) throw appError('NOT_FOUND', `Home Background Report ${reportId} was not found.`, { field: 'reportId' });
  const c = await writableCase(runner, report.case_id);
  if (report.submitted_on) throw conflict(`Home Background Report ${reportId} was submitted on ${report.submitted_on} and is read-only.`);
  // The person as the case names it, for the s.62 log of the step.
  return { ...report, offender_id: c.offender_id };
}

const requestInput = z.object({
  caseId: id(),
  requestedBy: z.string().trim().min(2, 'must say who asked for the report').max(200),
  requestedOn: isoDate(),
  dueOn: isoDate().nullish(),
  authorId: id(),
  idempotencyKey: idempotencyKey(),
});

const stepFields = { reportId: id(), staffMemberId: id(), notes: freeText(4000).nullish(), idempotencyKey: idempotencyKey() };
const interviewInput = z.object({ ...stepFields, interviewedOn: isoDate(), prison: z.string().trim().min(2, 'must name the prison').max(100) });
const visitInput = z.object({ ...stepFields, visitedOn: isoDate() });

const submitInput = z.object({
  reportId: id(),
  submittedOn: isoDate(),
  outcome: z.enum(HBR_OUTCOMES),
  expectedVersion: z.number().int().min(1),
});

async function recordStep(
  ctx: CouncilContext,
  step: { reportId: string; kind: HbrStepRow['kind']; occurredOn: string; dateField: string; staffMemberId: string; prison: string | null; notes: string | null; idempotencyKey: string; fields: string[] },
): Promise<HbrRow> {
  const user = userOf(ctx);
  notAfterToday(step.occurredOn, step.dateField, ctx.deps);
  return ctx.deps.db.transaction(async (runner) => {
    const report = await openReport(runner, step.reportId);
    if (step.occurredOn < report.requested_on) throw badInput(step.dateField, `${step.dateField}: is before the report was requested (${report.requested_on}).`);
    const who = await staffMember(runner, step.staffMemberId, 'staffMemberId');
    const { row: stepRow, created } = await insertOnce<HbrStepRow>(
      runner,
      'hbr_steps',
      { id: `HS-${randomUUID()}`, report_id: report.id, case_id: report.case_id, kind: step.kind, occurred_on: step.occurredOn, staff_id: who.id, prison: step.prison, notes: step.notes, idempotency_key: step.idempotencyKey },
      step.idempotencyKey,
    );
    if (!created) return report;
    await addHistory(runner, {
      reportId: report.id,
      action: step.kind,
      occurredOn: step.occurredOn,
      summary: step.kind === 'PRISON_INTERVIEW' ? `Prisoner interviewed at ${step.prison} by ${who.name}.` : `Proposed release address visited by ${who.name}.`,
      recordedBy: user.sub,
    });
    const [updated] = await updateReturning<HbrRow>(runner, 'UPDATE home_background_reports SET version = version + 1 WHERE id = $1 RETURNING *', [report.id]);
    await logEvent(runner, {
      event: 'COLLECTION',
      actor: user,
      justification: justificationOf(ctx.caller),
      recordType: step.kind === 'PRISON_INTERVIEW' ? 'HBR_PRISON_INTERVIEW' : 'HBR_ADDRESS_VISIT',
      recordId: stepRow.id,
      personId: report.offender_id,
      fields: step.fields,
      note: `report ${report.id}; case ${report.case_id}`,
    });
    return updated;
  });
}

/** Demo: on each council's newest cases, one report submitted on time, one late, one in progress and one overdue. */
function demo(dataset: CouncilDataset, rng: DemoRng, names: AuthorityNames, today: string): void {
  const open = dataset.cases.filter((c) => c.status === 'OPEN').sort((a, b) => b.start_date.localeCompare(a.start_date) || a.id.localeCompare(b.id));
  const prisons = ['HMP Perth', 'HMP Castle Huntly', 'HMP Grampian', 'HMP Edinburgh'];
  const reports: object[] = [];
  const steps: object[] = [];
  const history: object[] = [];
  const shapes = [
    { requestedOn: -70, interviews: [-60, -50], visit: -45, submitted: -30 },
    { requestedOn: -90, interviews: [-70, -55, -50], visit: -44, submitted: -42 },
    { requestedOn: -20, interviews: [-10], visit: null, submitted: null },
    { requestedOn: -50, interviews: [-40, -30], visit: null, submitted: null },
  ];
  shapes.forEach((shape, k) => {
    const c = open[k * 3];
    if (!c) return;
    // The first two are pre-release reports written before the case opened; the others are current.
    const anchor = shape.submitted === null ? today : c.start_date;
    const at = (d: number) => addDays(anchor, d);
    const reportId = `HBR-${c.id}-1`;
    const requestedOn = at(shape.requestedOn);
    const dueOn = addDays(requestedOn, HBR_DEFAULT_DUE_WEEKS * 7);
    const writer = c.case_manager_id;
    const prison = rng.pick(prisons);
    const requestedBy = rng.pick(['Parole Board for Scotland', `${prison} (Integrated Case Management)`]);
    let version = 1;
    const log = (action: HbrAction, on: string, summary: string) => history.push({ id: `HH-${reportId}-${history.length}`, report_id: reportId, action, occurred_on: on, summary, recorded_by: writer, recorded_at: `${on}T16:00:00Z` });
    log('REQUESTED', requestedOn, `Requested by ${requestedBy}; due ${dueOn}.`);
    shape.interviews.forEach((d, i) => {
      steps.push({ id: `HS-${reportId}-I${i}`, report_id: reportId, case_id: c.id, kind: 'PRISON_INTERVIEW', occurred_on: at(d), staff_id: writer, prison, notes: null, idempotency_key: `demo-hs-${reportId}-I${i}` });
      log('PRISON_INTERVIEW', at(d), `Prisoner interviewed at ${prison}.`);
      version += 1;
    });
    if (shape.visit !== null) {
      steps.push({ id: `HS-${reportId}-V`, report_id: reportId, case_id: c.id, kind: 'ADDRESS_VISIT', occurred_on: at(shape.visit), staff_id: writer, prison: null, notes: 'Address suitable; no children in the household.', idempotency_key: `demo-hs-${reportId}-V` });
      log('ADDRESS_VISIT', at(shape.visit), 'Proposed release address visited.');
      version += 1;
    }
    const submittedOn = shape.submitted === null ? null : at(shape.submitted);
    if (submittedOn) {
      const { late, daysLate } = lateness({ due_on: dueOn, submitted_on: submittedOn }, today);
      log('SUBMITTED', submittedOn, `Submitted ${late ? `${daysLate} day(s) late` : 'on time'}: address suitable.`);
      version += 1;
    }
    reports.push({ id: reportId, case_id: c.id, requested_by: requestedBy, requested_on: requestedOn, due_on: dueOn, author_id: writer, submitted_on: submittedOn, outcome: submittedOn ? 'ADDRESS_SUITABLE' : null, version, idempotency_key: `demo-hbr-${names.caseIdPrefix}-${k}` });
  });
  (dataset.extra.home_background_reports ??= []).push(...reports);
  (dataset.extra.hbr_steps ??= []).push(...steps);
  (dataset.extra.hbr_history ??= []).push(...history);
}

export const homeBackgroundReportsFeature: CouncilFeature = {
  name: 'home-background-reports',
  schemaFile: `${__dirname}/schema.graphql`,
  migrations: [CreateHomeBackgroundReports1764401137000, AddHbrPerson1764401800000],
  audited: (names) => [{ typeName: 'HomeBackgroundReport', refOf: (r: { id: string; personId: string | null }) => ({ recordType: 'HOME_BACKGROUND_REPORT', recordId: r.id, personId: r.personId }) }],
  demo,
  resolvers: (names) => ({
    [`${names.typePrefix}Case`]: {
      homeBackgroundReports: fullField(async (c, ctx) => (await loaders(ctx).byCase.load(c.id)).map(toGraphQL(ctx))),
    },
    Query: {
      [`${names.fieldPrefix}HomeBackgroundReport`]: async (_: unknown, args: { id: string }, ctx: CouncilContext) => {
        const report = await readableReport(ctx, args.id);
        return report && toGraphQL(ctx)(report);
      },
      [`${names.fieldPrefix}HomeBackgroundReports`]: async (
        _: unknown,
        args: { filter?: { outstanding?: boolean | null; late?: boolean | null } | null; first?: number; after?: string },
        ctx: CouncilContext,
      ) => {
        requireFullCouncilView(ctx, `${names.displayName} Home Background Reports`);
        const size = pageSize(args.first);
        const after = decodeCursor(args.after);
        const params: unknown[] = [];
        const where: string[] = [];
        const add = (sql: string, ...values: unknown[]) => {
          where.push(values.reduce<string>((text, v) => text.replace('?', `$${params.push(v)}`), sql));
        };
        if (args.filter?.outstanding != null) add(args.filter.outstanding ? 'submitted_on IS NULL' : 'submitted_on IS NOT NULL');
        if (args.filter?.late != null) add(`COALESCE(submitted_on, ?::date) ${args.filter.late ? '>' : '<='} due_on`, ctx.deps.today());
        const filter = () => (where.length ? `WHERE ${where.join(' AND ')}` : '');
        const [{ total }] = await ctx.deps.db.query<{ total: number }>(`SELECT count(*)::int AS total FROM home_background_reports ${filter()}`, params);
        if (after) {
          const [dueOn, reportId] = after.split('|');
          if (!reportId || !/^\d{4}-\d{2}-\d{2}$/.test(dueOn)) throw badInput('after', 'The cursor is not valid.');
          add('(due_on, id) < (?::date, ?)', dueOn, reportId);
        }
        const rows = await ctx.deps.db.query<HbrRow>(`SELECT * FROM home_background_reports ${filter()} ORDER BY due_on DESC, id DESC LIMIT $${params.push(size + 1)}`, params);
        return connection(rows, size, total, (r) => `${r.due_on}|${r.id}`, toGraphQL(ctx));
      },
    },
    Mutation: {
      [`${names.fieldPrefix}RequestHomeBackgroundReport`]: async (_: unknown, { input }: { input: unknown }, ctx: CouncilContext) => {
        const user = userOf(ctx);
        requireWriter(user, ctx.deps);
        const parsed = parseInput(requestInput, input);
        notAfterToday(parsed.requestedOn, 'requestedOn', ctx.deps);
        const dueOn = parsed.dueOn ?? addDays(parsed.requestedOn, HBR_DEFAULT_DUE_WEEKS * 7);
        if (dueOn <= parsed.requestedOn) throw badInput('dueOn', 'dueOn: must be after requestedOn.');
        const row = await ctx.deps.db.transaction(async (runner) => {
          const c = await writableCase(runner, parsed.caseId);
          await staffMember(runner, parsed.authorId, 'authorId');
          const { row: report, created } = await insertOnce<HbrRow>(
            runner,
            'home_background_reports',
            { id: `HBR-${randomUUID()}`, case_id: parsed.caseId, requested_by: parsed.requestedBy, requested_on: parsed.requestedOn, due_on: dueOn, author_id: parsed.authorId, idempotency_key: parsed.idempotencyKey },
            parsed.idempotencyKey,
          );
          if (created) {
            const when = parsed.dueOn ? `due ${dueOn}` : `due ${dueOn} (the ${HBR_DEFAULT_DUE_WEEKS}-week default)`;
            await addHistory(runner, { reportId: report.id, action: 'REQUESTED', occurredOn: parsed.requestedOn, summary: `Requested by ${parsed.requestedBy}; ${when}.`, recordedBy: user.sub });
            await logEvent(runner, { event: 'COLLECTION', actor: user, justification: justificationOf(ctx.caller), recordType: 'HOME_BACKGROUND_REPORT', recordId: report.id, personId: c.offender_id, fields: ['authorId', 'dueOn', 'requestedBy', 'requestedOn'], note: `case ${c.id}` });
          }
          return report;
        });
        return toGraphQL(ctx)(row);
      },
      [`${names.fieldPrefix}RecordHbrPrisonInterview`]: async (_: unknown, { input }: { input: unknown }, ctx: CouncilContext) => {
        requireWriter(userOf(ctx), ctx.deps);
        const p = parseInput(interviewInput, input);
        const row = await recordStep(ctx, { reportId: p.reportId, kind: 'PRISON_INTERVIEW', occurredOn: p.interviewedOn, dateField: 'interviewedOn', staffMemberId: p.staffMemberId, prison: p.prison, notes: p.notes ?? null, idempotencyKey: p.idempotencyKey, fields: ['interviewedOn', ...(p.notes ? ['notes'] : []), 'prison', 'staffMemberId'] });
        return toGraphQL(ctx)(row);
      },
      [`${names.fieldPrefix}RecordHbrAddressVisit`]: async (_: unknown, { input }: { input: unknown }, ctx: CouncilContext) => {
        requireWriter(userOf(ctx), ctx.deps);
        const p = parseInput(visitInput, input);
        const row = await recordStep(ctx, { reportId: p.reportId, kind: 'ADDRESS_VISIT', occurredOn: p.visitedOn, dateField: 'visitedOn', staffMemberId: p.staffMemberId, prison: null, notes: p.notes ?? null, idempotencyKey: p.idempotencyKey, fields: [...(p.notes ? ['notes'] : []), 'staffMemberId', 'visitedOn'] });
        return toGraphQL(ctx)(row);
      },
      [`${names.fieldPrefix}SubmitHomeBackgroundReport`]: async (_: unknown, { input }: { input: unknown }, ctx: CouncilContext) => {
        const user = userOf(ctx);
        requireWriter(user, ctx.deps);
        const p = parseInput(submitInput, input);
        notAfterToday(p.submittedOn, 'submittedOn', ctx.deps);
        const row = await ctx.deps.db.transaction(async (runner) => {
          const report = await openReport(runner, p.reportId);
          if (report.version !== p.expectedVersion) throw conflict(`Home Background Report ${report.id} changed since you read it (version ${report.version}, not ${p.expectedVersion}).`);
          const steps = (await runner.query('SELECT kind, occurred_on FROM hbr_steps WHERE report_id = $1', [report.id])) as HbrStepRow[];
          const interviews = steps.filter((s) => s.kind === 'PRISON_INTERVIEW').length;
          if (interviews < HBR_MIN_PRISON_INTERVIEWS) {
            throw badInput('interviews', `interviews: at least ${HBR_MIN_PRISON_INTERVIEWS} prison interviews must be recorded before submission (${interviews} recorded).`);
          }
          if (!steps.some((s) => s.kind === 'ADDRESS_VISIT')) throw badInput('addressVisits', 'addressVisits: the proposed release address must be visited before submission.');
          const lastStep = steps.map((s) => s.occurred_on).sort().at(-1)!;
          if (p.submittedOn < lastStep) throw badInput('submittedOn', `submittedOn: is before the last interview or visit (${lastStep}).`);
          const [updated] = await updateReturning<HbrRow>(
            runner,
            'UPDATE home_background_reports SET submitted_on = $3, outcome = $4, version = version + 1 WHERE id = $1 AND version = $2 RETURNING *',
            [report.id, p.expectedVersion, p.submittedOn, p.outcome],
          );
          if (!updated) throw conflict(`Home Background Report ${report.id} changed since you read it.`);
          const { late, daysLate } = lateness(updated, ctx.deps.today());
          await addHistory(runner, {
            reportId: report.id,
            action: 'SUBMITTED',
            occurredOn: p.submittedOn,
            summary: `Submitted ${late ? `${daysLate} day(s) late (due ${report.due_on})` : 'on time'}: ${p.outcome.toLowerCase().replaceAll('_', ' ')}.`,
            recordedBy: user.sub,
          });
          await logEvent(runner, { event: 'ALTERATION', actor: user, justification: justificationOf(ctx.caller), recordType: 'HOME_BACKGROUND_REPORT', recordId: report.id, personId: report.offender_id, fields: ['outcome', 'submittedOn'], note: `case ${report.case_id}` });
          return updated;
        });
        return toGraphQL(ctx)(row);
      },
    },
  }),
};
