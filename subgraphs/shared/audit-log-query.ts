import { z } from 'zod';
import { canReadAuditLog } from '../../schema/access';
import { forbidden } from '../../schema/errors';
import { InternalCaller } from '../../schema/tokens';
import { AUDIT_EVENTS, AuditEventKind, auditTrailOf, RecordRef } from './audit-log';
import { connection, decodeCursor, pageSize } from './pagination';
import { parseInput } from './validate';

/**
 * Reading a data owner's s.62 log, per person, per user and per period: the same root field in
 * the police register (`policeAuditLog`) and in every council (`<council>AuditLog`). Reading the
 * log is itself a consultation and is logged, refusals included.
 */

interface AuditLogRow {
  id: string;
  occurred_at: Date;
  event: AuditEventKind;
  outcome: string;
  actor_sub: string;
  actor_name: string;
  actor_org: string;
  actor_roles: string[];
  justification: string | null;
  record_type: string;
  record_id: string;
  person_id: string | null;
  fields: string[];
  refused_fields: string[];
  recipient: string | null;
  note: string | null;
  hash: string;
}

const filterInput = z
  .object({
    personId: z.string().min(1).max(64).nullish(),
    userId: z.string().min(1).max(200).nullish(),
    from: z.date().nullish(),
    to: z.date().nullish(),
    event: z.enum(AUDIT_EVENTS).nullish(),
  })
  .refine((f) => !f.from || !f.to || f.from < f.to, { message: 'must be after from', path: ['to'] });
type AuditLogFilter = z.infer<typeof filterInput>;

const isLogId = (key: string) => /^[1-9][0-9]{0,18}$/.test(key);

interface Reader {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

/** Newest first, in pages keyed by the log's own gapless id; two statements whatever the page size. */
async function auditLogPage(db: Reader, filter: AuditLogFilter, first: number, before: string | null) {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (filter.personId) add('person_id = ?', filter.personId);
  if (filter.userId) add('actor_sub = ?', filter.userId);
  if (filter.from) add('occurred_at >= ?', filter.from);
  if (filter.to) add('occurred_at < ?', filter.to);
  if (filter.event) add('event = ?', filter.event);
  const filtered = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const [{ total }] = await db.query<{ total: number }>(`SELECT count(*)::int AS total FROM audit_log ${filtered}`, params);
  if (before) add('id < ?', before);
  const paged = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const rows = await db.query<AuditLogRow>(
    `SELECT id::text AS id, occurred_at, event, outcome, actor_sub, actor_name, actor_org, actor_roles, justification, record_type, record_id,
            person_id, fields, refused_fields, recipient, note, hash
     FROM audit_log ${paged} ORDER BY audit_log.id DESC LIMIT $${params.length + 1}`,
    [...params, first + 1],
  );
  return { rows, total };
}

const toGraphQL = (r: AuditLogRow) => ({
  id: r.id,
  at: r.occurred_at,
  event: r.event,
  outcome: r.outcome,
  actor: { id: r.actor_sub, name: r.actor_name, organisation: r.actor_org, roles: r.actor_roles },
  justification: r.justification,
  recordType: r.record_type,
  recordId: r.record_id,
  personId: r.person_id,
  fields: r.fields,
  refusedFields: r.refused_fields,
  recipient: r.recipient,
  note: r.note,
  hash: r.hash,
});

/** The root resolver for one data owner's log. `owner` is the organisation whose database it is. */
export function auditLogResolver<C extends { caller: InternalCaller }>(owner: string, dbOf: (ctx: C) => Reader) {
  return async (_: unknown, args: { filter?: Record<string, unknown> | null; first?: number; after?: string }, ctx: C) => {
    const trail = auditTrailOf(ctx);
    const asked = typeof args.filter?.personId === 'string' ? args.filter.personId.slice(0, 64) : null;
    const ref: RecordRef = { recordType: 'AUDIT_LOG', recordId: `${owner.toLowerCase()}-audit-log`, personId: asked };
    if (ctx.caller.kind !== 'user' || !canReadAuditLog(ctx.caller.identity.user, owner)) {
      trail?.refuse(ref, 'entries');
      throw forbidden(`the data-protection log of ${owner}`);
    }
    const { filter } = parseInput(z.object({ filter: filterInput }), { filter: args.filter ?? {} });
    trail?.note(ref, `filter ${JSON.stringify({ ...filter, from: filter.from?.toISOString(), to: filter.to?.toISOString() })}`);
    const size = pageSize(args.first);
    const before = decodeCursor(args.after, isLogId);
    const { rows, total } = await auditLogPage(dbOf(ctx), filter, size, before);
    const page = rows.slice(0, size);
    trail?.read(ref, 'entries');
    if (page.length) trail?.note(ref, `returned entries ${page[page.length - 1].id}–${page[0].id}`);
    return connection(rows, size, total, (r) => r.id, toGraphQL);
  };
}
