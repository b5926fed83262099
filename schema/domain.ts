/**
 * Area-wide vocabulary shared by every data owner and the gateway.
 * The GraphQL enums in `schema/contract.graphql` mirror these lists; a unit test keeps them in step.
 */

export const AUTHORITIES = ['DUNDEE', 'ANGUS', 'PERTH_AND_KINROSS'] as const;
export type Authority = (typeof AUTHORITIES)[number];

export const RISK_LEVELS = ['LOW', 'MEDIUM', 'HIGH', 'VERY_HIGH'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

/** Rank used whenever "stricter" or "higher" risk must be decided. */
export const RISK_RANK: Record<RiskLevel, number> = { LOW: 0, MEDIUM: 1, HIGH: 2, VERY_HIGH: 3 };

export const MAPPA_LEVELS = [1, 2, 3] as const;
export type MappaLevel = (typeof MAPPA_LEVELS)[number];

export const MAPPA_CATEGORIES = [1, 2, 3] as const;
export type MappaCategory = (typeof MAPPA_CATEGORIES)[number];

export const CONTACT_TYPES = ['OFFICE_APPOINTMENT', 'HOME_VISIT', 'PHONE_CALL', 'JOINT_VISIT'] as const;
export type ContactType = (typeof CONTACT_TYPES)[number];

export const CONTACT_OUTCOMES = ['ATTENDED', 'FAILED_TO_ATTEND', 'CANCELLED'] as const;
export type ContactOutcome = (typeof CONTACT_OUTCOMES)[number];

/** Which agency recorded a contact. A joint visit is recorded by one agency but counts for both. */
export const AGENCIES = ['COUNCIL', 'POLICE'] as const;
export type Agency = (typeof AGENCIES)[number];

export const COMPLIANCE_STATUSES = ['COMPLIANT', 'DUE_SOON', 'OVERDUE', 'BREACH'] as const;
export type ComplianceStatus = (typeof COMPLIANCE_STATUSES)[number];

/** ISO calendar date, `YYYY-MM-DD`, always in Europe/London civil time. */
export type IsoDate = string;
