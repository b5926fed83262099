/**
 * docker-compose.yml must agree with the typed config specs: a renamed variable, a port changed in
 * one place only, a database shared between owners or an extra published port fails here, not at
 * `docker compose up`.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gatewayConfigSpec, subgraphUrls } from '../../gateway/config';
import { authorityNames } from '../../schema/authorities';
import { ConfigSpec, loadConfig } from '../../schema/config';
import { AUTHORITIES, Authority } from '../../schema/domain';
import { DEMO_AUDIENCE, DEMO_ISSUER, DEMO_KEY_ID } from '../../scripts/demo-identities';
import { generateKeys, KEY_PAIR_NAMES, keysConfigSpec } from '../../scripts/generate-keys';
import { councilSelectorSpec } from '../../subgraphs/council/index';
import { coordinationConfigSpec, councilConfigSpec, policeConfigSpec } from '../../subgraphs/shared/service-config';
import { asList, asMap, asString, ComposeMap, parseCompose, readCompose, serviceEnvironment } from '../support/compose-reader';

const ROOT = join(__dirname, '..', '..');
const compose = readCompose(join(ROOT, 'docker-compose.yml'));
const services = asMap(compose.services, 'services');
const service = (name: string): ComposeMap => asMap(services[name], `services.${name}`);
const env = (name: string) => serviceEnvironment(service(name), name);

const COUNCILS = AUTHORITIES.map((a) => ({ authority: a, name: authorityNames(a).serviceName }));
const SUBGRAPHS = ['police', ...COUNCILS.map((c) => c.name), 'coordination'];
const APP_SERVICES = [...SUBGRAPHS, 'gateway'];
const DB_SERVICES = SUBGRAPHS.map((s) => `${s}-db`);

/** The spec each application service is configured by. */
function specOf(name: string): ConfigSpec {
  if (name === 'gateway') return gatewayConfigSpec;
  if (name === 'police') return policeConfigSpec;
  if (name === 'coordination') return coordinationConfigSpec;
  if (name === 'keys') return keysConfigSpec;
  const council = COUNCILS.find((c) => c.name === name);
  if (council) return { ...councilConfigSpec(council.authority), ...councilSelectorSpec };
  throw new Error(`no config spec for service ${name}`);
}

/** The service's configuration exactly as the service itself would load it. */
const configOf = (name: string) => loadConfig(specOf(name), env(name)) as Record<string, any>;

const healthcheckCommand = (name: string) => asList(asMap(service(name).healthcheck, `${name}.healthcheck`).test, `${name}.healthcheck.test`).map((t) => asString(t, 'test'));
const networksOf = (name: string) => (service(name).networks ? asList(service(name).networks, `${name}.networks`).map((n) => asString(n, 'network')) : []);
const dependsOn = (name: string) => asMap(service(name).depends_on ?? {}, `${name}.depends_on`);
const condition = (name: string, on: string) => asString(asMap(dependsOn(name)[on], `${name}.depends_on.${on}`).condition, 'condition');

describe('compose reader', () => {
  it('reads the subset it claims: maps, lists, quoted and plain scalars, comments, empty collections', () => {
    const doc = parseCompose(
      [
        '# heading',
        'a:',
        '  b: "x: #1 \\"q\\""  # trailing',
        "  c: 'it''s'",
        '  d: plain:value',
        '  e:',
        '    - one',
        '    - "two"',
        '  f: {}',
        '  g:',
        '  - at key indent',
      ].join('\n'),
    );
    expect(doc).toEqual({ a: { b: 'x: #1 "q"', c: "it's", d: 'plain:value', e: ['one', 'two'], f: {}, g: ['at key indent'] } });
  });

  it.each([
    ['anchors', 'a: &x 1'],
    ['flow collections', 'a: [1, 2]'],
    ['block scalars', 'a: |\n  text'],
    ['duplicate keys', 'a: 1\na: 2'],
    ['maps in lists', 'a:\n  - b: 1'],
    ['tabs', 'a:\n\tb: 1'],
    ['multi-line scalars', 'a: one\n  two'],
  ])('rejects %s instead of misreading them', (_what, source) => {
    expect(() => parseCompose(source)).toThrow(/line \d+/);
  });
});

describe('docker-compose.yml', () => {
  it('has exactly the federation services', () => {
    expect(new Set(Object.keys(services))).toEqual(new Set([...APP_SERVICES, 'keys', ...DB_SERVICES]));
    expect(COUNCILS.map((c) => c.name).sort()).toEqual(['angus', 'dundee', 'perth-and-kinross']);
  });

  describe.each([...APP_SERVICES, 'keys'])('%s', (name) => {
    it('sets only variables its config spec reads', () => {
      const known = new Set(Object.values(specOf(name)).map((k) => k.env));
      const unknown = Object.keys(env(name)).filter((v) => !known.has(v));
      expect(unknown).toEqual([]);
    });

    it('sets every required variable, and the whole configuration validates', () => {
      const required = Object.values(specOf(name))
        .filter((k) => k.default === undefined && !k.schema.safeParse(undefined).success)
        .map((k) => k.env);
      for (const v of required) expect(env(name)).toHaveProperty([v]);
      expect(() => configOf(name)).not.toThrow();
    });

    it('runs the right entry point, from the shared image', () => {
      const entry =
        name === 'keys' ? 'scripts/generate-keys.ts' : name === 'gateway' ? 'gateway/index.ts' : name === 'police' || name === 'coordination' ? `subgraphs/${name}/index.ts` : 'subgraphs/council/index.ts';
      expect(asString(service(name).command, 'command')).toBe(`npx tsx ${entry}`);
      expect(existsSync(join(ROOT, entry))).toBe(true);
      expect(asString(service(name).build, 'build')).toBe('.');
      expect(asString(service(name).image, 'image')).toBe(asString(service('keys').image, 'image'));
    });

    it('uses the shared key volume: read-write for keys, read-only for everyone else, at KEYS_DIR', () => {
      const keysDir = configOf(name).keysDir;
      const mounts = asList(service(name).volumes, `${name}.volumes`).map((v) => asString(v, 'volume'));
      expect(mounts).toEqual([`signing-keys:${keysDir}${name === 'keys' ? '' : ':ro'}`]);
      if (name !== 'keys') expect(condition(name, 'keys')).toBe('service_completed_successfully');
    });
  });

  it('starts a service only once what it depends on is healthy (or, for keys, done)', () => {
    for (const name of Object.keys(services)) {
      for (const [on, dep] of Object.entries(dependsOn(name))) {
        expect(Object.keys(services)).toContain(on);
        expect(asString(asMap(dep, 'dep').condition, 'condition')).toBe(on === 'keys' ? 'service_completed_successfully' : 'service_healthy');
      }
    }
    for (const subgraph of SUBGRAPHS) expect(condition('gateway', subgraph)).toBe('service_healthy');
  });

  it('gives every long-running service a healthcheck and keys none (it exits)', () => {
    for (const name of [...APP_SERVICES, ...DB_SERVICES]) expect(service(name).healthcheck).toBeDefined();
    expect(service('keys').healthcheck).toBeUndefined();
  });

  describe.each(SUBGRAPHS)('data owner %s', (owner) => {
    const db = `${owner}-db`;

    it('reads its own database and no other', () => {
      const dbVars = Object.keys(env(owner)).filter((v) => v.endsWith('_DATABASE_URL'));
      expect(dbVars).toEqual([specOf(owner).databaseUrl.env]);
      const url = new URL(configOf(owner).databaseUrl);
      expect(url.protocol).toBe('postgres:');
      expect(url.hostname).toBe(db);
      expect(url.port).toBe('5432');
      const pg = env(db);
      expect(decodeURIComponent(url.username)).toBe(pg.POSTGRES_USER);
      expect(decodeURIComponent(url.password)).toBe(pg.POSTGRES_PASSWORD);
      expect(url.pathname).toBe(`/${pg.POSTGRES_DB}`);
      expect(condition(owner, db)).toBe('service_healthy');
    });

    it('has a PostgreSQL 16 database with its own volume, healthcheck and private network', () => {
      expect(asString(service(db).image, 'image')).toMatch(/^postgres:16(\b|-|$)/);
      const volumes = asList(service(db).volumes, `${db}.volumes`).map((v) => asString(v, 'volume'));
      expect(volumes).toEqual([`${db}-data:/var/lib/postgresql/data`]);
      const pg = env(db);
      expect(healthcheckCommand(db)).toEqual(['CMD', 'pg_isready', '-U', pg.POSTGRES_USER, '-d', pg.POSTGRES_DB]);
      // Only the owner shares a network with its database.
      const sharing = Object.keys(services).filter((s) => s !== db && networksOf(s).some((n) => networksOf(db).includes(n)));
      expect(sharing).toEqual([owner]);
    });

    it('listens on the port the gateway (and its healthcheck) use, on all interfaces', () => {
      const config = configOf(owner);
      const url = new URL(subgraphUrls(configOf('gateway') as Parameters<typeof subgraphUrls>[0])[owner]);
      expect(url.hostname).toBe(owner);
      expect(Number(url.port)).toBe(config.port);
      expect(config.host).toBe('0.0.0.0');
      expect(healthcheckCommand(owner).join(' ')).toContain(`http://127.0.0.1:${config.port}/health`);
      expect(service(owner).ports).toBeUndefined();
    });
  });

  it('no two databases or database volumes are shared', () => {
    const urls = SUBGRAPHS.map((s) => configOf(s).databaseUrl);
    expect(new Set(urls).size).toBe(urls.length);
    const volumes = DB_SERVICES.flatMap((d) => asList(service(d).volumes, d).map((v) => asString(v, 'v').split(':')[0]));
    expect(new Set(volumes).size).toBe(volumes.length);
  });

  it.each(COUNCILS)('$name runs as COUNCIL=$authority and calls the police subgraph the gateway calls', ({ authority, name }) => {
    expect(env(name).COUNCIL).toBe(authority);
    expect(authorityNames(configOf(name).council as Authority).serviceName).toBe(name);
    expect(configOf(name).policeUrl).toBe(configOf('gateway').policeUrl);
  });

  it('publishes only the gateway, on GATEWAY_PORT, which its healthcheck uses', () => {
    const published = Object.keys(services).filter((s) => service(s).ports !== undefined || service(s).expose !== undefined);
    expect(published).toEqual(['gateway']);
    const { port, host } = configOf('gateway');
    expect(host).toBe('0.0.0.0');
    expect(asList(service('gateway').ports, 'ports').map((p) => asString(p, 'port'))).toEqual([`${port}:${port}`]);
    expect(healthcheckCommand('gateway').join(' ')).toContain(`http://127.0.0.1:${port}/health`);
  });

  it('keeps subgraphs and databases off any network that leaves the project', () => {
    const networks = asMap(compose.networks, 'networks');
    for (const name of [...SUBGRAPHS, ...DB_SERVICES]) {
      for (const n of networksOf(name)) expect(asMap(networks[n], `networks.${n}`).internal).toBe('true');
    }
    expect(asString(service('keys').network_mode, 'network_mode')).toBe('none');
  });

  it('declares every named volume and network it uses', () => {
    const volumes = Object.keys(asMap(compose.volumes, 'volumes'));
    const networks = Object.keys(asMap(compose.networks, 'networks'));
    for (const name of Object.keys(services)) {
      for (const v of service(name).volumes ? asList(service(name).volumes, 'volumes') : []) expect(volumes).toContain(asString(v, 'v').split(':')[0]);
      for (const n of networksOf(name)) expect(networks).toContain(n);
    }
  });
});

describe('keys service', () => {
  it('creates every key the services load, and keeps existing ones', () => {
    const gateway = configOf('gateway');
    // Loaded by: the gateway (its own key and each user-token kid), police (gateway + councils + coordination),
    // councils and coordination (gateway + own, for their notices to the police register).
    const needed = ['gateway', ...COUNCILS.map((c) => c.name), 'coordination', ...gateway.jwtKeyIds];
    expect([...KEY_PAIR_NAMES].sort()).toEqual([...new Set(needed)].sort());
    expect(gateway.jwtKeyIds).toEqual([DEMO_KEY_ID]);
    expect(gateway.jwtIssuer).toBe(DEMO_ISSUER);
    expect(gateway.jwtAudience).toBe(DEMO_AUDIENCE);

    const dir = mkdtempSync(join(tmpdir(), 'mappa-keys-test-'));
    try {
      expect(generateKeys(dir)).toEqual({ created: [...KEY_PAIR_NAMES], existing: [] });
      expect(readdirSync(dir).sort()).toEqual(KEY_PAIR_NAMES.flatMap((n) => [`${n}.private.pem`, `${n}.public.pem`]).sort());
      rmSync(join(dir, 'gateway.public.pem'));
      expect(generateKeys(dir)).toEqual({ created: [], existing: [...KEY_PAIR_NAMES] });
      expect(existsSync(join(dir, 'gateway.public.pem'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
