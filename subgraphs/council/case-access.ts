import { QueryRunner } from 'typeorm';
import { canChangeCase, caseView, CaseView } from '../../schema/access';
import { appError, badInput, conflict, forbidden } from '../../schema/errors';
import { User } from '../../schema/identity';
import type { CouncilDeps } from './case-practice';
import type { CaseRow, StaffRow } from './data/cases';
import type { CouncilContext } from './resolvers';
import { auditTrailOf, RecordRef } from '../shared/audit-log';

/**
 * The building blocks every council resolver and feature uses to apply the area-wide access rules
 * (schema/access.ts) and the write rules (validated, all-or-nothing, idempotent, read-only history).
 */

export function userOf(ctx: CouncilContext): User {
  if (ctx.caller.kind !== 'user') throw forbidden('case records as a service');
  return ctx.caller.identity.user;
}

export const viewOf = (ctx: CouncilContext, c: CaseRow): CaseView =>
  caseView(userOf(ctx), { authority: ctx.deps.names.authority, mappaLevel: c.mappa_level });

/** A case as the s.62 log names it: every field read of a case is logged against it (server.ts). */
export const caseRecord = (c: Pick<CaseRow, 'id' | 'offender_id'>): RecordRef => ({ recordType: 'CASE', recordId: c.id, personId: c.offender_id ?? null });

/** Loads a case and applies the access rule: null when absent, FORBIDDEN (logged as refused) when the caller may see nothing of it. */
export async function visibleCase(ctx: CouncilContext, id: string): Promise<CaseRow | null> {
  const row = await ctx.loaders.case.load(id);
  if (!row) return null;
  if (viewOf(ctx, row) === 'NONE') {
    auditTrailOf(ctx)?.refuse(caseRecord(row));
    throw forbidden(`case ${id}`);
  }
  return row;
}

/** A case field any caller who may see the case at all may read (the MAPPA summary). */
export const summaryField =
  <T>(get: (c: CaseRow, ctx: CouncilContext) => T) =>
  (c: CaseRow, _args: unknown, ctx: CouncilContext) =>
    get(c, ctx);

/** A case field only callers with the FULL view may read; others get null + FORBIDDEN. */
export const fullField =
  <T>(get: (c: CaseRow, ctx: CouncilContext) => T) =>
  (c: CaseRow, _args: unknown, ctx: CouncilContext) => {
    if (viewOf(ctx, c) !== 'FULL') throw forbidden(`the full record of case ${c.id}`);
    return get(c, ctx);
  };

export function requireWriter(user: User, deps: CouncilDeps): void {
  if (!canChangeCase(user, deps.names.authority)) throw forbidden(`${deps.names.displayName} cases`);
}

export async function staffMember(runner: QueryRunner, staffId: string, field: string): Promise<StaffRow> {
  const [row] = (await runner.query('SELECT * FROM staff WHERE id = $1', [staffId])) as StaffRow[];
  if (!row) throw badInput(field, `${field}: no staff member ${staffId} in this council.`);
  return row;
}

/** Locks the case row for the write, and refuses history kept read-only after a transfer or closure. */
export async function writableCase(runner: QueryRunner, caseId: string, field = 'caseId'): Promise<CaseRow> {
  const [row] = (await runner.query('SELECT * FROM cases WHERE id = $1 FOR UPDATE', [caseId])) as CaseRow[];
  if (!row) throw appError('NOT_FOUND', `Case ${caseId} was not found.`, { field });
  if (row.status !== 'OPEN') throw conflict(`Case ${caseId} is ${row.status.toLowerCase().replace('_', ' ')} and read-only.`);
  return row;
}

export function notAfterToday(date: string, field: string, deps: CouncilDeps): void {
  if (date > deps.today()) throw badInput(field, `${field}: cannot be in the future.`);
}

/**
 * Inserts an event row once per idempotency key. A retry with the same key returns the first row;
 * the same key reused for a different case is a client bug and is refused. Rows that belong to no
 * case (council-wide records) leave case_id out, or null.
 */
export async function insertOnce<T extends object>(runner: QueryRunner, table: string, columns: Record<string, unknown>, key: string): Promise<{ row: T; created: boolean }> {
  const names = Object.keys(columns);
  const inserted = (await runner.query(
    `INSERT INTO ${table} (${names.join(', ')}) VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')})
     ON CONFLICT (idempotency_key) DO NOTHING RETURNING *`,
    Object.values(columns),
  )) as T[];
  if (inserted[0]) return { row: inserted[0], created: true };
  const [first] = (await runner.query(`SELECT * FROM ${table} WHERE idempotency_key = $1`, [key])) as T[];
  if (((first as { case_id?: string | null }).case_id ?? null) !== (columns.case_id ?? null)) throw badInput('idempotencyKey', 'idempotencyKey: already used for another case.');
  return { row: first, created: false };
}

/** Working lists of full case records (like the caseload): this council's staff and inspectors only. */
export function requireFullCouncilView(ctx: CouncilContext, what: string): void {
  if (caseView(userOf(ctx), { authority: ctx.deps.names.authority, mappaLevel: 1 }) !== 'FULL') throw forbidden(what);
}

/**
 * Council-wide quality figures (audit grades, feedback scores, self-evaluation) hold no case content:
 * whoever may see anything of this council's Level 1 cases (own staff, inspectors, the MAPPA unit) may read them.
 */
export function requireCouncilReader(ctx: CouncilContext, what: string): void {
  if (caseView(userOf(ctx), { authority: ctx.deps.names.authority, mappaLevel: 1 }) === 'NONE') throw forbidden(what);
}

/** Quality assurance (file audits, self-evaluation) is recorded by this council's team and service managers. */
export function requireManager(user: User, deps: CouncilDeps, what: string): void {
  requireWriter(user, deps);
  if (!user.roles.some((r) => r === 'TEAM_MANAGER' || r === 'SERVICE_MANAGER')) throw forbidden(`${what}: team and service managers only`);
}

// Shared by every data owner; re-exported here because every council feature imports its write helpers from this file.
export { updateReturning } from '../shared/database';
