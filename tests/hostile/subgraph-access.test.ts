import { generateKeyPairSync, KeyObject } from 'node:crypto';
import { DEMO_IDENTITIES } from '../../scripts/demo-identities';
import { User } from '../../schema/identity';
import { GATEWAY_ISSUER, loadOrCreateKeyPair, loadPublicKey, signInternalToken, signServiceToken } from '../../schema/tokens';
import { startTestFederation, statementDelta, TestFederation } from '../support/federation';
import { codesOf, craftJwt, expectNothingRevealed, nowSeconds, postGraphQL } from './hostile-support';

/**
 * Subgraphs are not public: only the gateway may call them, with a short-lived token minted for
 * that one subgraph. These attacks go straight at the subgraphs, as someone inside the network
 * (or holding a stolen token) would.
 */
let t: TestFederation;
let gatewayKey: KeyObject;
let level1Dundee: string[];
let level2Dundee: string[];
let dundeeOnlyPerson: string;

const internal = (as: keyof typeof DEMO_IDENTITIES | User, audience: string) =>
  signInternalToken({ user: typeof as === 'string' ? DEMO_IDENTITIES[as] : as, justification: 'hostile test' }, audience, gatewayKey);
const url = (subgraph: string) => t.fed.subgraphs[subgraph].url;

beforeAll(async () => {
  t = await startTestFederation();
  gatewayKey = loadOrCreateKeyPair(t.keysDir, 'gateway').privateKey;
  const caseload = async (level: number) =>
    (await t.query(`{ dundeeCaseload(first: 200, filter: { mappaLevel: ${level}, status: OPEN }) { edges { node { id offenderId } } } }`, {}, 'dundee-case-manager')).data.dundeeCaseload.edges.map(
      (e: any) => e.node,
    );
  const l1 = await caseload(1);
  level1Dundee = l1.map((c: any) => c.id);
  level2Dundee = (await caseload(2)).map((c: any) => c.id);
  // Someone Dundee supervises and Angus has never held a case for.
  const angusPeople = new Set(
    (await t.query('{ offenders(first: 200) { edges { node { id } } } }', {}, 'angus-case-manager')).data.offenders.edges.map((e: any) => e.node.id),
  );
  dundeeOnlyPerson = l1.map((c: any) => c.offenderId).find((id: string) => !angusPeople.has(id));
}, 120_000);
afterAll(async () => {
  await t?.stop();
});

const CASE_ENTITIES = `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on DundeeCase { id riskLevel mappaLevel caseManager { name } contacts { notes } } } }`;
const reps = (ids: string[], typename = 'DundeeCase') => ids.map((id) => ({ __typename: typename, id }));

describe('direct subgraph calls without the gateway credential', () => {
  it('no credential at all: 401 from every subgraph, for root fields, _entities and _service', async () => {
    for (const name of Object.keys(t.fed.subgraphs)) {
      for (const body of [{ query: '{ _service { sdl } }' }, { query: CASE_ENTITIES, variables: { representations: reps(level1Dundee.slice(0, 1)) } }]) {
        const res = await postGraphQL(url(name), body, null);
        expect(res.status).toBe(401);
        expect(res.json.data).toBeUndefined();
      }
    }
  });

  it('client identity headers (x-user, x-org, x-roles) sent straight to a subgraph get nothing', async () => {
    const res = await postGraphQL(url('dundee'), { query: '{ dundeeCaseload(first: 5) { totalCount } }' }, null, {
      'x-user': JSON.stringify(DEMO_IDENTITIES['dundee-case-manager']),
      'x-org': 'DUNDEE',
      'x-roles': 'CASE_MANAGER',
      'x-forwarded-user': 'DC-S01',
    });
    expect(res.status).toBe(401);
    expect(res.json.data).toBeUndefined();
  });

  it('client identity headers sent through the gateway are ignored: the verified token decides', async () => {
    const res = await t.query('{ dundeeCaseload(first: 5) { totalCount } }', {}, 'angus-case-manager', {
      'x-user': JSON.stringify(DEMO_IDENTITIES['dundee-case-manager']),
      'x-org': 'DUNDEE',
    });
    expect(res.data).toBeNull();
    expect(codesOf(res)).toEqual(['FORBIDDEN']);
  });

  it('a valid user token sent straight to a subgraph is refused (only the gateway issues subgraph tokens)', async () => {
    for (const name of ['police', 'dundee']) {
      const res = await postGraphQL(url(name), { query: '{ __typename }' }, t.token('coordinator'));
      expect(res.status).toBe(401);
      expect(res.json.data).toBeUndefined();
    }
  });

  it('a gateway token minted for angus, replayed against dundee, is refused', async () => {
    const token = internal('dundee-case-manager', 'angus');
    expect((await postGraphQL(url('angus'), { query: '{ __typename }' }, token)).status).toBe(200);
    const res = await postGraphQL(url('dundee'), { query: '{ dundeeCaseload(first: 5) { totalCount } }' }, token);
    expect(res.status).toBe(401);
    expect(res.json.data).toBeUndefined();
  });

  it('a gateway token captured on the internal network cannot be replayed, even against the same subgraph', async () => {
    const token = internal('dundee-case-manager', 'dundee');
    expect((await postGraphQL(url('dundee'), { query: '{ dundeeCaseload(first: 5) { totalCount } }' }, token)).status).toBe(200);
    const replay = await postGraphQL(url('dundee'), { query: '{ dundeeCaseload(first: 5) { totalCount } }' }, token);
    expect(replay.status).toBe(401);
    expect(replay.json.data).toBeUndefined();
  });

  it('an expired gateway token is refused', async () => {
    const key = loadOrCreateKeyPair(t.keysDir, 'gateway').privateKey;
    const token = craftJwt(
      { alg: 'ES256', typ: 'JWT' },
      { user: DEMO_IDENTITIES['dundee-case-manager'], iss: GATEWAY_ISSUER, aud: 'dundee', iat: nowSeconds() - 600, exp: nowSeconds() - 300 },
      { kind: 'ES256', key },
    );
    expect((await postGraphQL(url('dundee'), { query: '{ __typename }' }, token)).status).toBe(401);
  });

  it('gateway-shaped tokens not signed by the gateway key: attacker key, alg none, HS256 with the gateway public key', async () => {
    const claims = { user: DEMO_IDENTITIES['dundee-case-manager'], iss: GATEWAY_ISSUER, aud: 'dundee', iat: nowSeconds(), exp: nowSeconds() + 60 };
    const pem = loadPublicKey(t.keysDir, 'gateway').export({ type: 'spki', format: 'pem' }) as string;
    const forged = [
      craftJwt({ alg: 'ES256', typ: 'JWT' }, claims, { kind: 'ES256', key: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey }),
      craftJwt({ alg: 'none', typ: 'JWT' }, claims, { kind: 'none' }),
      craftJwt({ alg: 'HS256', typ: 'JWT' }, claims, { kind: 'HS256', secret: pem }),
      // Signed by a council's service key: councils may only call the police register, as a service.
      craftJwt({ alg: 'ES256', typ: 'JWT' }, { ...claims, iss: 'angus' }, { kind: 'ES256', key: loadOrCreateKeyPair(t.keysDir, 'angus').privateKey }),
    ];
    for (const token of forged) {
      const res = await postGraphQL(url('dundee'), { query: '{ dundeeCaseload(first: 5) { totalCount } }' }, token);
      expect(res.status).toBe(401);
      expect(res.json.data).toBeUndefined();
    }
  });

  it("a council's service token cannot read the register, nor claim another council's cases", async () => {
    // Internal tokens are single-use, so each request gets its own.
    const token = () => signServiceToken('angus', 'police', loadOrCreateKeyPair(t.keysDir, 'angus').privateKey);
    const read = await postGraphQL(url('police'), { query: '{ offenders(first: 5) { totalCount } }' }, token());
    expect(read.json.data).toBeNull();
    expect(codesOf(read.json)).toEqual(['FORBIDDEN']);
    const before = t.statements().police;
    const claim = await postGraphQL(
      url('police'),
      { query: 'mutation($i: CaseHolderInput!) { recordCaseHolder(input: $i) { caseId } }', variables: { i: { offenderId: dundeeOnlyPerson, authority: 'DUNDEE', caseId: 'DC-999999', holding: false } } },
      token(),
    );
    expect(claim.json.data).toBeNull();
    expect(codesOf(claim.json)).toEqual(['FORBIDDEN']);
    expect(t.statements().police - before).toBe(0);
    // Angus's service token is for the police register only.
    expect((await postGraphQL(url('dundee'), { query: '{ __typename }' }, signServiceToken('angus', 'dundee', loadOrCreateKeyPair(t.keysDir, 'angus').privateKey))).status).toBe(401);
  });
});

describe('crafted _entities representations with a valid gateway token', () => {
  it("an Angus case manager's representations of Dundee Level 1 cases come back null + FORBIDDEN, nothing of the case", async () => {
    const ids = level1Dundee.slice(0, 5);
    const res = await postGraphQL(url('dundee'), { query: CASE_ENTITIES, variables: { representations: reps(ids) } }, internal('angus-case-manager', 'dundee'));
    expect(res.json.data._entities).toEqual([null, null, null, null, null]);
    expect(codesOf(res.json)).toEqual(Array(5).fill('FORBIDDEN'));
    expectNothingRevealed(res.text);
  });

  it('representations of Dundee Level 2 cases give an Angus case manager the MAPPA summary only', async () => {
    const res = await postGraphQL(url('dundee'), { query: CASE_ENTITIES, variables: { representations: reps(level2Dundee.slice(0, 1)) } }, internal('angus-case-manager', 'dundee'));
    const [entity] = res.json.data._entities;
    expect(entity).toEqual({ id: level2Dundee[0], riskLevel: expect.stringMatching(/HIGH|MEDIUM|LOW/), mappaLevel: 2, caseManager: null, contacts: null });
    expect(res.json.errors.map((e: any) => [e.path.join('.'), e.extensions.code])).toEqual([
      ['_entities.0.caseManager', 'FORBIDDEN'],
      ['_entities.0.contacts', 'FORBIDDEN'],
    ]);
  });

  it('extra fields smuggled into a representation (mappaLevel 3, authority ANGUS) change nothing', async () => {
    const smuggled = [{ __typename: 'DundeeCase', id: level1Dundee[0], mappaLevel: 3, mappa_level: 3, authority: 'ANGUS', caseManager: { id: 'AC-S01' } }];
    const res = await postGraphQL(url('dundee'), { query: CASE_ENTITIES, variables: { representations: smuggled } }, internal('angus-case-manager', 'dundee'));
    expect(res.json.data._entities).toEqual([null]);
    expect(codesOf(res.json)).toEqual(['FORBIDDEN']);
  });

  it("a representation of another council's case type gets a masked error and nothing else", async () => {
    const res = await postGraphQL(
      url('dundee'),
      { query: CASE_ENTITIES, variables: { representations: reps(['AC-000001'], 'AngusCase') } },
      internal('angus-case-manager', 'dundee'),
    );
    expect(res.json.data?._entities ?? null).toBeNull();
    expect(res.json.errors.map((e: any) => e.message)).toEqual(['Internal server error.']);
    expectNothingRevealed(res.text);
  });

  it('police register entries of people Angus holds no case for come back null + FORBIDDEN', async () => {
    const res = await postGraphQL(
      url('police'),
      { query: 'query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Offender { id lastName dateOfBirth } } }', variables: { representations: [{ __typename: 'Offender', id: dundeeOnlyPerson }] } },
      internal('angus-case-manager', 'police'),
    );
    expect(res.json.data._entities).toEqual([null]);
    expect(codesOf(res.json)).toEqual(['FORBIDDEN']);
  });

  it('more representations than the cap in one _entities call are refused before any database work', async () => {
    const token = () => internal('dundee-case-manager', 'dundee');
    const ok = await postGraphQL(url('dundee'), { query: CASE_ENTITIES, variables: { representations: reps(Array(1000).fill(level1Dundee[0])) } }, token());
    expect(ok.json.data._entities).toHaveLength(1000);
    const before = t.statements();
    const res = await postGraphQL(url('dundee'), { query: CASE_ENTITIES, variables: { representations: reps(Array(1001).fill(level1Dundee[0])) } }, token());
    expect(res.json.data).toBeUndefined();
    expect(res.json.errors).toEqual([expect.objectContaining({ message: 'At most 1000 representations per request.', extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'representations' }) })]);
    expect(statementDelta(before, t.statements()).dundee).toBe(0);
  });

  it('slipping past the cap (renamed variable, literal list, _entities repeated under aliases) is refused with 400', async () => {
    const token = () => internal('dundee-case-manager', 'dundee');
    const many = reps(Array(1001).fill(level1Dundee[0]));
    const literal = `[${many.map((r) => `{ __typename: "DundeeCase", id: "${r.id}" }`).join(', ')}]`;
    const attempts = [
      { query: 'query($r: [_Any!]!) { _entities(representations: $r) { __typename } }', variables: { r: many } },
      { query: `{ _entities(representations: ${literal}) { __typename } }` },
      {
        query: `query($representations: [_Any!]!) { ${Array.from({ length: 5 }, (_, i) => `a${i}: _entities(representations: $representations) { __typename }`).join(' ')} }`,
        variables: { representations: reps(Array(1000).fill(level1Dundee[0])) },
      },
    ];
    for (const body of attempts) {
      const before = t.statements();
      const res = await postGraphQL(url('dundee'), body, token());
      expect(res.status).toBe(400);
      expect(res.json.data).toBeUndefined();
      expect(codesOf(res.json)).toEqual(['BAD_USER_INPUT']);
      expect(statementDelta(before, t.statements()).dundee).toBe(0);
    }
  });

  it('introspection is off on subgraphs even for the gateway', async () => {
    const res = await postGraphQL(url('dundee'), { query: '{ __schema { types { name } } }' }, internal('coordinator', 'dundee'));
    expect(res.status).toBe(400);
    expect(res.json.data).toBeUndefined();
  });
});
