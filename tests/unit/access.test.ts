import { canChangeCase, canSeeRegisterEntry, canSeeRestricted, caseView, registerScope } from '../../schema/access';
import { DEMO_IDENTITIES } from '../../scripts/demo-identities';
import { User } from '../../schema/identity';

const who = DEMO_IDENTITIES;
const angusCase = (mappaLevel: number) => ({ authority: 'ANGUS' as const, mappaLevel });

describe('caseView: what each role sees of an Angus case', () => {
  it.each([
    ['angus-case-manager', 'FULL', 'FULL'],
    ['angus-team-manager', 'FULL', 'FULL'],
    ['inspector', 'FULL', 'FULL'],
    ['coordinator', 'SUMMARY', 'SUMMARY'],
    ['police-omo', 'NONE', 'SUMMARY'],
    ['dundee-case-manager', 'NONE', 'SUMMARY'],
    ['pkc-case-manager', 'NONE', 'SUMMARY'],
  ])('%s: Level 1 → %s, Level 2 and 3 → %s', (identity, level1, level2and3) => {
    expect(caseView(who[identity], angusCase(1))).toBe(level1);
    expect(caseView(who[identity], angusCase(2))).toBe(level2and3);
    expect(caseView(who[identity], angusCase(3))).toBe(level2and3);
  });

  it('a council role in the wrong organisation is not that council\'s staff', () => {
    const impostor: User = { sub: 'x', name: 'X', org: 'POLICE', roles: ['CASE_MANAGER', 'SERVICE_MANAGER'] };
    expect(caseView(impostor, angusCase(1))).toBe('NONE');
    expect(canChangeCase(impostor, 'ANGUS')).toBe(false);
  });
});

describe('changes and restricted fields: the owning council only', () => {
  it('inspectors read everything but change nothing and see no restricted field', () => {
    expect(canChangeCase(who.inspector, 'ANGUS')).toBe(false);
    expect(canSeeRestricted(who.inspector, angusCase(3))).toBe(false);
  });

  it('the co-ordinator and other councils neither change nor see restricted fields; Angus staff do', () => {
    for (const id of ['coordinator', 'police-omo', 'dundee-case-manager']) {
      expect(canChangeCase(who[id], 'ANGUS')).toBe(false);
      expect(canSeeRestricted(who[id], angusCase(3))).toBe(false);
    }
    expect(canChangeCase(who['angus-team-manager'], 'ANGUS')).toBe(true);
    expect(canSeeRestricted(who['angus-case-manager'], angusCase(1))).toBe(true);
  });
});

describe('the police register', () => {
  it('police, the MAPPA unit and inspectors see every entry and list the whole register', () => {
    for (const id of ['police-omo', 'coordinator', 'inspector']) {
      expect(canSeeRegisterEntry(who[id], [])).toBe(true);
      expect(registerScope(who[id])).toBeNull();
    }
  });

  it('council staff see an entry only when their council holds a case, and list only those people', () => {
    expect(canSeeRegisterEntry(who['dundee-case-manager'], ['ANGUS'])).toBe(false);
    expect(canSeeRegisterEntry(who['dundee-case-manager'], ['ANGUS', 'DUNDEE'])).toBe(true);
    expect(canSeeRegisterEntry(who['dundee-case-manager'], [])).toBe(false);
    expect(registerScope(who['dundee-case-manager'])).toBe('DUNDEE');
  });
});
