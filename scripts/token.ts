/**
 * `npm run token -- [identity] | [--org ORG --role ROLE [--role ROLE2] --sub ID --name NAME] [--hours N]`
 * Mints a demo user token signed with the locally generated demo key (KEYS_DIR/demo-idp-1, created
 * on first use, never committed). With no arguments: the MAPPA co-ordinator.
 */
import { parseArgs } from 'node:util';
import { userSchema } from '../schema/identity';
import { loadOrCreateKeyPair, signUserToken } from '../schema/tokens';
import { DEMO_AUDIENCE, DEMO_IDENTITIES, DEMO_ISSUER, DEMO_KEY_ID } from './demo-identities';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { org: { type: 'string' }, role: { type: 'string', multiple: true }, sub: { type: 'string' }, name: { type: 'string' }, hours: { type: 'string', default: '8' } },
});
const base = DEMO_IDENTITIES[positionals[0] ?? 'coordinator'];
if (!base) {
  console.error(`Unknown demo identity "${positionals[0]}". Choose one of: ${Object.keys(DEMO_IDENTITIES).join(', ')}, or pass --org and --role.`);
  process.exit(2);
}
const user = userSchema.safeParse({
  sub: values.sub ?? base.sub,
  name: values.name ?? base.name,
  org: values.org ?? base.org,
  roles: values.role ?? base.roles,
});
if (!user.success) {
  console.error(`Invalid identity: ${user.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  process.exit(2);
}
const keys = loadOrCreateKeyPair(process.env.KEYS_DIR ?? '.keys', DEMO_KEY_ID);
console.log(signUserToken(user.data, { kid: DEMO_KEY_ID, privateKey: keys.privateKey }, { issuer: DEMO_ISSUER, audience: DEMO_AUDIENCE, expiresInSeconds: Number(values.hours) * 3600 }));
