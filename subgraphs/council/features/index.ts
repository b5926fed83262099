import { CouncilFeature } from '../feature';
import { chronologyFeature } from './chronology';

/** Every slice of council case practice, in migration order. One line per feature. */
export const COUNCIL_FEATURES: readonly CouncilFeature[] = [chronologyFeature];
