import { z } from 'zod';
import { appError, forbidden } from '../../../../schema/errors';
import { actorOf, logEvent } from '../../../shared/audit-log';
import { updateReturning } from '../../../shared/database';
import { id, isoDate, parseInput } from '../../../shared/validate';
import { PoliceFeature } from '../../feature';
import type { PoliceContext } from '../../resolvers';

/**
 * The MAPPA level on the register follows the MAPPA unit's decisions (a referral accepted at a
 * level, a meeting's level change), so the register, the co-ordinator's list and every partner see
 * one level. Only the coordination service may send it.
 */
const noticeInput = z.object({
  offenderId: id(),
  level: z.number().int().min(1, 'must be 1, 2 or 3').max(3, 'must be 1, 2 or 3'),
  since: isoDate(),
});

export const mappaLevelsFeature: PoliceFeature = {
  name: 'mappa-levels',
  resolvers: () => ({
    Mutation: {
      recordMappaLevel: async (_: unknown, { input }: { input: unknown }, ctx: PoliceContext) => {
        if (ctx.caller.kind !== 'service' || ctx.caller.service !== 'coordination') throw forbidden('MAPPA levels on the register');
        const notice = parseInput(noticeInput, input);
        await ctx.db.transaction(async (runner) => {
          const rows = await updateReturning(runner, 'UPDATE offenders SET mappa_level = $2 WHERE id = $1 AND mappa_level <> $2 RETURNING id', [notice.offenderId, notice.level]);
          if (!rows.length) {
            const [exists] = (await runner.query('SELECT 1 FROM offenders WHERE id = $1', [notice.offenderId])) as unknown[];
            if (!exists) throw appError('NOT_FOUND', `Nominal ${notice.offenderId} is not on the register.`, { field: 'offenderId' });
            return;
          }
          await logEvent(runner, { event: 'ALTERATION', actor: actorOf(ctx.caller), justification: null, recordType: 'OFFENDER', recordId: notice.offenderId, personId: notice.offenderId, fields: ['mappaLevel'], note: `from ${notice.since}` });
        });
        return notice;
      },
    },
  }),
};
