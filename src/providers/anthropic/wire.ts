// Anthropic Messages wire formats as Lumen reads them from the provider. Lenient: unknown fields
// and unknown block types pass, so a new Anthropic feature degrades instead of failing.

import { z } from 'zod';

export const anthropicUsageSchema = z.looseObject({
  input_tokens: z.number().nullish(),
  output_tokens: z.number().nullish(),
  cache_creation_input_tokens: z.number().nullish(),
  cache_read_input_tokens: z.number().nullish(),
  output_tokens_details: z.looseObject({ thinking_tokens: z.number().nullish() }).nullish(),
});
export type AnthropicUsage = z.infer<typeof anthropicUsageSchema>;

export const anthropicContentBlockSchema = z.looseObject({
  type: z.string(),
  text: z.string().nullish(),
  thinking: z.string().nullish(),
  signature: z.string().nullish(),
  data: z.string().nullish(),
  id: z.string().nullish(),
  name: z.string().nullish(),
  input: z.unknown().optional(),
});
export type AnthropicContentBlock = z.infer<typeof anthropicContentBlockSchema>;

const stopDetailsSchema = z.looseObject({ type: z.string().nullish(), explanation: z.string().nullish() }).nullish();

export const anthropicMessageSchema = z.looseObject({
  id: z.string(),
  model: z.string().nullish(),
  content: z.array(anthropicContentBlockSchema),
  stop_reason: z.string().nullish(),
  stop_details: stopDetailsSchema,
  usage: anthropicUsageSchema.nullish(),
});

const deltaSchema = z.looseObject({
  type: z.string(),
  text: z.string().nullish(),
  partial_json: z.string().nullish(),
  thinking: z.string().nullish(),
  signature: z.string().nullish(),
});

export const anthropicErrorObjectSchema = z.looseObject({ type: z.string().nullish(), message: z.string().nullish() });

export const anthropicStreamEventSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('message_start'), message: anthropicMessageSchema.partial({ content: true }) }),
  z.looseObject({ type: z.literal('content_block_start'), index: z.number(), content_block: anthropicContentBlockSchema }),
  z.looseObject({ type: z.literal('content_block_delta'), index: z.number(), delta: deltaSchema }),
  z.looseObject({ type: z.literal('content_block_stop'), index: z.number() }),
  z.looseObject({
    type: z.literal('message_delta'),
    delta: z.looseObject({ stop_reason: z.string().nullish(), stop_details: stopDetailsSchema }),
    usage: anthropicUsageSchema.nullish(),
  }),
  z.looseObject({ type: z.literal('message_stop') }),
  z.looseObject({ type: z.literal('ping') }),
  z.looseObject({ type: z.literal('error'), error: anthropicErrorObjectSchema }),
]);
export type AnthropicStreamEvent = z.infer<typeof anthropicStreamEventSchema>;

export const anthropicErrorBodySchema = z.looseObject({ error: anthropicErrorObjectSchema.nullish() });
