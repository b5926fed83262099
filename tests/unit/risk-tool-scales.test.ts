import { ageOn, assertToolApplies, defaultNextReviewDue, indicatedRiskLevel, TOOL_SCALES } from '../../subgraphs/council/features/risk-tools/scales';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e: any) {
    return { code: e.extensions?.code, field: e.extensions?.field, reason: e.extensions?.reason };
  }
  return null;
};

describe('tool result scales', () => {
  it('maps every RM2000 scale category to the same risk-of-serious-harm level', () => {
    for (const scale of ['S', 'V', 'C'] as const) {
      expect(['LOW', 'MEDIUM', 'HIGH', 'VERY_HIGH'].map((r) => indicatedRiskLevel('RM2000', scale, r))).toEqual(['LOW', 'MEDIUM', 'HIGH', 'VERY_HIGH']);
    }
  });

  it('maps SA07 and RSVP "moderate" to MEDIUM, and LS/CMI very low to LOW', () => {
    expect(indicatedRiskLevel('SA07', 'STABLE', 'Moderate')).toBe('MEDIUM');
    expect(indicatedRiskLevel('SA07', 'ACUTE', 'high')).toBe('HIGH');
    expect(indicatedRiskLevel('RSVP', null, 'moderate')).toBe('MEDIUM');
    expect(indicatedRiskLevel('LS_CMI', undefined, 'very low')).toBe('LOW');
    expect(indicatedRiskLevel('LS_CMI', null, 'Very-High')).toBe('VERY_HIGH');
  });

  it('names scale when the scale does not fit the tool and toolResult when the result does not fit the scale', () => {
    expect(codeOf(() => indicatedRiskLevel('RM2000', null, 'HIGH'))).toEqual({ code: 'BAD_USER_INPUT', field: 'scale', reason: undefined });
    expect(codeOf(() => indicatedRiskLevel('RSVP', 'S', 'HIGH'))?.field).toBe('scale');
    expect(codeOf(() => indicatedRiskLevel('SA07', 'V', 'HIGH'))?.field).toBe('scale');
    expect(codeOf(() => indicatedRiskLevel('SA07', 'STABLE', 'VERY_HIGH'))?.field).toBe('toolResult');
    expect(codeOf(() => indicatedRiskLevel('RSVP', null, 'VERY_HIGH'))?.field).toBe('toolResult');
  });

  it('every result on every scale indicates one of the four levels', () => {
    for (const scales of Object.values(TOOL_SCALES)) {
      for (const results of Object.values(scales)) for (const level of Object.values(results)) expect(['LOW', 'MEDIUM', 'HIGH', 'VERY_HIGH']).toContain(level);
    }
  });
});

describe('RM2000 applicability', () => {
  const adultMale = { subject_sex: 'MALE' as const, subject_date_of_birth: '1980-05-01', index_offence_sexual: true };

  it('allows adult males with a sexual index offence, and any subject for the other tools', () => {
    expect(codeOf(() => assertToolApplies('RM2000', 'C1', adultMale, '2026-11-27'))).toBeNull();
    expect(codeOf(() => assertToolApplies('LS_CMI', 'C1', { subject_sex: 'FEMALE', subject_date_of_birth: null, index_offence_sexual: false }, '2026-11-27'))).toBeNull();
  });

  it.each([
    ['female', { ...adultMale, subject_sex: 'FEMALE' as const }],
    ['non-sexual offence', { ...adultMale, index_offence_sexual: false }],
    ['under 18', { ...adultMale, subject_date_of_birth: '2008-11-28' }],
    ['sex not recorded', { ...adultMale, subject_sex: null }],
    ['offence not recorded', { ...adultMale, index_offence_sexual: null }],
  ])('refuses a subject who is %s', (_label, facts) => {
    expect(codeOf(() => assertToolApplies('RM2000', 'C1', facts, '2026-11-27'))).toEqual({ code: 'BAD_USER_INPUT', field: 'tool', reason: 'RM2000_NOT_APPLICABLE' });
  });

  it('counts age in whole years, birthdays included', () => {
    expect(ageOn('2008-11-27', '2026-11-26')).toBe(17);
    expect(ageOn('2008-11-27', '2026-11-27')).toBe(18);
    expect(ageOn('2008-02-29', '2026-02-28')).toBe(17);
    expect(ageOn('2008-02-29', '2026-03-01')).toBe(18);
  });
});

describe('default next review', () => {
  it('is 6 months for HIGH and VERY_HIGH and 12 for LOW and MEDIUM, clamping month ends', () => {
    expect(defaultNextReviewDue('HIGH', '2026-11-20')).toBe('2027-05-20');
    expect(defaultNextReviewDue('VERY_HIGH', '2026-08-31')).toBe('2027-02-28');
    expect(defaultNextReviewDue('MEDIUM', '2026-11-20')).toBe('2027-11-20');
    expect(defaultNextReviewDue('LOW', '2028-02-29')).toBe('2029-02-28');
  });
});
