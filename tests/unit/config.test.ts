/**
 * The typed configuration: loadConfig fails fast and by name, defaults apply, and every key of every
 * spec is documented and named like an environment variable (the README table is generated from them).
 */
import { gatewayConfigSpec, subgraphUrls } from '../../gateway/config';
import { authorityNames } from '../../schema/authorities';
import { loadConfig } from '../../schema/config';
import { AUTHORITIES } from '../../schema/domain';
import { DEMO_AUDIENCE, DEMO_ISSUER, DEMO_KEY_ID } from '../../scripts/demo-identities';
import { configRows, configTable, serviceSpecs } from '../../scripts/config-table';
import { keysConfigSpec } from '../../scripts/generate-keys';
import { councilSelectorSpec } from '../../subgraphs/council/index';
import { coordinationConfigSpec, councilConfigSpec, policeConfigSpec } from '../../subgraphs/shared/service-config';

/** The error loadConfig throws, as text (fails the test if it does not throw). */
function failure(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  throw new Error('expected loadConfig to throw');
}

describe('loadConfig', () => {
  it('fails fast with a message naming the bad variable, and only that one', () => {
    const message = failure(() => loadConfig(gatewayConfigSpec, { GATEWAY_PORT: 'abc' }));
    expect(message).toMatch(/^Invalid configuration:/);
    expect(message).toContain('GATEWAY_PORT');
    expect(message).toContain(gatewayConfigSpec.port.doc);
    for (const other of Object.values(gatewayConfigSpec).filter((k) => k.env !== 'GATEWAY_PORT')) expect(message).not.toContain(`${other.env}:`);
  });

  it('lists every bad variable at once, not just the first', () => {
    const message = failure(() => loadConfig(gatewayConfigSpec, { GATEWAY_PORT: '70000', POLICE_URL: 'not a url', GATEWAY_DEV_MODE: 'yes', RATE_LIMIT_PER_MINUTE: '0' }));
    for (const name of ['GATEWAY_PORT', 'POLICE_URL', 'GATEWAY_DEV_MODE', 'RATE_LIMIT_PER_MINUTE']) expect(message).toContain(`${name}:`);
  });

  it.each([
    ['POLICE_PORT', '-1'],
    ['POLICE_PORT', '4001.5'],
    ['POLICE_DATABASE_URL', 'not a url'],
    ['LOG_LEVEL', 'verbose'],
    ['MAX_REPRESENTATIONS', '0'],
  ])('rejects %s=%s', (name, value) => {
    expect(failure(() => loadConfig(policeConfigSpec, { [name]: value }))).toContain(`${name}:`);
  });

  it('requires COUNCIL, and only a Tayside council', () => {
    expect(failure(() => loadConfig(councilSelectorSpec, {}))).toContain('COUNCIL:');
    expect(failure(() => loadConfig(councilSelectorSpec, { COUNCIL: 'FIFE' }))).toContain('COUNCIL:');
    expect(failure(() => loadConfig(councilSelectorSpec, { COUNCIL: 'dundee' }))).toContain('COUNCIL:');
    for (const a of AUTHORITIES) expect(loadConfig(councilSelectorSpec, { COUNCIL: a }).council).toBe(a);
  });

  it('applies the defaults when nothing is set', () => {
    expect(loadConfig(gatewayConfigSpec, {})).toEqual({
      port: 4000,
      host: '127.0.0.1',
      supergraphFile: 'gateway/supergraph.graphql',
      policeUrl: 'http://127.0.0.1:4001/graphql',
      dundeeUrl: 'http://127.0.0.1:4002/graphql',
      angusUrl: 'http://127.0.0.1:4003/graphql',
      perthAndKinrossUrl: 'http://127.0.0.1:4004/graphql',
      coordinationUrl: 'http://127.0.0.1:4005/graphql',
      keysDir: '.keys',
      jwtIssuer: 'tayside-demo-idp',
      jwtAudience: 'tayside-mappa',
      jwtKeyIds: ['demo-idp-1'],
      devMode: false,
      subgraphTimeoutMs: 10000,
      maxBodyBytes: 65536,
      rateLimitPerMinute: 600,
    });
    expect(loadConfig(policeConfigSpec, {})).toEqual({
      port: 4001,
      host: '127.0.0.1',
      databaseUrl: undefined,
      embeddedDataDir: '.data',
      keysDir: '.keys',
      maxRepresentations: 1000,
      logLevel: 'info',
    });
    expect(loadConfig(councilConfigSpec('PERTH_AND_KINROSS'), {})).toMatchObject({ port: 4004, databaseUrl: undefined, policeUrl: 'http://127.0.0.1:4001/graphql' });
    expect(loadConfig(coordinationConfigSpec, {})).toMatchObject({ port: 4005, host: '127.0.0.1', databaseUrl: undefined });
    expect(loadConfig(keysConfigSpec, {})).toEqual({ keysDir: '.keys' });
  });

  it('treats an empty variable as unset, and uses a set one', () => {
    expect(loadConfig(gatewayConfigSpec, { GATEWAY_PORT: '' }).port).toBe(4000);
    const config = loadConfig(gatewayConfigSpec, { GATEWAY_PORT: '5000', GATEWAY_DEV_MODE: 'true', JWT_KEY_IDS: ' idp-2 , idp-3,, ' });
    expect(config).toMatchObject({ port: 5000, devMode: true, jwtKeyIds: ['idp-2', 'idp-3'] });
    expect(loadConfig(councilConfigSpec('ANGUS'), { ANGUS_DATABASE_URL: 'postgres://a:b@angus-db:5432/angus' }).databaseUrl).toBe('postgres://a:b@angus-db:5432/angus');
  });

  it('keeps each council to its own prefixed variables', () => {
    // DUNDEE_DATABASE_URL must not configure Angus.
    expect(loadConfig(councilConfigSpec('ANGUS'), { DUNDEE_DATABASE_URL: 'postgres://x@dundee-db/dundee', DUNDEE_PORT: '9999' })).toMatchObject({ databaseUrl: undefined, port: 4003 });
  });
});

describe('config specs', () => {
  const specs = serviceSpecs();

  it('cover every service', () => {
    expect(specs.map((s) => s.service)).toEqual(['gateway', 'police', ...AUTHORITIES.map((a) => authorityNames(a).serviceName), 'coordination', 'keys']);
  });

  it.each(specs.map((s) => [s.service, s.spec] as const))('%s: every key has a doc and an environment-variable name, each used once', (_service, spec) => {
    const keys = Object.values(spec);
    expect(keys.length).toBeGreaterThan(0);
    for (const k of keys) {
      expect(k.env).toMatch(/^[A-Z][A-Z0-9_]*$/);
      expect(k.doc.trim()).not.toBe('');
    }
    const names = keys.map((k) => k.env);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(specs.map((s) => [s.service, s.spec] as const))('%s: its defaults are valid values', (_service, spec) => {
    for (const k of Object.values(spec)) if (k.default !== undefined) expect(k.schema.safeParse(k.default).success).toBe(true);
  });

  it('council variables carry the council prefix', () => {
    for (const a of AUTHORITIES) {
      const spec = councilConfigSpec(a);
      for (const k of [spec.port, spec.host, spec.databaseUrl]) expect(k.env.startsWith(`${authorityNames(a).envPrefix}_`)).toBe(true);
    }
    expect(policeConfigSpec.databaseUrl.env).toBe('POLICE_DATABASE_URL');
    // The MAPPA unit's database is nobody else's: its own prefix, never a council's or the police's.
    for (const k of [coordinationConfigSpec.port, coordinationConfigSpec.host, coordinationConfigSpec.databaseUrl]) expect(k.env.startsWith('COORDINATION_')).toBe(true);
  });

  it('default subgraph ports agree with the URLs the gateway and the councils use by default', () => {
    const urls = subgraphUrls(loadConfig(gatewayConfigSpec, {}));
    expect(new URL(urls.police).port).toBe(String(loadConfig(policeConfigSpec, {}).port));
    expect(new URL(urls.coordination).port).toBe(String(loadConfig(coordinationConfigSpec, {}).port));
    for (const a of AUTHORITIES) {
      const council = loadConfig(councilConfigSpec(a), {});
      expect(new URL(urls[authorityNames(a).serviceName]).port).toBe(String(council.port));
      expect(council.policeUrl).toBe(urls.police);
    }
  });

  it('the gateway accepts, by default, the tokens `npm run token` mints', () => {
    const config = loadConfig(gatewayConfigSpec, {});
    expect(config).toMatchObject({ jwtIssuer: DEMO_ISSUER, jwtAudience: DEMO_AUDIENCE, jwtKeyIds: [DEMO_KEY_ID] });
  });
});

describe('config table (scripts/config-table.ts)', () => {
  it('has one row per variable, service set and meaning, covering every key of every spec', () => {
    const rows = configRows();
    for (const { service, spec } of serviceSpecs()) {
      for (const k of Object.values(spec)) {
        expect(rows.some((r) => r.env === k.env && r.doc === k.doc && r.services.includes(service))).toBe(true);
      }
    }
    const table = configTable(rows).split('\n');
    expect(table[0]).toBe('| Variable | Service | Default | Meaning |');
    expect(table).toHaveLength(rows.length + 2);
    // Four cells per row: no unescaped | from a doc breaks the columns.
    for (const line of table) expect(line.split(/(?<!\\)\|/).length).toBe(6);
    expect(table.find((l) => l.startsWith('| `COUNCIL`'))).toContain('*(required)*');
    expect(table.find((l) => l.startsWith('| `POLICE_DATABASE_URL`'))).toContain('*(unset)*');
    expect(table.join('\n')).not.toMatch(/<kid>/);
  });
});
