/** The Tayside-wide contact standard: versioned data plus the one evaluator everybody calls. */
export {
  AREA_STANDARD_VERSION,
  DEFAULT_VERSIONS_DIR,
  IntervalSchema,
  StandardVersionSchema,
  defaultStandardVersions,
  describeInterval,
  nominalDays,
  loadStandardVersions,
  parseStandardVersion,
  rowFor,
  standardInForce,
  type Interval,
  type StandardVersion,
} from './standard';
export { addWorkingDays, isWorkingDay, scottishBankHolidays } from './working-days';
export {
  STATUS_RANK,
  evaluateCompliance,
  worstStatus,
  type CaseTimeline,
  type ComplianceResult,
  type CompliancePeriod,
  type EvaluateOptions,
  type FirstContactResult,
  type FollowUpResult,
  type Lapse,
  type Requirement,
  type TimelineContact,
} from './evaluate';
export { evaluatePoliceVisits, type PoliceVisitInput, type PoliceVisitResult } from './police-visits';
