// The inbound OpenAI Embeddings request (`POST /v1/embeddings`) as Lumen accepts it. Lenient like
// OpenAI on unknown fields; token-array inputs parse so that the translation can refuse them by name.

import { z } from 'zod';
import { schemaError } from './translation-error.ts';

const tokenArraySchema = z.array(z.number().int());

export const embeddingsRequestSchema = z.looseObject({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(z.string()), tokenArraySchema, z.array(tokenArraySchema)]),
  encoding_format: z.enum(['float', 'base64']).nullish(),
  dimensions: z.number().int().positive().nullish(),
  user: z.string().optional(),
});
export type EmbeddingsRequest = z.infer<typeof embeddingsRequestSchema>;

export function parseEmbeddingsRequest(body: unknown): EmbeddingsRequest {
  const parsed = embeddingsRequestSchema.safeParse(body);
  if (!parsed.success) throw schemaError(parsed.error);
  return parsed.data;
}
