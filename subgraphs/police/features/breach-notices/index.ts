import DataLoader from 'dataloader';
import { MigrationInterface, QueryRunner } from 'typeorm';
import { authorityNames } from '../../../../schema/authorities';
import { Authority } from '../../../../schema/domain';
import { appError, forbidden } from '../../../../schema/errors';
import { actorOf, logEvent } from '../../../shared/audit-log';
import { groupBy } from '../../../shared/group';
import { PoliceFeature } from '../../feature';
import type { OffenderRow } from '../../data/register';
import type { PoliceContext } from '../../resolvers';

class CreateBreachNotices1764400300000 implements MigrationInterface {
  name = 'CreateBreachNotices1764400300000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE breach_notices (
        case_id text NOT NULL,
        failed_on date NOT NULL,
        offender_id text NOT NULL REFERENCES offenders(id),
        authority text NOT NULL,
        follow_up_due date NOT NULL,
        raised_on date NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (case_id, failed_on)
      )`);
    await q.query('CREATE INDEX breach_notices_offender ON breach_notices (offender_id)');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE breach_notices');
  }
}

interface BreachNoticeRow {
  case_id: string;
  failed_on: string;
  offender_id: string;
  authority: Authority;
  follow_up_due: string;
  raised_on: string;
}

const toGraphQL = (r: BreachNoticeRow) => ({ caseId: r.case_id, authority: r.authority, failedOn: r.failed_on, followUpDue: r.follow_up_due, raisedOn: r.raised_on });

export const breachNoticesFeature: PoliceFeature = {
  name: 'breach-notices',
  migrations: [CreateBreachNotices1764400300000],
  resolvers: () => ({
    Offender: {
      breachNotices: async (o: OffenderRow, _: unknown, ctx: PoliceContext) => {
        const loader = (ctx.memo.breachNotices ??= new DataLoader<string, BreachNoticeRow[]>(async (ids) =>
          groupBy(await ctx.db.query<BreachNoticeRow>('SELECT * FROM breach_notices WHERE offender_id = ANY($1) ORDER BY raised_on DESC, case_id', [ids]), (r) => r.offender_id, ids),
        )) as DataLoader<string, BreachNoticeRow[]>;
        return (await loader.load(o.id)).map(toGraphQL);
      },
    },
    Mutation: {
      recordBreachNotice: async (_: unknown, { input }: { input: { offenderId: string; authority: Authority; caseId: string; failedOn: string; followUpDue: string; raisedOn: string } }, ctx: PoliceContext) => {
        // Only the council that holds the case may report its breach.
        if (ctx.caller.kind !== 'service' || ctx.caller.service !== authorityNames(input.authority).serviceName) throw forbidden('breach notices of another council');
        const [offender] = await ctx.db.query('SELECT id FROM offenders WHERE id = $1', [input.offenderId]);
        if (!offender) throw appError('NOT_FOUND', `Nominal ${input.offenderId} is not on the register.`, { field: 'offenderId' });
        await ctx.db.transaction(async (runner) => {
          const inserted = (await runner.query(
            `INSERT INTO breach_notices (case_id, failed_on, offender_id, authority, follow_up_due, raised_on) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (case_id, failed_on) DO NOTHING RETURNING case_id`,
            [input.caseId, input.failedOn, input.offenderId, input.authority, input.followUpDue, input.raisedOn],
          )) as unknown[];
          // A repeated notice (the council retrying) collects nothing new.
          if (inserted.length) {
            await logEvent(runner, {
              event: 'COLLECTION',
              actor: actorOf(ctx.caller),
              justification: null,
              recordType: 'BREACH_NOTICE',
              recordId: `${input.caseId}:${input.failedOn}`,
              personId: input.offenderId,
              fields: ['authority', 'caseId', 'failedOn', 'followUpDue', 'raisedOn'],
            });
          }
        });
        return { caseId: input.caseId, authority: input.authority, failedOn: input.failedOn, followUpDue: input.followUpDue, raisedOn: input.raisedOn };
      },
    },
  }),
};
