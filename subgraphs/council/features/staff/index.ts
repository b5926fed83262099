import { randomUUID } from 'node:crypto';
import DataLoader from 'dataloader';
import { MigrationInterface, QueryRunner } from 'typeorm';
import { z } from 'zod';
import { caseView } from '../../../../schema/access';
import { RiskLevel } from '../../../../schema/domain';
import { badInput, forbidden } from '../../../../schema/errors';
import { User } from '../../../../schema/identity';
import { addDays } from '../../../../schema/standard/dates';
import { justificationOf, logEvent } from '../../../shared/audit-log';
import { groupBy } from '../../../shared/group';
import { id, idempotencyKey, isoDate, parseInput } from '../../../shared/validate';
import { notAfterToday, requireWriter, staffMember, userOf } from '../../case-access';
import { CouncilFeature, perRequest } from '../../feature';
import type { CouncilContext } from '../../resolvers';

/** The accredited tools the CJSW teams are trained in (DOMAIN.md, "Risk tools"). */
export const RISK_TOOLS = ['RM2000', 'SA07', 'LS_CMI', 'RSVP'] as const;
export type RiskTool = (typeof RISK_TOOLS)[number];

/**
 * Default workload weights, seeded into table workload_weights (editable data, not code).
 * No public Tayside weighting exists; these follow the contact standard's shape: a HIGH case
 * needs about three times the contact of a LOW one, and VERY_HIGH adds weekly contact for the
 * whole order plus Level 2/3 meetings, so it weighs disproportionately more.
 */
export const DEFAULT_WORKLOAD_WEIGHTS: Record<RiskLevel, number> = { LOW: 1, MEDIUM: 2, HIGH: 3, VERY_HIGH: 5 };

export interface TrainingRow {
  id: string;
  staff_id: string;
  tool: RiskTool;
  trained_on: string;
  expires_on: string;
  recorded_by: string | null;
}

class CreateStaffTraining1764400200000 implements MigrationInterface {
  name = 'CreateStaffTraining1764400200000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE staff_training (
        id text PRIMARY KEY,
        staff_id text NOT NULL REFERENCES staff(id),
        tool text NOT NULL CHECK (tool IN ('RM2000','SA07','LS_CMI','RSVP')),
        trained_on date NOT NULL,
        expires_on date NOT NULL CHECK (expires_on > trained_on),
        recorded_by text,
        idempotency_key text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX staff_training_staff ON staff_training (staff_id, tool, expires_on)');
    await q.query(`
      CREATE TABLE workload_weights (
        risk_level text PRIMARY KEY CHECK (risk_level IN ('LOW','MEDIUM','HIGH','VERY_HIGH')),
        weight int NOT NULL CHECK (weight > 0)
      )`);
    const levels = Object.entries(DEFAULT_WORKLOAD_WEIGHTS);
    await q.query(
      `INSERT INTO workload_weights (risk_level, weight) VALUES ${levels.map((_, i) => `($${2 * i + 1}, $${2 * i + 2})`).join(', ')}`,
      levels.flat(),
    );
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE workload_weights, staff_training');
  }
}

/** True when the staff member holds training for the tool that is in date on the given day. */
export async function holdsInDateTraining(runner: QueryRunner, staffId: string, tool: string, onDate: string): Promise<boolean> {
  const rows = (await runner.query('SELECT 1 FROM staff_training WHERE staff_id = $1 AND tool = $2 AND trained_on <= $3 AND expires_on >= $3 LIMIT 1', [staffId, tool, onDate])) as unknown[];
  return rows.length > 0;
}

interface WorkloadRow {
  id: string;
  name: string;
  role: string;
  open_cases: number;
  weighted: number;
  bands: Array<{ riskLevel: RiskLevel; weight: number; cases: number }>;
}

/**
 * Every staff member with their weighted open caseload, in one statement whatever the headcount:
 * each person is crossed with every weight row, so a level with no cases still shows as 0.
 */
const WORKLOAD_SQL = `
  SELECT s.id, s.name, s.role,
    sum(COALESCE(l.n, 0))::int AS open_cases,
    sum(COALESCE(l.n, 0) * w.weight)::int AS weighted,
    json_agg(json_build_object('riskLevel', w.risk_level, 'weight', w.weight, 'cases', COALESCE(l.n, 0)) ORDER BY w.weight, w.risk_level) AS bands
  FROM staff s
  CROSS JOIN workload_weights w
  LEFT JOIN (
    SELECT case_manager_id, risk_level, count(*)::int AS n FROM case_overview WHERE status = 'OPEN' GROUP BY case_manager_id, risk_level
  ) l ON l.case_manager_id = s.id AND l.risk_level = w.risk_level
  GROUP BY s.id, s.name, s.role
  ORDER BY s.id`;

const trainingLoader = (ctx: CouncilContext) =>
  perRequest(ctx, 'staff-training', () =>
    new DataLoader<string, TrainingRow[]>(async (ids) =>
      groupBy(await ctx.deps.db.query<TrainingRow>('SELECT * FROM staff_training WHERE staff_id = ANY($1) ORDER BY trained_on, tool, id', [ids]), (r) => r.staff_id, ids),
    ),
  );

const trainingInput = z.object({
  staffId: id(),
  tool: z.enum(RISK_TOOLS),
  trainedOn: isoDate(),
  expiresOn: isoDate(),
  idempotencyKey: idempotencyKey(),
});

const isManager = (user: User) => user.roles.includes('TEAM_MANAGER') || user.roles.includes('SERVICE_MANAGER');

const trainingToGraphQL = (r: TrainingRow, today: string) => ({
  id: r.id,
  staffId: r.staff_id,
  tool: r.tool,
  trainedOn: r.trained_on,
  expiresOn: r.expires_on,
  inDate: r.trained_on <= today && today <= r.expires_on,
});

export const staffFeature: CouncilFeature = {
  name: 'staff',
  schemaFile: `${__dirname}/schema.graphql`,
  migrations: [CreateStaffTraining1764400200000],
  resolvers: (names) => ({
    Query: {
      [`${names.fieldPrefix}Staff`]: async (_: unknown, _args: unknown, ctx: CouncilContext) => {
        // Workload and training are management information about this council's team: the same
        // audience as the caseload (own staff, inspectors).
        if (caseView(userOf(ctx), { authority: names.authority, mappaLevel: 1 }) !== 'FULL') throw forbidden(`the ${names.displayName} staff list`);
        return ctx.deps.db.query<WorkloadRow>(WORKLOAD_SQL);
      },
    },
    StaffProfile: {
      training: async (s: WorkloadRow, _: unknown, ctx: CouncilContext) => (await trainingLoader(ctx).load(s.id)).map((r) => trainingToGraphQL(r, ctx.deps.today())),
      trainedTools: async (s: WorkloadRow, _: unknown, ctx: CouncilContext) => {
        const today = ctx.deps.today();
        const held = new Set((await trainingLoader(ctx).load(s.id)).filter((r) => r.trained_on <= today && today <= r.expires_on).map((r) => r.tool));
        return RISK_TOOLS.filter((t) => held.has(t));
      },
      workload: (s: WorkloadRow) => ({ openCases: s.open_cases, weightedCaseload: s.weighted, byRiskLevel: s.bands }),
    },
    Mutation: {
      [`${names.fieldPrefix}RecordTraining`]: async (_: unknown, { input }: { input: unknown }, ctx: CouncilContext) => {
        const user = userOf(ctx);
        requireWriter(user, ctx.deps);
        // Training gates who may assess with a tool, so case managers do not certify themselves.
        if (!isManager(user)) throw forbidden('training records (team or service managers record them)');
        const parsed = parseInput(trainingInput, input);
        notAfterToday(parsed.trainedOn, 'trainedOn', ctx.deps);
        if (parsed.expiresOn <= parsed.trainedOn) throw badInput('expiresOn', 'expiresOn: must be after trainedOn.');
        const row = await ctx.deps.db.transaction(async (runner) => {
          await staffMember(runner, parsed.staffId, 'staffId');
          const [inserted] = (await runner.query(
            `INSERT INTO staff_training (id, staff_id, tool, trained_on, expires_on, recorded_by, idempotency_key)
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (idempotency_key) DO NOTHING RETURNING *`,
            [`TR-${randomUUID()}`, parsed.staffId, parsed.tool, parsed.trainedOn, parsed.expiresOn, user.sub, parsed.idempotencyKey],
          )) as TrainingRow[];
          if (inserted) {
            // Staff personal data: the person it concerns is the staff member (staff ids never look like nominal ids).
            await logEvent(runner, { event: 'COLLECTION', actor: user, justification: justificationOf(ctx.caller), recordType: 'STAFF_TRAINING', recordId: inserted.id, personId: parsed.staffId, fields: ['expiresOn', 'tool', 'trainedOn'] });
            return inserted;
          }
          const [first] = (await runner.query('SELECT * FROM staff_training WHERE idempotency_key = $1', [parsed.idempotencyKey])) as TrainingRow[];
          if (first.staff_id !== parsed.staffId) throw badInput('idempotencyKey', 'idempotencyKey: already used for another staff member.');
          return first;
        });
        return trainingToGraphQL(row, ctx.deps.today());
      },
    },
  }),
  demo: (dataset, rng, _names, referenceDate) => {
    // Accreditation is taken as valid for three years (default). Who holds what is fixed by
    // position so the demo always shows in-date, expired and missing training:
    // every case manager has LS/CMI (the CJSW standard since 2010); the first is trained in all
    // four tools; the fifth's RM2000 and the fourth's SA07 have lapsed; the sixth never took RM2000.
    const VALID_DAYS = 3 * 365;
    const plan: Record<number, Partial<Record<RiskTool, 'IN_DATE' | 'EXPIRED'>>> = {
      0: { RM2000: 'IN_DATE', SA07: 'IN_DATE', LS_CMI: 'IN_DATE', RSVP: 'IN_DATE' },
      1: { RM2000: 'IN_DATE', SA07: 'IN_DATE', LS_CMI: 'IN_DATE' },
      2: { RM2000: 'IN_DATE', SA07: 'IN_DATE', LS_CMI: 'IN_DATE', RSVP: 'IN_DATE' },
      3: { RM2000: 'IN_DATE', SA07: 'EXPIRED', LS_CMI: 'IN_DATE' },
      4: { RM2000: 'EXPIRED', LS_CMI: 'IN_DATE' },
      5: { LS_CMI: 'IN_DATE', SA07: 'IN_DATE' },
    };
    const rows: Array<Omit<TrainingRow, 'recorded_by'> & { idempotency_key: string }> = [];
    const managers = dataset.staff.filter((s) => s.role === 'CASE_MANAGER');
    const teamManagers = dataset.staff.filter((s) => s.role === 'TEAM_MANAGER');
    const add = (staffId: string, tool: RiskTool, state: 'IN_DATE' | 'EXPIRED') => {
      const trainedOn = addDays(referenceDate, -(state === 'IN_DATE' ? rng.int(30, VALID_DAYS - 60) : rng.int(VALID_DAYS + 30, VALID_DAYS + 700)));
      rows.push({ id: `TR-${staffId}-${tool}`, staff_id: staffId, tool, trained_on: trainedOn, expires_on: addDays(trainedOn, VALID_DAYS), idempotency_key: `demo-tr-${staffId}-${tool}` });
    };
    managers.forEach((m, i) => {
      for (const [tool, state] of Object.entries(plan[i % 6])) add(m.id, tool as RiskTool, state);
    });
    for (const t of teamManagers) for (const tool of ['RM2000', 'LS_CMI'] as const) add(t.id, tool, 'IN_DATE');
    dataset.extra.staff_training = rows;
  },
};
