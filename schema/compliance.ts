import type { ComplianceResult } from './standard';

/** The contract's `Compliance` type from an evaluator result: one shape for case and area compliance. */
export function complianceToGraphQL(result: ComplianceResult) {
  return {
    standardVersion: result.standardVersion,
    asOf: result.asOf,
    status: result.status,
    reasons: result.reasons,
    effectiveRiskLevel: result.effectiveRisk,
    nextContactDue: result.nextContactDue,
    nextHomeVisitDue: result.nextHomeVisitDue,
    nextPoliceVisitDue: result.nextPoliceVisitDue,
    breach: result.breach,
  };
}
