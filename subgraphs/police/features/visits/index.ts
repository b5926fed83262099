import { randomUUID } from 'node:crypto';
import { MigrationInterface, QueryRunner } from 'typeorm';
import { z } from 'zod';
import { CONTACT_OUTCOMES } from '../../../../schema/domain';
import { appError, badInput, forbidden } from '../../../../schema/errors';
import { idempotencyKey, id, isoDate, parseInput } from '../../../shared/validate';
import { PoliceFeature } from '../../feature';
import type { PoliceVisitRow } from '../../data/register';
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

export const policeVisitsFeature: PoliceFeature = {
  name: 'visits',
  migrations: [AddPoliceVisitKeys1764400400000],
  resolvers: () => ({
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
          if (inserted.length) return inserted;
          const existing = (await runner.query('SELECT * FROM police_visits WHERE idempotency_key = $1', [v.idempotencyKey])) as PoliceVisitRow[];
          if (existing[0].offender_id !== v.offenderId) throw badInput('idempotencyKey', 'idempotencyKey: already used for another nominal.');
          return existing;
        });
        return { id: row.id, visitedOn: row.visited_on, type: row.type, outcome: row.outcome, officer: row.officer };
      },
    },
  }),
};
