import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { MigrationInterface } from 'typeorm';
import type { Logger } from 'pino';
import { Database, openDatabase } from './database';
import { startEmbeddedPostgres } from './embedded-postgres';

/**
 * PGlite runs one session, and pglite-socket queues each wire-protocol message separately: outside a
 * transaction, the Parse/Bind/Execute messages of two connections can interleave and bind one
 * query's parameters to the other's statement. One connection per service avoids that; embedded
 * databases serve demos and tests, where serialising a service's statements costs nothing that matters.
 */
export const EMBEDDED_POOL_SIZE = 1;

/** Opens a data owner's database: the configured server, or embedded PostgreSQL under `<dataDir>/<service>`. */
export async function openServiceDatabase(options: {
  service: string;
  url?: string;
  embeddedDataDir: string;
  migrations: Array<new () => MigrationInterface>;
  log?: Logger;
  /** Connections in the pool; embedded PostgreSQL always gets one (see below). */
  poolSize?: number;
}): Promise<{ db: Database; embedded: boolean; close(): Promise<void> }> {
  if (options.url) {
    const db = await openDatabase({ url: options.url, migrations: options.migrations, log: options.log, poolSize: options.poolSize });
    return { db, embedded: false, close: () => db.close() };
  }
  mkdirSync(options.embeddedDataDir, { recursive: true });
  const pg = await startEmbeddedPostgres(join(options.embeddedDataDir, options.service));
  const db = await openDatabase({ url: pg.url, migrations: options.migrations, log: options.log, poolSize: EMBEDDED_POOL_SIZE });
  return {
    db,
    embedded: true,
    async close() {
      await db.close();
      await pg.stop();
    },
  };
}
