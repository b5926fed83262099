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
