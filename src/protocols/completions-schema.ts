// The inbound legacy OpenAI Completions request (`POST /v1/completions`) as Lumen accepts it.
// Lenient like OpenAI: unknown fields pass and reach OpenAI-family upstreams untouched.

import { z } from 'zod';
import { schemaError } from './translation-error.ts';

const tokenArraySchema = z.array(z.number().int());

export const completionsRequestSchema = z.looseObject({
  model: z.string().min(1),
  // OpenAI also takes token arrays and batches of prompts; the translation refuses them by name.
  prompt: z.union([z.string(), z.array(z.string()), tokenArraySchema, z.array(tokenArraySchema)]).nullish(),
  max_tokens: z.number().int().nonnegative().nullish(),
  temperature: z.number().nullish(),
  top_p: z.number().nullish(),
  n: z.number().int().positive().nullish(),
  stop: z.union([z.string(), z.array(z.string())]).nullish(),
  seed: z.number().int().nullish(),
  presence_penalty: z.number().nullish(),
  frequency_penalty: z.number().nullish(),
  logprobs: z.number().int().nullish(),
  echo: z.boolean().nullish(),
  suffix: z.string().nullish(),
  best_of: z.number().int().positive().nullish(),
  user: z.string().optional(),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
});
export type CompletionsRequest = z.infer<typeof completionsRequestSchema>;

export function parseCompletionsRequest(body: unknown): CompletionsRequest {
  const parsed = completionsRequestSchema.safeParse(body);
  if (!parsed.success) throw schemaError(parsed.error);
  return parsed.data;
}
