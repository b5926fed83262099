import { GraphQLError, GraphQLFormattedError } from 'graphql';

/**
 * The one registry of error codes. Expected failures carry one of these codes and a message a
 * person can act on; anything else is masked as INTERNAL_SERVER_ERROR with no stack, SQL or URL.
 */
export const ERROR_CODES = {
  UNAUTHENTICATED: 'The request carries no valid credentials. Always the same generic message.',
  FORBIDDEN: 'The caller may not see or change this item. The item comes back as null.',
  BAD_USER_INPUT: 'An argument failed validation. extensions.field names the offending field.',
  NOT_FOUND: 'The item named in the arguments does not exist in this data owner.',
  CONFLICT: 'Someone else changed the item first, or the item is read-only (e.g. transferred out).',
  SERVICE_UNAVAILABLE: "A data owner's service did not answer in time. extensions.service names it.",
  RATE_LIMITED: 'Too many requests from this user; retry after extensions.retryAfterSeconds.',
  INTERNAL_SERVER_ERROR: 'Something unexpected failed. Details are in the server log, never in the response.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Codes produced by graphql-js / Apollo Server itself for malformed operations; safe to pass through. */
const PROTOCOL_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

export function appError(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { ...extensions, code } });
}

export const unauthenticated = () => appError('UNAUTHENTICATED', 'Authentication required.');
export const forbidden = (what: string) => appError('FORBIDDEN', `You may not see or change ${what}.`);
export const badInput = (field: string, message: string) => appError('BAD_USER_INPUT', message, { field });
export const notFound = (what: string) => appError('NOT_FOUND', `${what} was not found.`);
export const conflict = (message: string) => appError('CONFLICT', message);

const INTERNAL: GraphQLFormattedError = {
  message: 'Internal server error.',
  extensions: { code: 'INTERNAL_SERVER_ERROR' },
};

/**
 * graphql-js appends "Did you mean ...?" to unknown fields, arguments, types and enum values,
 * which would let anyone map the schema with introspection off. graphql-armor's mask misses the
 * enum form ('Did you mean the enum value "X"?'), so every message is scrubbed here.
 */
export const withoutSuggestions = (message: string) => message.replace(/\s*Did you mean [^?]*\?/g, '');

/**
 * `formatError` for every server. Keeps coded, expected errors (and GraphQL's own validation
 * errors, whose text only echoes the operation); masks everything else. Stack traces and any
 * `exception` detail are always dropped.
 */
export function maskError(formatted: GraphQLFormattedError, _error?: unknown): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR' && (code in ERROR_CODES || PROTOCOL_CODES.has(code))) {
    const { stacktrace: _s, exception: _e, ...extensions } = formatted.extensions ?? {};
    return { message: withoutSuggestions(formatted.message), locations: formatted.locations, path: formatted.path, extensions };
  }
  return { ...INTERNAL, path: formatted.path };
}
