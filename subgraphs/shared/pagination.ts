import { badInput } from '../../schema/errors';
import { isIsoDate } from '../../schema/scalars';

/** Opaque cursors: base64url of the sort key, so clients cannot depend on its shape. */
export const encodeCursor = (key: string) => Buffer.from(key, 'utf8').toString('base64url');

/**
 * Decodes a cursor. Cursors come back from clients, so a well-formed base64 of any text can arrive:
 * `valid` checks the key's shape before it reaches SQL. Whatever the caller checks, a key part
 * written like a date must be a real one (2026-02-30 passes a YYYY-MM-DD pattern, then fails in
 * PostgreSQL as an internal error).
 */
export function decodeCursor(cursor: string | null | undefined, valid: (key: string) => boolean = () => true): string | null {
  if (cursor == null) return null;
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  const impossibleDate = key.split('|').some((part) => /^\d{4}-\d{2}-\d{2}$/.test(part) && !isIsoDate(part));
  if (!cursor || key.length === 0 || key.length > 200 || encodeCursor(key) !== cursor || impossibleDate || !valid(key)) throw badInput('after', 'The cursor is not valid.');
  return key;
}

/** Shape of a `date|id` keyset cursor key (e.g. a caseload ordered by start date). */
export function isDateIdKey(key: string): boolean {
  const parts = key.split('|');
  return parts.length === 2 && isIsoDate(parts[0]) && /^[A-Za-z0-9_-]{1,64}$/.test(parts[1]);
}

export function pageSize(first: number | null | undefined, max = 200): number {
  const n = first ?? 50;
  if (!Number.isInteger(n) || n < 1 || n > max) throw badInput('first', `first must be between 1 and ${max}.`);
  return n;
}

export function connection<R, N>(rows: R[], size: number, total: number, keyOf: (row: R) => string, node: (row: R) => N) {
  const page = rows.slice(0, size);
  return {
    edges: page.map((row) => ({ cursor: encodeCursor(keyOf(row)), node: node(row) })),
    pageInfo: { hasNextPage: rows.length > size, endCursor: page.length ? encodeCursor(keyOf(page[page.length - 1])) : null },
    totalCount: total,
  };
}
