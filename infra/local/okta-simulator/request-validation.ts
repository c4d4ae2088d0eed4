import type * as z from 'zod';
import { validationError } from './errors.js';

/** Parses `body` with `schema` or throws Okta's 400 E0000001 with one cause per invalid field. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  throw validationError(
    result.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`),
    result.error.issues[0]?.path.join('.') || 'body',
  );
}
