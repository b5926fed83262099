import { GraphQLScalarType, Kind } from 'graphql';
import { appError } from './errors';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date in YYYY-MM-DD form (rejects 2026-02-30). */
export function isIsoDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}

/** Dates leave PostgreSQL as strings (pg is told not to turn them into JS Dates, see database.ts). */
function serializeDate(value: unknown): string {
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (isIsoDate(value)) return value;
  throw new TypeError('Date cannot represent this value');
}

function parseDate(value: unknown): string {
  if (!isIsoDate(value)) throw appError('BAD_USER_INPUT', 'Dates are written YYYY-MM-DD and must exist.');
  return value;
}

export const DateScalar = new GraphQLScalarType({
  name: 'Date',
  serialize: serializeDate,
  parseValue: parseDate,
  parseLiteral: (ast) => parseDate(ast.kind === Kind.STRING ? ast.value : undefined),
});

export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  serialize: (v) => (v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString()),
  parseValue: (v) => {
    const d = new Date(String(v));
    if (Number.isNaN(d.getTime())) throw appError('BAD_USER_INPUT', 'DateTime must be ISO-8601.');
    return d;
  },
});

export const scalarResolvers = { Date: DateScalar, DateTime: DateTimeScalar };
