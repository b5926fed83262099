/**
 * Who may see and change the MAPPA unit's records: exhaustive over every organisation and role,
 * so a change to one rule shows up as a failing row here.
 */
import {
  canChangeRegister,
  canCompleteMappaAction,
  canCoordinate,
  canMakeReferral,
  canSeeCoordinatorList,
  canSeeMappaSummary,
  mappaRecordView,
  referringAgencyOf,
} from '../../schema/access';
import { Organisation, ORGANISATIONS, Role, ROLES, User } from '../../schema/identity';

const user = (org: Organisation, role: Role): User => ({ sub: `${org}-${role}`, name: 'Test', org, roles: [role] });

const COORDINATOR = user('MAPPA_UNIT', 'MAPPA_COORDINATOR');
const INSPECTOR = user('MAPPA_UNIT', 'INSPECTOR');
const OMO = user('POLICE', 'POLICE_OFFENDER_MANAGER');
const ANGUS_CM = user('ANGUS', 'CASE_MANAGER');
const DUNDEE_TM = user('DUNDEE', 'TEAM_MANAGER');

describe('MAPPA records (referrals, meetings, actions, minutes)', () => {
  it('the co-ordinator and inspectors see everything, full minutes included', () => {
    expect(mappaRecordView(COORDINATOR, [])).toBe('FULL');
    expect(mappaRecordView(INSPECTOR, [])).toBe('FULL');
  });

  it('a partner sees the record (never the full minutes) only when their agency is involved', () => {
    expect(mappaRecordView(ANGUS_CM, ['ANGUS', 'POLICE'])).toBe('PARTNER');
    expect(mappaRecordView(ANGUS_CM, ['DUNDEE', 'POLICE'])).toBe('NONE');
    expect(mappaRecordView(OMO, ['DUNDEE', 'POLICE'])).toBe('PARTNER');
    expect(mappaRecordView(OMO, ['DUNDEE'])).toBe('NONE');
    expect(mappaRecordView(DUNDEE_TM, ['DUNDEE'])).toBe('PARTNER');
  });

  it('a role outside its organisation gets nothing, however involved that organisation is', () => {
    // A police user with a council role, a council user with the police role: not partners.
    expect(mappaRecordView(user('POLICE', 'CASE_MANAGER'), ['POLICE'])).toBe('NONE');
    expect(mappaRecordView(user('ANGUS', 'POLICE_OFFENDER_MANAGER'), ['ANGUS'])).toBe('NONE');
    expect(mappaRecordView(user('MAPPA_UNIT', 'CASE_MANAGER'), ['MAPPA_UNIT'])).toBe('NONE');
  });

  it.each(ORGANISATIONS.flatMap((org) => ROLES.map((role) => [org, role] as const)))('%s %s: only the co-ordinator keeps the records', (org, role) => {
    expect(canCoordinate(user(org, role))).toBe(role === 'MAPPA_COORDINATOR');
  });
});

describe('referrals', () => {
  it.each(ORGANISATIONS.flatMap((org) => ROLES.map((role) => [org, role] as const)))('%s %s', (org, role) => {
    const u = user(org, role);
    const councilStaff = ['DUNDEE', 'ANGUS', 'PERTH_AND_KINROSS'].includes(org) && ['CASE_MANAGER', 'TEAM_MANAGER', 'SERVICE_MANAGER'].includes(role);
    const omo = org === 'POLICE' && role === 'POLICE_OFFENDER_MANAGER';
    expect(canMakeReferral(u)).toBe(role === 'MAPPA_COORDINATOR' || councilStaff || omo);
  });

  it('a partner refers for their own agency; the co-ordinator names the agency', () => {
    expect(referringAgencyOf(ANGUS_CM)).toBe('ANGUS');
    expect(referringAgencyOf(OMO)).toBe('POLICE');
    expect(referringAgencyOf(COORDINATOR)).toBeNull();
  });
});

describe('Level 2/3 summaries and the consolidated list', () => {
  it('every MAPPA partner sees the Level 2/3 summary', () => {
    for (const u of [COORDINATOR, INSPECTOR, OMO, ANGUS_CM, DUNDEE_TM]) expect(canSeeMappaSummary(u)).toBe(true);
    expect(canSeeMappaSummary(user('POLICE', 'CASE_MANAGER'))).toBe(false);
  });

  it('the Tayside-wide list is for the MAPPA unit and police offender managers, not a council', () => {
    expect([COORDINATOR, INSPECTOR, OMO].map(canSeeCoordinatorList)).toEqual([true, true, true]);
    expect([ANGUS_CM, DUNDEE_TM, user('PERTH_AND_KINROSS', 'SERVICE_MANAGER')].map(canSeeCoordinatorList)).toEqual([false, false, false]);
  });
});

describe('actions and register entries', () => {
  it('an action is completed by the co-ordinator or by the agency that owns it', () => {
    expect(canCompleteMappaAction(COORDINATOR, 'HOUSING')).toBe(true);
    expect(canCompleteMappaAction(ANGUS_CM, 'ANGUS')).toBe(true);
    expect(canCompleteMappaAction(ANGUS_CM, 'POLICE')).toBe(false);
    expect(canCompleteMappaAction(OMO, 'POLICE')).toBe(true);
    expect(canCompleteMappaAction(INSPECTOR, 'ANGUS')).toBe(false);
  });

  it('only police offender managers record notifications on the register', () => {
    expect(canChangeRegister(OMO)).toBe(true);
    for (const u of [COORDINATOR, INSPECTOR, ANGUS_CM, user('POLICE', 'INSPECTOR')]) expect(canChangeRegister(u)).toBe(false);
  });
});
