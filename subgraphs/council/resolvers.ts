import { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { caseView } from '../../schema/access';
import { AuthorityNames } from '../../schema/authorities';
import { RiskLevel } from '../../schema/domain';
import { forbidden } from '../../schema/errors';
import { scalarResolvers } from '../../schema/scalars';
import { InternalCaller } from '../../schema/tokens';
import { connection, decodeCursor, isDateIdKey, pageSize } from '../shared/pagination';
import { fullField, summaryField, userOf, visibleCase } from './case-access';
import { openCase, recordContact, recordRiskAssessment, CouncilDeps } from './case-practice';
import { AssessmentRow, CaseLoaders, caseloadPage, CaseRow, ContactRow, PlanRow, StaffRow } from './data/cases';
import { CASE_FLAGS, CaseFlag, mergeResolvers } from './feature';
import { justificationOf } from '../shared/audit-log';
import { COUNCIL_FEATURES } from './features';

export interface CouncilContext {
  caller: InternalCaller;
  loaders: CaseLoaders;
  deps: CouncilDeps;
  /** Per-request memo for feature loaders (see feature.ts `perRequest`). */
  memo: Map<string, unknown>;
}

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

/** Every flag the features raise on a case, in CaseFlag order. */
async function caseFlags(c: CaseRow, ctx: CouncilContext): Promise<CaseFlag[]> {
  const checks = COUNCIL_FEATURES.flatMap((f) => Object.entries(f.flags ?? {}) as Array<[CaseFlag, (c: CaseRow, ctx: CouncilContext) => Promise<boolean>]>);
  const raised = await Promise.all(checks.map(async ([flag, check]) => ((await check(c, ctx)) ? flag : null)));
  return CASE_FLAGS.filter((flag) => raised.includes(flag));
}

/** The core case resolvers for one council, named after it (`angusCase`, `AngusCase`, ...). */
function coreResolvers(names: AuthorityNames) {
  return {
    Query: {
      [`${names.fieldPrefix}Case`]: (_: unknown, args: { id: string }, ctx: CouncilContext) => visibleCase(ctx, args.id),
      [`${names.fieldPrefix}Caseload`]: async (
        _: unknown,
        args: { first?: number; after?: string; filter?: { riskLevel?: RiskLevel; mappaLevel?: number; caseManagerId?: string; status?: string; flags?: CaseFlag[] } },
        ctx: CouncilContext,
      ) => {
        // A caseload is a working list of full records: only this council's staff and inspectors.
        if (caseView(userOf(ctx), { authority: names.authority, mappaLevel: 1 }) !== 'FULL') throw forbidden(`the ${names.displayName} caseload`);
        const size = pageSize(args.first);
        const after = decodeCursor(args.after, isDateIdKey);
        const [startDate, id] = after ? after.split('|') : [];
        const { flags: wanted, ...filter } = args.filter ?? {};
        if (!wanted?.length) {
          const { rows, total } = await caseloadPage(ctx.deps.db, { first: size, after: after ? { startDate, id } : null, ...filter });
          rows.forEach((r) => ctx.loaders.case.prime(r.id, r));
          return connection(rows, size, total, (r) => `${r.start_date}|${r.id}`, (r) => r);
        }
        // Flags are computed in code (the contact standard, review and audit rules), so every
        // candidate is evaluated in one batched pass, then the same keyset order is paged here.
        const { rows: candidates } = await caseloadPage(ctx.deps.db, { first: null, after: null, ...filter });
        candidates.forEach((r) => ctx.loaders.case.prime(r.id, r));
        const flagged = await Promise.all(candidates.map(async (c) => ({ c, flags: await caseFlags(c, ctx) })));
        const matching = flagged.filter((x) => wanted.every((w) => x.flags.includes(w))).map((x) => x.c);
        const page = matching.filter((r) => !after || r.start_date < startDate || (r.start_date === startDate && r.id < id)).slice(0, size + 1);
        return connection(page, size, matching.length, (r) => `${r.start_date}|${r.id}`, (r) => r);
      },
    },
    Mutation: {
      [`${names.fieldPrefix}OpenCase`]: async (_: unknown, { input }: { input: unknown }, ctx: CouncilContext) =>
        ctx.loaders.case.load(await openCase(userOf(ctx), input, ctx.deps, undefined, justificationOf(ctx.caller))),
      [`${names.fieldPrefix}RecordRiskAssessment`]: async (_: unknown, { input }: { input: unknown }, ctx: CouncilContext) =>
        assessment(ctx)(await recordRiskAssessment(userOf(ctx), input, ctx.deps, justificationOf(ctx.caller))),
      [`${names.fieldPrefix}RecordContact`]: async (_: unknown, { input }: { input: unknown }, ctx: CouncilContext) =>
        contact(ctx)(await recordContact(userOf(ctx), input, ctx.deps, justificationOf(ctx.caller))),
    },
    [`${names.typePrefix}Case`]: {
      flags: fullField((c, ctx) => caseFlags(c, ctx)),
      __resolveReference: (ref: { id: string }, ctx: CouncilContext) => visibleCase(ctx, ref.id),
      authority: summaryField(() => names.authority),
      offenderId: summaryField((c) => c.offender_id),
      status: summaryField((c) => c.status),
      riskLevel: summaryField((c) => c.risk_level),
      mappaLevel: summaryField((c) => c.mappa_level),
      planReviewDate: summaryField(async (c, ctx) => (await ctx.loaders.currentPlan.load(c.id))?.review_date ?? null),
      caseManager: fullField(async (c, ctx) => staff(await ctx.loaders.staff.load(c.case_manager_id))),
      orderType: fullField((c) => c.order_type),
      startDate: fullField((c) => c.start_date),
      endDate: fullField((c) => c.end_date),
      riskAssessments: fullField(async (c, ctx) => Promise.all((await ctx.loaders.assessments.load(c.id)).map(assessment(ctx)))),
      contacts: fullField(async (c, ctx) => Promise.all((await ctx.loaders.contacts.load(c.id)).map(contact(ctx)))),
      riskManagementPlan: fullField(async (c, ctx) => plan(ctx, await ctx.loaders.currentPlan.load(c.id))),
    },
  };
}

/** Core plus every feature's resolvers, for one council. */
export function councilResolvers(names: AuthorityNames): GraphQLResolverMap<CouncilContext> {
  const merged = mergeResolvers([coreResolvers(names), ...COUNCIL_FEATURES.map((f) => f.resolvers?.(names) ?? {})]);
  return { ...scalarResolvers, ...merged } as unknown as GraphQLResolverMap<CouncilContext>;
}
