import { PoliceFeature } from '../feature';
import { annualReturnFeature } from './annual-return';
import { areaComplianceFeature } from './area-compliance';
import { breachNoticesFeature } from './breach-notices';
import { policeVisitsFeature } from './visits';
import { policeAuditLogFeature } from './audit-log';
import { mappaLevelsFeature } from './mappa-levels';

/** Every slice of the police register beyond the core, in migration order. One line per feature. */
export const POLICE_FEATURES: readonly PoliceFeature[] = [breachNoticesFeature, areaComplianceFeature, policeVisitsFeature, annualReturnFeature, policeAuditLogFeature, mappaLevelsFeature];
