/**
 * Runs embedded PostgreSQL servers in their own process and prints their URLs as one JSON line.
 * Tests use it on machines with no PostgreSQL server: PGlite loads its WASM through dynamic
 * import, which Jest's VM sandbox cannot do, so it lives outside the test worker.
 * Usage: tsx scripts/embedded-postgres-server.ts name1 name2 ...   (in-memory; exits when stdin closes)
 */
import { startEmbeddedPostgres } from '../subgraphs/shared/embedded-postgres';

async function main() {
  const names = process.argv.slice(2);
  const servers = await Promise.all(names.map(() => startEmbeddedPostgres()));
  process.stdout.write(`${JSON.stringify(Object.fromEntries(names.map((n, i) => [n, servers[i].url])))}\n`);
  const stop = async () => {
    await Promise.all(servers.map((s) => s.stop().catch(() => undefined)));
    process.exit(0);
  };
  process.stdin.on('end', stop);
  process.stdin.resume();
  process.on('SIGTERM', stop);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
