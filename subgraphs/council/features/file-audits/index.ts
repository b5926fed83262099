import { randomUUID } from 'node:crypto';
import DataLoader from 'dataloader';
import { MigrationInterface, QueryRunner } from 'typeorm';
import { z } from 'zod';
import { AuthorityNames } from '../../../../schema/authorities';
import { badInput } from '../../../../schema/errors';
import { nearestGrade, SIX_POINT_SCALE, sixPointGrade } from '../../../../schema/six-point-scale';
import { addDays, addMonthsToDay, dayNumber, fromDayNumber } from '../../../../schema/standard/dates';
import type { CouncilDataset } from '../../../../scripts/demo-data';
import { justificationOf, logEvent } from '../../../shared/audit-log';
import { groupBy } from '../../../shared/group';
import { id, idempotencyKey, isoDate, parseInput } from '../../../shared/validate';
import { fullField, insertOnce, summaryField, notAfterToday, requireCouncilReader, requireFullCouncilView, requireManager, staffMember, userOf, writableCase } from '../../case-access';
import type { CaseRow, StaffRow } from '../../data/cases';
import { CouncilFeature, DemoRng, perRequest } from '../../feature';
import type { CouncilContext } from '../../resolvers';
import { parseQuarter, previousQuarter, Quarter, quarter, quarterOf, quarterRange } from './quarters';

/**
 * Internal file audits (2011 improvement plan, action 4.4.3): every HIGH and VERY_HIGH open case is
 * audited every 3 months by a Service Manager and a Team Manager together, and graded on the
 * six-point scale. Councils see counts per grade and the mean per quarter, and the trend.
 */

/** DOMAIN.md: "internal file audits of every high-risk case every 3 months". */
export const AUDIT_INTERVAL_MONTHS = 3;
const AUDITED_RISK_LEVELS = ['HIGH', 'VERY_HIGH'];
/** A trend longer than ten years is a client mistake, not a report. */
const MAX_TREND_QUARTERS = 40;

export interface FileAuditRow {
  id: string;
  case_id: string;
  audited_on: string;
  service_manager_id: string;
  team_manager_id: string;
  grade: number;
  findings: string;
  recorded_by: string | null;
}

class CreateFileAudits1764401237000 implements MigrationInterface {
  name = 'CreateFileAudits1764401237000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE file_audits (
        id text PRIMARY KEY,
        case_id text NOT NULL REFERENCES cases(id),
        audited_on date NOT NULL,
        service_manager_id text NOT NULL REFERENCES staff(id),
        team_manager_id text NOT NULL REFERENCES staff(id),
        grade int NOT NULL CHECK (grade BETWEEN 1 AND 6),
        findings text NOT NULL,
        recorded_by text,
        idempotency_key text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX file_audits_case ON file_audits (case_id, audited_on)');
    await q.query('CREATE INDEX file_audits_date ON file_audits (audited_on)');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE file_audits');
  }
}

/**
 * When the next audit is due and whether it is overdue. Only open HIGH/VERY_HIGH cases need one:
 * due 3 months after the last audit, or after the case opened if it was never audited.
 */
export function auditStatus(c: Pick<CaseRow, 'status' | 'risk_level' | 'start_date'>, lastAuditedOn: string | null, today: string): { due: string | null; overdue: boolean } {
  if (c.status !== 'OPEN' || !AUDITED_RISK_LEVELS.includes(c.risk_level)) return { due: null, overdue: false };
  const due = fromDayNumber(addMonthsToDay(dayNumber(lastAuditedOn ?? c.start_date), AUDIT_INTERVAL_MONTHS));
  return { due, overdue: today > due };
}

const auditsLoader = (ctx: CouncilContext) =>
  perRequest(ctx, 'fileAudits', () =>
    new DataLoader<string, FileAuditRow[]>(async (ids) =>
      groupBy(await ctx.deps.db.query<FileAuditRow>('SELECT * FROM file_audits WHERE case_id = ANY($1) ORDER BY audited_on, created_at', [ids]), (r) => r.case_id, ids),
    ),
  );

const lastAudit = async (c: CaseRow, ctx: CouncilContext) => (await auditsLoader(ctx).load(c.id)).at(-1)?.audited_on ?? null;

const staff = (s: StaffRow | null) => (s ? { id: s.id, name: s.name, role: s.role } : null);

const toGraphQL = (ctx: CouncilContext) => async (r: FileAuditRow) => ({
  id: r.id,
  caseId: r.case_id,
  auditedOn: r.audited_on,
  serviceManager: staff(await ctx.loaders.staff.load(r.service_manager_id)),
  teamManager: staff(await ctx.loaders.staff.load(r.team_manager_id)),
  grade: sixPointGrade(r.grade),
  findings: r.findings,
  recordedBy: r.recorded_by,
});

/** One quarter's figures from its grade counts: every grade listed (zeros too), best first. */
export function quarterSummary(x: Quarter, counts: ReadonlyMap<number, number>) {
  const grades = SIX_POINT_SCALE.map((g) => ({ grade: { value: g.value, label: g.label }, count: counts.get(g.value) ?? 0 }));
  const filesAudited = grades.reduce((n, g) => n + g.count, 0);
  const mean = filesAudited ? grades.reduce((s, g) => s + g.grade.value * g.count, 0) / filesAudited : null;
  return {
    quarter: x.label,
    from: x.from,
    to: x.to,
    filesAudited,
    grades,
    meanGrade: mean === null ? null : Math.round(mean * 100) / 100,
    meanLabel: mean === null ? null : nearestGrade(mean).label,
  };
}

async function summaries(ctx: CouncilContext, quarters: Quarter[]) {
  if (!quarters.length) return [];
  const rows = await ctx.deps.db.query<{ y: number; q: number; grade: number; n: number }>(
    `SELECT extract(year FROM audited_on)::int AS y, extract(quarter FROM audited_on)::int AS q, grade, count(*)::int AS n
     FROM file_audits WHERE audited_on BETWEEN $1 AND $2 GROUP BY 1, 2, 3`,
    [quarters[0].from, quarters[quarters.length - 1].to],
  );
  const byQuarter = new Map<string, Map<number, number>>();
  for (const r of rows) {
    const label = quarter(r.y, r.q).label;
    if (!byQuarter.has(label)) byQuarter.set(label, new Map());
    byQuarter.get(label)!.set(r.grade, r.n);
  }
  return quarters.map((x) => quarterSummary(x, byQuarter.get(x.label) ?? new Map()));
}

const auditInput = z.object({
  caseId: id(),
  auditedOn: isoDate(),
  serviceManagerId: id(),
  teamManagerId: id(),
  grade: z.number().int('must be a whole grade from 1 to 6').min(1, 'must be 1 (unsatisfactory) to 6 (excellent)').max(6, 'must be 1 (unsatisfactory) to 6 (excellent)'),
  findings: z.string().trim().min(10, 'must say what the audit found').max(8000, 'must be at most 8000 characters'),
  idempotencyKey: idempotencyKey(),
});

const FINDINGS: Record<number, string> = {
  6: 'Excellent: assessment, plan, chronology and contact all current and clearly linked; practice exceeds the standard.',
  5: 'Very good: risk assessment and RMP current and linked; chronology complete; minor recording gaps only.',
  4: 'Good: assessment and RMP in date and chronology up to date; some case notes lack analysis of risk.',
  3: 'Adequate: RMP review date passed before the review was recorded; contact recording inconsistent.',
  2: 'Weak: risk assessment out of date and no contingency plan on file.',
  1: 'Unsatisfactory: no current risk assessment or plan on file.',
};

/**
 * Quarterly audit rounds for the last three full quarters and the current one (partly done). In
 * Dundee the last full quarter's sample is the 2011 self-evaluation's: 20 files, 1 adequate,
 * 18 good, 1 very good (committee report 354-2011, para 4.3.1).
 */
function demo(dataset: CouncilDataset, rng: DemoRng, names: AuthorityNames, today: string): void {
  const latest = new Map<string, { on: string; risk: string }>();
  for (const a of dataset.assessments) {
    const seen = latest.get(a.case_id);
    if (!seen || a.assessed_on >= seen.on) latest.set(a.case_id, { on: a.assessed_on, risk: a.risk_level });
  }
  const high = dataset.cases
    .filter((c) => c.status === 'OPEN' && AUDITED_RISK_LEVELS.includes(latest.get(c.id)?.risk ?? c.initial_risk_level))
    .sort((a, b) => a.start_date.localeCompare(b.start_date) || a.id.localeCompare(b.id));
  const sm = dataset.staff.find((s) => s.role === 'SERVICE_MANAGER')!;
  const tms = dataset.staff.filter((s) => s.role === 'TEAM_MANAGER');
  const current = quarterOf(today);
  const rounds = quarterRange(previousQuarter(previousQuarter(previousQuarter(current))), current);
  const rows: object[] = [];
  rounds.forEach((x, i) => {
    const isCurrent = x.label === current.label;
    const sample2011 = names.authority === 'DUNDEE' && i === rounds.length - 2;
    let files = high.filter((c) => c.start_date <= addDays(x.to, -45));
    if (sample2011) files = files.slice(0, 20);
    const adequateAt = rng.int(0, files.length - 1);
    let veryGoodAt = rng.int(0, files.length - 1);
    if (veryGoodAt === adequateAt) veryGoodAt = (veryGoodAt + 1) % files.length;
    files.forEach((c, k) => {
      // The current quarter's round is under way: about half the files are done so far.
      if (isCurrent && !rng.chance(0.5)) return;
      const lo = [x.from, addDays(c.start_date, 14)].sort()[1];
      const hi = [x.to, addDays(today, -1)].sort()[0];
      if (lo > hi) return;
      const auditedOn = addDays(lo, rng.int(0, dayNumber(hi) - dayNumber(lo)));
      // Older rounds show a weaker start so the trend has a shape; the 2011 sample is exact.
      const grade = sample2011 ? (k === adequateAt ? 3 : k === veryGoodAt ? 5 : 4) : rng.pick(i === 0 ? [2, 3, 3, 4, 4, 4, 5] : [3, 4, 4, 4, 4, 5, 5, 6]);
      rows.push({
        id: `FA-${c.id}-${x.label}`,
        case_id: c.id,
        audited_on: auditedOn,
        service_manager_id: sm.id,
        team_manager_id: rng.pick(tms).id,
        grade,
        findings: FINDINGS[grade],
        recorded_by: sm.id,
        idempotency_key: `demo-fa-${c.id}-${x.label}`,
      });
    });
  });
  (dataset.extra.file_audits ??= []).push(...rows);
}

export const fileAuditsFeature: CouncilFeature = {
  name: 'file-audits',
  schemaFile: `${__dirname}/schema.graphql`,
  migrations: [CreateFileAudits1764401237000],
  flags: { AUDIT_OVERDUE: async (c, ctx) => auditStatus(c, await lastAudit(c, ctx), ctx.deps.today()).overdue },
  demo,
  resolvers: (names) => ({
    [`${names.typePrefix}Case`]: {
      fileAudits: fullField(async (c, ctx) => Promise.all((await auditsLoader(ctx).load(c.id)).map(toGraphQL(ctx)))),
      nextFileAuditDue: summaryField(async (c, ctx) => auditStatus(c, await lastAudit(c, ctx), ctx.deps.today()).due),
      // A flag, like reviewOverdue: MAPPA partners who see the summary see that an audit is overdue, not the audit.
      auditOverdue: summaryField(async (c, ctx) => auditStatus(c, await lastAudit(c, ctx), ctx.deps.today()).overdue),
    },
    Query: {
      [`${names.fieldPrefix}GradingScale`]: () => SIX_POINT_SCALE.map((g) => ({ value: g.value, label: g.label })),
      [`${names.fieldPrefix}FileAuditSummary`]: async (_: unknown, args: { quarter: string }, ctx: CouncilContext) => {
        requireCouncilReader(ctx, `${names.displayName} file audit figures`);
        return (await summaries(ctx, [parseQuarter(args.quarter, 'quarter')]))[0];
      },
      [`${names.fieldPrefix}FileAuditTrend`]: async (_: unknown, args: { from: string; to: string }, ctx: CouncilContext) => {
        requireCouncilReader(ctx, `${names.displayName} file audit figures`);
        const from = parseQuarter(args.from, 'from');
        const to = parseQuarter(args.to, 'to');
        if (to.from < from.from) throw badInput('to', 'to: must not be before from.');
        const range = quarterRange(from, to);
        if (range.length > MAX_TREND_QUARTERS) throw badInput('to', `to: at most ${MAX_TREND_QUARTERS} quarters at a time.`);
        return summaries(ctx, range);
      },
      [`${names.fieldPrefix}FileAuditsOverdue`]: async (_: unknown, _args: unknown, ctx: CouncilContext) => {
        requireFullCouncilView(ctx, `the ${names.displayName} file audit list`);
        const rows = await ctx.deps.db.query<CaseRow & { last_audited_on: string | null }>(
          `SELECT o.*, (SELECT max(a.audited_on)::text FROM file_audits a WHERE a.case_id = o.id) AS last_audited_on
           FROM case_overview o WHERE o.status = 'OPEN' AND o.risk_level = ANY($1)`,
          [AUDITED_RISK_LEVELS],
        );
        const today = ctx.deps.today();
        return rows
          .map((r) => ({ row: r, status: auditStatus(r, r.last_audited_on, today) }))
          .filter((x) => x.status.overdue)
          .sort((a, b) => a.status.due!.localeCompare(b.status.due!) || a.row.id.localeCompare(b.row.id))
          .map(({ row: { last_audited_on: _l, ...c } }) => {
            ctx.loaders.case.prime(c.id, c);
            return c;
          });
      },
    },
    Mutation: {
      [`${names.fieldPrefix}RecordFileAudit`]: async (_: unknown, { input }: { input: unknown }, ctx: CouncilContext) => {
        const user = userOf(ctx);
        requireManager(user, ctx.deps, 'file audits');
        const parsed = parseInput(auditInput, input);
        notAfterToday(parsed.auditedOn, 'auditedOn', ctx.deps);
        const { row } = await ctx.deps.db.transaction(async (runner) => {
          const found = await writableCase(runner, parsed.caseId);
          if (parsed.auditedOn < found.start_date) throw badInput('auditedOn', 'auditedOn: is before the case started.');
          const serviceManager = await staffMember(runner, parsed.serviceManagerId, 'serviceManagerId');
          if (serviceManager.role !== 'SERVICE_MANAGER') throw badInput('serviceManagerId', `serviceManagerId: ${serviceManager.id} is not a Service Manager.`);
          const teamManager = await staffMember(runner, parsed.teamManagerId, 'teamManagerId');
          if (teamManager.role !== 'TEAM_MANAGER') throw badInput('teamManagerId', `teamManagerId: ${teamManager.id} is not a Team Manager.`);
          const inserted = await insertOnce<FileAuditRow>(
            runner,
            'file_audits',
            {
              id: `FA-${randomUUID()}`,
              case_id: parsed.caseId,
              audited_on: parsed.auditedOn,
              service_manager_id: parsed.serviceManagerId,
              team_manager_id: parsed.teamManagerId,
              grade: parsed.grade,
              findings: parsed.findings,
              recorded_by: user.sub,
              idempotency_key: parsed.idempotencyKey,
            },
            parsed.idempotencyKey,
          );
          if (inserted.created) {
            await logEvent(runner, {
              event: 'COLLECTION',
              actor: user,
              justification: justificationOf(ctx.caller),
              recordType: 'FILE_AUDIT',
              recordId: inserted.row.id,
              personId: found.offender_id,
              fields: ['auditedOn', 'findings', 'grade', 'serviceManagerId', 'teamManagerId'],
              note: `case ${found.id}`,
            });
          }
          return inserted;
        });
        return toGraphQL(ctx)(row);
      },
    },
  }),
};
