import DataLoader from 'dataloader';
import { MigrationInterface, QueryRunner } from 'typeorm';
import { RiskLevel } from '../../../../schema/domain';
import { badInput } from '../../../../schema/errors';
import { indexBy } from '../../../shared/group';
import { fullField } from '../../case-access';
import type { AssessmentRow } from '../../data/cases';
import { CouncilFeature, perRequest } from '../../feature';
import type { CouncilContext } from '../../resolvers';
import { holdsInDateTraining } from '../staff';
import { assertToolApplies, defaultNextReviewDue, indicatedRiskLevel, ScaledTool, SubjectFacts, TOOL_SCALES, ToolScale } from './scales';

export * from './scales';

export interface AssessmentDetailRow extends AssessmentRow {
  scale: ToolScale | null;
  indicated_risk_level: RiskLevel | null;
  assessor_trained: boolean;
}

class AddToolRules1764400300000 implements MigrationInterface {
  name = 'AddToolRules1764400300000';
  async up(q: QueryRunner): Promise<void> {
    // Unknown for cases opened before these facts were asked for: null means "not recorded",
    // which keeps RM2000 closed to such cases until someone records them.
    await q.query(`
      ALTER TABLE cases
        ADD COLUMN subject_sex text CHECK (subject_sex IN ('MALE','FEMALE')),
        ADD COLUMN subject_date_of_birth date,
        ADD COLUMN index_offence_sexual boolean`);
    // Older assessments were never checked against training records: false means "not shown to be trained".
    await q.query(`
      ALTER TABLE risk_assessments
        ADD COLUMN scale text CHECK (scale IN ('S','V','C','STABLE','ACUTE')),
        ADD COLUMN indicated_risk_level text,
        ADD COLUMN assessor_trained boolean NOT NULL DEFAULT false`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE risk_assessments DROP COLUMN scale, DROP COLUMN indicated_risk_level, DROP COLUMN assessor_trained');
    await q.query('ALTER TABLE cases DROP COLUMN subject_sex, DROP COLUMN subject_date_of_birth, DROP COLUMN index_offence_sexual');
  }
}

export interface AssessmentRules {
  indicatedRiskLevel: RiskLevel;
  assessorTrained: boolean;
  nextReviewDue: string;
}

/**
 * The tool rules for one new assessment, checked inside the recording transaction (the case row
 * is already locked by writableCase): result valid for the tool and scale, tool applicable to
 * the subject, assessor trained in the tool on the assessment date.
 */
export async function applyToolRules(
  runner: QueryRunner,
  found: SubjectFacts & { id: string },
  input: { tool: ScaledTool; scale?: ToolScale | null; toolResult: string; riskLevel: RiskLevel; assessedOn: string; assessorId: string; nextReviewDue?: string | null },
): Promise<AssessmentRules> {
  const indicated = indicatedRiskLevel(input.tool, input.scale, input.toolResult);
  assertToolApplies(input.tool, found.id, found, input.assessedOn);
  if (!(await holdsInDateTraining(runner, input.assessorId, input.tool, input.assessedOn))) {
    throw badInput('assessorId', `assessorId: ${input.assessorId} holds no ${input.tool} training in date on ${input.assessedOn}; record the training first or choose a trained assessor.`);
  }
  return { indicatedRiskLevel: indicated, assessorTrained: true, nextReviewDue: input.nextReviewDue ?? defaultNextReviewDue(input.riskLevel, input.assessedOn) };
}

/** The case_overview view predates these columns, so they are read from cases itself. */
const subjectLoader = (ctx: CouncilContext) =>
  perRequest(ctx, 'case-subject', () =>
    new DataLoader<string, (SubjectFacts & { id: string }) | null>(async (ids) =>
      indexBy(
        await ctx.deps.db.query<SubjectFacts & { id: string }>('SELECT id, subject_sex, subject_date_of_birth, index_offence_sexual FROM cases WHERE id = ANY($1)', [ids]),
        (r) => r.id,
        ids,
      ),
    ),
  );

export const riskToolsFeature: CouncilFeature = {
  name: 'risk-tools',
  schemaFile: `${__dirname}/schema.graphql`,
  migrations: [AddToolRules1764400300000],
  resolvers: (names) => ({
    [`${names.typePrefix}Case`]: {
      subjectSex: fullField(async (c, ctx) => (await subjectLoader(ctx).load(c.id))?.subject_sex ?? null),
      subjectDateOfBirth: fullField(async (c, ctx) => (await subjectLoader(ctx).load(c.id))?.subject_date_of_birth ?? null),
      indexOffenceSexual: fullField(async (c, ctx) => (await subjectLoader(ctx).load(c.id))?.index_offence_sexual ?? null),
      // The core assessments loader selects every column, so the history costs no extra statement.
      assessmentHistory: fullField(async (c, ctx) =>
        Promise.all(
          ((await ctx.loaders.assessments.load(c.id)) as AssessmentDetailRow[]).map(async (a) => {
            const s = await ctx.loaders.staff.load(a.assessor_id);
            return {
              id: a.id,
              tool: a.tool,
              scale: a.scale,
              toolResult: a.tool_result,
              indicatedRiskLevel: a.indicated_risk_level,
              riskLevel: a.risk_level,
              assessedOn: a.assessed_on,
              assessor: s && { id: s.id, name: s.name, role: s.role },
              assessorTrained: a.assessor_trained,
              nextReviewDue: a.next_review_due,
            };
          }),
        ),
      ),
    },
  }),
  demo: (dataset) => {
    // Runs after the staff feature's demo: the demo's opening assessments are checked against
    // the demo training records the same way a new assessment would be.
    const training = (dataset.extra.staff_training ?? []) as Array<{ staff_id: string; tool: string; trained_on: string; expires_on: string }>;
    for (const a of dataset.assessments) {
      const scale: ToolScale | null = a.tool === 'RM2000' ? 'S' : a.tool === 'SA07' ? 'STABLE' : null;
      const results = (TOOL_SCALES[a.tool as ScaledTool] as Record<string, Record<string, RiskLevel>>)[scale ?? ''];
      Object.assign(a, {
        scale,
        indicated_risk_level: results[a.tool_result] ?? null,
        assessor_trained: training.some((t) => t.staff_id === a.assessor_id && t.tool === a.tool && t.trained_on <= a.assessed_on && a.assessed_on <= t.expires_on),
      });
    }
  },
};
