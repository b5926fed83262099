/**
 * `npx tsx scripts/generate-keys.ts`: creates the ES256 key pairs the federation needs in KEYS_DIR
 * (default `.keys`), leaving existing pairs untouched, so it is safe to run on every start.
 * docker-compose runs it once, as the `keys` service, into a volume the other services mount
 * read-only: they then only ever read keys, never create them.
 *
 * Pairs: `gateway` (signs internal tokens), one per council (signs its service calls to the police
 * register) and the demo identity provider's user-token key. Demo keys only: production mounts
 * keys issued and rotated elsewhere.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { authorityNames } from '../schema/authorities';
import { ConfigSpec, key, loadConfig } from '../schema/config';
import { AUTHORITIES } from '../schema/domain';
import { loadOrCreateKeyPair } from '../schema/tokens';
import { DEMO_KEY_ID } from './demo-identities';

/** Its one setting, as a spec like every service's, so the config table and the compose test see it. */
export const keysConfigSpec = {
  keysDir: key('KEYS_DIR', 'Directory the key pairs are written to (<name>.private.pem / <name>.public.pem).', z.string().min(1), '.keys'),
} satisfies ConfigSpec;

export const KEY_PAIR_NAMES: readonly string[] = ['gateway', ...AUTHORITIES.map((a) => authorityNames(a).serviceName), 'coordination', DEMO_KEY_ID];

/** Creates the missing pairs; returns which were created and which already existed. */
export function generateKeys(dir: string, names: readonly string[] = KEY_PAIR_NAMES): { created: string[]; existing: string[] } {
  const created: string[] = [];
  const existing: string[] = [];
  for (const name of names) {
    (existsSync(join(dir, `${name}.private.pem`)) ? existing : created).push(name);
    const pair = loadOrCreateKeyPair(dir, name);
    // A private key whose public half was lost: the services read <name>.public.pem, so restore it.
    const publicPath = join(dir, `${name}.public.pem`);
    if (!existsSync(publicPath)) writeFileSync(publicPath, pair.publicKey.export({ type: 'spki', format: 'pem' }));
  }
  return { created, existing };
}

if (require.main === module) {
  try {
    const dir = loadConfig(keysConfigSpec).keysDir;
    const { created, existing } = generateKeys(dir);
    console.log(`Keys in ${dir}: created ${created.join(', ') || 'none'}; already present ${existing.join(', ') || 'none'}.`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
