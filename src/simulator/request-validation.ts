// zod at the edge: every endpoint validates the request body it reads, and a mismatch becomes a
// 400 in the provider's own error shape (rendered by the server).
import type { z } from 'zod';
import { SimulatorRequestError } from './protocol.ts';

export function parseRequestBody<Schema extends z.ZodType>(schema: Schema, body: unknown): z.infer<Schema> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path.map(String).join('.') ?? '';
  const message = issue === undefined ? 'Invalid request body.' : `${path === '' ? 'body' : path}: ${issue.message}`;
  throw new SimulatorRequestError(400, message, path === '' ? null : path);
}

// The text carried by a message content that is either a string or a list of typed parts.
export function textOfContent(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const texts: string[] = [];
  for (const part of content) {
    if (typeof part === 'string') texts.push(part);
    else if (typeof part === 'object' && part !== null) {
      const record = part as Record<string, unknown>;
      if (typeof record['text'] === 'string') texts.push(record['text']);
      else if (record['content'] !== undefined) texts.push(textOfContent(record['content']));
    }
  }
  return texts.join('\n');
}
