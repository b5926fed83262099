/**
 * Verifies one data owner's s.62 audit chain and names the first row that does not hold.
 * Usage: npx tsx scripts/verify-audit-log.ts <database-url>
 * Prints "chain intact: N rows" (exit 0) or "broken at row <id>: <reason>" (exit 1);
 * exit 2 when the chain could not be read at all (bad URL, no audit_log table, ...).
 * Read-only: it needs SELECT on audit_log and audit_chain, nothing else.
 */
import { Client } from 'pg';
import { describeVerdict, verifyAuditChain } from '../subgraphs/shared/audit-chain';

async function main(): Promise<number> {
  const url = process.argv[2];
  if (!url || process.argv.length > 3) {
    console.error('Usage: npx tsx scripts/verify-audit-log.ts <database-url>');
    return 2;
  }
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    // One snapshot for the whole walk, so rows appended meanwhile cannot look like a broken head.
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const verdict = await verifyAuditChain(client);
    await client.query('COMMIT');
    console.log(describeVerdict(verdict));
    return verdict.intact ? 0 : 1;
  } catch (error) {
    console.error(`could not verify: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  } finally {
    await client.end().catch(() => undefined);
  }
}

main().then((code) => process.exit(code));
