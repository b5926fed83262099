import { User } from '../schema/identity';

/** Demo identities for `npm run token` and the dashboard's identity picker. All fictional. */
export const DEMO_IDENTITIES: Record<string, User> = {
  coordinator: { sub: 'demo-mappa-coordinator', name: 'Demo MAPPA Co-ordinator', org: 'MAPPA_UNIT', roles: ['MAPPA_COORDINATOR'] },
  'police-omo': { sub: 'demo-police-omo', name: 'Demo Police Offender Manager', org: 'POLICE', roles: ['POLICE_OFFENDER_MANAGER'] },
  'dundee-case-manager': { sub: 'DC-S01', name: 'Demo Dundee Case Manager', org: 'DUNDEE', roles: ['CASE_MANAGER'] },
  'angus-case-manager': { sub: 'AC-S01', name: 'Demo Angus Case Manager', org: 'ANGUS', roles: ['CASE_MANAGER'] },
  'pkc-case-manager': { sub: 'PK-S01', name: 'Demo Perth & Kinross Case Manager', org: 'PERTH_AND_KINROSS', roles: ['CASE_MANAGER'] },
  'angus-team-manager': { sub: 'AC-S07', name: 'Demo Angus Team Manager', org: 'ANGUS', roles: ['TEAM_MANAGER'] },
  inspector: { sub: 'demo-inspector', name: 'Demo Inspector', org: 'MAPPA_UNIT', roles: ['INSPECTOR'] },
  'angus-dpo': { sub: 'demo-angus-dpo', name: 'Demo Angus Data Protection Officer', org: 'ANGUS', roles: ['DATA_PROTECTION_OFFICER'] },
  'police-dpo': { sub: 'demo-police-dpo', name: 'Demo Police Data Protection Officer', org: 'POLICE', roles: ['DATA_PROTECTION_OFFICER'] },
};

export const DEMO_KEY_ID = 'demo-idp-1';
export const DEMO_ISSUER = 'tayside-demo-idp';
export const DEMO_AUDIENCE = 'tayside-mappa';
