import { CouncilFeature } from '../feature';
import { chronologyFeature } from './chronology';
import { contactStandardFeature } from './contact-standard';
import { staffFeature } from './staff';
import { riskToolsFeature } from './risk-tools';
import { plansFeature } from './plans';
import { reviewsFeature } from './reviews';

/** Every slice of council case practice, in migration order. One line per feature. */
export const COUNCIL_FEATURES: readonly CouncilFeature[] = [chronologyFeature, contactStandardFeature, staffFeature, riskToolsFeature, plansFeature, reviewsFeature];
