import { startTestFederation, statementDelta, TestFederation } from '../support/federation';

/**
 * The federated core end to end: real subgraphs, real gateway, real PostgreSQL (local server or
 * embedded), demo data at Tayside scale.
 */
let t: TestFederation;
beforeAll(async () => {
  t = await startTestFederation();
}, 120_000);
afterAll(async () => {
  await t?.stop();
});

const OFFENDERS_WITH_CASES = `
  query Register($first: Int, $after: String) {
    offenders(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { id lastName councilArea mappaLevel registration { registeredOn indefinite } cases { __typename id authority riskLevel mappaLevel status } } }
    }
  }`;

describe('register and cases across the federation', () => {
  it('returns the register at Tayside scale with each case resolved by the council that owns it', async () => {
    const res = await t.query(OFFENDERS_WITH_CASES, { first: 200 });
    expect(res.errors).toBeUndefined();
    expect(res.data.offenders.totalCount).toBeGreaterThanOrEqual(360);
    const cases = res.data.offenders.edges.flatMap((e: any) => e.node.cases);
    const owners = new Set(cases.map((c: any) => c.authority));
    expect(owners).toEqual(new Set(['DUNDEE', 'ANGUS', 'PERTH_AND_KINROSS']));
    // The typename says who owns the case; the authority field was answered by that owner.
    const prefix: Record<string, string> = { DundeeCase: 'DUNDEE', AngusCase: 'ANGUS', PerthAndKinrossCase: 'PERTH_AND_KINROSS' };
    for (const c of cases) {
      expect(c.authority).toBe(prefix[c.__typename]);
      expect(c.riskLevel).toMatch(/^(LOW|MEDIUM|HIGH|VERY_HIGH)$/);
    }
  });

  it('pages the register with stable cursors and no overlap', async () => {
    const first = await t.query(OFFENDERS_WITH_CASES, { first: 10 });
    const second = await t.query(OFFENDERS_WITH_CASES, { first: 10, after: first.data.offenders.pageInfo.endCursor });
    const ids1 = first.data.offenders.edges.map((e: any) => e.node.id);
    const ids2 = second.data.offenders.edges.map((e: any) => e.node.id);
    expect(ids1).toHaveLength(10);
    expect(ids2).toHaveLength(10);
    expect(ids1.filter((id: string) => ids2.includes(id))).toEqual([]);
    expect([...ids1, ...ids2]).toEqual([...ids1, ...ids2].sort());
  });

  it('rejects a forged cursor with a coded error', async () => {
    const res = await t.query(OFFENDERS_WITH_CASES, { first: 5, after: "'; DROP TABLE offenders; --" });
    expect(res.data).toBeNull();
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('shows both cases of a person who transferred between councils', async () => {
    const res = await t.query(`{ offenders(first: 200, filter: { councilArea: DUNDEE }) { edges { node { id cases { __typename status } } } } }`);
    const transferred = res.data.offenders.edges.filter((e: any) => e.node.cases.length === 2);
    expect(transferred.length).toBeGreaterThanOrEqual(1);
    const [person] = transferred;
    expect(person.node.cases.map((c: any) => `${c.__typename}:${c.status}`).sort()).toEqual(['AngusCase:TRANSFERRED_OUT', 'DundeeCase:OPEN']);
  });

  it('batches loads: the statement count per database does not grow with the number of offenders', async () => {
    const measure = async (query: string, variables: Record<string, unknown>) => {
      const before = t.statements();
      const res = await t.query(query, variables);
      expect(res.errors).toBeUndefined();
      return { res, delta: statementDelta(before, t.statements()) };
    };
    const all = await measure(OFFENDERS_WITH_CASES, { first: 200 });
    const everyone = await measure(OFFENDERS_WITH_CASES, { first: 200, after: all.res.data.offenders.pageInfo.endCursor });
    // One person per council, one at a time: the cost of touching that council at all.
    const ONE = `query One($id: ID!) { offender(id: $id) { id cases { __typename id authority riskLevel mappaLevel status } } }`;
    const people = [...all.res.data.offenders.edges, ...everyone.res.data.offenders.edges].map((e: any) => e.node);
    for (const [db, typename] of [['dundee', 'DundeeCase'], ['angus', 'AngusCase'], ['perth-and-kinross', 'PerthAndKinrossCase']]) {
      const person = people.find((p: any) => p.cases.some((c: any) => c.__typename === typename));
      const one = await measure(ONE, { id: person.id });
      expect(one.delta[db]).toBeGreaterThan(0);
      // 200 people cost the same per council database as one person does.
      expect(all.delta[db] === 0 || all.delta[db] === one.delta[db]).toBe(true);
      expect(everyone.delta[db] === 0 || everyone.delta[db] === one.delta[db]).toBe(true);
      expect(all.delta[db] + everyone.delta[db]).toBeGreaterThan(0);
    }
    expect(all.delta.police).toBe(everyone.delta.police);
  });
});

describe('no anonymous access', () => {
  const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  it('refuses a request without a token, with no data', async () => {
    const res = await post(t.fed.gatewayUrl, { query: '{ offenders { totalCount } }' });
    const body = await res.json();
    expect(res.status).toBe(401);
    expect(body.data).toBeUndefined();
    expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a request straight to a subgraph, _entities and _service included', async () => {
    const angus = t.fed.subgraphs.angus.url;
    for (const query of ['{ _service { sdl } }', '{ _entities(representations: [{ __typename: "AngusCase", id: "AC-000001" }]) { ... on AngusCase { id riskLevel } } }']) {
      for (const headers of [{}, { authorization: `Bearer ${t.token('coordinator')}` }] as Record<string, string>[]) {
        const res = await post(angus, { query }, headers);
        const body = await res.json();
        expect(res.status).toBe(401);
        expect(body.data).toBeUndefined();
      }
    }
  });
});

describe('one council down is not Tayside down', () => {
  it('returns the police data and the other councils\' cases, with an error naming the council that failed', async () => {
    await t.fed.subgraphs.angus.stop();
    const res = await t.query(OFFENDERS_WITH_CASES, { first: 200 });
    expect(res.status).toBe(200);
    const people = res.data.offenders.edges.map((e: any) => e.node);
    expect(people.length).toBe(200);
    const cases = people.flatMap((p: any) => p.cases);
    const angus = cases.filter((c: any) => c.__typename === 'AngusCase');
    const others = cases.filter((c: any) => c.__typename !== 'AngusCase');
    expect(angus.length).toBeGreaterThan(0);
    // Angus's cases are still listed by the register, with their owner's fields missing...
    for (const c of angus) expect([c.id, c.authority, c.riskLevel]).toEqual([c.id, null, null]);
    // ...while Dundee's (and every police field) are whole.
    expect(others.length).toBeGreaterThan(0);
    for (const c of others) expect(c.riskLevel).not.toBeNull();
    expect(people.every((p: any) => p.lastName && p.registration !== undefined)).toBe(true);
    const errors = res.errors ?? [];
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) {
      expect(e.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', service: 'angus' });
      expect(e.message).toMatch(/Angus/);
      expect(JSON.stringify(e)).not.toMatch(/127\.0\.0\.1|localhost|:\d{4,5}\/|ECONNREFUSED|stack/i);
    }
    const health = await (await fetch(t.fed.gatewayUrl.replace(/graphql$/, 'health'))).json();
    expect(health.subgraphs.angus).toBe('unreachable');
    expect(health.subgraphs.dundee).toBe('ok');
  });
});
