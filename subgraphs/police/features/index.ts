import { PoliceFeature } from '../feature';

/** Every slice of the police register beyond the core, in migration order. One line per feature. */
export const POLICE_FEATURES: readonly PoliceFeature[] = [];
