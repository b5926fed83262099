/**
 * The Care Inspectorate six-point scale, used area-wide to grade file audits and self-evaluations.
 * Kept as data so labels are written once and every answer carries both the number and the word.
 */
export const SIX_POINT_SCALE = [
  { value: 6, label: 'excellent' },
  { value: 5, label: 'very good' },
  { value: 4, label: 'good' },
  { value: 3, label: 'adequate' },
  { value: 2, label: 'weak' },
  { value: 1, label: 'unsatisfactory' },
] as const;

export type SixPointValue = (typeof SIX_POINT_SCALE)[number]['value'];

export interface SixPointGrade {
  value: number;
  label: string;
}

export function sixPointGrade(value: number): SixPointGrade {
  const grade = SIX_POINT_SCALE.find((g) => g.value === value);
  if (!grade) throw new RangeError(`Not a six-point grade: ${value}`);
  return { value: grade.value, label: grade.label };
}

/** The label of the whole grade nearest a mean (4.0 → good, 4.5 → very good), for summaries. */
export function nearestGrade(mean: number): SixPointGrade {
  return sixPointGrade(Math.min(6, Math.max(1, Math.round(mean))));
}
