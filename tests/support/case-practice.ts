import { User } from '../../schema/identity';
import { GraphQLResponse, TestFederation } from './federation';

/** Helpers shared by the case-practice federated tests (staff, risk tools, plans, reviews). */

export const DUNDEE_TEAM_MANAGER: User = { sub: 'DC-S07', name: 'Test Dundee Team Manager', org: 'DUNDEE', roles: ['TEAM_MANAGER'] };
export const DUNDEE_CASE_MANAGER_5: User = { sub: 'DC-S05', name: 'Test Dundee Case Manager 5', org: 'DUNDEE', roles: ['CASE_MANAGER'] };

/** The first error's code and field, for asserting coded failures in one line. */
export function errorOf(res: GraphQLResponse): { code?: string; field?: string; message?: string; reason?: string } {
  const e = res.errors?.[0];
  return { code: e?.extensions?.code, field: e?.extensions?.field, message: e?.message, reason: e?.extensions?.reason };
}

const OPEN_CASE = `mutation Open($input: OpenCaseInput!) { dundeeOpenCase(input: $input) { id riskLevel startDate } }`;

/**
 * Opens a Dundee case for a Dundee-area nominal the demo leaves unsupervised (the demo
 * supervises the first 60 and moves a few more; N000100 onwards hold no case).
 */
export async function openDundeeCase(t: TestFederation, offenderId: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await t.query(
    OPEN_CASE,
    { input: { offenderId, caseManagerId: 'DC-S01', orderType: 'LICENCE', startDate: '2026-09-01', mappaLevel: 1, initialRiskLevel: 'HIGH', ...extra } },
    'dundee-case-manager',
  );
  if (res.errors) throw new Error(`could not open a case for ${offenderId}: ${JSON.stringify(res.errors)}`);
  return res.data.dundeeOpenCase.id;
}

export const OPEN_DUNDEE_CASES = `{ dundeeCaseload(first: 200, filter: { status: OPEN }) { edges { node { id riskLevel mappaLevel startDate caseManager { id } } } } }`;
