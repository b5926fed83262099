import { generateKeyPairSync, KeyObject } from 'node:crypto';
import { DEMO_AUDIENCE, DEMO_IDENTITIES, DEMO_ISSUER, DEMO_KEY_ID } from '../../scripts/demo-identities';
import { loadOrCreateKeyPair, loadPublicKey } from '../../schema/tokens';
import { RunningServer } from '../../subgraphs/shared/http';
import { startTestFederation, TestFederation } from '../support/federation';
import { craftJwt, expectNothingRevealed, GENERIC_UNAUTHENTICATED, nowSeconds, postGraphQL, send, startExtraGateway, userClaims } from './hostile-support';

/**
 * Forged, stale and confused user tokens against the real gateway. Every failure must get the
 * same generic 401, whichever check failed, and no data.
 */
let t: TestFederation;
let idp: KeyObject;
const extraGateways: RunningServer[] = [];

beforeAll(async () => {
  t = await startTestFederation();
  idp = loadOrCreateKeyPair(t.keysDir, DEMO_KEY_ID).privateKey;
}, 120_000);
afterAll(async () => {
  for (const g of extraGateways) await g.stop();
  await t?.stop();
});

const REGISTER = { query: '{ offenders(first: 5) { totalCount edges { node { id lastName } } } }' };
const header = (extra: Record<string, unknown> = {}) => ({ alg: 'ES256', typ: 'JWT', kid: DEMO_KEY_ID, ...extra });
const attackerKey = () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;

async function expectRefused(token: string | null, headers: Record<string, string> = {}) {
  const res = await postGraphQL(t.fed.gatewayUrl, REGISTER, token, headers);
  expect(res.status).toBe(401);
  expect(res.json).toEqual(GENERIC_UNAUTHENTICATED);
  expectNothingRevealed(res.text);
}

describe('the hand-made token baseline', () => {
  it('a correctly made ES256 token from the configured key is accepted, so each refusal below is the one defect it carries', async () => {
    const res = await postGraphQL(t.fed.gatewayUrl, REGISTER, craftJwt(header(), userClaims(), { kind: 'ES256', key: idp }));
    expect(res.status).toBe(200);
    expect(res.json.data.offenders.totalCount).toBeGreaterThan(300);
  });
});

describe('forged and broken user tokens get one generic 401', () => {
  it('no token at all', () => expectRefused(null));

  it('forged signature: right kid and claims, signed by an attacker key', () => expectRefused(craftJwt(header(), userClaims(), { kind: 'ES256', key: attackerKey() })));

  it('signature stripped from a valid token', async () => {
    const valid = t.token('coordinator');
    await expectRefused(valid.slice(0, valid.lastIndexOf('.') + 1));
  });

  it('expired token', () => expectRefused(craftJwt(header(), userClaims(undefined, { iat: nowSeconds() - 7200, exp: nowSeconds() - 3600 }), { kind: 'ES256', key: idp })));

  it('token not valid yet (nbf in the future)', () => expectRefused(craftJwt(header(), userClaims(undefined, { nbf: nowSeconds() + 3600 }), { kind: 'ES256', key: idp })));

  it('alg:none (unsigned) token', async () => {
    await expectRefused(craftJwt(header({ alg: 'none' }), userClaims(), { kind: 'none' }));
    await expectRefused(craftJwt(header({ alg: 'NONE' }), userClaims(), { kind: 'none' }));
  });

  it('HS256 key confusion: HMAC signed with the public key PEM as the secret', async () => {
    const pem = loadPublicKey(t.keysDir, DEMO_KEY_ID).export({ type: 'spki', format: 'pem' }) as string;
    await expectRefused(craftJwt(header({ alg: 'HS256' }), userClaims(), { kind: 'HS256', secret: pem }));
    await expectRefused(craftJwt(header({ alg: 'HS256' }), userClaims(), { kind: 'HS256', secret: pem.trim() }));
  });

  it('RS256 token from an attacker RSA key under the trusted kid', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    return expectRefused(craftJwt(header({ alg: 'RS256' }), userClaims(), { kind: 'RS256', key: rsa }));
  });

  it('ES256 signature under an ES384 header', () => expectRefused(craftJwt(header({ alg: 'ES384' }), userClaims(), { kind: 'ES256', key: idp })));

  it('wrong audience (a token minted for another service)', () => expectRefused(craftJwt(header(), userClaims(undefined, { aud: 'some-other-service' }), { kind: 'ES256', key: idp })));

  it('wrong issuer', () => expectRefused(craftJwt(header(), userClaims(undefined, { iss: 'https://attacker.example' }), { kind: 'ES256', key: idp })));

  it('issuer claiming to be the gateway itself', () => expectRefused(craftJwt(header(), userClaims(undefined, { iss: 'tayside-gateway' }), { kind: 'ES256', key: idp })));

  it('tampered payload: a case manager token rewritten to co-ordinator, signature kept', async () => {
    const [h, , s] = t.token('angus-case-manager').split('.');
    const payload = Buffer.from(JSON.stringify(userClaims(DEMO_IDENTITIES.coordinator))).toString('base64url');
    await expectRefused(`${h}.${payload}.${s}`);
  });

  it('missing exp (a token that would never expire)', async () => {
    const { exp: _exp, ...claims } = userClaims();
    await expectRefused(craftJwt(header(), claims, { kind: 'ES256', key: idp }));
  });

  it('exp that is not a number', () => expectRefused(craftJwt(header(), userClaims(undefined, { exp: '9999999999' }), { kind: 'ES256', key: idp })));

  it('validly signed but the user is malformed (unknown org, no roles)', async () => {
    await expectRefused(craftJwt(header(), userClaims({ ...DEMO_IDENTITIES.coordinator, org: 'ATTACKERS' as never }), { kind: 'ES256', key: idp }));
    await expectRefused(craftJwt(header(), userClaims({ ...DEMO_IDENTITIES.coordinator, roles: [] }), { kind: 'ES256', key: idp }));
    await expectRefused(craftJwt(header(), userClaims({ ...DEMO_IDENTITIES.coordinator, roles: ['SUPERUSER' as never] }), { kind: 'ES256', key: idp }));
  });
});

describe('malicious kid values', () => {
  const withKid = (kid: unknown, key: KeyObject = idp) => craftJwt(header({ kid }), userClaims(), { kind: 'ES256', key });

  it('kid path traversal (../../etc/passwd), also with the real key signing', async () => {
    await expectRefused(withKid('../../etc/passwd'));
    await expectRefused(withKid(`../${DEMO_KEY_ID}`));
    await expectRefused(withKid(`./${DEMO_KEY_ID}`));
    await expectRefused(withKid('gateway'));
  });

  it('kid with SQL', () => expectRefused(withKid("' OR 1=1 --")));

  it('very long kid', () => expectRefused(withKid('k'.repeat(5000))));

  it('unknown kid', () => expectRefused(withKid('demo-idp-2')));

  it('kid that is not a string, or absent', async () => {
    await expectRefused(withKid(['demo-idp-1']));
    await expectRefused(withKid({ toString: 'demo-idp-1' }));
    await expectRefused(craftJwt({ alg: 'ES256', typ: 'JWT' }, userClaims(), { kind: 'ES256', key: idp }));
  });

  it('kid naming a prototype property (__proto__, constructor)', async () => {
    await expectRefused(withKid('__proto__'));
    await expectRefused(withKid('constructor'));
  });
});

describe('tokens in the wrong place or shape', () => {
  it('token sent as a cookie, a query parameter or with another scheme', async () => {
    const token = t.token('coordinator');
    await expectRefused(null, { cookie: `token=${token}; authorization=${token}` });
    await expectRefused(null, { authorization: `Basic ${token}` });
    await expectRefused(null, { authorization: `bearer${token}` });
    const res = await send(`${t.fed.gatewayUrl}?access_token=${token}`, { headers: { 'content-type': 'application/json' }, body: JSON.stringify(REGISTER) });
    expect(res.status).toBe(401);
    expect(res.json).toEqual(GENERIC_UNAUTHENTICATED);
  });

  it('garbage and oversized bearer values', async () => {
    await expectRefused('not-a-jwt-at-all');
    await expectRefused('a.b.c');
    await expectRefused(`${'A'.repeat(9000)}.${'B'.repeat(10)}.${'C'.repeat(10)}`);
  });

  it('every failure above answers identically: same status, same body, no hint which check failed', async () => {
    const failures = [
      craftJwt(header(), userClaims(), { kind: 'ES256', key: attackerKey() }),
      craftJwt(header(), userClaims(undefined, { exp: nowSeconds() - 10 }), { kind: 'ES256', key: idp }),
      craftJwt(header({ kid: 'unknown' }), userClaims(), { kind: 'ES256', key: idp }),
      craftJwt(header(), userClaims(undefined, { aud: 'x' }), { kind: 'ES256', key: idp }),
      null,
    ];
    const answers = await Promise.all(failures.map((token) => postGraphQL(t.fed.gatewayUrl, REGISTER, token)));
    const shapes = new Set(answers.map((a) => `${a.status} ${a.text} ${a.headers.get('www-authenticate')}`));
    expect(shapes.size).toBe(1);
  });
});

describe('key rotation through the kid allowlist', () => {
  it('two kids allowed at once both work; a gateway that dropped the old kid refuses it', async () => {
    const gatewayKey = loadOrCreateKeyPair(t.keysDir, 'gateway').privateKey;
    const newKey = loadOrCreateKeyPair(t.keysDir, 'demo-idp-2');
    const tokens = { old: craftJwt(header(), userClaims(), { kind: 'ES256', key: idp }), next: craftJwt(header({ kid: 'demo-idp-2' }), userClaims(), { kind: 'ES256', key: newKey.privateKey }) };
    const userTokens = (kids: string[]) => ({ issuer: DEMO_ISSUER, audience: DEMO_AUDIENCE, keys: new Map(kids.map((k) => [k, loadPublicKey(t.keysDir, k)])) });

    const during = await startExtraGateway(t, gatewayKey, { userTokens: userTokens([DEMO_KEY_ID, 'demo-idp-2']) });
    extraGateways.push(during);
    for (const token of [tokens.old, tokens.next]) {
      const res = await postGraphQL(during.url, REGISTER, token);
      expect(res.status).toBe(200);
      expect(res.json.data.offenders.totalCount).toBeGreaterThan(300);
    }

    const after = await startExtraGateway(t, gatewayKey, { userTokens: userTokens(['demo-idp-2']) });
    extraGateways.push(after);
    expect((await postGraphQL(after.url, REGISTER, tokens.next)).status).toBe(200);
    const removed = await postGraphQL(after.url, REGISTER, tokens.old);
    expect(removed.status).toBe(401);
    expect(removed.json).toEqual(GENERIC_UNAUTHENTICATED);
  });

  it('a token signed by the new key but labelled with the old kid is refused (the kid picks the one key tried)', async () => {
    const newKey = loadOrCreateKeyPair(t.keysDir, 'demo-idp-2').privateKey;
    await expectRefused(craftJwt(header(), userClaims(), { kind: 'ES256', key: newKey }));
  });
});
