import { AddressInfo } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/**
 * Embedded PostgreSQL for the default `npm start` and for test runs on machines with no server:
 * PGlite served over the Postgres wire protocol, so the services reach it through `pg` and
 * TypeORM exactly as they reach a real server. One instance per data owner, each in its own
 * directory, so data survives a restart.
 */
export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(dataDir?: string): Promise<EmbeddedPostgres> {
  const db = await PGlite.create(dataDir ? { dataDir } : {});
  // Several pooled connections share PGlite's single session; the socket server queues them.
  const server = new PGLiteSocketServer({ db, port: 0, host: '127.0.0.1', maxConnections: 16 });
  await server.start();
  const address = (server as unknown as { server: { address(): AddressInfo } }).server.address();
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${address.port}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
