import { badInput } from '../../schema/errors';

/** Opaque cursors: base64url of the sort key, so clients cannot depend on its shape. */
export const encodeCursor = (key: string) => Buffer.from(key, 'utf8').toString('base64url');

export function decodeCursor(cursor: string | null | undefined): string | null {
  if (cursor == null) return null;
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!cursor || key.length === 0 || key.length > 200 || encodeCursor(key) !== cursor) throw badInput('after', 'The cursor is not valid.');
  return key;
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
