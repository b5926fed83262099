import { spawn, ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';

/**
 * Real PostgreSQL for every federated test: the local server when one answers (standard PG*
 * variables), embedded PostgreSQL in a child process otherwise. Each run creates its own
 * databases and removes them afterwards.
 */
export interface TestDatabases {
  kind: 'server' | 'embedded';
  urls: Record<string, string>;
  drop(): Promise<void>;
}

function serverUrl(database: string): string {
  const host = process.env.PGHOST ?? '127.0.0.1';
  const port = process.env.PGPORT ?? '5432';
  const user = encodeURIComponent(process.env.PGUSER ?? 'postgres');
  const password = process.env.PGPASSWORD ? `:${encodeURIComponent(process.env.PGPASSWORD)}` : '';
  return `postgres://${user}${password}@${host.startsWith('/') ? 'localhost' : host}:${port}/${database}`;
}

async function serverReachable(): Promise<boolean> {
  if (process.env.MAPPA_TEST_EMBEDDED === '1') return false;
  const client = new Client({ connectionString: serverUrl(process.env.PGDATABASE ?? 'postgres'), connectionTimeoutMillis: 1500 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function provisionDatabases(names: string[]): Promise<TestDatabases> {
  if (await serverReachable()) {
    const run = `mappa_t${randomBytes(4).toString('hex')}`;
    const admin = new Client({ connectionString: serverUrl(process.env.PGDATABASE ?? 'postgres') });
    await admin.connect();
    const urls: Record<string, string> = {};
    for (const name of names) {
      const db = `${run}_${name.replace(/[^a-z0-9]/gi, '_').toLowerCase()}`;
      await admin.query(`CREATE DATABASE ${db}`);
      urls[name] = serverUrl(db);
    }
    await admin.end();
    return {
      kind: 'server',
      urls,
      async drop() {
        const c = new Client({ connectionString: serverUrl(process.env.PGDATABASE ?? 'postgres') });
        await c.connect();
        for (const url of Object.values(urls)) await c.query(`DROP DATABASE IF EXISTS ${url.split('/').pop()} WITH (FORCE)`);
        await c.end();
      },
    };
  }
  const child: ChildProcess = spawn(process.execPath, [join(__dirname, '..', '..', 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(__dirname, '..', '..', 'scripts', 'embedded-postgres-server.ts'), ...names], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const urls = await new Promise<Record<string, string>>((resolve, reject) => {
    let buffer = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const line = buffer.split('\n')[0];
      if (buffer.includes('\n')) resolve(JSON.parse(line) as Record<string, string>);
    });
    child.on('exit', (code) => reject(new Error(`embedded PostgreSQL exited with ${code}`)));
  });
  return {
    kind: 'embedded',
    urls,
    async drop() {
      child.stdin!.end();
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}
