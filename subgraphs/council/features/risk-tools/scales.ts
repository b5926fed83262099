import { RiskLevel } from '../../../../schema/domain';
import { appError, badInput } from '../../../../schema/errors';
import { addMonthsToDay, dayNumber, fromDayNumber } from '../../../../schema/standard/dates';

/**
 * Each accredited tool's result scales, as data: the results a scale can give and the
 * risk-of-serious-harm level each result indicates. The assessor still grades the case's
 * risk level (professional judgement); the indicated level is kept beside it so a departure
 * from the tool is visible.
 *
 * A tool either has named scales (RM2000 /S /V /C; SA07 Stable and Acute), and then every
 * assessment names one, or a single unnamed scale (LS/CMI, RSVP), and then none is given.
 */
export const TOOL_SCALES = {
  RM2000: {
    S: { LOW: 'LOW', MEDIUM: 'MEDIUM', HIGH: 'HIGH', VERY_HIGH: 'VERY_HIGH' },
    V: { LOW: 'LOW', MEDIUM: 'MEDIUM', HIGH: 'HIGH', VERY_HIGH: 'VERY_HIGH' },
    C: { LOW: 'LOW', MEDIUM: 'MEDIUM', HIGH: 'HIGH', VERY_HIGH: 'VERY_HIGH' },
  },
  SA07: {
    STABLE: { LOW: 'LOW', MODERATE: 'MEDIUM', HIGH: 'HIGH' },
    ACUTE: { LOW: 'LOW', MODERATE: 'MEDIUM', HIGH: 'HIGH' },
  },
  LS_CMI: { '': { VERY_LOW: 'LOW', LOW: 'LOW', MEDIUM: 'MEDIUM', HIGH: 'HIGH', VERY_HIGH: 'VERY_HIGH' } },
  RSVP: { '': { LOW: 'LOW', MODERATE: 'MEDIUM', HIGH: 'HIGH' } },
} as const satisfies Record<string, Record<string, Record<string, RiskLevel>>>;

export type ScaledTool = keyof typeof TOOL_SCALES;
export const TOOL_SCALE_NAMES = ['S', 'V', 'C', 'STABLE', 'ACUTE'] as const;
export type ToolScale = (typeof TOOL_SCALE_NAMES)[number];

/** "very high", "Very-High" and "VERY_HIGH" are the same result. */
export const normaliseResult = (result: string) => result.trim().toUpperCase().replace(/[\s/-]+/g, '_');

/**
 * Checks that the scale and result belong to the tool and returns the level the result indicates.
 * Throws BAD_USER_INPUT naming `scale` or `toolResult`.
 */
export function indicatedRiskLevel(tool: ScaledTool, scale: ToolScale | null | undefined, toolResult: string): RiskLevel {
  const scales = TOOL_SCALES[tool] as Record<string, Record<string, RiskLevel>>;
  const named = Object.keys(scales).filter((s) => s !== '');
  if (named.length && !scale) throw badInput('scale', `scale: ${tool} needs one of ${named.join(', ')}.`);
  if (!named.length && scale) throw badInput('scale', `scale: ${tool} has no separate scales; leave scale out.`);
  if (scale && !named.includes(scale)) throw badInput('scale', `scale: ${tool} has no ${scale} scale; use one of ${named.join(', ')}.`);
  const results = scales[scale ?? ''];
  const level = results[normaliseResult(toolResult)];
  if (!level) throw badInput('toolResult', `toolResult: ${tool}${scale ? `/${scale}` : ''} results are ${Object.keys(results).join(', ')}.`);
  return level;
}

/** The facts about the subject a council case records for tool eligibility; null = not recorded. */
export interface SubjectFacts {
  subject_sex?: 'MALE' | 'FEMALE' | null;
  subject_date_of_birth?: string | null;
  index_offence_sexual?: boolean | null;
}

export function ageOn(dateOfBirth: string, onDate: string): number {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number);
  const [y, m, d] = onDate.split('-').map(Number);
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/**
 * RM2000 was built and validated for males aged at least 18 convicted of a sexual offence
 * (Thornton, RM2000 scoring guide 2007); scoring anyone else gives a meaningless category.
 * Refused as BAD_USER_INPUT on `tool`, with reason RM2000_NOT_APPLICABLE so clients can tell
 * this apart from a typo.
 */
export function assertToolApplies(tool: string, caseId: string, subject: SubjectFacts, assessedOn: string): void {
  if (tool !== 'RM2000') return;
  const refuse = (why: string) =>
    appError('BAD_USER_INPUT', `tool: RM2000 applies only to adult males convicted of a sexual offence; ${why}`, { field: 'tool', reason: 'RM2000_NOT_APPLICABLE' });
  if (!subject.subject_sex || !subject.subject_date_of_birth || subject.index_offence_sexual == null) {
    throw refuse(`case ${caseId} does not record the subject's sex, date of birth and whether the index offence is sexual.`);
  }
  if (subject.subject_sex !== 'MALE') throw refuse(`the subject of case ${caseId} is recorded as female.`);
  const age = ageOn(subject.subject_date_of_birth, assessedOn);
  if (age < 18) throw refuse(`the subject of case ${caseId} was ${age} on ${assessedOn}.`);
  if (!subject.index_offence_sexual) throw refuse(`the index offence of case ${caseId} is not a sexual offence.`);
}

/**
 * Default interval to the next assessment, in months. HIGH and VERY_HIGH: 6 (the area standard's
 * review point). LOW and MEDIUM: 12, following SA07 Stable's yearly rhythm (default, no public figure).
 */
export const REASSESSMENT_MONTHS: Record<RiskLevel, number> = { LOW: 12, MEDIUM: 12, HIGH: 6, VERY_HIGH: 6 };

export const addMonths = (date: string, months: number) => fromDayNumber(addMonthsToDay(dayNumber(date), months));

export function defaultNextReviewDue(riskLevel: RiskLevel, assessedOn: string): string {
  return addMonths(assessedOn, REASSESSMENT_MONTHS[riskLevel]);
}
