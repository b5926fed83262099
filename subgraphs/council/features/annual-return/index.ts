import DataLoader from 'dataloader';
import { forbidden } from '../../../../schema/errors';
import { CouncilFeature, perRequest } from '../../feature';
import type { CouncilContext } from '../../resolvers';

/**
 * This council's part of the annual return: how many people it had on statutory supervision on
 * 31 March. A case counts when it had started by then and had not ended (closed or transferred
 * out) before that day; a notification-only case is not supervision.
 */
const STATUTORY_SQL = `
  SELECT y AS year, (SELECT count(*) FROM cases c
      WHERE c.order_type <> 'RSO_NOTIFICATION_ONLY' AND c.start_date <= make_date(y + 1, 3, 31)
        AND (c.end_date IS NULL OR c.end_date > make_date(y + 1, 3, 31)))::int AS n
  FROM unnest($1::int[]) AS y`;

const statutoryLoader = (ctx: CouncilContext) =>
  perRequest(ctx, 'annual-return', () =>
    new DataLoader<number, number>(async (years) => {
      const rows = await ctx.deps.db.query<{ year: number; n: number }>(STATUTORY_SQL, [years]);
      return years.map((y) => rows.find((r) => r.year === y)?.n ?? 0);
    }),
  );

export const annualReturnFeature: CouncilFeature = {
  name: 'annual-return',
  schemaFile: `${__dirname}/schema.graphql`,
  resolvers: (names) => ({
    [`${names.typePrefix}AnnualReturn`]: {
      // An aggregate count the SOG publishes: any signed-in MAPPA user may read it.
      __resolveReference: (ref: { year: number }, ctx: CouncilContext) => {
        if (ctx.caller.kind !== 'user') throw forbidden('the annual return as a service');
        return { year: ref.year };
      },
      statutorySupervision: (r: { year: number }, _: unknown, ctx: CouncilContext) => statutoryLoader(ctx).load(r.year),
    },
  }),
};
