import { randomUUID } from 'node:crypto';
import DataLoader from 'dataloader';
import { MigrationInterface, QueryRunner } from 'typeorm';
import { z } from 'zod';
import { complianceToGraphQL } from '../../../../schema/compliance';
import { badInput, conflict, forbidden } from '../../../../schema/errors';
import { caseView } from '../../../../schema/access';
import { addDays, isIsoDate } from '../../../../schema/standard/dates';
import { describeInterval, nominalDays, rowFor, standardInForce, STATUS_RANK } from '../../../../schema/standard';
import { actorOf, justificationOf, logEvent } from '../../../shared/audit-log';
import { Database } from '../../../shared/database';
import { groupBy, indexBy } from '../../../shared/group';
import { id, isoDate, parseInput } from '../../../shared/validate';
import { fullField, requireWriter, summaryField, updateReturning, userOf, writableCase } from '../../case-access';
import type { CouncilDeps } from '../../case-practice';
import type { CaseRow } from '../../data/cases';
import { CouncilFeature, perRequest } from '../../feature';
import type { CouncilContext } from '../../resolvers';
import { addChronologyEntry } from '../chronology';
import { caseTimeline, councilCompliance, MappaChangeRow, runningStandardVersion } from './timeline';

/**
 * The Tayside contact standard inside each council: every case's compliance and timeline (the
 * contract fields), the contact plan and MAPPA level rules, what is due this week, and the breach
 * sweep that turns a missed follow-up into a breach flag, a chronology entry and a police notice.
 */

class CreateContactStandardTables1764400150000 implements MigrationInterface {
  name = 'CreateContactStandardTables1764400150000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE mappa_level_changes (
        id text PRIMARY KEY,
        case_id text NOT NULL REFERENCES cases(id),
        previous_level int NOT NULL,
        level int NOT NULL CHECK (level BETWEEN 1 AND 3),
        effective_from date NOT NULL,
        reason text NOT NULL,
        changed_by text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX mappa_level_changes_case ON mappa_level_changes (case_id, effective_from)');
    await q.query(`
      CREATE TABLE contact_plans (
        case_id text PRIMARY KEY REFERENCES cases(id),
        every int NOT NULL CHECK (every > 0),
        unit text NOT NULL CHECK (unit IN ('DAY','WEEK','MONTH')),
        set_on date NOT NULL,
        set_by text
      )`);
    await q.query(`
      CREATE TABLE breach_flags (
        id text PRIMARY KEY,
        case_id text NOT NULL REFERENCES cases(id),
        failed_on date NOT NULL,
        follow_up_due date NOT NULL,
        raised_on date NOT NULL,
        police_notified boolean NOT NULL DEFAULT false,
        UNIQUE (case_id, failed_on)
      )`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE breach_flags, contact_plans, mappa_level_changes');
  }
}

interface ContactPlanRow {
  case_id: string;
  every: number;
  unit: 'DAY' | 'WEEK' | 'MONTH';
  set_on: string;
  set_by: string | null;
}

interface BreachFlagRow {
  case_id: string;
  failed_on: string;
  follow_up_due: string;
  raised_on: string;
  police_notified: boolean;
}

function loaders(ctx: CouncilContext) {
  const db = ctx.deps.db;
  return perRequest(ctx, 'contact-standard', () => ({
    mappaChanges: new DataLoader<string, MappaChangeRow[]>(async (ids) =>
      groupBy(await db.query<MappaChangeRow>('SELECT * FROM mappa_level_changes WHERE case_id = ANY($1) ORDER BY effective_from, created_at', [ids]), (r) => r.case_id, ids),
    ),
    plans: new DataLoader<string, ContactPlanRow | null>(async (ids) =>
      indexBy(await db.query<ContactPlanRow>('SELECT * FROM contact_plans WHERE case_id = ANY($1)', [ids]), (r) => r.case_id, ids),
    ),
    breaches: new DataLoader<string, BreachFlagRow[]>(async (ids) =>
      groupBy(await db.query<BreachFlagRow>('SELECT * FROM breach_flags WHERE case_id = ANY($1) ORDER BY failed_on', [ids]), (r) => r.case_id, ids),
    ),
  }));
}

async function timelineOf(c: CaseRow, ctx: CouncilContext) {
  const [assessments, contacts, changes] = await Promise.all([
    ctx.loaders.assessments.load(c.id),
    ctx.loaders.contacts.load(c.id),
    loaders(ctx).mappaChanges.load(c.id),
  ]);
  return caseTimeline(c, assessments, contacts, changes);
}

/** A transferred-out case is judged up to its end date; an open one up to today. */
const asOfFor = (c: CaseRow, today: string) => (c.end_date && c.end_date < today ? c.end_date : today);

/** Evaluated once per case per request, however many fields and flags ask. */
function compliance(c: CaseRow, ctx: CouncilContext) {
  const memo = perRequest(ctx, 'compliance-results', () => new Map<string, ReturnType<typeof evaluate>>());
  const evaluate = async () => councilCompliance(await timelineOf(c, ctx), asOfFor(c, ctx.deps.today()), ctx.deps.standard);
  if (!memo.has(c.id)) memo.set(c.id, evaluate());
  return memo.get(c.id)!;
}

const planInput = z.object({
  caseId: id(),
  every: z.number().int().min(1, 'must be at least 1').max(366),
  unit: z.enum(['DAY', 'WEEK', 'MONTH']),
  expectedVersion: z.number().int().min(1),
});

const levelInput = z.object({
  caseId: id(),
  level: z.number().int().min(1, 'must be 1, 2 or 3').max(3, 'must be 1, 2 or 3'),
  effectiveFrom: isoDate(),
  reason: z.string().trim().min(3, 'must say why').max(1000),
  expectedVersion: z.number().int().min(1),
});

/** Bumps the case version only if nobody else changed it since the caller read it. */
async function bumpVersion(runner: QueryRunner, caseId: string, expectedVersion: number, set = '', params: unknown[] = []): Promise<void> {
  const result = await updateReturning(runner, `UPDATE cases SET version = version + 1${set} WHERE id = $1 AND version = $2 RETURNING id`, [caseId, expectedVersion, ...params]);
  if (!result.length) throw conflict(`Case ${caseId} was changed by someone else since you read it (expected version ${expectedVersion}). Reload and try again.`);
}

/** The loosest contact interval the standard allows for this case now (the MAPPA floor included). */
function allowedInterval(c: CaseRow, timelineResult: ReturnType<typeof councilCompliance>, deps: CouncilDeps, asOf: string) {
  const standard = deps.standard.versions ? standardInForce(asOf, deps.standard.versions) : standardInForce(asOf);
  const row = rowFor(standard, timelineResult.assessedRisk, c.mappa_level);
  const phase = standard.phases.find((p) => p.label === timelineResult.phase) ?? standard.phases[standard.phases.length - 1];
  return { row, interval: standard.rows[row].contact[phase.id], phaseLabel: phase.label };
}

/**
 * Finds failed appointments whose follow-up deadline passed with no attended contact, and for each
 * new one: a breach flag, a BREACH chronology entry and a notice to the police register, in one
 * transaction per case. Idempotent: a breach is raised once per failed appointment.
 */
export async function sweepBreaches(deps: CouncilDeps): Promise<number> {
  const db: Database = deps.db;
  const today = deps.today();
  const cases = await db.query<CaseRow>(`SELECT * FROM case_overview WHERE status = 'OPEN'`);
  if (!cases.length) return 0;
  const ids = cases.map((c) => c.id);
  const [assessments, contacts, changes, existing] = await Promise.all([
    db.query<any>('SELECT * FROM risk_assessments WHERE case_id = ANY($1) ORDER BY assessed_on, created_at', [ids]),
    db.query<any>('SELECT * FROM contacts WHERE case_id = ANY($1) ORDER BY occurred_on, created_at', [ids]),
    db.query<MappaChangeRow>('SELECT * FROM mappa_level_changes WHERE case_id = ANY($1) ORDER BY effective_from, created_at', [ids]),
    db.query<BreachFlagRow>('SELECT case_id, failed_on FROM breach_flags WHERE case_id = ANY($1)', [ids]),
  ]);
  const a = groupBy(assessments, (r) => r.case_id, ids);
  const k = groupBy(contacts, (r) => r.case_id, ids);
  const m = groupBy(changes, (r) => r.case_id, ids);
  const raised = new Set(existing.map((e) => `${e.case_id}|${e.failed_on}`));
  let count = 0;
  for (const [i, c] of cases.entries()) {
    const result = councilCompliance(caseTimeline(c, a[i], k[i], m[i]), today, deps.standard);
    for (const f of result.followUps.filter((f) => f.status === 'BREACH' && !raised.has(`${c.id}|${f.failedOn}`))) {
      await db.transaction(async (runner) => {
        const inserted = (await runner.query(
          `INSERT INTO breach_flags (id, case_id, failed_on, follow_up_due, raised_on, police_notified) VALUES ($1, $2, $3, $4, $5, true)
           ON CONFLICT (case_id, failed_on) DO NOTHING RETURNING id`,
          [`BR-${randomUUID()}`, c.id, f.failedOn, f.due, today],
        )) as { id: string }[];
        if (!inserted.length) return;
        await addChronologyEntry(runner, {
          caseId: c.id,
          occurredOn: today,
          kind: 'BREACH',
          summary: `Breach: failed appointment on ${f.failedOn} not followed up by ${f.due}. Police informed; consider recall.`,
        });
        // Inside the transaction: the flag is only kept once the police register has the notice.
        await deps.notifyBreach({ offenderId: c.offender_id, caseId: c.id, failedOn: f.failedOn, followUpDue: f.due, raisedOn: today });
        // s.62: the flag is collected here by the service itself, and disclosed to the police register.
        const flag = { actor: actorOf({ kind: 'service', service: deps.names.serviceName }), justification: null, recordType: 'BREACH_FLAG', recordId: inserted[0].id, personId: c.offender_id, fields: ['failedOn', 'followUpDue', 'raisedOn'] };
        await logEvent(runner, { ...flag, event: 'COLLECTION', note: `case ${c.id}; raised by the breach sweep` });
        await logEvent(runner, { ...flag, event: 'DISCLOSURE', fields: ['caseId', 'failedOn', 'followUpDue', 'offenderId', 'raisedOn'], recipient: 'POLICE', note: `case ${c.id}; breach notice to the police register` });
        count += 1;
      });
    }
  }
  return count;
}

export const contactStandardFeature: CouncilFeature = {
  name: 'contact-standard',
  schemaFile: `${__dirname}/schema.graphql`,
  migrations: [CreateContactStandardTables1764400150000],
  flags: {
    FOLLOW_UP_DUE: async (c, ctx) => c.status === 'OPEN' && (await compliance(c, ctx)).followUps.some((f) => f.deliveredOn === null && f.status === 'DUE_SOON'),
    CONTACT_OVERDUE: async (c, ctx) => c.status === 'OPEN' && (await compliance(c, ctx)).status === 'OVERDUE',
    BREACH: async (c, ctx) => c.status === 'OPEN' && (await compliance(c, ctx)).breach,
  },
  resolvers: (names) => ({
    [`${names.typePrefix}Case`]: {
      compliance: summaryField(async (c, ctx) => complianceToGraphQL(await compliance(c, ctx))),
      timeline: summaryField(async (c, ctx) => ({
        ...(await timelineOf(c, ctx)),
        offenderId: c.offender_id,
        authority: names.authority,
        status: c.status,
        standardVersion: runningStandardVersion(ctx.deps.standard),
      })),
      version: fullField((c) => c.version),
      contactPlan: fullField(async (c, ctx) => {
        const p = await loaders(ctx).plans.load(c.id);
        return p && { every: p.every, unit: p.unit, setOn: p.set_on, setBy: p.set_by };
      }),
      breachFlags: summaryField(async (c, ctx) =>
        (await loaders(ctx).breaches.load(c.id)).map((b) => ({ failedOn: b.failed_on, followUpDue: b.follow_up_due, raisedOn: b.raised_on, policeNotified: b.police_notified })),
      ),
    },
    Query: {
      [`${names.fieldPrefix}DueThisWeek`]: async (_: unknown, args: { caseManagerId?: string; weekOf?: string }, ctx: CouncilContext) => {
        if (caseView(userOf(ctx), { authority: names.authority, mappaLevel: 1 }) !== 'FULL') throw forbidden(`the ${names.displayName} caseload`);
        if (args.weekOf != null && !isIsoDate(args.weekOf)) throw badInput('weekOf', 'weekOf: must be a date.');
        const today = ctx.deps.today();
        const anchor = args.weekOf ?? today;
        const weekday = (new Date(`${anchor}T00:00:00Z`).getUTCDay() + 6) % 7;
        const weekStart = addDays(anchor, -weekday);
        const weekEnd = addDays(weekStart, 6);
        const params: unknown[] = [];
        let filter = '';
        if (args.caseManagerId) {
          params.push(args.caseManagerId);
          filter = 'AND case_manager_id = $1';
        }
        const cases = await ctx.deps.db.query<CaseRow>(`SELECT * FROM case_overview WHERE status = 'OPEN' ${filter} ORDER BY id`, params);
        cases.forEach((c) => ctx.loaders.case.prime(c.id, c));
        const items = [];
        for (const c of cases) {
          const r = councilCompliance(await timelineOf(c, ctx), anchor < today ? today : anchor, ctx.deps.standard);
          const candidates: [string, string | null, string][] = [
            ['contact', r.nextContactDue, r.parts.contact],
            ['homeVisit', r.nextHomeVisitDue, r.parts.homeVisit],
            ...r.followUps.filter((f) => !f.deliveredOn).map((f): [string, string, string] => ['followUp', f.due, f.status]),
          ];
          for (const [requirement, due, status] of candidates) {
            // Everything due by the end of the week, including what is already late.
            if (due && due <= weekEnd) items.push({ case: c, requirement, due, status: STATUS_RANK[status as 'COMPLIANT'] >= STATUS_RANK.OVERDUE ? status : due < today ? 'OVERDUE' : due <= addDays(today, 2) ? 'DUE_SOON' : 'COMPLIANT' });
          }
        }
        return items.sort((x, y) => x.due.localeCompare(y.due) || x.case.id.localeCompare(y.case.id));
      },
    },
    Mutation: {
      [`${names.fieldPrefix}SetContactPlan`]: async (_: unknown, { input }: { input: unknown }, ctx: CouncilContext) => {
        const user = userOf(ctx);
        requireWriter(user, ctx.deps);
        const parsed = parseInput(planInput, input);
        await ctx.deps.db.transaction(async (runner) => {
          const c = (await writableCase(runner, parsed.caseId)) as CaseRow;
          const [{ risk_level }] = (await runner.query('SELECT risk_level FROM case_overview WHERE id = $1', [c.id])) as { risk_level: CaseRow['risk_level'] }[];
          const today = ctx.deps.today();
          // One connection, so one statement at a time.
          const assessments = await runner.query('SELECT * FROM risk_assessments WHERE case_id = $1 ORDER BY assessed_on, created_at', [c.id]);
          const contacts = await runner.query('SELECT * FROM contacts WHERE case_id = $1 ORDER BY occurred_on, created_at', [c.id]);
          const changes = await runner.query('SELECT * FROM mappa_level_changes WHERE case_id = $1 ORDER BY effective_from, created_at', [c.id]);
          const result = councilCompliance(caseTimeline({ ...c, risk_level }, assessments, contacts, changes), today, ctx.deps.standard);
          const allowed = allowedInterval(c, result, ctx.deps, today);
          if (nominalDays({ every: parsed.every, unit: parsed.unit }) > nominalDays(allowed.interval)) {
            const why = c.mappa_level >= 2 ? `MAPPA level ${c.mappa_level} cases never run below the ${allowed.row} row` : `the ${allowed.row} row applies`;
            throw badInput('every', `every: a contact plan of every ${parsed.every} ${parsed.unit.toLowerCase()}(s) is looser than the standard allows (${describeInterval(allowed.interval)} in ${allowed.phaseLabel}): ${why}.`);
          }
          await bumpVersion(runner, c.id, parsed.expectedVersion);
          await runner.query(
            `INSERT INTO contact_plans (case_id, every, unit, set_on, set_by) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (case_id) DO UPDATE SET every = EXCLUDED.every, unit = EXCLUDED.unit, set_on = EXCLUDED.set_on, set_by = EXCLUDED.set_by`,
            [c.id, parsed.every, parsed.unit, today, user.sub],
          );
          await logEvent(runner, { event: 'ALTERATION', actor: user, justification: justificationOf(ctx.caller), recordType: 'CASE', recordId: c.id, personId: c.offender_id, fields: ['every', 'unit'], note: 'contact plan' });
        });
        ctx.loaders.case.clear(parsed.caseId);
        return ctx.loaders.case.load(parsed.caseId);
      },
      [`${names.fieldPrefix}ChangeMappaLevel`]: async (_: unknown, { input }: { input: unknown }, ctx: CouncilContext) => {
        const user = userOf(ctx);
        requireWriter(user, ctx.deps);
        const parsed = parseInput(levelInput, input);
        if (parsed.effectiveFrom > ctx.deps.today()) throw badInput('effectiveFrom', 'effectiveFrom: cannot be in the future.');
        await ctx.deps.db.transaction(async (runner) => {
          const c = await writableCase(runner, parsed.caseId);
          if (parsed.effectiveFrom < c.start_date) throw badInput('effectiveFrom', 'effectiveFrom: is before the case started.');
          if (parsed.level === c.mappa_level) throw badInput('level', `level: the case is already at MAPPA level ${c.mappa_level}.`);
          await bumpVersion(runner, c.id, parsed.expectedVersion, ', mappa_level = $3', [parsed.level]);
          await runner.query(
            'INSERT INTO mappa_level_changes (id, case_id, previous_level, level, effective_from, reason, changed_by) VALUES ($1, $2, $3, $4, $5, $6, $7)',
            [`ML-${randomUUID()}`, c.id, c.mappa_level, parsed.level, parsed.effectiveFrom, parsed.reason, user.sub],
          );
          await addChronologyEntry(runner, {
            caseId: c.id,
            occurredOn: parsed.effectiveFrom,
            kind: 'MAPPA_LEVEL_CHANGE',
            summary: `MAPPA level ${c.mappa_level} → ${parsed.level}: ${parsed.reason}`,
            recordedBy: user.sub,
          });
          await logEvent(runner, { event: 'ALTERATION', actor: user, justification: justificationOf(ctx.caller), recordType: 'CASE', recordId: c.id, personId: c.offender_id, fields: ['effectiveFrom', 'level', 'reason'], note: 'MAPPA level change' });
        });
        ctx.loaders.case.clear(parsed.caseId);
        return ctx.loaders.case.load(parsed.caseId);
      },
    },
  }),
};

