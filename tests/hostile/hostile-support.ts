import { createHmac, createSign, KeyObject, sign as cryptoSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startGateway } from '../../gateway/server';
import { User } from '../../schema/identity';
import { UserTokenOptions } from '../../schema/tokens';
import { RunningServer } from '../../subgraphs/shared/http';
import { DEMO_AUDIENCE, DEMO_IDENTITIES, DEMO_ISSUER } from '../../scripts/demo-identities';
import { TestFederation } from '../support/federation';

/**
 * Tools for attacking the federation from outside: raw HTTP, hand-made JWTs (so every header and
 * claim is under the attacker's control, unlike jsonwebtoken's `sign`), and a check that an
 * answer gives nothing away about the machinery behind it.
 */

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

export async function send(url: string, init: { method?: string; headers?: Record<string, string>; body?: string }): Promise<RawResponse> {
  const res = await fetch(url, { method: init.method ?? 'POST', headers: init.headers, body: init.body });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** POSTs a GraphQL operation as JSON with the given bearer token (or none). */
export function postGraphQL(url: string, body: unknown, token?: string | null, headers: Record<string, string> = {}): Promise<RawResponse> {
  return send(url, {
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: JSON.stringify(body),
  });
}

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

export type Signer =
  | { kind: 'none' }
  | { kind: 'ES256'; key: KeyObject }
  | { kind: 'RS256'; key: KeyObject }
  | { kind: 'HS256'; secret: string | Buffer };

/** Builds a JWT from any header and payload, signed exactly as told. */
export function craftJwt(header: Record<string, unknown>, payload: Record<string, unknown>, signer: Signer): string {
  const input = `${b64(header)}.${b64(payload)}`;
  let signature = '';
  if (signer.kind === 'ES256') signature = cryptoSign('sha256', Buffer.from(input), { key: signer.key, dsaEncoding: 'ieee-p1363' }).toString('base64url');
  if (signer.kind === 'RS256') signature = createSign('RSA-SHA256').update(input).sign(signer.key).toString('base64url');
  if (signer.kind === 'HS256') signature = createHmac('sha256', signer.secret).update(input).digest('base64url');
  return `${input}.${signature}`;
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

/** The claims of a valid demo user token: the base every forgery starts from. */
export function userClaims(user: User = DEMO_IDENTITIES.coordinator, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...user, iss: DEMO_ISSUER, aud: DEMO_AUDIENCE, iat: nowSeconds(), exp: nowSeconds() + 600, ...extra };
}

/** The one answer every authentication failure gets. */
export const GENERIC_UNAUTHENTICATED = { errors: [{ message: 'Authentication required.', extensions: { code: 'UNAUTHENTICATED' } }] };

/**
 * Asserts an answer reveals nothing of the machinery: no URL, host or port, no SQL or database
 * message, no stack trace, no Node error text.
 */
export function expectNothingRevealed(text: string, extraSecrets: string[] = []): void {
  const tells = [
    /https?:\/\//i,
    /127\.0\.0\.1|localhost|0\.0\.0\.0/i,
    /[A-Za-z0-9\]]:\d{4,5}\b/,
    /\b(SELECT|INSERT|UPDATE|DELETE)\b.*\b(FROM|INTO|SET)\b/,
    /syntax error at or near|relation "|violates|duplicate key|invalid input syntax|postgres|QueryFailedError/i,
    /stacktrace|\bat \S+ \(|node:internal|ECONNREFUSED|AbortError|TimeoutError/i,
    /Did you mean/i,
  ];
  for (const tell of tells) {
    const m = tell.exec(text);
    expect({ tell: String(tell), found: m ? text.slice(Math.max(0, m.index - 60), m.index + 60) : null }).toEqual({ tell: String(tell), found: null });
  }
  for (const secret of extraSecrets) expect(text.includes(secret)).toBe(false);
}

/** Every error code in a GraphQL answer. */
export const codesOf = (body: any): string[] => (body?.errors ?? []).map((e: any) => e.extensions?.code);

/** Subgraph name → URL, as the test federation started them. */
export const subgraphUrls = (t: TestFederation): Record<string, string> => Object.fromEntries(Object.entries(t.fed.subgraphs).map(([name, s]) => [name, s.url]));

/**
 * A second gateway over the same subgraphs, for what needs different gateway settings
 * (key rotation, development mode). The gateway signing key is the federation's own.
 */
export function startExtraGateway(t: TestFederation, gatewayKey: KeyObject, options: { userTokens: UserTokenOptions; devMode?: boolean }): Promise<RunningServer> {
  return startGateway({
    supergraphSdl: readFileSync(join(__dirname, '..', '..', 'gateway', 'supergraph.graphql'), 'utf8'),
    subgraphUrls: subgraphUrls(t),
    userTokens: options.userTokens,
    gatewayKey,
    port: 0,
    devMode: options.devMode ?? false,
    subgraphTimeoutMs: 5000,
    maxBodyBytes: 65_536,
    rateLimitPerMinute: 100_000,
  });
}
