// zod at the HTTP edge: a body that does not fit is a 400 naming the field at fault.
import type { z } from 'zod';
import { badRequest } from './errors.ts';

export function parseBody<Schema extends z.ZodType>(schema: Schema, body: unknown): z.infer<Schema> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const param = issue.path.map(String).join('.') || null;
  throw badRequest(`${param ?? 'body'}: ${issue.message}`, 'invalid_request', param);
}
