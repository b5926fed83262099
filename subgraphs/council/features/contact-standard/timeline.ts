import { AREA_STANDARD_VERSION, CaseTimeline, evaluateCompliance, standardInForce, StandardVersion, TimelineContact } from '../../../../schema/standard';
import { ContactOutcome, ContactType, MappaLevel } from '../../../../schema/domain';
import type { AssessmentRow, CaseRow, ContactRow } from '../../data/cases';

export interface MappaChangeRow {
  case_id: string;
  level: number;
  previous_level: number;
  effective_from: string;
}

/** A case's timeline as the area-wide evaluator reads it, from this council's own records. */
export function caseTimeline(c: CaseRow, assessments: AssessmentRow[], contacts: ContactRow[], mappaChanges: MappaChangeRow[]): CaseTimeline {
  const firstLevel = mappaChanges.length ? mappaChanges[0].previous_level : c.mappa_level;
  return {
    startDate: c.start_date,
    endDate: c.end_date,
    riskHistory: [{ from: c.start_date, level: c.initial_risk_level }, ...assessments.map((a) => ({ from: a.assessed_on, level: a.risk_level }))],
    mappaHistory: [
      { from: c.start_date, level: firstLevel as MappaLevel },
      ...mappaChanges.map((m) => ({ from: m.effective_from, level: m.level as MappaLevel })),
    ],
    contacts: contacts.map(
      (k): TimelineContact => ({
        id: k.id,
        date: k.occurred_on,
        // A joint visit is recorded once by the council but counts for both agencies.
        type: (k.joint_with_police ? 'JOINT_VISIT' : k.type) as ContactType,
        outcome: k.outcome as ContactOutcome,
        agency: 'COUNCIL',
      }),
    ),
  };
}

/** The standard versions this council runs: the shared default, or injected (e.g. a council still on an older release). */
export interface StandardSource {
  versions?: readonly StandardVersion[];
}

export function runningStandardVersion(source: StandardSource): string {
  return source.versions ? source.versions[source.versions.length - 1].id : AREA_STANDARD_VERSION;
}

/**
 * The case's compliance from this council's own records. Police RSO visits are graded where the
 * police records are, in Offender.areaCompliance; here they are not required.
 */
export function councilCompliance(timeline: CaseTimeline, asOf: string, source: StandardSource) {
  const standard = source.versions ? standardInForce(asOf, source.versions) : undefined;
  return evaluateCompliance({ ...timeline, registeredSexOffender: false }, { asOf, standard });
}
