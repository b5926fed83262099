import { PoliceFeature } from '../feature';
import { areaComplianceFeature } from './area-compliance';
import { breachNoticesFeature } from './breach-notices';

/** Every slice of the police register beyond the core, in migration order. One line per feature. */
export const POLICE_FEATURES: readonly PoliceFeature[] = [breachNoticesFeature, areaComplianceFeature];
