import { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { caseView, CaseView } from '../../schema/access';
import { AuthorityNames } from '../../schema/authorities';
import { RiskLevel } from '../../schema/domain';
import { forbidden } from '../../schema/errors';
import { User } from '../../schema/identity';
import { scalarResolvers } from '../../schema/scalars';
import { InternalCaller } from '../../schema/tokens';
import { connection, decodeCursor, pageSize } from '../shared/pagination';
import { openCase, recordContact, recordRiskAssessment, CouncilDeps } from './case-practice';
import { AssessmentRow, CaseLoaders, caseloadPage, CaseRow, ContactRow, PlanRow, StaffRow } from './data/cases';
import { caseCompliance } from './compliance';

export interface CouncilContext {
  caller: InternalCaller;
  loaders: CaseLoaders;
  deps: CouncilDeps;
}

function userOf(ctx: CouncilContext): User {
  if (ctx.caller.kind !== 'user') throw forbidden('case records as a service');
  return ctx.caller.identity.user;
}

const viewOf = (ctx: CouncilContext, c: CaseRow): CaseView => caseView(userOf(ctx), { authority: ctx.deps.names.authority, mappaLevel: c.mappa_level });

/** Loads a case and applies the access rule: null when absent, FORBIDDEN when the caller may see nothing of it. */
async function visibleCase(ctx: CouncilContext, id: string): Promise<CaseRow | null> {
  const row = await ctx.loaders.case.load(id);
  if (!row) return null;
  if (viewOf(ctx, row) === 'NONE') throw forbidden(`case ${id}`);
  return row;
}

/** Summary fields: any caller who may see the case at all. */
const summary = <T>(get: (c: CaseRow, ctx: CouncilContext) => T) => (c: CaseRow, _: unknown, ctx: CouncilContext) => get(c, ctx);

/** Full-content fields: refused (null + FORBIDDEN) for callers who see only the summary. */
const full =
  <T>(get: (c: CaseRow, ctx: CouncilContext) => T) =>
  (c: CaseRow, _: unknown, ctx: CouncilContext) => {
    if (viewOf(ctx, c) !== 'FULL') throw forbidden(`the full record of case ${c.id}`);
    return get(c, ctx);
  };

const staff = (s: StaffRow | null) => (s ? { id: s.id, name: s.name, role: s.role } : null);

const assessment = (ctx: CouncilContext) => async (a: AssessmentRow) => ({
  id: a.id,
  tool: a.tool,
  toolResult: a.tool_result,
  riskLevel: a.risk_level,
  assessedOn: a.assessed_on,
  assessor: staff(await ctx.loaders.staff.load(a.assessor_id)),
  nextReviewDue: a.next_review_due,
});

const contact = (ctx: CouncilContext) => async (c: ContactRow) => ({
  id: c.id,
  occurredOn: c.occurred_on,
  type: c.type,
  outcome: c.outcome,
  staffMember: staff(await ctx.loaders.staff.load(c.staff_id)),
  jointWithPolice: c.joint_with_police,
  notes: c.notes,
});

const plan = async (ctx: CouncilContext, p: PlanRow | null) =>
  p && { id: p.id, version: p.version, status: p.status, reviewDate: p.review_date, approvedBy: p.approved_by ? staff(await ctx.loaders.staff.load(p.approved_by)) : null };

/** Resolvers for one council, named after it (`angusCase`, `AngusCase`, ...). */
export function councilResolvers(names: AuthorityNames): GraphQLResolverMap<CouncilContext> {
  const caseType = `${names.typePrefix}Case`;
  return {
    ...scalarResolvers,
    Query: {
      [`${names.fieldPrefix}Case`]: (_: unknown, args: { id: string }, ctx: CouncilContext) => visibleCase(ctx, args.id),
      [`${names.fieldPrefix}Caseload`]: async (
        _: unknown,
        args: { first?: number; after?: string; filter?: { riskLevel?: RiskLevel; mappaLevel?: number; caseManagerId?: string; status?: string } },
        ctx: CouncilContext,
      ) => {
        const user = userOf(ctx);
        // A caseload is a working list of full records: only this council's staff and inspectors.
        if (caseView(user, { authority: names.authority, mappaLevel: 1 }) !== 'FULL') throw forbidden(`the ${names.displayName} caseload`);
        const size = pageSize(args.first);
        const after = decodeCursor(args.after);
        const [startDate, id] = after ? after.split('|') : [];
        const { rows, total } = await caseloadPage(ctx.deps.db, {
          first: size,
          after: after ? { startDate, id } : null,
          ...args.filter,
        });
        rows.forEach((r) => ctx.loaders.case.prime(r.id, r));
        return connection(rows, size, total, (r) => `${r.start_date}|${r.id}`, (r) => r);
      },
    },
    Mutation: {
      [`${names.fieldPrefix}OpenCase`]: async (_: unknown, { input }: { input: unknown }, ctx: CouncilContext) =>
        ctx.loaders.case.load(await openCase(userOf(ctx), input, ctx.deps)),
      [`${names.fieldPrefix}RecordRiskAssessment`]: async (_: unknown, { input }: { input: unknown }, ctx: CouncilContext) =>
        assessment(ctx)(await recordRiskAssessment(userOf(ctx), input, ctx.deps)),
      [`${names.fieldPrefix}RecordContact`]: async (_: unknown, { input }: { input: unknown }, ctx: CouncilContext) =>
        contact(ctx)(await recordContact(userOf(ctx), input, ctx.deps)),
    },
    [caseType]: {
      __resolveReference: (ref: { id: string }, ctx: CouncilContext) => visibleCase(ctx, ref.id),
      authority: summary(() => names.authority),
      offenderId: summary((c) => c.offender_id),
      status: summary((c) => c.status),
      riskLevel: summary((c) => c.risk_level),
      mappaLevel: summary((c) => c.mappa_level),
      planReviewDate: summary(async (c, ctx) => (await ctx.loaders.currentPlan.load(c.id))?.review_date ?? null),
      compliance: summary((c, ctx) => caseCompliance(c, ctx)),
      caseManager: full(async (c, ctx) => staff(await ctx.loaders.staff.load(c.case_manager_id))),
      orderType: full((c) => c.order_type),
      startDate: full((c) => c.start_date),
      endDate: full((c) => c.end_date),
      riskAssessments: full(async (c, ctx) => Promise.all((await ctx.loaders.assessments.load(c.id)).map(assessment(ctx)))),
      contacts: full(async (c, ctx) => Promise.all((await ctx.loaders.contacts.load(c.id)).map(contact(ctx)))),
      riskManagementPlan: full(async (c, ctx) => plan(ctx, await ctx.loaders.currentPlan.load(c.id))),
    },
  } as unknown as GraphQLResolverMap<CouncilContext>;
}
