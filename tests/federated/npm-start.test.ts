import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateKeyPair, signUserToken } from '../../schema/tokens';
import { DEMO_AUDIENCE, DEMO_IDENTITIES, DEMO_ISSUER, DEMO_KEY_ID } from '../../scripts/demo-identities';

/**
 * The README's run command, as a user runs it: `npm start` (scripts/start-all.ts) on embedded
 * PostgreSQL with the demo data, every port chosen by the OS. Its data must survive a restart.
 */
const ROOT = join(__dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'mappa-start-'));
const env = {
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.endsWith('_DATABASE_URL'))),
  GATEWAY_PORT: '0', POLICE_PORT: '0', DUNDEE_PORT: '0', ANGUS_PORT: '0', PERTH_AND_KINROSS_PORT: '0', COORDINATION_PORT: '0',
  EMBEDDED_DATA_DIR: join(dir, 'data'),
  KEYS_DIR: join(dir, 'keys'),
};

async function start(): Promise<{ child: ChildProcess; url: string; output: string }> {
  const child = spawn(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(ROOT, 'scripts', 'start-all.ts')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const m = /GraphQL:\s+(http:\/\/\S+\/graphql)/.exec(output);
      if (m) resolve(m[1]);
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
  });
  return { child, url, output };
}

async function stop(child: ChildProcess) {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

const token = () => signUserToken(DEMO_IDENTITIES.coordinator, { kid: DEMO_KEY_ID, privateKey: loadOrCreateKeyPair(env.KEYS_DIR, DEMO_KEY_ID).privateKey }, { issuer: DEMO_ISSUER, audience: DEMO_AUDIENCE, expiresInSeconds: 300 });

async function ask(url: string, query: string) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token()}` }, body: JSON.stringify({ query }) });
  return res.json() as Promise<any>;
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('runs the whole federation with demo data, prints how to get a token, and keeps its data across a restart', async () => {
  const first = await start();
  try {
    expect(first.output).toMatch(/ready in \d+(\.\d)? s/);
    expect(first.output).toContain('npm run token');
    console.info(`npm start, first run: ${/ready in ([\d.]+) s/.exec(first.output)?.[1]} s`);
    const res = await ask(first.url, '{ offenders(first: 200) { totalCount edges { node { cases { __typename authority } } } } }');
    expect(res.errors).toBeUndefined();
    expect(res.data.offenders.totalCount).toBe(369);
    const owners = new Set(res.data.offenders.edges.flatMap((e: any) => e.node.cases.map((c: any) => c.authority)));
    // The first 200 nominals span Dundee and Angus (and Perth & Kinross through a transfer).
    expect(owners.has('DUNDEE') && owners.has('ANGUS')).toBe(true);
  } finally {
    await stop(first.child);
  }
  const second = await start();
  try {
    console.info(`npm start, restart: ${/ready in ([\d.]+) s/.exec(second.output)?.[1]} s`);
    const res = await ask(second.url, '{ offenders(first: 1) { totalCount } }');
    // Loaded once, kept: a restart neither loses nor duplicates the register.
    expect(res.data.offenders.totalCount).toBe(369);
  } finally {
    await stop(second.child);
  }
}, 120_000);
