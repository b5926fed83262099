import { createHash } from 'node:crypto';
import { GENESIS_HASH } from './audit-log';

/**
 * Independent verification of a data owner's audit chain. The database computes each row's hash
 * in its insert trigger; this recomputes it in Node from the stored content, so a row edited or
 * removed by anyone able to bypass the triggers (a superuser) is found and named, and a
 * tampered trigger or canonical function in the database would not hide it.
 */

export interface StoredAuditRow {
  id: string;
  /** occurred_at as integer microseconds since the epoch (exact, no client-side rounding). */
  at_us: string;
  event: string;
  outcome: string;
  actor_sub: string;
  actor_name: string;
  actor_org: string;
  actor_roles: string[] | null;
  justification: string | null;
  record_type: string;
  record_id: string;
  person_id: string | null;
  fields: string[] | null;
  refused_fields: string[] | null;
  recipient: string | null;
  note: string | null;
  prev_hash: string;
  hash: string;
}

const ns = (v: string | null): string => (v === null ? '~' : `${Buffer.byteLength(v, 'utf8')}:${v},`);
const nsArray = (v: string[] | null): string => (v === null ? '~' : ns(v.map(ns).join('')));

/** Must match audit_canonical() in the migration, field for field. */
export function canonicalAuditContent(r: StoredAuditRow): string {
  return [
    ns(r.id),
    ns(r.at_us),
    ns(r.event),
    ns(r.outcome),
    ns(r.actor_sub),
    ns(r.actor_name),
    ns(r.actor_org),
    nsArray(r.actor_roles),
    ns(r.justification),
    ns(r.record_type),
    ns(r.record_id),
    ns(r.person_id),
    nsArray(r.fields),
    nsArray(r.refused_fields),
    ns(r.recipient),
    ns(r.note),
  ].join('');
}

export const auditRowHash = (prevHash: string, r: StoredAuditRow): string => createHash('sha256').update(prevHash + canonicalAuditContent(r), 'utf8').digest('hex');

export type ChainVerdict = { intact: true; rows: number } | { intact: false; rows: number; brokenAt: string; reason: string };

interface Reader {
  query(sql: string, params?: unknown[]): Promise<{ rows: any[] }>;
}

const SELECT_ROWS = `
  SELECT id::text AS id, (extract(epoch FROM occurred_at) * 1000000)::bigint::text AS at_us, event, outcome, actor_sub, actor_name, actor_org,
         actor_roles, justification, record_type, record_id, person_id, fields, refused_fields, recipient, note, prev_hash, hash
  FROM audit_log WHERE audit_log.id > $1 ORDER BY audit_log.id LIMIT $2`;

/**
 * Walks the whole chain in id order, in batches, and returns the first row that does not hold:
 * a gap in the numbering (a row removed), a prev_hash that is not the previous row's hash, or a
 * hash that does not match the row's content (a row edited). Finally the chain head must point
 * at the last row, which catches rows removed from the end.
 */
export async function verifyAuditChain(db: Reader, batchSize = 5000): Promise<ChainVerdict> {
  let expectedId = 1n;
  let prevHash = GENESIS_HASH;
  let rows = 0;
  let after = '0';
  for (;;) {
    const { rows: batch } = (await db.query(SELECT_ROWS, [after, batchSize])) as { rows: StoredAuditRow[] };
    for (const r of batch) {
      const id = BigInt(r.id);
      if (id !== expectedId) {
        const missing = id - expectedId > 1n ? `rows ${expectedId}–${id - 1n} are` : `row ${expectedId} is`;
        return { intact: false, rows, brokenAt: r.id, reason: `${missing} missing before it` };
      }
      if (r.prev_hash !== prevHash) return { intact: false, rows, brokenAt: r.id, reason: 'prev_hash is not the hash of the row before it' };
      if (auditRowHash(prevHash, r) !== r.hash) return { intact: false, rows, brokenAt: r.id, reason: 'its content does not match its hash (edited)' };
      prevHash = r.hash;
      expectedId = id + 1n;
      rows += 1;
    }
    if (batch.length < batchSize) break;
    after = batch[batch.length - 1].id;
  }
  const { rows: heads } = await db.query('SELECT last_id::text AS last_id, last_hash FROM audit_chain');
  const head = heads[0] as { last_id: string; last_hash: string } | undefined;
  if (!head) return { intact: false, rows, brokenAt: String(expectedId), reason: 'the chain head is missing' };
  if (BigInt(head.last_id) > expectedId - 1n) {
    return { intact: false, rows, brokenAt: String(expectedId), reason: `the chain head records ${head.last_id} rows: rows from here on are missing` };
  }
  if (BigInt(head.last_id) !== expectedId - 1n || head.last_hash !== prevHash) {
    return { intact: false, rows, brokenAt: head.last_id, reason: 'the chain head does not point at the last row (head edited)' };
  }
  return { intact: true, rows };
}

export function describeVerdict(v: ChainVerdict): string {
  return v.intact ? `chain intact: ${v.rows} rows` : `broken at row ${v.brokenAt}: ${v.reason}`;
}
