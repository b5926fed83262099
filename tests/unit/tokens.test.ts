import { createHmac, generateKeyPairSync, KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { generateKeyPair, GATEWAY_ISSUER, OneTimeTokens, signInternalToken, signServiceToken, signUserToken, verifyInternalToken, verifyUserToken } from '../../schema/tokens';
import { User } from '../../schema/identity';

const user: User = { sub: 'AC-S01', name: 'Test Case Manager', org: 'ANGUS', roles: ['CASE_MANAGER'] };
const OPTS = { issuer: 'idp', audience: 'mappa', expiresInSeconds: 60 };
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('verifyUserToken', () => {
  const k1 = generateKeyPair();
  const k2 = generateKeyPair();
  const allow = (entries: Array<[string, KeyObject]>) => ({ issuer: 'idp', audience: 'mappa', keys: new Map(entries) });

  it('accepts a token from any kid in the allowlist, so two keys can overlap during rotation', () => {
    const both = allow([['k1', k1.publicKey], ['k2', k2.publicKey]]);
    expect(verifyUserToken(signUserToken(user, { kid: 'k1', privateKey: k1.privateKey }, OPTS), both)).toEqual(user);
    expect(verifyUserToken(signUserToken(user, { kid: 'k2', privateKey: k2.privateKey }, OPTS), both)).toEqual(user);
  });

  it('refuses a kid removed from the allowlist, and a key presented under another kid', () => {
    const onlyK2 = allow([['k2', k2.publicKey]]);
    expect(verifyUserToken(signUserToken(user, { kid: 'k1', privateKey: k1.privateKey }, OPTS), onlyK2)).toBeNull();
    expect(verifyUserToken(signUserToken(user, { kid: 'k2', privateKey: k1.privateKey }, OPTS), onlyK2)).toBeNull();
  });

  it('refuses HS256 signed with the public key PEM, whatever the header says', () => {
    const pem = k1.publicKey.export({ type: 'spki', format: 'pem' }) as string;
    const input = `${b64({ alg: 'HS256', kid: 'k1' })}.${b64({ ...user, iss: 'idp', aud: 'mappa', exp: Math.floor(Date.now() / 1000) + 60 })}`;
    const token = `${input}.${createHmac('sha256', pem).update(input).digest('base64url')}`;
    expect(verifyUserToken(token, allow([['k1', k1.publicKey]]))).toBeNull();
  });

  it('refuses wrong issuer, wrong audience and an expired token', () => {
    const keys = allow([['k1', k1.publicKey]]);
    const signer = { kid: 'k1', privateKey: k1.privateKey };
    expect(verifyUserToken(signUserToken(user, signer, { ...OPTS, issuer: 'other' }), keys)).toBeNull();
    expect(verifyUserToken(signUserToken(user, signer, { ...OPTS, audience: 'other' }), keys)).toBeNull();
    expect(verifyUserToken(signUserToken(user, signer, { ...OPTS, expiresInSeconds: -10 }), keys)).toBeNull();
  });
});

describe('verifyInternalToken', () => {
  const gateway = generateKeyPair();
  const angus = generateKeyPair();
  const issuers = new Map([[GATEWAY_ISSUER, gateway.publicKey], ['angus', angus.publicKey]]);
  const identity = { user, justification: 'supervision' };

  it('accepts the gateway token for its own audience only', () => {
    const token = signInternalToken(identity, 'angus', gateway.privateKey);
    expect(verifyInternalToken(token, 'angus', issuers)).toEqual({ kind: 'user', identity });
    expect(verifyInternalToken(token, 'dundee', issuers)).toBeNull();
  });

  it('a service token is a service, never a user, and a service cannot speak as the gateway', () => {
    expect(verifyInternalToken(signServiceToken('angus', 'police', angus.privateKey), 'police', issuers)).toEqual({ kind: 'service', service: 'angus' });
    // Angus's key signing a token that claims the gateway as issuer.
    expect(verifyInternalToken(signInternalToken(identity, 'police', angus.privateKey), 'police', issuers)).toBeNull();
  });

  it('refuses a token signed by an unknown P-256 key', () => {
    const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(verifyInternalToken(signInternalToken(identity, 'angus', stranger.privateKey), 'angus', issuers)).toBeNull();
  });
});

describe('OneTimeTokens', () => {
  const gateway = generateKeyPair();
  const identity = { user, justification: null };

  it('accepts each internal token once', () => {
    const once = new OneTimeTokens();
    const token = signInternalToken(identity, 'angus', gateway.privateKey);
    expect(once.use(token)).toBe(true);
    expect(once.use(token)).toBe(false);
    expect(once.use(signInternalToken(identity, 'angus', gateway.privateKey))).toBe(true);
  });

  it('refuses a token with no id, which could otherwise be replayed', () => {
    const noId = jwt.sign({ user }, gateway.privateKey, { algorithm: 'ES256', issuer: GATEWAY_ISSUER, audience: 'angus', expiresIn: 60 });
    expect(new OneTimeTokens().use(noId)).toBe(false);
  });
});
