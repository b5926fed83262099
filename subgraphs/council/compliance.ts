import { CaseTimeline, evaluateCompliance, TimelineContact } from '../../schema/standard';
import { ContactType, ContactOutcome, MappaLevel } from '../../schema/domain';
import type { CouncilContext } from './resolvers';
import { AssessmentRow, CaseRow, ContactRow } from './data/cases';

/** A case's timeline as the area-wide evaluator reads it, from this council's own records. */
export function caseTimeline(c: CaseRow, assessments: AssessmentRow[], contacts: ContactRow[]): CaseTimeline {
  return {
    startDate: c.start_date,
    endDate: c.end_date,
    riskHistory: [{ from: c.start_date, level: c.initial_risk_level }, ...assessments.map((a) => ({ from: a.assessed_on, level: a.risk_level }))],
    mappaHistory: [{ from: c.start_date, level: c.mappa_level as MappaLevel }],
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

/** The case's compliance with the standard in force, from this council's contacts alone. */
export async function caseCompliance(c: CaseRow, ctx: CouncilContext) {
  const [assessments, contacts] = await Promise.all([ctx.loaders.assessments.load(c.id), ctx.loaders.contacts.load(c.id)]);
  const result = evaluateCompliance(caseTimeline(c, assessments, contacts), { asOf: c.end_date && c.end_date < ctx.deps.today() ? c.end_date : ctx.deps.today() });
  return {
    standardVersion: result.standardVersion,
    asOf: result.asOf,
    status: result.status,
    reasons: result.reasons,
    effectiveRiskLevel: result.effectiveRisk,
    nextContactDue: result.nextContactDue,
    nextHomeVisitDue: result.nextHomeVisitDue,
    breach: result.breach,
  };
}
