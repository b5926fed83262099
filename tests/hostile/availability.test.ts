import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { DEMO_AUDIENCE, DEMO_ISSUER, DEMO_KEY_ID } from '../../scripts/demo-identities';
import { User } from '../../schema/identity';
import { loadOrCreateKeyPair, loadPublicKey } from '../../schema/tokens';
import { startGateway } from '../../gateway/server';
import { RunningServer } from '../../subgraphs/shared/http';
import { startTestFederation, statementDelta, TestFederation } from '../support/federation';
import { codesOf, expectNothingRevealed, postGraphQL, subgraphUrls } from './hostile-support';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Flooding one user's quota, and subgraphs that are down, hang or answer garbage. The gateway
 * must throttle per user with a coded answer, and report an unavailable data owner by name only,
 * never by URL or port.
 */
let t: TestFederation;
const extra: Array<{ stop(): Promise<void> }> = [];

beforeAll(async () => {
  t = await startTestFederation({ rateLimitPerMinute: 5 });
}, 120_000);
afterAll(async () => {
  for (const s of extra) await s.stop();
  await t?.stop();
});

/** A fresh user per test, so each starts with a full quota. */
let n = 0;
const freshUser = (): User => ({ sub: `hostile-user-${++n}`, name: 'Hostile Tester', org: 'MAPPA_UNIT', roles: ['MAPPA_COORDINATOR'] });

/** A fake subgraph that misbehaves; its URL must never reach a client. */
async function fakeSubgraph(behaviour: 'hang' | 'garbage'): Promise<{ url: string; stop(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (behaviour === 'hang') return; // never answers
    res.writeHead(502, { 'content-type': 'text/html' });
    res.end(`<html>upstream 10.20.30.40:4003 failed: connect ECONNREFUSED http://internal-angus.svc:4003/graphql</html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A gateway over the real subgraphs except Angus, which is replaced by `angusUrl`. */
async function gatewayWithAngusAt(angusUrl: string): Promise<RunningServer> {
  const gateway = await startGateway({
    supergraphSdl: readFileSync(join(__dirname, '..', '..', 'gateway', 'supergraph.graphql'), 'utf8'),
    subgraphUrls: { ...subgraphUrls(t), angus: angusUrl },
    userTokens: { issuer: DEMO_ISSUER, audience: DEMO_AUDIENCE, keys: new Map([[DEMO_KEY_ID, loadPublicKey(t.keysDir, DEMO_KEY_ID)]]) },
    gatewayKey: loadOrCreateKeyPair(t.keysDir, 'gateway').privateKey,
    port: 0,
    devMode: false,
    subgraphTimeoutMs: 500,
    maxBodyBytes: 65_536,
    rateLimitPerMinute: 1000,
  });
  extra.push(gateway);
  return gateway;
}

const ACROSS_COUNCILS = '{ offenders(first: 200) { edges { node { id cases { __typename id riskLevel } } } } }';

describe('per-user rate limit', () => {
  it('the request after the quota gets 429 RATE_LIMITED with retryAfterSeconds and Retry-After, and does no work', async () => {
    const user = freshUser();
    for (let i = 0; i < 5; i++) expect((await t.query('{ offenders(first: 1) { totalCount } }', {}, user)).status).toBe(200);
    const before = t.statements();
    const res = await postGraphQL(t.fed.gatewayUrl, { query: '{ offenders(first: 1) { totalCount } }' }, t.token(user));
    expect(res.status).toBe(429);
    expect(res.json.data).toBeUndefined();
    expect(res.json.errors).toEqual([{ message: 'Too many requests.', extensions: { code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) } }]);
    const retry = res.json.errors[0].extensions.retryAfterSeconds;
    expect(retry).toBeGreaterThanOrEqual(1);
    expect(retry).toBeLessThanOrEqual(60);
    expect(res.headers.get('retry-after')).toBe(String(retry));
    expect(Object.values(statementDelta(before, t.statements())).every((d) => d === 0)).toBe(true);
  });

  it('one user flooding does not throttle another user', async () => {
    const flooder = freshUser();
    const results = await Promise.all(Array.from({ length: 20 }, () => t.query('{ __typename }', {}, flooder)));
    expect(results.filter((r) => r.status === 429)).toHaveLength(15);
    expect((await t.query('{ __typename }', {}, freshUser())).status).toBe(200);
  });

  it('refused requests count too: a user cannot keep probing with invalid operations past the quota', async () => {
    const user = freshUser();
    for (let i = 0; i < 5; i++) expect((await t.query('{ nope }', {}, user)).status).toBe(400);
    const res = await t.query('{ __typename }', {}, user);
    expect(res.status).toBe(429);
    expect(codesOf(res)).toEqual(['RATE_LIMITED']);
  });
});

describe('data owners that fail', () => {
  it('a subgraph that is down: the others answer; the error names the service, never its URL or port', async () => {
    const gateway = await gatewayWithAngusAt('http://127.0.0.1:1/graphql');
    const res = await postGraphQL(gateway.url, { query: ACROSS_COUNCILS }, t.token(freshUser()));
    expect(res.status).toBe(200);
    const cases = res.json.data.offenders.edges.flatMap((e: any) => e.node.cases);
    expect(cases.some((c: any) => c.__typename === 'DundeeCase' && c.riskLevel)).toBe(true);
    expect(cases.filter((c: any) => c.__typename === 'AngusCase').every((c: any) => c.riskLevel === null)).toBe(true);
    expect(res.json.errors).toContainEqual({ message: expect.stringMatching(/Angus council is unavailable/), extensions: { code: 'SERVICE_UNAVAILABLE', service: 'angus' } });
    expectNothingRevealed(res.text);
  });

  it('a subgraph that hangs is cut off at the timeout and reported by name', async () => {
    const hung = await fakeSubgraph('hang');
    extra.push(hung);
    const gateway = await gatewayWithAngusAt(hung.url);
    const started = Date.now();
    const res = await postGraphQL(gateway.url, { query: '{ angusCase(id: "AC-000001") { id riskLevel } }' }, t.token(freshUser()));
    expect(Date.now() - started).toBeLessThan(3000);
    expect(res.json.data).toEqual({ angusCase: null });
    expect(codesOf(res.json)).toEqual(['SERVICE_UNAVAILABLE']);
    expectNothingRevealed(res.text, [hung.url.split('/')[2]]);
  });

  it('a subgraph answering an HTML error page with internal addresses: nothing of it reaches the client', async () => {
    const garbage = await fakeSubgraph('garbage');
    extra.push(garbage);
    const gateway = await gatewayWithAngusAt(garbage.url);
    const res = await postGraphQL(gateway.url, { query: '{ angusCase(id: "AC-000001") { id riskLevel } }' }, t.token(freshUser()));
    expect(res.json.data).toEqual({ angusCase: null });
    expect(codesOf(res.json)).toEqual(['SERVICE_UNAVAILABLE']);
    expectNothingRevealed(res.text, ['10.20.30.40', 'internal-angus', 'upstream', '<html>']);
  });

  it('the real Angus subgraph stopped mid-run: same safe answer through the federation gateway', async () => {
    await t.fed.subgraphs.angus.stop();
    const res = await t.query('{ angusCase(id: "AC-000001") { id riskLevel } dundeeCaseload(first: 1) { totalCount } }', {}, 'inspector');
    expect(res.data.angusCase).toBeNull();
    expect(res.data.dundeeCaseload.totalCount).toBeGreaterThan(0);
    expect(res.errors).toEqual([{ message: expect.stringMatching(/Angus council is unavailable/), extensions: { code: 'SERVICE_UNAVAILABLE', service: 'angus' } }]);
    expectNothingRevealed(JSON.stringify(res), [String(t.fed.subgraphs.angus.port)]);
  });
});
