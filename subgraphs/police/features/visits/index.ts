import { randomUUID } from 'node:crypto';
import { MigrationInterface, QueryRunner } from 'typeorm';
import { z } from 'zod';
import { Authority, CONTACT_OUTCOMES, ContactOutcome, ContactType, MappaLevel, RiskLevel } from '../../../../schema/domain';
import { isIsoDate } from '../../../../schema/scalars';
import { evaluatePoliceVisits, TimelineContact } from '../../../../schema/standard';
import { addDays } from '../../../../schema/standard/dates';
import { appError, badInput, forbidden } from '../../../../schema/errors';
import { idempotencyKey, id, isoDate, parseInput } from '../../../shared/validate';
import { justificationOf, logEvent } from '../../../shared/audit-log';
import { PoliceFeature } from '../../feature';
import type { OffenderRow, PoliceVisitRow } from '../../data/register';
import type { PoliceContext } from '../../resolvers';

class AddPoliceVisitKeys1764400400000 implements MigrationInterface {
  name = 'AddPoliceVisitKeys1764400400000';
  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE police_visits ADD COLUMN idempotency_key text UNIQUE, ADD COLUMN recorded_by text');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE police_visits DROP COLUMN idempotency_key, DROP COLUMN recorded_by');
  }
}

const visitInput = z.object({
  offenderId: id(),
  visitedOn: isoDate(),
  type: z.enum(['HOME_VISIT', 'JOINT_VISIT'], 'must be HOME_VISIT or JOINT_VISIT'),
  outcome: z.enum(CONTACT_OUTCOMES),
  officer: z.string().trim().min(2, 'is required').max(200),
  idempotencyKey: idempotencyKey(),
});

/** Police-only visit compliance: registered, and no open council case (those are judged in areaCompliance). */
async function policeOnly(o: OffenderRow, ctx: PoliceContext) {
  if (!o.registered_on) return null;
  const holdings = await ctx.loaders.holdings.load(o.id);
  if (holdings.some((h) => h.holding)) return null;
  const visits = await ctx.loaders.visits.load(o.id);
  return evaluatePoliceVisits({
    registeredOn: o.registered_on,
    riskLevel: o.police_risk_level as RiskLevel,
    mappaLevel: o.mappa_level as MappaLevel,
    visits: visits.map((v): TimelineContact => ({ id: v.id, date: v.visited_on, type: v.type as ContactType, outcome: v.outcome as ContactOutcome, agency: 'POLICE' })),
    asOf: ctx.today(),
  });
}

export const policeVisitsFeature: PoliceFeature = {
  name: 'visits',
  migrations: [AddPoliceVisitKeys1764400400000],
  resolvers: () => ({
    Offender: {
      policeVisitCompliance: async (o: OffenderRow, _: unknown, ctx: PoliceContext) => {
        const r = await policeOnly(o, ctx);
        return (
          r && {
            standardVersion: r.standardVersion,
            asOf: r.asOf,
            status: r.status,
            reasons: r.reasons,
            effectiveRiskLevel: r.effectiveRisk,
            nextContactDue: null,
            nextHomeVisitDue: null,
            nextPoliceVisitDue: r.nextPoliceVisitDue,
            breach: false,
          }
        );
      },
    },
    Query: {
      policeVisitsDue: async (_: unknown, args: { councilArea?: Authority | null; by?: string | null }, ctx: PoliceContext) => {
        const user = ctx.caller.kind === 'user' ? ctx.caller.identity.user : null;
        if (!user || !(user.org === 'POLICE' || user.org === 'MAPPA_UNIT')) throw forbidden('the police visit list');
        if (args.by != null && !isIsoDate(args.by)) throw badInput('by', 'by: must be a date.');
        const by = args.by ?? addDays(ctx.today(), 7);
        const rows = await ctx.db.query<OffenderRow>(
          `SELECT o.* FROM offenders o
           WHERE o.registered_on IS NOT NULL AND ($1::text IS NULL OR o.council_area = $1)
             AND NOT EXISTS (SELECT 1 FROM case_holdings h WHERE h.offender_id = o.id AND h.holding)
           ORDER BY o.id`,
          [args.councilArea ?? null],
        );
        rows.forEach((r) => ctx.loaders.offender.prime(r.id, r));
        const results = await Promise.all(rows.map(async (o) => ({ o, r: (await policeOnly(o, ctx))! })));
        return results
          .filter(({ r }) => r.nextPoliceVisitDue <= by)
          .sort((a, b) => a.r.nextPoliceVisitDue.localeCompare(b.r.nextPoliceVisitDue) || a.o.id.localeCompare(b.o.id))
          .map(({ o, r }) => ({ offender: o, due: r.nextPoliceVisitDue, status: r.status, lastVisit: r.lastVisit }));
      },
    },
    Mutation: {
      recordPoliceVisit: async (_: unknown, { input }: { input: unknown }, ctx: PoliceContext) => {
        const user = ctx.caller.kind === 'user' ? ctx.caller.identity.user : null;
        if (!user || user.org !== 'POLICE' || !user.roles.includes('POLICE_OFFENDER_MANAGER')) throw forbidden('police visits');
        const v = parseInput(visitInput, input);
        if (v.visitedOn > ctx.today()) throw badInput('visitedOn', 'visitedOn: cannot be in the future.');
        const [row] = await ctx.db.transaction(async (runner) => {
          const [offender] = (await runner.query('SELECT id FROM offenders WHERE id = $1', [v.offenderId])) as unknown[];
          if (!offender) throw appError('NOT_FOUND', `Nominal ${v.offenderId} is not on the register.`, { field: 'offenderId' });
          const inserted = (await runner.query(
            `INSERT INTO police_visits (id, offender_id, visited_on, type, outcome, officer, idempotency_key, recorded_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (idempotency_key) DO NOTHING RETURNING *`,
            [`PV-${randomUUID()}`, v.offenderId, v.visitedOn, v.type, v.outcome, v.officer, v.idempotencyKey, user.sub],
          )) as PoliceVisitRow[];
          if (inserted.length) {
            await logEvent(runner, { event: 'COLLECTION', actor: user, justification: justificationOf(ctx.caller), recordType: 'POLICE_VISIT', recordId: inserted[0].id, personId: v.offenderId, fields: ['visitedOn', 'type', 'outcome', 'officer'] });
            return inserted;
          }
          const existing = (await runner.query('SELECT * FROM police_visits WHERE idempotency_key = $1', [v.idempotencyKey])) as PoliceVisitRow[];
          if (existing[0].offender_id !== v.offenderId) throw badInput('idempotencyKey', 'idempotencyKey: already used for another nominal.');
          return existing;
        });
        return { id: row.id, visitedOn: row.visited_on, type: row.type, outcome: row.outcome, officer: row.officer };
      },
    },
  }),
};
