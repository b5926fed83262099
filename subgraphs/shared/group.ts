/** Groups rows under the keys a DataLoader asked for, in the same order, with [] for misses. */
export function groupBy<T>(rows: T[], keyOf: (row: T) => string, keys: readonly string[]): T[][] {
  const groups = new Map<string, T[]>(keys.map((k) => [k, []]));
  for (const row of rows) groups.get(keyOf(row))?.push(row);
  return keys.map((k) => groups.get(k) ?? []);
}

/** One row per requested key, or null. */
export function indexBy<T>(rows: T[], keyOf: (row: T) => string, keys: readonly string[]): (T | null)[] {
  const byKey = new Map(rows.map((r) => [keyOf(r), r]));
  return keys.map((k) => byKey.get(k) ?? null);
}
