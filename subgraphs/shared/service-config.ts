import { z } from 'zod';
import { authorityNames } from '../../schema/authorities';
import { Authority } from '../../schema/domain';
import { ConfigSpec, key, port } from '../../schema/config';

/** Settings every data owner's subgraph shares, with its own env prefix. */
export function subgraphConfigSpec(envPrefix: string, defaultPort: number) {
  return {
    port: key(`${envPrefix}_PORT`, 'Port the subgraph listens on (0 = any free port).', port(), String(defaultPort)),
    host: key(`${envPrefix}_HOST`, 'Interface to bind. Subgraphs are not public: keep them on a private network.', z.string(), '127.0.0.1'),
    databaseUrl: key(
      `${envPrefix}_DATABASE_URL`,
      "This data owner's own PostgreSQL database. Unset: embedded PostgreSQL (PGlite) under EMBEDDED_DATA_DIR.",
      z.string().regex(/^postgres(ql)?:\/\/[^\s]+$/, 'must be a postgres:// URL').optional(),
    ),
    embeddedDataDir: key('EMBEDDED_DATA_DIR', 'Where embedded databases keep their files between restarts.', z.string(), '.data'),
    keysDir: key('KEYS_DIR', 'Directory of ES256 key pairs (<name>.private.pem / <name>.public.pem).', z.string(), '.keys'),
    maxRepresentations: key('MAX_REPRESENTATIONS', 'Cap on entity representations in one _entities call.', z.coerce.number().int().min(1), '1000'),
    logLevel: key('LOG_LEVEL', 'pino log level.', z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'silent']), 'info'),
  } satisfies ConfigSpec;
}

export const policeConfigSpec = subgraphConfigSpec('POLICE', 4001);

/** Where a data owner sends its notices to the police register. */
function policeUrlKey() {
  return key('POLICE_URL', 'The police subgraph, sent notices by the councils (case holdings, breaches) and the MAPPA unit (levels).', z.string().url(), 'http://127.0.0.1:4001/graphql');
}

export function councilConfigSpec(authority: Authority) {
  const names = authorityNames(authority);
  const defaults: Record<Authority, number> = { DUNDEE: 4002, ANGUS: 4003, PERTH_AND_KINROSS: 4004 };
  return {
    ...subgraphConfigSpec(names.envPrefix, defaults[authority]),
    policeUrl: policeUrlKey(),
  } satisfies ConfigSpec;
}

/** The MAPPA unit's coordination subgraph: its own database, owned by no council. */
export const coordinationConfigSpec = { ...subgraphConfigSpec('COORDINATION', 4005), policeUrl: policeUrlKey() } satisfies ConfigSpec;
