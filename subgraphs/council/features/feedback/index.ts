import { randomUUID } from 'node:crypto';
import DataLoader from 'dataloader';
import { MigrationInterface, QueryRunner } from 'typeorm';
import { z } from 'zod';
import { AuthorityNames } from '../../../../schema/authorities';
import { appError, badInput } from '../../../../schema/errors';
import { addDays, dayNumber } from '../../../../schema/standard/dates';
import type { CouncilDataset } from '../../../../scripts/demo-data';
import { justificationOf, logEvent } from '../../../shared/audit-log';
import { groupBy } from '../../../shared/group';
import { connection, decodeCursor, pageSize } from '../../../shared/pagination';
import { freeText, id, idempotencyKey, isoDate, parseInput } from '../../../shared/validate';
import { insertOnce, notAfterToday, requireCouncilReader, requireFullCouncilView, requireWriter, userOf } from '../../case-access';
import { CouncilFeature, DemoRng, perRequest } from '../../feature';
import type { CouncilContext } from '../../resolvers';

/**
 * Feedback from clients (exit questionnaires) and partner agencies (2011 improvement plan action
 * 4.4.2 and the Tayside partner-feedback action): a small fixed questionnaire scored 1–5 plus free
 * text, summarised per council over any period.
 */

export const FEEDBACK_KINDS = ['CLIENT_EXIT', 'PARTNER_AGENCY'] as const;
type FeedbackKind = (typeof FEEDBACK_KINDS)[number];

/** The fixed questionnaires (project defaults; no published Tayside questionnaire exists). Scores: 1 strongly disagree … 5 strongly agree. */
export const FEEDBACK_QUESTIONS: ReadonlyArray<{ code: string; kind: FeedbackKind; text: string }> = [
  { code: 'CLIENT_UNDERSTOOD', kind: 'CLIENT_EXIT', text: 'I understood what was expected of me while I was under supervision.' },
  { code: 'CLIENT_RESPECT', kind: 'CLIENT_EXIT', text: 'Staff treated me with respect.' },
  { code: 'CLIENT_HELPED', kind: 'CLIENT_EXIT', text: 'Supervision helped me to address my offending.' },
  { code: 'CLIENT_SUPPORT', kind: 'CLIENT_EXIT', text: 'I got help with other things I needed, such as housing, work or health.' },
  { code: 'PARTNER_INFORMATION', kind: 'PARTNER_AGENCY', text: 'Social Work shared information with us promptly.' },
  { code: 'PARTNER_JOINT_WORKING', kind: 'PARTNER_AGENCY', text: 'Social Work worked well with us to manage risk.' },
  { code: 'PARTNER_CONTACT', kind: 'PARTNER_AGENCY', text: 'We knew whom to contact and got a timely answer.' },
  { code: 'PARTNER_OVERALL', kind: 'PARTNER_AGENCY', text: 'Overall, the service to high risk of harm offenders is of good quality.' },
];
const QUESTION = new Map(FEEDBACK_QUESTIONS.map((q) => [q.code, q]));
/** A summary over more than ten years is a client mistake. */
const MAX_PERIOD_DAYS = 3660;

interface ResponseRow {
  id: string;
  kind: FeedbackKind;
  case_id: string | null;
  offender_id: string | null;
  agency_name: string | null;
  received_on: string;
  comments: string | null;
  recorded_by: string;
}
interface ScoreRow {
  response_id: string;
  question_code: string;
  score: number;
}

class CreateFeedback1764401337000 implements MigrationInterface {
  name = 'CreateFeedback1764401337000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE feedback_responses (
        id text PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('CLIENT_EXIT','PARTNER_AGENCY')),
        case_id text REFERENCES cases(id) CHECK (kind = 'CLIENT_EXIT' OR case_id IS NULL),
        agency_name text CHECK ((kind = 'PARTNER_AGENCY') = (agency_name IS NOT NULL)),
        received_on date NOT NULL,
        comments text,
        recorded_by text NOT NULL,
        idempotency_key text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX feedback_received ON feedback_responses (received_on DESC, id DESC)');
    await q.query(`
      CREATE TABLE feedback_scores (
        response_id text NOT NULL REFERENCES feedback_responses(id),
        question_code text NOT NULL,
        score int NOT NULL CHECK (score BETWEEN 1 AND 5),
        PRIMARY KEY (response_id, question_code)
      )`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE feedback_scores, feedback_responses');
  }
}

const scoresLoader = (ctx: CouncilContext) =>
  perRequest(ctx, 'feedbackScores', () =>
    new DataLoader<string, ScoreRow[]>(async (ids) => groupBy(await ctx.deps.db.query<ScoreRow>('SELECT * FROM feedback_scores WHERE response_id = ANY($1)', [ids]), (r) => r.response_id, ids)),
  );

const question = (code: string) => ({ ...QUESTION.get(code)! });

/**
 * The nominal a row concerns, kept beside it so every read can be logged against the person (s.62)
 * without a join: filled from the case by the database itself, so no writer can forget it.
 */
class AddFeedbackPerson1764401800000 implements MigrationInterface {
  name = 'AddFeedbackPerson1764401800000';
  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE feedback_responses ADD COLUMN offender_id text');
    await q.query('UPDATE feedback_responses t SET offender_id = c.offender_id FROM cases c WHERE c.id = t.case_id');
    await q.query(`CREATE FUNCTION feedback_person() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN NEW.offender_id := (SELECT offender_id FROM cases WHERE id = NEW.case_id); RETURN NEW; END $$`);
    await q.query('CREATE TRIGGER feedback_person BEFORE INSERT OR UPDATE OF case_id ON feedback_responses FOR EACH ROW EXECUTE FUNCTION feedback_person()');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TRIGGER feedback_person ON feedback_responses; DROP FUNCTION feedback_person(); ALTER TABLE feedback_responses DROP COLUMN offender_id');
  }
}

const toGraphQL = (ctx: CouncilContext) => (r: ResponseRow) => ({
  id: r.id,
  // Not in the schema: the person a named client questionnaire concerns, for the s.62 log.
  personId: r.offender_id,
  kind: r.kind,
  caseId: r.case_id,
  agencyName: r.agency_name,
  receivedOn: r.received_on,
  comments: r.comments,
  recordedBy: r.recorded_by,
  answers: async () => {
    const order = (code: string) => FEEDBACK_QUESTIONS.findIndex((q) => q.code === code);
    return (await scoresLoader(ctx).load(r.id)).sort((a, b) => order(a.question_code) - order(b.question_code)).map((s) => ({ question: question(s.question_code), score: s.score }));
  },
});

const answers = (kind: FeedbackKind) =>
  z
    .array(
      z.object({
        question: z.string().refine((c) => QUESTION.get(c)?.kind === kind, `must be a question of the ${kind.toLowerCase().replace('_', ' ')} questionnaire`),
        score: z.number().int('must be a whole number from 1 to 5').min(1, 'must be 1 (strongly disagree) to 5 (strongly agree)').max(5, 'must be 1 (strongly disagree) to 5 (strongly agree)'),
      }),
    )
    .min(1, 'must answer at least one question')
    .superRefine((xs, ctx) => {
      xs.forEach((x, i) => {
        if (xs.findIndex((y) => y.question === x.question) !== i) ctx.addIssue({ code: 'custom', path: [i, 'question'], message: `${x.question} is answered twice` });
      });
    });

const common = { receivedOn: isoDate(), comments: freeText(4000).nullish(), idempotencyKey: idempotencyKey() };
const clientInput = z.object({ ...common, caseId: id().nullish(), answers: answers('CLIENT_EXIT') });
const partnerInput = z.object({ ...common, agencyName: z.string().trim().min(2, 'must name the agency').max(200), answers: answers('PARTNER_AGENCY') });

function period(args: { from: string; to: string }): void {
  if (args.to < args.from) throw badInput('to', 'to: must not be before from.');
  if (dayNumber(args.to) - dayNumber(args.from) > MAX_PERIOD_DAYS) throw badInput('to', 'to: a period of at most ten years.');
}

async function record(ctx: CouncilContext, kind: FeedbackKind, p: { caseId?: string | null; agencyName?: string; receivedOn: string; comments?: string | null; answers: { question: string; score: number }[]; idempotencyKey: string }) {
  const user = userOf(ctx);
  notAfterToday(p.receivedOn, 'receivedOn', ctx.deps);
  const row = await ctx.deps.db.transaction(async (runner) => {
    let personId: string | null = null;
    if (p.caseId) {
      // An exit questionnaire usually arrives as the case ends, so a closed or transferred case may still receive one.
      const [c] = (await runner.query('SELECT id, offender_id FROM cases WHERE id = $1', [p.caseId])) as { id: string; offender_id: string }[];
      if (!c) throw appError('NOT_FOUND', `Case ${p.caseId} was not found.`, { field: 'caseId' });
      personId = c.offender_id;
    }
    const { row: r, created } = await insertOnce<ResponseRow>(
      runner,
      'feedback_responses',
      { id: `FB-${randomUUID()}`, kind, case_id: p.caseId ?? null, agency_name: p.agencyName ?? null, received_on: p.receivedOn, comments: p.comments?.trim() || null, recorded_by: user.sub, idempotency_key: p.idempotencyKey },
      p.idempotencyKey,
    );
    if (r.kind !== kind) throw badInput('idempotencyKey', 'idempotencyKey: already used for other feedback.');
    if (created) {
      await runner.query('INSERT INTO feedback_scores (response_id, question_code, score) SELECT $1, * FROM unnest($2::text[], $3::int[])', [
        r.id,
        p.answers.map((a) => a.question),
        p.answers.map((a) => a.score),
      ]);
      // A named client questionnaire is about its person; anonymous and partner feedback about no one in particular.
      await logEvent(runner, {
        event: 'COLLECTION',
        actor: user,
        justification: justificationOf(ctx.caller),
        recordType: 'FEEDBACK_RESPONSE',
        recordId: r.id,
        personId,
        fields: [...(p.agencyName ? ['agencyName'] : []), 'answers', ...(r.comments ? ['comments'] : []), 'receivedOn'],
        note: p.caseId ? `case ${p.caseId}` : null,
      });
    }
    return r;
  });
  return toGraphQL(ctx)(row);
}

/** Demo: a year of exit questionnaires and partner feedback per council, mostly positive. */
function demo(dataset: CouncilDataset, rng: DemoRng, names: AuthorityNames, today: string): void {
  const responses: object[] = [];
  const scores: ScoreRow[] = [];
  const agencies = ['Police Scotland D Division', 'NHS Tayside', 'Scottish Prison Service', `${names.displayName} Council Housing Options`];
  const comments = ['Clear about what was expected throughout.', 'Would like appointments nearer home.', 'Good joint working at MAPPA meetings.', 'Information arrived late before one meeting.', null, null];
  const staff = dataset.staff.find((s) => s.role === 'TEAM_MANAGER')!.id;
  const add = (kind: FeedbackKind, n: number) => {
    for (let i = 0; i < n; i++) {
      const responseId = `FB-${names.caseIdPrefix}-${kind === 'CLIENT_EXIT' ? 'C' : 'P'}${String(i + 1).padStart(3, '0')}`;
      const c = kind === 'CLIENT_EXIT' && rng.chance(0.6) ? rng.pick(dataset.cases) : null;
      responses.push({
        id: responseId,
        kind,
        case_id: c?.id ?? null,
        agency_name: kind === 'PARTNER_AGENCY' ? rng.pick(agencies) : null,
        received_on: addDays(today, -rng.int(2, 360)),
        comments: rng.pick(comments),
        recorded_by: staff,
        idempotency_key: `demo-${responseId}`,
      });
      for (const q of FEEDBACK_QUESTIONS.filter((x) => x.kind === kind)) {
        if (rng.chance(0.9)) scores.push({ response_id: responseId, question_code: q.code, score: rng.pick([2, 3, 4, 4, 4, 5, 5]) });
      }
    }
  };
  add('CLIENT_EXIT', 12);
  add('PARTNER_AGENCY', 8);
  (dataset.extra.feedback_responses ??= []).push(...responses);
  (dataset.extra.feedback_scores ??= []).push(...scores);
}

export const feedbackFeature: CouncilFeature = {
  name: 'feedback',
  schemaFile: `${__dirname}/schema.graphql`,
  migrations: [CreateFeedback1764401337000, AddFeedbackPerson1764401800000],
  audited: () => [{ typeName: 'FeedbackResponse', refOf: (r: { id: string; personId: string | null }) => ({ recordType: 'FEEDBACK_RESPONSE', recordId: r.id, personId: r.personId }) }],
  demo,
  resolvers: (names) => ({
    Query: {
      [`${names.fieldPrefix}FeedbackQuestions`]: (_: unknown, args: { kind?: FeedbackKind | null }) => FEEDBACK_QUESTIONS.filter((q) => !args.kind || q.kind === args.kind),
      [`${names.fieldPrefix}FeedbackSummary`]: async (_: unknown, args: { from: string; to: string }, ctx: CouncilContext) => {
        requireCouncilReader(ctx, `${names.displayName} feedback figures`);
        period(args);
        const range = [args.from, args.to];
        const [counts, perQuestion, agencies] = await Promise.all([
          ctx.deps.db.query<{ kind: FeedbackKind; n: number }>('SELECT kind, count(*)::int AS n FROM feedback_responses WHERE received_on BETWEEN $1 AND $2 GROUP BY kind', range),
          ctx.deps.db.query<{ question_code: string; n: number; mean: string }>(
            `SELECT s.question_code, count(*)::int AS n, round(avg(s.score), 2)::text AS mean
             FROM feedback_scores s JOIN feedback_responses r ON r.id = s.response_id
             WHERE r.received_on BETWEEN $1 AND $2 GROUP BY s.question_code`,
            range,
          ),
          ctx.deps.db.query<{ agency_name: string; n: number }>(
            `SELECT agency_name, count(*)::int AS n FROM feedback_responses WHERE kind = 'PARTNER_AGENCY' AND received_on BETWEEN $1 AND $2 GROUP BY agency_name ORDER BY agency_name`,
            range,
          ),
        ]);
        const kindSummary = (kind: FeedbackKind) => ({
          kind,
          responses: counts.find((c) => c.kind === kind)?.n ?? 0,
          questions: FEEDBACK_QUESTIONS.filter((q) => q.kind === kind).map((q) => {
            const s = perQuestion.find((x) => x.question_code === q.code);
            return { question: question(q.code), answered: s?.n ?? 0, meanScore: s ? Number(s.mean) : null };
          }),
        });
        return { from: args.from, to: args.to, clientExit: kindSummary('CLIENT_EXIT'), partnerAgency: kindSummary('PARTNER_AGENCY'), agencies: agencies.map((a) => ({ agencyName: a.agency_name, responses: a.n })) };
      },
      [`${names.fieldPrefix}FeedbackResponses`]: async (_: unknown, args: { kind?: FeedbackKind | null; from: string; to: string; first?: number; after?: string }, ctx: CouncilContext) => {
        requireFullCouncilView(ctx, `${names.displayName} feedback responses`);
        period(args);
        const size = pageSize(args.first);
        const after = decodeCursor(args.after);
        const params: unknown[] = [args.from, args.to];
        const where = ['received_on BETWEEN $1 AND $2'];
        if (args.kind) where.push(`kind = $${params.push(args.kind)}`);
        const [{ total }] = await ctx.deps.db.query<{ total: number }>(`SELECT count(*)::int AS total FROM feedback_responses WHERE ${where.join(' AND ')}`, params);
        if (after) {
          const [receivedOn, responseId] = after.split('|');
          if (!responseId || !/^\d{4}-\d{2}-\d{2}$/.test(receivedOn)) throw badInput('after', 'The cursor is not valid.');
          where.push(`(received_on, id) < ($${params.push(receivedOn)}::date, $${params.push(responseId)})`);
        }
        const rows = await ctx.deps.db.query<ResponseRow>(`SELECT * FROM feedback_responses WHERE ${where.join(' AND ')} ORDER BY received_on DESC, id DESC LIMIT $${params.push(size + 1)}`, params);
        return connection(rows, size, total, (r) => `${r.received_on}|${r.id}`, toGraphQL(ctx));
      },
    },
    Mutation: {
      [`${names.fieldPrefix}RecordClientFeedback`]: async (_: unknown, { input }: { input: unknown }, ctx: CouncilContext) => {
        requireWriter(userOf(ctx), ctx.deps);
        return record(ctx, 'CLIENT_EXIT', parseInput(clientInput, input));
      },
      [`${names.fieldPrefix}RecordPartnerFeedback`]: async (_: unknown, { input }: { input: unknown }, ctx: CouncilContext) => {
        requireWriter(userOf(ctx), ctx.deps);
        return record(ctx, 'PARTNER_AGENCY', parseInput(partnerInput, input));
      },
    },
  }),
};
