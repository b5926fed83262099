import { generateKeyPairSync, KeyObject, createPrivateKey, createPublicKey, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import jwt, { JwtPayload } from 'jsonwebtoken';
import { RequestIdentity, User, userSchema } from './identity';

/**
 * Tokens, in two kinds:
 * - user tokens, from the identity provider (the demo one in development), verified by the gateway;
 * - internal tokens, minted by the gateway per request and per subgraph (audience = subgraph name),
 *   carrying the verified user; and service tokens, minted by a council for the one call it makes
 *   to the police register. Subgraphs accept nothing else, so identity headers a client forges
 *   never reach them.
 * All signatures are ES256, pinned: HS* and `none` are refused whatever the token header says.
 */

export const ALGORITHM = 'ES256' as const;
export const GATEWAY_ISSUER = 'tayside-gateway';
const INTERNAL_TOKEN_SECONDS = 60;

export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export function generateKeyPair(): KeyPair {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' });
}

/** Loads `<dir>/<name>.private.pem`, creating the pair on first use (development only: production mounts keys). */
export function loadOrCreateKeyPair(dir: string, name: string): KeyPair {
  const privatePath = join(dir, `${name}.private.pem`);
  const publicPath = join(dir, `${name}.public.pem`);
  if (!existsSync(privatePath)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const pair = generateKeyPair();
    writeFileSync(privatePath, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    writeFileSync(publicPath, pair.publicKey.export({ type: 'spki', format: 'pem' }));
    return pair;
  }
  const privateKey = createPrivateKey(readFileSync(privatePath));
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

export function loadPublicKey(dir: string, name: string): KeyObject {
  return createPublicKey(readFileSync(join(dir, `${name}.public.pem`)));
}

/** Every `<kid>.public.pem` in a directory: the allowlist of user-token signing keys. */
export function loadKeyAllowlist(dir: string): Map<string, KeyObject> {
  const keys = new Map<string, KeyObject>();
  if (!existsSync(dir)) return keys;
  for (const file of readdirSync(dir)) {
    const match = /^([A-Za-z0-9._-]{1,64})\.public\.pem$/.exec(file);
    if (match) keys.set(match[1], createPublicKey(readFileSync(join(dir, file))));
  }
  return keys;
}

export interface UserTokenOptions {
  issuer: string;
  audience: string;
  /** kid → public key. Only these keys are ever tried; an unknown kid fails. */
  keys: ReadonlyMap<string, KeyObject>;
}

/** Verifies a user's bearer token. Returns null on any failure: callers answer one generic UNAUTHENTICATED. */
export function verifyUserToken(token: string, options: UserTokenOptions): User | null {
  try {
    const decoded = jwt.decode(token, { complete: true });
    const kid = decoded?.header.kid;
    if (!decoded || typeof kid !== 'string' || decoded.header.alg !== ALGORITHM) return null;
    const key = options.keys.get(kid);
    if (!key) return null;
    const payload = jwt.verify(token, key, {
      algorithms: [ALGORITHM],
      issuer: options.issuer,
      audience: options.audience,
    }) as JwtPayload;
    if (typeof payload.exp !== 'number') return null;
    const user = userSchema.safeParse(payload);
    return user.success ? user.data : null;
  } catch {
    return null;
  }
}

export function signUserToken(user: User, signer: { kid: string; privateKey: KeyObject }, opts: { issuer: string; audience: string; expiresInSeconds: number }): string {
  return jwt.sign({ ...user }, signer.privateKey, {
    algorithm: ALGORITHM,
    keyid: signer.kid,
    issuer: opts.issuer,
    audience: opts.audience,
    expiresIn: opts.expiresInSeconds,
  });
}

/** Minted by the gateway for one subgraph call. */
export function signInternalToken(identity: RequestIdentity, audience: string, gatewayKey: KeyObject): string {
  return jwt.sign({ user: identity.user, jus: identity.justification }, gatewayKey, {
    algorithm: ALGORITHM,
    issuer: GATEWAY_ISSUER,
    audience,
    expiresIn: INTERNAL_TOKEN_SECONDS,
    // One token per subgraph call: subgraphs refuse a second use (see OneTimeTokens).
    jwtid: randomUUID(),
  });
}

/** Caller of a subgraph request once verified: a person via the gateway, or a council service. */
export type InternalCaller =
  | { kind: 'user'; identity: RequestIdentity }
  | { kind: 'service'; service: string };

/**
 * Verifies the bearer a subgraph received. `issuers` maps each accepted issuer to its public key:
 * the gateway (people) and, for the police subgraph, the councils (service calls).
 */
export function verifyInternalToken(token: string, audience: string, issuers: ReadonlyMap<string, KeyObject>): InternalCaller | null {
  try {
    const decoded = jwt.decode(token, { complete: true });
    const iss = decoded && typeof decoded.payload === 'object' ? decoded.payload.iss : undefined;
    const key = typeof iss === 'string' ? issuers.get(iss) : undefined;
    if (!decoded || !key || decoded.header.alg !== ALGORITHM) return null;
    const payload = jwt.verify(token, key, { algorithms: [ALGORITHM], audience, issuer: iss }) as JwtPayload;
    if (typeof payload.exp !== 'number') return null;
    if (iss !== GATEWAY_ISSUER) return payload.svc === true ? { kind: 'service', service: iss as string } : null;
    const user = userSchema.safeParse(payload.user);
    if (!user.success) return null;
    const justification = typeof payload.jus === 'string' ? payload.jus.slice(0, 500) : null;
    return { kind: 'user', identity: { user: user.data, justification } };
  } catch {
    return null;
  }
}

export function signServiceToken(service: string, audience: string, key: KeyObject): string {
  return jwt.sign({ svc: true }, key, { algorithm: ALGORITHM, issuer: service, audience, expiresIn: INTERNAL_TOKEN_SECONDS, jwtid: randomUUID() });
}

/**
 * Internal and service tokens are single-use: a token lifted from the internal network cannot be
 * replayed against the same subgraph within its 60 seconds. Ids are remembered until the token
 * expires; a token without an id is refused outright.
 */
export class OneTimeTokens {
  private readonly seen = new Map<string, number>();
  constructor(private readonly now: () => number = () => Math.floor(Date.now() / 1000)) {}

  /** True the first time a (verified) token is presented, false on every later use. */
  use(token: string): boolean {
    const payload = jwt.decode(token);
    if (!payload || typeof payload !== 'object' || typeof payload.jti !== 'string' || typeof payload.exp !== 'number') return false;
    const now = this.now();
    if (this.seen.size > 10_000) for (const [id, exp] of this.seen) if (exp < now) this.seen.delete(id);
    if (this.seen.has(payload.jti)) return false;
    this.seen.set(payload.jti, payload.exp);
    return true;
  }
}

export function bearer(header: string | undefined | null): string | null {
  const match = /^Bearer ([A-Za-z0-9._~+/=-]{10,8192})$/.exec(header ?? '');
  return match ? match[1] : null;
}
