import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { MigrationInterface } from 'typeorm';
import type { Logger } from 'pino';
import { Database, openDatabase } from './database';
import { startEmbeddedPostgres } from './embedded-postgres';

/** Opens a data owner's database: the configured server, or embedded PostgreSQL under `<dataDir>/<service>`. */
export async function openServiceDatabase(options: {
  service: string;
  url?: string;
  embeddedDataDir: string;
  migrations: Array<new () => MigrationInterface>;
  log?: Logger;
}): Promise<{ db: Database; embedded: boolean; close(): Promise<void> }> {
  if (options.url) {
    const db = await openDatabase({ url: options.url, migrations: options.migrations, log: options.log });
    return { db, embedded: false, close: () => db.close() };
  }
  mkdirSync(options.embeddedDataDir, { recursive: true });
  const pg = await startEmbeddedPostgres(join(options.embeddedDataDir, options.service));
  const db = await openDatabase({ url: pg.url, migrations: options.migrations, log: options.log, poolSize: 4 });
  return {
    db,
    embedded: true,
    async close() {
      await db.close();
      await pg.stop();
    },
  };
}
