import { z } from 'zod';
import { authorityNames } from '../schema/authorities';
import { AUTHORITIES } from '../schema/domain';
import { ConfigSpec, key, port } from '../schema/config';

const bool = () => z.enum(['true', 'false']).transform((v) => v === 'true');

/** Gateway settings. Subgraph URLs here override the ones recorded in the supergraph file. */
export const gatewayConfigSpec = {
  port: key('GATEWAY_PORT', 'Port of the public GraphQL endpoint and the dashboard.', port(), '4000'),
  host: key('GATEWAY_HOST', 'Interface to bind.', z.string(), '127.0.0.1'),
  supergraphFile: key('SUPERGRAPH_FILE', 'Composed supergraph written by `npm run compose`.', z.string(), 'gateway/supergraph.graphql'),
  policeUrl: key('POLICE_URL', 'Police register subgraph.', z.string().url(), 'http://127.0.0.1:4001/graphql'),
  dundeeUrl: key('DUNDEE_URL', 'Dundee City CJSW subgraph.', z.string().url(), 'http://127.0.0.1:4002/graphql'),
  angusUrl: key('ANGUS_URL', 'Angus CJSW subgraph.', z.string().url(), 'http://127.0.0.1:4003/graphql'),
  perthAndKinrossUrl: key('PERTH_AND_KINROSS_URL', 'Perth & Kinross CJSW subgraph.', z.string().url(), 'http://127.0.0.1:4004/graphql'),
  coordinationUrl: key('COORDINATION_URL', "The MAPPA unit's coordination subgraph (referrals, meetings, minutes, annual return).", z.string().url(), 'http://127.0.0.1:4005/graphql'),
  keysDir: key('KEYS_DIR', 'Directory of ES256 key pairs: the gateway signs with gateway.private.pem; user keys are <kid>.public.pem.', z.string(), '.keys'),
  jwtIssuer: key('JWT_ISSUER', 'Required `iss` of user tokens.', z.string().min(1), 'tayside-demo-idp'),
  jwtAudience: key('JWT_AUDIENCE', 'Required `aud` of user tokens.', z.string().min(1), 'tayside-mappa'),
  jwtKeyIds: key(
    'JWT_KEY_IDS',
    'Comma-separated allowlist of user-token key ids (kid); each is read from KEYS_DIR/<kid>.public.pem. Add a kid to rotate.',
    z.string().transform((s) => s.split(',').map((k) => k.trim()).filter(Boolean)),
    'demo-idp-1',
  ),
  devMode: key('GATEWAY_DEV_MODE', 'true enables introspection and the Apollo landing page. Never in production.', bool(), 'false'),
  subgraphTimeoutMs: key('SUBGRAPH_TIMEOUT_MS', 'A subgraph that has not answered by then is reported unavailable.', z.coerce.number().int().min(100), '10000'),
  maxBodyBytes: key('MAX_BODY_BYTES', 'Largest request body accepted.', z.coerce.number().int().min(1024), '65536'),
  rateLimitPerMinute: key('RATE_LIMIT_PER_MINUTE', 'Requests per user per minute before RATE_LIMITED.', z.coerce.number().int().min(1), '600'),
} satisfies ConfigSpec;

/** Subgraph name → URL, from the gateway config. */
export function subgraphUrls(config: { policeUrl: string; dundeeUrl: string; angusUrl: string; perthAndKinrossUrl: string; coordinationUrl: string }): Record<string, string> {
  const byAuthority = { DUNDEE: config.dundeeUrl, ANGUS: config.angusUrl, PERTH_AND_KINROSS: config.perthAndKinrossUrl };
  return Object.fromEntries([['police', config.policeUrl], ...AUTHORITIES.map((a) => [authorityNames(a).serviceName, byAuthority[a]]), ['coordination', config.coordinationUrl]]);
}
