import { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { z } from 'zod';
import { canSeeCoordinatorList, canSeeMappaSummary, isMappaPartner, mappaRecordView, MappaRecordView } from '../../schema/access';
import { authorityNames } from '../../schema/authorities';
import { AUTHORITIES, Authority, COMPLIANCE_STATUSES } from '../../schema/domain';
import { badInput, forbidden } from '../../schema/errors';
import { RequestIdentity, User } from '../../schema/identity';
import { scalarResolvers } from '../../schema/scalars';
import { InternalCaller } from '../../schema/tokens';
import { dayNumber } from '../../schema/standard/dates';
import { justificationOf } from '../shared/audit-log';
import { auditLogResolver } from '../shared/audit-log-query';
import { isoDate, parseInput } from '../shared/validate';
import { ActionRow, CoordinationLoaders, DisclosureRow, ImprovementActionRow, levelCountsAt, managedPeople, MeetingRow, MinutesRow, ReferralRow } from './data/records';
import { completeAction, CoordinationDeps, decideReferral, makeReferral, recordImprovementProgress, recordMeetingOutcome, releaseExecutiveSummary, scheduleMeeting } from './practice';
import { buildSogTable, firstMeetingLate, nextReviewDue, PoliceFigures, reportingYear } from './rules';

export interface CoordinationContext {
  caller: InternalCaller;
  deps: CoordinationDeps;
  loaders: CoordinationLoaders;
}

function identityOf(ctx: CoordinationContext): RequestIdentity {
  if (ctx.caller.kind !== 'user') throw forbidden('MAPPA records as a service');
  return ctx.caller.identity;
}
const userOf = (ctx: CoordinationContext): User => identityOf(ctx).user;

const offenderRef = (id: string) => ({ __typename: 'Offender', id });

async function personView(ctx: CoordinationContext, offenderId: string): Promise<MappaRecordView> {
  const user = userOf(ctx);
  // The co-ordinator and inspectors see everything: no need to ask who is involved.
  if (mappaRecordView(user, []) === 'FULL') return 'FULL';
  return mappaRecordView(user, await ctx.loaders.personInvolvement.load(offenderId));
}

async function meetingView(ctx: CoordinationContext, meetingId: string): Promise<MappaRecordView> {
  const user = userOf(ctx);
  if (mappaRecordView(user, []) === 'FULL') return 'FULL';
  return mappaRecordView(user, await ctx.loaders.meetingInvolvement.load(meetingId));
}

async function visibleMeeting(ctx: CoordinationContext, id: string): Promise<MeetingRow | null> {
  const row = await ctx.loaders.meeting.load(id);
  if (!row) return null;
  if ((await meetingView(ctx, id)) === 'NONE') throw forbidden(`MAPPA meeting ${id}`);
  return row;
}

/** A referral: visible to the agency that made it, and to whoever may see the person's MAPPA records. */
async function referralView(ctx: CoordinationContext, row: ReferralRow): Promise<MappaRecordView> {
  const user = userOf(ctx);
  if (isMappaPartner(user) && row.referring_agency === user.org) return 'PARTNER';
  return personView(ctx, row.offender_id);
}

async function visibleReferral(ctx: CoordinationContext, id: string): Promise<ReferralRow | null> {
  const row = await ctx.loaders.referral.load(id);
  if (!row) return null;
  if ((await referralView(ctx, row)) === 'NONE') throw forbidden(`MAPPA referral ${id}`);
  return row;
}

/** Keeps the rows a partner may see, in order, with one batched involvement lookup. */
async function onlyVisible<T>(ctx: CoordinationContext, rows: T[], view: (row: T) => Promise<MappaRecordView>): Promise<T[]> {
  const views = await Promise.all(rows.map(view));
  return rows.filter((_, i) => views[i] !== 'NONE');
}

/**
 * The actions of a meeting a partner may read: general ones, those its own agency owns (it has to
 * do them), and those about people it is involved with. The co-ordinator and inspectors read all.
 */
async function visibleActions(ctx: CoordinationContext, rows: ActionRow[]): Promise<ActionRow[]> {
  const user = userOf(ctx);
  if (mappaRecordView(user, []) === 'FULL') return rows;
  return onlyVisible(ctx, rows, async (a) => (!a.offender_id || a.owner_agency === user.org ? 'PARTNER' : personView(ctx, a.offender_id)));
}

const action = (ctx: CoordinationContext) => (a: ActionRow) => ({
  id: a.id,
  meetingId: a.meeting_id,
  offender: a.offender_id ? offenderRef(a.offender_id) : null,
  description: a.description,
  ownerName: a.owner_name,
  ownerAgency: a.owner_agency,
  dueOn: a.due_on,
  completedOn: a.completed_on,
  completionNote: a.completion_note,
  overdue: !a.completed_on && a.due_on < ctx.deps.today(),
  version: a.version,
});

const disclosure = (d: DisclosureRow, summary: string) => ({
  id: d.id,
  meetingId: d.meeting_id,
  recipientOrganisation: d.recipient_organisation,
  reason: d.reason,
  item: d.item,
  disclosedBy: d.disclosed_by_name,
  disclosedByOrganisation: d.disclosed_by_org,
  disclosedAt: d.disclosed_at,
  executiveSummary: summary,
});

async function management(ctx: CoordinationContext, offenderId: string) {
  const m = await ctx.loaders.management.load(offenderId);
  if (!m) return null;
  const due = nextReviewDue(m);
  return {
    offenderId,
    level: m.level,
    since: m.from_on,
    council: m.council,
    lastMeetingOn: m.last_meeting_on,
    nextReviewDue: due,
    // Stepped down to Level 1: no review is owed any more.
    reviewOverdue: m.level >= 2 && due !== null && due < ctx.deps.today(),
    nextMeetingOn: m.next_meeting_on,
  };
}

// ---- Coordinator list ------------------------------------------------------------------------

const listFilter = z
  .object({
    council: z.enum(AUTHORITIES).nullish(),
    level: z.number().int().min(2, 'must be 2 or 3').max(3, 'must be 2 or 3').nullish(),
    complianceStatus: z.enum(COMPLIANCE_STATUSES).nullish(),
  })
  .nullish();
type ListFilter = NonNullable<z.infer<typeof listFilter>>;

/**
 * The list's key carries the filter, the date and the ids of the people it covers, in order. The
 * planner sends the register's and the councils' answers back for `entries` in that same order
 * (a @requires selection cannot carry the key field `id` of an entity this subgraph also
 * resolves), so pairing them by position is exact, and nobody added in between can shift them.
 */
interface ListKey {
  filter: ListFilter;
  asOf: string;
  ids: string[];
}

const encodeList = (k: ListKey) =>
  Buffer.from(JSON.stringify({ c: k.filter.council ?? null, l: k.filter.level ?? null, s: k.filter.complianceStatus ?? null, d: k.asOf, p: k.ids })).toString('base64url');

const listIds = z.array(z.string().min(1).max(64)).max(5000);

function decodeList(id: string): ListKey {
  try {
    const raw = JSON.parse(Buffer.from(id, 'base64url').toString('utf8')) as { c: unknown; l: unknown; s: unknown; d: unknown; p: unknown };
    const filter = parseInput(listFilter, { council: raw.c, level: raw.l, complianceStatus: raw.s }) ?? {};
    return { filter, asOf: parseInput(isoDate(), raw.d), ids: parseInput(listIds, raw.p) };
  } catch {
    throw badInput('id', 'Not a coordinator list id.');
  }
}

interface ManagedRepresentation {
  councilArea?: Authority | null;
  areaCompliance?: { status?: string | null } | null;
}

function requireListReader(ctx: CoordinationContext): void {
  if (!canSeeCoordinatorList(userOf(ctx))) throw forbidden('the co-ordinator list');
}

// ---- Annual return ---------------------------------------------------------------------------

/**
 * What the planner sends for `sogTable`: each owner's part one level down, null when that owner
 * did not answer (the gateway nulls the part, not the whole representation).
 */
interface AnnualReturnRepresentation {
  year: number;
  police?: { figures?: PoliceFigures[] | null } | null;
  [council: string]: unknown;
}

const councilPart = (r: AnnualReturnRepresentation, a: Authority) => r[authorityNames(a).fieldPrefix] as { statutorySupervision?: number | null } | null | undefined;

function checkYear(year: number, today: string): void {
  const current = Number(today.slice(0, 4)) - (today.slice(5) < '04-01' ? 1 : 0);
  if (!Number.isInteger(year) || year < 2000 || year > current) throw badInput('year', `year: a reporting year from 2000 to ${current} (the one under way).`);
}

// ---- Resolvers -------------------------------------------------------------------------------

const dateRange = z.object({ from: isoDate(), to: isoDate() });

export const coordinationResolvers = {
  ...scalarResolvers,
  Query: {
    mappaReferral: (_: unknown, args: { id: string }, ctx: CoordinationContext) => visibleReferral(ctx, args.id),
    mappaReferrals: async (_: unknown, args: { status?: string | null; first?: number | null }, ctx: CoordinationContext) => {
      const first = args.first ?? 50;
      if (!Number.isInteger(first) || first < 1 || first > 200) throw badInput('first', 'first must be between 1 and 200.');
      const rows = await ctx.deps.db.query<ReferralRow>(
        `SELECT * FROM referrals WHERE ($1::text IS NULL OR status = $1) ORDER BY referred_on DESC, created_at DESC LIMIT 1000`,
        [args.status ?? null],
      );
      return (await onlyVisible(ctx, rows, (r) => referralView(ctx, r))).slice(0, first);
    },
    mappaMeeting: (_: unknown, args: { id: string }, ctx: CoordinationContext) => visibleMeeting(ctx, args.id),
    mappaMeetings: async (_: unknown, args: { from: string; to: string }, ctx: CoordinationContext) => {
      const { from, to } = parseInput(dateRange, args);
      if (to < from) throw badInput('to', 'to: must not be before from.');
      if (dayNumber(to) - dayNumber(from) > 400) throw badInput('to', 'to: at most 400 days after from.');
      const rows = await ctx.deps.db.query<MeetingRow>(
        'SELECT * FROM meetings WHERE coalesce(held_on, scheduled_on) BETWEEN $1 AND $2 ORDER BY coalesce(held_on, scheduled_on), id',
        [from, to],
      );
      rows.forEach((r) => ctx.loaders.meeting.prime(r.id, r));
      return onlyVisible(ctx, rows, (m) => meetingView(ctx, m.id));
    },
    coordinatorList: async (_: unknown, args: { filter?: unknown }, ctx: CoordinationContext) => {
      requireListReader(ctx);
      const filter = parseInput(listFilter, args.filter) ?? {};
      return { id: encodeList({ filter, asOf: ctx.deps.today(), ids: await managedPeople(ctx.deps.db, filter.level ?? null) }) };
    },
    mappaOpenActions: async (_: unknown, args: { overdueOnly?: boolean | null }, ctx: CoordinationContext) => {
      const user = userOf(ctx);
      const full = mappaRecordView(user, []) === 'FULL';
      if (!full && !canSeeMappaSummary(user)) throw forbidden('MAPPA actions');
      // Partners see the actions their own agency owns.
      const rows = await ctx.deps.db.query<ActionRow>(
        `SELECT * FROM meeting_actions WHERE completed_on IS NULL AND ($1::text IS NULL OR owner_agency = $1) AND (NOT $2 OR due_on < $3) ORDER BY due_on, id`,
        [full ? null : user.org, args.overdueOnly === true, ctx.deps.today()],
      );
      return rows.map(action(ctx));
    },
    taysideImprovementActions: async (_: unknown, __: unknown, ctx: CoordinationContext) => {
      userOf(ctx);
      return ctx.deps.db.query<ImprovementActionRow>('SELECT * FROM improvement_actions ORDER BY reference');
    },
    annualReturn: (_: unknown, args: { year: number }, ctx: CoordinationContext) => {
      userOf(ctx);
      checkYear(args.year, ctx.deps.today());
      return { year: args.year };
    },
    mappaDisclosures: async (_: unknown, args: { meetingId?: string | null }, ctx: CoordinationContext) => {
      if (mappaRecordView(userOf(ctx), []) !== 'FULL') throw forbidden('the disclosure log');
      const rows = await ctx.deps.db.query<DisclosureRow & { executive_summary: string }>(
        `SELECT d.*, m.executive_summary FROM disclosures d JOIN minutes m ON m.meeting_id = d.meeting_id
         WHERE ($1::text IS NULL OR d.meeting_id = $1) ORDER BY d.disclosed_at DESC, d.id LIMIT 500`,
        [args.meetingId ?? null],
      );
      return rows.map((r) => disclosure(r, r.executive_summary));
    },
    coordinationAuditLog: auditLogResolver<CoordinationContext>('MAPPA_UNIT', (ctx) => ctx.deps.db),
  },
  Mutation: {
    makeMappaReferral: async (_: unknown, { input }: { input: unknown }, ctx: CoordinationContext) => makeReferral(userOf(ctx), input, ctx.deps, justificationOf(ctx.caller)),
    decideMappaReferral: async (_: unknown, { input }: { input: unknown }, ctx: CoordinationContext) =>
      ctx.loaders.referral.load(await decideReferral(userOf(ctx), input, ctx.deps, justificationOf(ctx.caller))),
    scheduleMappaMeeting: async (_: unknown, { input }: { input: unknown }, ctx: CoordinationContext) => scheduleMeeting(userOf(ctx), input, ctx.deps, justificationOf(ctx.caller)),
    recordMappaMeetingOutcome: async (_: unknown, { input }: { input: unknown }, ctx: CoordinationContext) =>
      ctx.loaders.meeting.load(await recordMeetingOutcome(userOf(ctx), input, ctx.deps, justificationOf(ctx.caller))),
    completeMappaAction: async (_: unknown, { input }: { input: unknown }, ctx: CoordinationContext) => {
      const actionId = await completeAction(userOf(ctx), input, ctx.deps, justificationOf(ctx.caller));
      const [row] = await ctx.deps.db.query<ActionRow>('SELECT * FROM meeting_actions WHERE id = $1', [actionId]);
      return action(ctx)(row);
    },
    releaseExecutiveSummary: async (_: unknown, { input }: { input: unknown }, ctx: CoordinationContext) => {
      const { disclosure: row, summary } = await releaseExecutiveSummary(identityOf(ctx), input, ctx.deps);
      return disclosure(row, summary);
    },
    recordTaysideImprovementProgress: async (_: unknown, { input }: { input: unknown }, ctx: CoordinationContext) => {
      const actionId = await recordImprovementProgress(userOf(ctx), input, ctx.deps, justificationOf(ctx.caller));
      const [row] = await ctx.deps.db.query<ImprovementActionRow>('SELECT * FROM improvement_actions WHERE id = $1', [actionId]);
      return row;
    },
  },
  MappaReferral: {
    offender: (r: ReferralRow) => offenderRef(r.offender_id),
    council: (r: ReferralRow) => r.council,
    referringAgency: (r: ReferralRow) => r.referring_agency,
    referrerName: (r: ReferralRow) => r.referrer_name,
    proposedLevel: (r: ReferralRow) => r.proposed_level,
    referredOn: (r: ReferralRow) => r.referred_on,
    expectedReleaseOn: (r: ReferralRow) => r.expected_release_on,
    decisionReason: (r: ReferralRow) => r.decision_reason,
    decidedOn: (r: ReferralRow) => r.decided_on,
    firstMeetingDue: (r: ReferralRow) => r.first_meeting_due,
    firstMeetingOn: (r: ReferralRow, _: unknown, ctx: CoordinationContext) => (r.status === 'ACCEPTED' ? ctx.loaders.firstMeeting.load(r.id) : null),
    firstMeetingLate: async (r: ReferralRow, _: unknown, ctx: CoordinationContext) =>
      r.status === 'ACCEPTED' && firstMeetingLate(r.first_meeting_due, await ctx.loaders.firstMeeting.load(r.id), ctx.deps.today()),
  },
  MappaMeeting: {
    scheduledOn: (m: MeetingRow) => m.scheduled_on,
    heldOn: (m: MeetingRow) => m.held_on,
    nextReviewOn: (m: MeetingRow) => m.next_review_on,
    people: async (m: MeetingRow, _: unknown, ctx: CoordinationContext) => {
      const [people, decisions, actions] = await Promise.all([ctx.loaders.people.load(m.id), ctx.loaders.decisions.load(m.id), ctx.loaders.actionsByMeeting.load(m.id)]);
      // A partner reads the meeting because its agency is involved with someone discussed; what was
      // referred, decided and asked about each other person follows that person's own rule.
      const views = await Promise.all(people.map((p) => personView(ctx, p.offender_id)));
      const shownActions = await visibleActions(ctx, actions);
      return people.map((p, i) => ({
        offender: offenderRef(p.offender_id),
        referralId: p.referral_id,
        hidden: views[i] === 'NONE',
        decisions: views[i] === 'NONE' ? [] : decisions.filter((d) => d.offender_id === p.offender_id).map((d) => ({ kind: d.kind, levelTo: d.level_to, note: d.note })),
        actions: shownActions.filter((a) => a.offender_id === p.offender_id).map(action(ctx)),
      }));
    },
    attendees: async (m: MeetingRow, _: unknown, ctx: CoordinationContext) => ctx.loaders.attendees.load(m.id),
    actions: async (m: MeetingRow, _: unknown, ctx: CoordinationContext) => (await visibleActions(ctx, await ctx.loaders.actionsByMeeting.load(m.id))).map(action(ctx)),
    minutes: async (m: MeetingRow, _: unknown, ctx: CoordinationContext) => {
      const row = await ctx.loaders.minutes.load(m.id);
      return row && { row, view: await meetingView(ctx, m.id) };
    },
    disclosures: async (m: MeetingRow, _: unknown, ctx: CoordinationContext) => {
      if ((await meetingView(ctx, m.id)) !== 'FULL') throw forbidden(`the disclosure log of meeting ${m.id}`);
      const [rows, minutes] = await Promise.all([ctx.loaders.disclosures.load(m.id), ctx.loaders.minutes.load(m.id)]);
      return rows.map((d) => disclosure(d, minutes?.executive_summary ?? ''));
    },
  },
  MappaMeetingPerson: {
    referral: async (p: { referralId: string | null; hidden: boolean }, _: unknown, ctx: CoordinationContext) => {
      if (!p.referralId) return null;
      if (p.hidden) throw forbidden('the MAPPA referral of a person your agency is not involved with');
      return ctx.loaders.referral.load(p.referralId);
    },
  },
  MappaMinutes: {
    executiveSummary: (m: { row: MinutesRow }) => m.row.executive_summary,
    fullMinutes: (m: { row: MinutesRow; view: MappaRecordView }) => {
      if (m.view !== 'FULL') throw forbidden(`the full minutes of meeting ${m.row.meeting_id}; ask the MAPPA co-ordinator for the executive summary`);
      return m.row.full_minutes;
    },
    recordedOn: (m: { row: MinutesRow }) => m.row.recorded_on,
  },
  Offender: {
    __resolveReference: (ref: { id: string }, ctx: CoordinationContext) => {
      userOf(ctx);
      return ref;
    },
    mappaReferrals: async (o: { id: string }, _: unknown, ctx: CoordinationContext) => {
      if ((await personView(ctx, o.id)) === 'NONE') throw forbidden(`MAPPA referrals for ${o.id}`);
      return ctx.loaders.referralsByOffender.load(o.id);
    },
    mappaMeetings: async (o: { id: string }, _: unknown, ctx: CoordinationContext) => {
      if ((await personView(ctx, o.id)) === 'NONE') throw forbidden(`MAPPA meetings about ${o.id}`);
      return ctx.loaders.meetingsByOffender.load(o.id);
    },
    openActions: async (o: { id: string }, _: unknown, ctx: CoordinationContext) => {
      if ((await personView(ctx, o.id)) === 'NONE') throw forbidden(`MAPPA actions about ${o.id}`);
      return (await ctx.loaders.openActionsByOffender.load(o.id)).map(action(ctx));
    },
    mappaManagement: (o: { id: string }, _: unknown, ctx: CoordinationContext) => {
      if (!canSeeMappaSummary(userOf(ctx))) throw forbidden(`the MAPPA level of ${o.id}`);
      return management(ctx, o.id);
    },
  },
  CoordinatorList: {
    __resolveReference: (ref: { id: string; managed?: (ManagedRepresentation | null)[] }, ctx: CoordinationContext) => {
      requireListReader(ctx);
      decodeList(ref.id);
      return ref;
    },
    asOf: (l: { id: string }) => decodeList(l.id).asOf,
    managed: (l: { id: string }) => decodeList(l.id).ids.map(offenderRef),
    /** The council and compliance filters need the register's and the councils' answers, which the planner sent along (@requires). */
    entries: async (l: { id: string; managed?: (ManagedRepresentation | null)[] }, _: unknown, ctx: CoordinationContext) => {
      const { filter, ids } = decodeList(l.id);
      const answers = l.managed ?? [];
      if (answers.length !== ids.length) throw badInput('managed', 'The register answered for a different list.');
      const people = ids
        .map((id, i) => ({ id, councilArea: answers[i]?.councilArea ?? null, status: answers[i]?.areaCompliance?.status ?? null }))
        .filter((p) => (!filter.council || p.councilArea === filter.council) && (!filter.complianceStatus || p.status === filter.complianceStatus));
      const today = ctx.deps.today();
      const entries = await Promise.all(
        people.map(async (p) => {
          const [m, actions] = await Promise.all([management(ctx, p.id), ctx.loaders.openActionsByOffender.load(p.id)]);
          return {
            offender: offenderRef(p.id),
            level: m?.level ?? 2,
            since: m?.since ?? today,
            councilArea: p.councilArea,
            complianceStatus: p.status,
            nextReviewDue: m?.nextReviewDue ?? null,
            reviewOverdue: m?.reviewOverdue ?? false,
            openActions: actions.length,
            overdueActions: actions.filter((a) => a.due_on < today).length,
          };
        }),
      );
      // Level 3 first, then whoever is due for review soonest.
      return entries.sort((a, b) => b.level - a.level || (a.nextReviewDue ?? '9999').localeCompare(b.nextReviewDue ?? '9999') || a.offender.id.localeCompare(b.offender.id));
    },
  },
  AnnualReturn: {
    __resolveReference: (ref: AnnualReturnRepresentation, ctx: CoordinationContext) => {
      userOf(ctx);
      return ref;
    },
    police: (r: { year: number }) => ({ __typename: 'PoliceAnnualReturn', year: r.year }),
    ...Object.fromEntries(AUTHORITIES.map((a) => [authorityNames(a).fieldPrefix, (r: { year: number }) => ({ __typename: `${authorityNames(a).typePrefix}AnnualReturn`, year: r.year })])),
    sogTable: async (r: AnnualReturnRepresentation, _: unknown, ctx: CoordinationContext) => {
      const period = reportingYear(r.year);
      const levels = await levelCountsAt(ctx.deps.db, period.end);
      const statutory = Object.fromEntries(AUTHORITIES.map((a) => [a, councilPart(r, a)?.statutorySupervision ?? null])) as Record<Authority, number | null>;
      return buildSogTable({ year: r.year, police: r.police?.figures ?? null, statutorySupervision: statutory, levels });
    },
  },
  TaysideImprovementAction: {
    targetOn: (a: ImprovementActionRow) => a.target_on,
    status: async (a: ImprovementActionRow, _: unknown, ctx: CoordinationContext) => (await ctx.loaders.improvementProgress.load(a.id)).at(-1)?.status ?? 'NOT_STARTED',
    progress: async (a: ImprovementActionRow, _: unknown, ctx: CoordinationContext) =>
      (await ctx.loaders.improvementProgress.load(a.id)).map((p) => ({ recordedOn: p.recorded_on, note: p.note, status: p.status, recordedBy: p.recorded_by })),
  },
} as unknown as GraphQLResolverMap<CoordinationContext>;

