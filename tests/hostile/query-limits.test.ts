import { getNamedType, GraphQLObjectType, GraphQLSchema, isNonNullType, isObjectType } from 'graphql';
import { GATEWAY_LIMITS } from '../../gateway/server';
import { DEMO_AUDIENCE, DEMO_ISSUER, DEMO_KEY_ID } from '../../scripts/demo-identities';
import { loadOrCreateKeyPair, loadPublicKey } from '../../schema/tokens';
import { RunningServer } from '../../subgraphs/shared/http';
import { startTestFederation, statementDelta, TestFederation } from '../support/federation';
import { codesOf, expectNothingRevealed, postGraphQL, send, startExtraGateway } from './hostile-support';
import { publicSchema } from './schema-walk';

/**
 * Operations built to exhaust the gateway or map its schema, sent through the real gateway.
 * Each must be refused up front with a 4xx and a coded error, before any subgraph or database
 * does work; legitimate dashboard and meeting operations must still pass.
 */
let t: TestFederation;
let devGateway: RunningServer;
let schema: GraphQLSchema;
let token: string;

beforeAll(async () => {
  t = await startTestFederation();
  devGateway = await startExtraGateway(t, loadOrCreateKeyPair(t.keysDir, 'gateway').privateKey, {
    devMode: true,
    userTokens: { issuer: DEMO_ISSUER, audience: DEMO_AUDIENCE, keys: new Map([[DEMO_KEY_ID, loadPublicKey(t.keysDir, DEMO_KEY_ID)]]) },
  });
  schema = await publicSchema(devGateway.url, t.token('coordinator'));
  token = t.token('coordinator');
}, 120_000);
afterAll(async () => {
  await devGateway?.stop();
  await t?.stop();
});

/** Sends an operation and asserts it was refused before any subgraph touched a database. */
async function expectRefusedUpFront(body: unknown, status = 400, code = 'GRAPHQL_VALIDATION_FAILED', headers: Record<string, string> = {}) {
  const before = t.statements();
  const res = await postGraphQL(t.fed.gatewayUrl, body, token, headers);
  expect(res.status).toBe(status);
  expect(res.json?.data ?? null).toBeNull();
  if (code) expect(codesOf(res.json)).toContain(code);
  expect(Object.values(statementDelta(before, t.statements())).every((n) => n === 0)).toBe(true);
  expectNothingRevealed(res.text);
  return res;
}

/** A path of fields (no required arguments) leading from `from` back to `from`: a cycle in the schema. */
function cycleFrom(from: string): string[] | null {
  const queue: Array<{ type: string; path: string[] }> = [{ type: from, path: [] }];
  const seen = new Set<string>();
  while (queue.length) {
    const { type, path } = queue.shift()!;
    const t0 = schema.getType(type);
    if (!isObjectType(t0)) continue;
    for (const f of Object.values(t0.getFields())) {
      if (f.args.some((a) => isNonNullType(a.type) && a.defaultValue === undefined)) continue;
      const next = getNamedType(f.type).name;
      if (next === from) return [...path, f.name];
      if (!seen.has(next) && path.length < 4) {
        seen.add(next);
        queue.push({ type: next, path: [...path, f.name] });
      }
    }
  }
  return null;
}

const nest = (fields: string[], times: number, leaf: string) => {
  const chain = Array.from({ length: times }, () => fields).flat();
  return chain.reduceRight((inner, f) => `${f} { ${inner} }`, leaf);
};

/** Operations real users send: they must pass every limit. */
const LEGITIMATE: Record<string, { query: string; variables?: Record<string, unknown>; as?: string }> = {
  'the register page, 200 people with each case summary': {
    query: `{ offenders(first: 200) { totalCount pageInfo { hasNextPage endCursor } edges { node { id firstName lastName councilArea mappaLevel mappaCategory policeRiskLevel
      registration { registeredOn indefinite lastNotifiedOn } cases { __typename id authority status riskLevel mappaLevel planReviewDate compliance { status breach nextContactDue nextHomeVisitDue reasons } } } } } }`,
  },
  "a council's caseload page of 200 with case content": {
    query: `{ dundeeCaseload(first: 200) { totalCount edges { node { id offenderId status riskLevel mappaLevel orderType startDate endDate planReviewDate caseManager { id name }
      compliance { status breach reasons nextContactDue } riskManagementPlan { version status reviewDate } } } } }`,
    as: 'dundee-case-manager',
  },
};

describe('depth', () => {
  it('a cyclic query (offender → … → offender, repeated) deeper than the limit is refused', async () => {
    const cycle = cycleFrom('Offender');
    expect(cycle).not.toBeNull();
    const query = `{ offenders(first: 200) { edges { node { ${nest(cycle!, 8, 'id')} } } } }`;
    const res = await expectRefusedUpFront({ query });
    expect(res.json.errors[0].message).toMatch(new RegExp(`depth limit of ${GATEWAY_LIMITS.maxDepth}`));
  });

  it('depth built from nested inline fragments on one type is refused too', async () => {
    const query = `{ offenders(first: 1) { ${'... on OffenderConnection { '.repeat(20)}totalCount${' }'.repeat(20)} } }`;
    await expectRefusedUpFront({ query });
  });
});

describe('breadth', () => {
  it(`more than ${GATEWAY_LIMITS.maxAliases} aliases (the same expensive list fetched over and over) is refused`, async () => {
    const query = `{ ${Array.from({ length: GATEWAY_LIMITS.maxAliases + 1 }, (_, i) => `a${i}: offenders(first: 200) { totalCount }`).join(' ')} }`;
    const res = await expectRefusedUpFront({ query });
    expect(res.json.errors[0].message).toMatch(/Aliases limit/);
  });

  it('aliases hidden in a fragment spread several times are counted', async () => {
    const query = `{ ...F ...F ...F ...F } fragment F on Query { b1: offenders(first: 1) { totalCount } b2: offenders(first: 1) { totalCount } b3: offender(id: "N000001") { id } b4: offender(id: "N000002") { id } }`;
    await expectRefusedUpFront({ query });
  });

  it('exactly the alias limit of cheap lookups is allowed', async () => {
    const query = `{ ${Array.from({ length: GATEWAY_LIMITS.maxAliases }, (_, i) => `a${i}: offender(id: "N${String(i + 1).padStart(6, '0')}") { id }`).join(' ')} }`;
    const res = await postGraphQL(t.fed.gatewayUrl, { query }, token);
    expect(res.status).toBe(200);
    expect(res.json.errors).toBeUndefined();
  });

  it('cost: a fan-out within the depth and alias limits but over the cost limit is refused', async () => {
    const cycle = cycleFrom('Offender')!;
    const wide = `offenders(first: 200) { edges { node { id cases { __typename id riskLevel } ${nest(cycle, 1, 'id cases { __typename id riskLevel }')} } } }`;
    const query = `{ ${Array.from({ length: 10 }, (_, i) => `w${i}: ${wide}`).join(' ')} }`;
    const res = await expectRefusedUpFront({ query });
    expect(res.json.errors[0].message).toMatch(/Cost limit/);
  });

  it('cost: a page size passed as a variable (or left to its default) is counted, not treated as 1', async () => {
    const cycle = cycleFrom('Offender')!;
    const wide = `offenders(first: $n) { edges { node { id cases { __typename id riskLevel } ${nest(cycle, 1, 'id cases { __typename id riskLevel }')} } } }`;
    const query = `query($n: Int) { ${Array.from({ length: 10 }, (_, i) => `w${i}: ${wide}`).join(' ')} }`;
    const res = await expectRefusedUpFront({ query, variables: { n: 200 } });
    expect(res.json.errors[0].message).toMatch(/Cost limit/);
    const small = await postGraphQL(t.fed.gatewayUrl, { query, variables: { n: 1 } }, token);
    expect(small.status).toBe(200);
    expect(codesOf(small.json)).not.toContain('GRAPHQL_VALIDATION_FAILED');
  });

  it.each(Object.entries(LEGITIMATE))('a legitimate operation passes every limit: %s', async (_name, op) => {
    const res = await t.query(op.query, op.variables ?? {}, (op.as ?? 'coordinator') as never);
    expect(res.status).toBe(200);
    expect(res.errors).toBeUndefined();
  });

  it('a legitimate operation passes every limit: the MAPPA meeting pack, every person with full case content (depth 8)', async () => {
    const calendar = await t.query('{ mappaMeetings(from: "2026-01-01", to: "2026-12-31") { id people { offender { id } } } }');
    const meeting = [...calendar.data.mappaMeetings].sort((a: any, b: any) => b.people.length - a.people.length)[0];
    const CASE = `id authority status mappaLevel riskLevel planReviewDate compliance { status breach reasons nextContactDue }
      caseManager { name } orderType startDate riskAssessments { tool toolResult riskLevel assessedOn assessor { name } }
      contacts { occurredOn type outcome notes staffMember { name } } riskManagementPlan { version status reviewDate approvedBy { name } } chronology { occurredOn kind summary }`;
    const query = `query($id: ID!) { mappaMeeting(id: $id) { id level kind status scheduledOn heldOn chair nextReviewOn attendees { name agency role }
      actions { description ownerAgency dueOn overdue offender { id lastName } } minutes { executiveSummary fullMinutes }
      people { decisions { kind levelTo note } referral { category proposedLevel referredOn reason }
        offender { id firstName lastName dateOfBirth mappaLevel registration { registeredOn lastNotifiedOn } policeVisits { visitedOn type outcome officer }
          cases { __typename ... on DundeeCase { ${CASE} } ... on AngusCase { ${CASE} } ... on PerthAndKinrossCase { ${CASE} } } } } } }`;
    // The inspector reads full case content for every council, so the whole pack is data.
    const res = await t.query(query, { id: meeting.id }, 'inspector');
    expect(res.status).toBe(200);
    expect(res.errors).toBeUndefined();
    expect(res.data.mappaMeeting.people.length).toBeGreaterThan(0);
  });

  it("the register page fetched three times under aliases costs more than the limit allows", async () => {
    const page = LEGITIMATE['the register page, 200 people with each case summary'].query.trim().replace(/^\{|\}$/g, '');
    await expectRefusedUpFront({ query: `{ ${[1, 2, 3].map((i) => `p${i}: ${page.trim()}`).join(' ')} }` });
  });
});

describe('directives and tokens', () => {
  it('directive flooding (the same @skip on one field 50 times) is refused', async () => {
    await expectRefusedUpFront({ query: `{ offenders(first: 1) { totalCount ${'@skip(if: false) '.repeat(50)}} }` });
  });

  it('flooding with unknown directives is refused', async () => {
    await expectRefusedUpFront({ query: `{ offenders(first: 1) { totalCount ${'@a '.repeat(500)}} }` });
  });

  it(`token flooding (more than ${GATEWAY_LIMITS.maxTokens} tokens) is refused as a parse failure with 400, not a 500`, async () => {
    const res = await expectRefusedUpFront({ query: `{ offenders(first: 1) { ${'totalCount '.repeat(GATEWAY_LIMITS.maxTokens)}} }` }, 400, 'GRAPHQL_PARSE_FAILED');
    expect(res.json.errors[0].message).toMatch(new RegExp(`${GATEWAY_LIMITS.maxTokens} tokens`));
  });
});

describe('transport', () => {
  it('batching: an array of operations is refused', async () => {
    const res = await expectRefusedUpFront([{ query: '{ offenders(first: 1) { totalCount } }' }, { query: '{ offenders(first: 1) { totalCount } }' }], 400, 'BAD_REQUEST');
    expect(res.json.errors[0].message).toMatch(/batching/i);
  });

  it('CSRF: a text/plain, form or multipart POST without a preflight header is refused', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const before = t.statements();
      const res = await send(t.fed.gatewayUrl, { headers: { 'content-type': type, authorization: `Bearer ${token}` }, body: JSON.stringify({ query: '{ offenders(first: 1) { totalCount } }' }) });
      expect(res.status).toBe(400);
      expect(res.json.data).toBeUndefined();
      expect(Object.values(statementDelta(before, t.statements())).every((n) => n === 0)).toBe(true);
    }
  });

  it('CSRF: a GET is refused (operations are POST only), with or without a preflight header', async () => {
    const q = encodeURIComponent('{ offenders(first: 1) { totalCount } }');
    for (const headers of [{}, { 'apollo-require-preflight': 'true', 'content-type': 'application/json' }] as Record<string, string>[]) {
      const res = await send(`${t.fed.gatewayUrl}?query=${q}`, { method: 'GET', headers: { authorization: `Bearer ${token}`, ...headers } });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('POST');
      expect(res.json.data).toBeUndefined();
    }
  });

  it('oversized bodies are refused with 413, declared or streamed without a length', async () => {
    const big = JSON.stringify({ query: '{ offenders(first: 1) { totalCount } }', variables: { pad: 'x'.repeat(70_000) } });
    const declared = await send(t.fed.gatewayUrl, { headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: big });
    expect(declared.status).toBe(413);
    const chunks = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode(big.slice(i * 7_100, (i + 1) * 7_100)));
        controller.close();
      },
    });
    const streamed = await fetch(t.fed.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: chunks,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
  });

  it('a body that is not JSON is refused with 400', async () => {
    const res = await send(t.fed.gatewayUrl, { headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{"query": "{ offenders { totalCount } }"' });
    expect(res.status).toBe(400);
    expectNothingRevealed(res.text);
  });

  it('automatic persisted queries are off: nobody can register operations in the server cache', async () => {
    // The APQ protocol answers its errors with HTTP 200.
    await expectRefusedUpFront(
      { query: '{ offenders(first: 1) { totalCount } }', extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } },
      200,
      'PERSISTED_QUERY_NOT_SUPPORTED',
    );
  });
});

describe('schema probing', () => {
  it('introspection is refused (__schema, __type), and no type name leaks', async () => {
    for (const query of ['{ __schema { types { name } } }', '{ __type(name: "Offender") { fields { name } } }', 'query { a: __schema { queryType { name } } }']) {
      const res = await expectRefusedUpFront({ query });
      expect(res.text).not.toMatch(/Offender|DundeeCase|RiskLevel/);
    }
  });

  it('introspection and the landing page answer only a gateway started with GATEWAY_DEV_MODE=true', async () => {
    expect(schema.getType('Offender')).toBeDefined();
    const html = await send(devGateway.url, { method: 'GET', headers: { accept: 'text/html' } });
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/text\/html/);
    const prod = await send(t.fed.gatewayUrl, { method: 'GET', headers: { accept: 'text/html' } });
    expect(prod.status).not.toBe(200);
    expect(prod.headers.get('content-type')).not.toMatch(/text\/html/);
  });

  it('field suggestion probing: misspelt fields, arguments, types, enum values and input fields get no "Did you mean"', async () => {
    const probes: Array<{ query: string; variables?: Record<string, unknown>; secret: string }> = [
      { query: '{ offendrs { totalCount } }', secret: 'offenders' },
      { query: '{ offenders(frist: 1) { totalCount } }', secret: '"first"' },
      { query: '{ offender(id: "N000001") { lastNam } }', secret: 'lastName' },
      { query: '{ offenders(first: 1) { edges { node { ... on Offendr { id } } } } }', secret: '"Offender"' },
      { query: '{ offenders(first: 1, filter: { councilArea: DUNDE }) { totalCount } }', secret: 'DUNDEE' },
      { query: 'query($f: OffenderFilter) { offenders(first: 1, filter: $f) { totalCount } }', variables: { f: { councilArea: 'DUNDE' } }, secret: 'DUNDEE' },
      { query: 'query($f: OffenderFilter) { offenders(first: 1, filter: $f) { totalCount } }', variables: { f: { councilAre: 'DUNDEE' } }, secret: 'councilArea' },
      { query: '{ dundeeCas(id: "DC-000001") { id } }', secret: 'dundeeCase' },
    ];
    for (const { query, variables, secret } of probes) {
      const res = await postGraphQL(t.fed.gatewayUrl, { query, variables }, token);
      expect(res.status).toBe(400);
      expect(res.text).not.toMatch(/Did you mean|Suggestion/i);
      expect(res.text).not.toContain(secret);
    }
  });
});
