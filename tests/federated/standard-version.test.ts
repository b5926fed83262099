import { defaultStandardVersions, parseStandardVersion } from '../../schema/standard';
import { startTestFederation, TestFederation, TEST_TODAY } from '../support/federation';

/**
 * A council still running an older contact standard: the gateway says so at start-up and in its
 * health output, flags every response that carries that council's results, and the area-wide
 * report names it. Results from different versions are never silently mixed.
 */
let t: TestFederation;
const warnings: string[] = [];

beforeAll(async () => {
  const area = defaultStandardVersions().at(-1)!;
  const older = parseStandardVersion({ ...area, id: 'tayside-2025-1', effectiveFrom: '2025-01-01', description: 'An older Tayside standard still deployed in Angus.' }, 'test');
  t = await startTestFederation({ standardVersions: { ANGUS: [older] }, gatewayWarn: (m) => warnings.push(m) });
}, 120_000);
afterAll(async () => {
  await t?.stop();
});

it('is reported at start-up and in the gateway health output', async () => {
  expect(t.fed.gateway.startupVersions.standardVersionMismatch).toEqual(['angus']);
  expect(warnings.join('\n')).toMatch(/Contact standard mismatch: angus runs tayside-2025-1; the area-wide standard is tayside-2026-1/);
  const health = await (await fetch(t.fed.gatewayUrl.replace(/graphql$/, 'health'))).json();
  expect(health).toMatchObject({
    areaStandardVersion: 'tayside-2026-1',
    standardVersions: { police: 'tayside-2026-1', dundee: 'tayside-2026-1', angus: 'tayside-2025-1', 'perth-and-kinross': 'tayside-2026-1' },
    standardVersionMismatch: ['angus'],
  });
});

it('flags responses that carry results of the other version, and only those', async () => {
  const angus = await t.query(`{ angusCaseload(first: 3) { edges { node { compliance { standardVersion status } } } } }`, {}, 'angus-case-manager');
  expect(angus.data.angusCaseload.edges[0].node.compliance.standardVersion).toBe('tayside-2025-1');
  expect((angus as any).extensions?.standardVersionWarning).toMatch(/tayside-2025-1.*area-wide standard is tayside-2026-1/);
  const dundee = await t.query(`{ dundeeCaseload(first: 3) { edges { node { compliance { standardVersion status } } } } }`, {}, 'dundee-case-manager');
  expect(dundee.data.dundeeCaseload.edges[0].node.compliance.standardVersion).toBe('tayside-2026-1');
  expect((dundee as any).extensions?.standardVersionWarning).toBeUndefined();
});

it('computes area results with the area-wide version and names the council that differs', async () => {
  const report = await t.query(`{ complianceReport(from: "2026-11-01", to: "${TEST_TODAY}") { standardVersion versionWarnings overall { total } } }`);
  expect(report.errors).toBeUndefined();
  expect(report.data.complianceReport.standardVersion).toBe('tayside-2026-1');
  expect(report.data.complianceReport.versionWarnings).toEqual(['ANGUS runs contact standard tayside-2025-1; area-wide results here use tayside-2026-1.']);
});
