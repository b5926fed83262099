import { canSeeRegisterEntry } from '../../../../schema/access';
import { complianceToGraphQL } from '../../../../schema/compliance';
import { Authority, ComplianceStatus, MappaLevel, RiskLevel } from '../../../../schema/domain';
import { badInput, forbidden } from '../../../../schema/errors';
import { isIsoDate } from '../../../../schema/scalars';
import { AREA_STANDARD_VERSION, CaseTimeline, ComplianceResult, evaluateCompliance, STATUS_RANK, TimelineContact } from '../../../../schema/standard';
import type { User } from '../../../../schema/identity';
import { PoliceFeature } from '../../feature';
import type { OffenderRow, PoliceVisitRow } from '../../data/register';
import type { PoliceContext } from '../../resolvers';

/** What the planner hands over for each case (@requires): the owner's timeline, never its content. */
interface RequiredCase {
  timeline: (Omit<CaseTimeline, 'contacts'> & { offenderId: string; authority: Authority; status: string; standardVersion: string; contacts: TimelineContact[] }) | null;
}

/**
 * One person's timeline across every agency: each council case (transfers included, so a move
 * leaves no gap) plus the police visits. Null when the person has no council case, or when a
 * council's part is missing (its service was down or refused): an area result from partial data
 * would look better than the truth.
 */
export function areaTimeline(offender: Pick<OffenderRow, 'registered_on'>, cases: RequiredCase[], visits: PoliceVisitRow[]): CaseTimeline | null {
  if (!cases.length || cases.some((c) => !c?.timeline)) return null;
  const timelines = cases.map((c) => c.timeline!);
  const open = timelines.some((t) => t.status === 'OPEN');
  return {
    startDate: timelines.map((t) => t.startDate).sort()[0],
    endDate: open ? null : timelines.map((t) => t.endDate ?? t.startDate).sort().at(-1),
    riskHistory: timelines.flatMap((t) => t.riskHistory),
    mappaHistory: timelines.flatMap((t) => t.mappaHistory),
    contacts: [
      ...timelines.flatMap((t) => t.contacts),
      ...visits.map((v): TimelineContact => ({ id: v.id, date: v.visited_on, type: v.type as TimelineContact['type'], outcome: v.outcome as TimelineContact['outcome'], agency: 'POLICE' })),
    ],
    registeredSexOffender: offender.registered_on != null,
  };
}

/**
 * One person's result: as it stands on asOf, or over [from, asOf] for reports. A supervision that
 * ended is judged up to its end; a period starting before supervision starts with it.
 */
function evaluatePerson(timeline: CaseTimeline, asOf: string, from: string | null): ComplianceResult {
  const end = timeline.endDate && timeline.endDate < asOf ? timeline.endDate : asOf;
  return evaluateCompliance(timeline, { asOf: end, periodFrom: from ? (from < timeline.startDate ? timeline.startDate : from) : undefined });
}

/** Councils whose running standard differs from the area-wide one; never silently mixed. */
function versionWarnings(cases: RequiredCase[]): string[] {
  const other = new Map<string, string>();
  for (const c of cases) if (c?.timeline && c.timeline.standardVersion !== AREA_STANDARD_VERSION) other.set(c.timeline.authority, c.timeline.standardVersion);
  return [...other].map(([a, v]) => `${a} runs contact standard ${v}; area-wide results here use ${AREA_STANDARD_VERSION}.`);
}

const mayReport = (user: User) => user.org === 'MAPPA_UNIT' || user.org === 'POLICE' || user.roles.includes('INSPECTOR');

function userOf(ctx: PoliceContext): User {
  if (ctx.caller.kind !== 'user') throw forbidden('compliance as a service');
  return ctx.caller.identity.user;
}

interface PersonResult {
  offender: OffenderRow;
  authority: Authority | null;
  result: ComplianceResult;
}

const EMPTY = () => ({ total: 0, compliant: 0, dueSoon: 0, overdue: 0, breach: 0 });
const FIELD: Record<ComplianceStatus, 'compliant' | 'dueSoon' | 'overdue' | 'breach'> = { COMPLIANT: 'compliant', DUE_SOON: 'dueSoon', OVERDUE: 'overdue', BREACH: 'breach' };

function breakdown(results: PersonResult[], keyOf: (p: PersonResult) => string, keys: readonly string[]) {
  const table = new Map(keys.map((k) => [k, EMPTY()]));
  for (const p of results) {
    const row = table.get(keyOf(p)) ?? EMPTY();
    row.total += 1;
    row[FIELD[p.result.status]] += 1;
    table.set(keyOf(p), row);
  }
  return [...table].map(([key, r]) => ({ key, ...r, complianceRate: r.total ? (r.compliant + r.dueSoon) / r.total : 1 }));
}

/** Evaluates everyone in a report representation once per request, however many fields ask. */
async function reportResults(ref: ReportRef, ctx: PoliceContext): Promise<PersonResult[]> {
  const memo = (ctx.memo.reports ??= new Map<string, Promise<PersonResult[]>>()) as Map<string, Promise<PersonResult[]>>;
  if (!memo.has(ref.id)) {
    memo.set(
      ref.id,
      (async () => {
        const [from, to] = parseReportId(ref.id);
        // The representation carries no offender id of its own: each case's timeline names its person.
        const people = ref.offenders.filter((o) => o.cases.length && o.cases.every((c) => c?.timeline));
        const ids = people.map((o) => o.cases[0].timeline!.offenderId);
        const [rows, visits] = await Promise.all([ctx.loaders.offender.loadMany(ids), ctx.loaders.visits.loadMany(ids)]);
        const out: PersonResult[] = [];
        people.forEach((o, i) => {
          const row = rows[i];
          if (!row || row instanceof Error) return;
          const timeline = areaTimeline(row, o.cases, visits[i] instanceof Error ? [] : (visits[i] as PoliceVisitRow[]));
          // People whose supervision began after the period or ended before it are not in it.
          if (!timeline || timeline.startDate > to || (timeline.endDate && timeline.endDate < from)) return;
          const result = evaluatePerson(timeline, to, from);
          const holder = o.cases.find((c) => c.timeline!.status === 'OPEN')?.timeline!.authority ?? o.cases.at(-1)?.timeline!.authority ?? null;
          out.push({ offender: row, authority: holder, result });
        });
        return out;
      })(),
    );
  }
  return memo.get(ref.id)!;
}

interface ReportRef {
  id: string;
  offenders: Array<{ cases: RequiredCase[] }>;
}

function parseReportId(id: string): [string, string] {
  const [from, to] = id.split('|');
  return [from, to];
}

export const areaComplianceFeature: PoliceFeature = {
  name: 'area-compliance',
  resolvers: () => ({
    Offender: {
      areaCompliance: async (o: OffenderRow & { required?: { cases?: RequiredCase[] } }, args: { asOf?: string | null; from?: string | null }, ctx: PoliceContext) => {
        const required = o.required?.cases;
        if (!Array.isArray(required)) return null;
        if (args.asOf != null && !isIsoDate(args.asOf)) throw badInput('asOf', 'asOf: must be a date.');
        if (args.from != null && !isIsoDate(args.from)) throw badInput('from', 'from: must be a date.');
        const timeline = areaTimeline(o, required as RequiredCase[], await ctx.loaders.visits.load(o.id));
        if (!timeline) return null;
        const asOf = args.asOf ?? ctx.today();
        if (args.from && args.from > asOf) throw badInput('from', 'from: must not be after asOf.');
        if (asOf < timeline.startDate || (args.from && timeline.endDate && timeline.endDate < args.from)) return null;
        const result = evaluatePerson(timeline, asOf, args.from ?? null);
        const compliance = complianceToGraphQL(result);
        return { ...compliance, reasons: [...versionWarnings(required as RequiredCase[]), ...compliance.reasons] };
      },
    },
    Query: {
      complianceReport: (_: unknown, args: { from: string; to: string }, ctx: PoliceContext) => {
        if (!mayReport(userOf(ctx))) throw forbidden('the Tayside compliance report');
        if (!isIsoDate(args.from)) throw badInput('from', 'from: must be a date.');
        if (!isIsoDate(args.to)) throw badInput('to', 'to: must be a date.');
        if (args.from > args.to) throw badInput('from', 'from: must not be after to.');
        if (args.to > ctx.today()) throw badInput('to', 'to: cannot be in the future.');
        return { id: `${args.from}|${args.to}` };
      },
    },
    ComplianceReport: {
      __resolveReference: (ref: ReportRef, ctx: PoliceContext) => {
        if (!mayReport(userOf(ctx))) throw forbidden('the Tayside compliance report');
        return ref;
      },
      from: (r: { id: string }) => parseReportId(r.id)[0],
      to: (r: { id: string }) => parseReportId(r.id)[1],
      offenders: async (_r: { id: string }, _a: unknown, ctx: PoliceContext) => {
        const rows = await ctx.db.query<OffenderRow>('SELECT o.* FROM offenders o WHERE EXISTS (SELECT 1 FROM case_holdings h WHERE h.offender_id = o.id) ORDER BY o.id');
        rows.forEach((r) => ctx.loaders.offender.prime(r.id, r));
        return rows;
      },
      standardVersion: () => AREA_STANDARD_VERSION,
      versionWarnings: (r: ReportRef) => versionWarnings(r.offenders.flatMap((o) => o.cases)),
      overall: async (r: ReportRef, _a: unknown, ctx: PoliceContext) => breakdown(await reportResults(r, ctx), () => 'TAYSIDE', ['TAYSIDE'])[0],
      byCouncil: async (r: ReportRef, _a: unknown, ctx: PoliceContext) =>
        breakdown(await reportResults(r, ctx), (p) => p.authority ?? 'UNKNOWN', ['DUNDEE', 'ANGUS', 'PERTH_AND_KINROSS']),
      byRiskLevel: async (r: ReportRef, _a: unknown, ctx: PoliceContext) =>
        breakdown(await reportResults(r, ctx), (p) => p.result.effectiveRisk, ['LOW', 'MEDIUM', 'HIGH', 'VERY_HIGH'] satisfies RiskLevel[]),
      byMappaLevel: async (r: ReportRef, _a: unknown, ctx: PoliceContext) =>
        breakdown(await reportResults(r, ctx), (p) => String(p.result.mappaLevel satisfies MappaLevel), ['1', '2', '3']),
      exceptions: async (r: ReportRef, _a: unknown, ctx: PoliceContext) => {
        const user = userOf(ctx);
        return (await reportResults(r, ctx))
          .filter((p) => STATUS_RANK[p.result.status] >= STATUS_RANK.OVERDUE)
          .filter((p) => canSeeRegisterEntry(user, p.authority ? [p.authority] : []))
          .sort((a, b) => STATUS_RANK[b.result.status] - STATUS_RANK[a.result.status] || a.offender.id.localeCompare(b.offender.id))
          .map((p) => ({ offender: p.offender, authority: p.authority, status: p.result.status, reasons: p.result.reasons }));
      },
    },
  }),
};
