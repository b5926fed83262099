import { z } from 'zod';
import { badInput } from '../../schema/errors';
import { isIsoDate } from '../../schema/scalars';

/** Parses a mutation input; the first problem becomes a BAD_USER_INPUT error naming its field. */
export function parseInput<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue.path.join('.') || 'input';
  throw badInput(field, `${field}: ${issue.message}`);
}

export const isoDate = () => z.string().refine(isIsoDate, 'must be a real date written YYYY-MM-DD');
export const idempotencyKey = () => z.string().min(8, 'must be at least 8 characters').max(100).regex(/^[A-Za-z0-9._:-]+$/, 'may use letters, digits and . _ : - only');
export const id = () => z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'is not a valid id');
export const freeText = (max: number) => z.string().max(max, `must be at most ${max} characters`);
