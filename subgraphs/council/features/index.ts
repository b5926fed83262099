import { CouncilFeature } from '../feature';
import { chronologyFeature } from './chronology';
import { contactStandardFeature } from './contact-standard';
import { staffFeature } from './staff';
import { riskToolsFeature } from './risk-tools';
import { plansFeature } from './plans';
import { reviewsFeature } from './reviews';
import { homeBackgroundReportsFeature } from './home-background-reports';
import { fileAuditsFeature } from './file-audits';
import { feedbackFeature } from './feedback';
import { protectionFeature } from './protection';
import { transfersFeature } from './transfers';
import { selfEvaluationFeature } from './self-evaluation';
import { auditLogFeature } from './audit-log';
import { annualReturnFeature } from './annual-return';
import { restrictedDetailsFeature } from './restricted-details';

/** Every slice of council case practice, in migration order. One line per feature. */
export const COUNCIL_FEATURES: readonly CouncilFeature[] = [chronologyFeature, contactStandardFeature, staffFeature, riskToolsFeature, plansFeature, reviewsFeature, homeBackgroundReportsFeature, fileAuditsFeature, feedbackFeature, protectionFeature, transfersFeature, selfEvaluationFeature, auditLogFeature, annualReturnFeature, restrictedDetailsFeature];
