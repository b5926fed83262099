/** Deep-merges resolver maps type by type; a field defined twice is a programming error. */
export function mergeResolvers(maps: Array<Record<string, Record<string, unknown>>>): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const map of maps) {
    for (const [type, fields] of Object.entries(map)) {
      out[type] ??= {};
      for (const [field, resolver] of Object.entries(fields)) {
        if (field in out[type] && type !== 'Date' && type !== 'DateTime') throw new Error(`Resolver ${type}.${field} is defined twice`);
        out[type][field] = resolver;
      }
    }
  }
  return out;
}
