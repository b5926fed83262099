import { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { canSeeRegisterEntry, registerScope } from '../../schema/access';
import { authorityNames } from '../../schema/authorities';
import { AUTHORITIES, Authority } from '../../schema/domain';
import { appError, forbidden } from '../../schema/errors';
import { scalarResolvers } from '../../schema/scalars';
import { User } from '../../schema/identity';
import { InternalCaller } from '../../schema/tokens';
import { Database } from '../shared/database';
import { connection, decodeCursor, pageSize } from '../shared/pagination';
import { mergeResolvers } from '../shared/merge-resolvers';
import { POLICE_FEATURES } from './features';
import { actorOf, auditTrailOf, logEvent, RecordRef } from '../shared/audit-log';
import { offenderPage, OffenderRow, recordCaseHolding, RegisterLoaders } from './data/register';

export interface PoliceContext {
  caller: InternalCaller;
  db: Database;
  loaders: RegisterLoaders;
  /** Per-request memo for feature loaders. */
  memo: Record<string, unknown>;
  today(): string;
}

function userOf(ctx: PoliceContext): User {
  if (ctx.caller.kind !== 'user') throw forbidden('the register as a service');
  return ctx.caller.identity.user;
}

/** Loads one register entry and applies the access rule; null + FORBIDDEN when refused. */
async function visibleOffender(ctx: PoliceContext, id: string): Promise<OffenderRow | null> {
  const user = userOf(ctx);
  const row = await ctx.loaders.offender.load(id);
  if (!row) return null;
  const holders = (await ctx.loaders.holdings.load(id)).filter((h) => h.holding).map((h) => h.authority);
  if (!canSeeRegisterEntry(user, holders)) {
    auditTrailOf(ctx)?.refuse(offenderRecord(row));
    throw forbidden(`register entry ${id}`);
  }
  return row;
}

/** A register entry as the s.62 log names it: every field read of an Offender is logged against it (server.ts). */
export const offenderRecord = (o: Pick<OffenderRow, 'id'>): RecordRef => ({ recordType: 'OFFENDER', recordId: o.id, personId: o.id });

const offenderFields = {
  firstName: (o: OffenderRow) => o.first_name,
  lastName: (o: OffenderRow) => o.last_name,
  dateOfBirth: (o: OffenderRow) => o.date_of_birth,
  mappaCategory: (o: OffenderRow) => o.mappa_category,
  mappaLevel: (o: OffenderRow) => o.mappa_level,
  councilArea: (o: OffenderRow) => o.council_area,
  responsibleAuthority: (o: OffenderRow) => o.responsible_authority,
  policeRiskLevel: (o: OffenderRow) => o.police_risk_level,
  registration: (o: OffenderRow) =>
    o.registered_on
      ? {
          registeredOn: o.registered_on,
          notificationPeriodEnds: o.notification_indefinite ? null : o.notification_period_ends,
          indefinite: o.notification_indefinite,
          lastNotifiedOn: o.last_notified_on ?? o.registered_on,
        }
      : null,
  policeVisits: async (o: OffenderRow, _: unknown, ctx: PoliceContext) =>
    (await ctx.loaders.visits.load(o.id)).map((v) => ({ id: v.id, visitedOn: v.visited_on, type: v.type, outcome: v.outcome, officer: v.officer })),
  /** Typed references only: the query planner fetches each case's fields from its owning council. */
  cases: async (o: OffenderRow, _: unknown, ctx: PoliceContext) =>
    (await ctx.loaders.holdings.load(o.id)).map((h) => ({ __typename: `${authorityNames(h.authority).typePrefix}Case`, id: h.case_id })),
};

const coreResolvers = {
  Query: {
    offender: (_: unknown, args: { id: string }, ctx: PoliceContext) => visibleOffender(ctx, args.id),
    offenders: async (_: unknown, args: { first?: number; after?: string; filter?: { councilArea?: Authority; mappaLevel?: number; mappaCategory?: number } }, ctx: PoliceContext) => {
      const scope = registerScope(userOf(ctx));
      if (scope === 'NONE') throw forbidden('the register');
      const size = pageSize(args.first);
      const { rows, total } = await offenderPage(ctx.db, {
        first: size,
        afterId: decodeCursor(args.after),
        ...args.filter,
        heldBy: scope,
      });
      rows.forEach((r) => ctx.loaders.offender.prime(r.id, r));
      return connection(rows, size, total, (r) => r.id, (r) => r);
    },
  },
  Mutation: {
    /** Only council services may say which council holds a case, and only for themselves. */
    recordCaseHolder: async (_: unknown, { input }: { input: { offenderId: string; authority: Authority; caseId: string; holding: boolean } }, ctx: PoliceContext) => {
      if (ctx.caller.kind !== 'service' || ctx.caller.service !== authorityNames(input.authority).serviceName) {
        throw forbidden('case holdings of another council');
      }
      if (!AUTHORITIES.includes(input.authority)) throw appError('BAD_USER_INPUT', 'Unknown authority.', { field: 'authority' });
      if (!(await ctx.loaders.offender.load(input.offenderId))) throw appError('NOT_FOUND', `Nominal ${input.offenderId} is not on the register.`, { field: 'offenderId' });
      await ctx.db.transaction(async (runner) => {
        await recordCaseHolding(runner, { case_id: input.caseId, offender_id: input.offenderId, authority: input.authority, holding: input.holding });
        await logEvent(runner, {
          event: 'ALTERATION',
          actor: actorOf(ctx.caller),
          justification: null,
          ...offenderRecord({ id: input.offenderId }),
          fields: ['cases'],
          note: `${input.authority} ${input.holding ? 'holds' : 'no longer holds'} case ${input.caseId}`,
        });
      });
      return input;
    },
  },
  Offender: {
    // Keeps what the planner sent along (@requires fields such as the cases' timelines) beside the row.
    __resolveReference: async (ref: { id: string }, ctx: PoliceContext) => {
      const row = await visibleOffender(ctx, ref.id);
      return row && { ...row, required: ref };
    },
    ...offenderFields,
  },
  Case: {
    __resolveType: (ref: { __typename: string }) => ref.__typename,
  },
};

/** Core plus every police feature's resolvers. */
export const policeResolvers = {
  ...scalarResolvers,
  ...mergeResolvers([coreResolvers, ...POLICE_FEATURES.map((f) => f.resolvers?.() ?? {})]),
} as unknown as GraphQLResolverMap<PoliceContext>;
