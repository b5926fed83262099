import { Authority } from './domain';
import { Role, User } from './identity';

/**
 * The access rules, written once and enforced by every data owner: in root fields, relations and
 * every `__resolveReference`. Pure functions of the user and the facts of a record, so they are
 * unit-tested exhaustively and cannot drift between councils.
 */

const COUNCIL_STAFF: readonly Role[] = ['CASE_MANAGER', 'TEAM_MANAGER', 'SERVICE_MANAGER'];

const has = (user: User, roles: readonly Role[]) => user.roles.some((r) => roles.includes(r));

export function isCouncilStaffOf(user: User, authority: Authority): boolean {
  return user.org === authority && has(user, COUNCIL_STAFF);
}

/** Facts about a case that the rules need; every council knows them for its own cases. */
export interface CaseFacts {
  authority: Authority;
  mappaLevel: number;
}

/**
 * FULL: everything the owning council holds (restricted fields aside, see `canSeeRestricted`).
 * SUMMARY: owner, risk level, MAPPA level, compliance status, plan review date.
 * NONE: nothing; the case comes back as null with a FORBIDDEN error.
 */
export type CaseView = 'FULL' | 'SUMMARY' | 'NONE';

export function caseView(user: User, facts: CaseFacts): CaseView {
  if (isCouncilStaffOf(user, facts.authority)) return 'FULL';
  // Inspectors audit practice: they read case content, never change it or see restricted fields.
  if (user.roles.includes('INSPECTOR')) return 'FULL';
  if (user.roles.includes('MAPPA_COORDINATOR')) return 'SUMMARY';
  // Every MAPPA partner sees a summary of people managed at Level 2 or 3.
  if (facts.mappaLevel >= 2) return 'SUMMARY';
  return 'NONE';
}

/** Victim details and addresses: only the owning council's own team. */
export function canSeeRestricted(user: User, facts: CaseFacts): boolean {
  return isCouncilStaffOf(user, facts.authority);
}

/** Changes to a case: only the owning council's staff; inspectors are read-only. */
export function canChangeCase(user: User, authority: Authority): boolean {
  return isCouncilStaffOf(user, authority);
}

/**
 * The police register entry for one nominal. Police, the MAPPA unit and inspectors see the register;
 * council staff see an entry only when their council holds a case for that person.
 */
export function canSeeRegisterEntry(user: User, holdingAuthorities: readonly Authority[]): boolean {
  if (user.org === 'POLICE' || user.org === 'MAPPA_UNIT' || user.roles.includes('INSPECTOR')) return true;
  return holdingAuthorities.includes(user.org as Authority);
}

/** The council whose cases a user may list from the register, or null for "any". */
export function registerScope(user: User): Authority | null | 'NONE' {
  if (user.org === 'POLICE' || user.org === 'MAPPA_UNIT' || user.roles.includes('INSPECTOR')) return null;
  if (user.org === 'DUNDEE' || user.org === 'ANGUS' || user.org === 'PERTH_AND_KINROSS') return user.org;
  return 'NONE';
}

// ---- The MAPPA unit's records (coordination subgraph) -------------------------------------------

/**
 * Referrals, meetings, decisions, actions and minutes belong to the MAPPA unit.
 * FULL: the co-ordinator (who keeps them) and inspectors (read-only), full minutes included.
 * PARTNER: staff of an agency involved with the person or meeting (it referred them, holds their
 *   case, attended the meeting): the record and the executive summary, never the full minutes.
 * NONE: nothing.
 */
export type MappaRecordView = 'FULL' | 'PARTNER' | 'NONE';

const PARTNER_ROLES: readonly Role[] = [...COUNCIL_STAFF, 'POLICE_OFFENDER_MANAGER'];

export function isMappaPartner(user: User): boolean {
  return (user.org === 'POLICE' && user.roles.includes('POLICE_OFFENDER_MANAGER')) || (user.org !== 'MAPPA_UNIT' && user.org !== 'POLICE' && has(user, COUNCIL_STAFF));
}

export function mappaRecordView(user: User, involvedOrgs: readonly string[]): MappaRecordView {
  if (user.roles.includes('MAPPA_COORDINATOR') || user.roles.includes('INSPECTOR')) return 'FULL';
  if (isMappaPartner(user) && involvedOrgs.includes(user.org)) return 'PARTNER';
  return 'NONE';
}

/** Only the co-ordinator keeps the MAPPA unit's records: accepts referrals, records meetings, releases summaries. */
export function canCoordinate(user: User): boolean {
  return user.roles.includes('MAPPA_COORDINATOR');
}

/** Any responsible authority may refer: council CJSW staff, police offender managers, the co-ordinator on behalf of others. */
export function canMakeReferral(user: User): boolean {
  return canCoordinate(user) || (has(user, PARTNER_ROLES) && isMappaPartner(user));
}

/** The agency a referrer speaks for, or null when they may name any (the co-ordinator keys in referrals from SPS, health, ...). */
export function referringAgencyOf(user: User): string | null {
  return canCoordinate(user) ? null : user.org;
}

/**
 * Level 2/3 summary (level, since when, next review): every MAPPA partner, as with the case
 * summary of people managed at Level 2 or 3 (see `caseView`).
 */
export function canSeeMappaSummary(user: User): boolean {
  return canCoordinate(user) || user.roles.includes('INSPECTOR') || isMappaPartner(user);
}

/** The consolidated Level 2/3 list across Tayside: the MAPPA unit and police offender managers. */
export function canSeeCoordinatorList(user: User): boolean {
  return canCoordinate(user) || user.roles.includes('INSPECTOR') || (user.org === 'POLICE' && user.roles.includes('POLICE_OFFENDER_MANAGER'));
}

/** An action from a MAPPA meeting is marked done by the co-ordinator or by staff of the agency that owns it. */
export function canCompleteMappaAction(user: User, ownerAgency: string): boolean {
  return canCoordinate(user) || (isMappaPartner(user) && user.org === ownerAgency);
}

/** Entries on the register (notifications, custody, civil orders): police offender managers only. */
export function canChangeRegister(user: User): boolean {
  return user.org === 'POLICE' && user.roles.includes('POLICE_OFFENDER_MANAGER');
}

// ---- The data-protection (s.62) log ----------------------------------------------------------

/**
 * A data owner's s.62 log: inspectors (lawfulness and self-monitoring across Tayside) and that
 * owner's own data-protection officer. `owner` is the organisation whose database it is.
 */
export function canReadAuditLog(user: User, owner: string): boolean {
  return user.roles.includes('INSPECTOR') || (user.roles.includes('DATA_PROTECTION_OFFICER') && user.org === owner);
}
