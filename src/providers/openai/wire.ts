// OpenAI Chat Completions wire formats as Lumen reads them from OpenAI and OpenAI-compatible
// servers (vLLM, Ollama, DeepSeek...). Lenient on purpose: unknown fields pass, most fields may
// be null or missing, because compatible servers differ in what they fill in.

import { z } from 'zod';

export const openAIUsageSchema = z.looseObject({
  prompt_tokens: z.number().nullish(),
  completion_tokens: z.number().nullish(),
  total_tokens: z.number().nullish(),
  prompt_tokens_details: z.looseObject({ cached_tokens: z.number().nullish() }).nullish(),
  completion_tokens_details: z.looseObject({ reasoning_tokens: z.number().nullish() }).nullish(),
});

const toolCallSchema = z.looseObject({
  id: z.string(),
  type: z.string().nullish(),
  function: z.looseObject({ name: z.string(), arguments: z.string().nullish() }),
});

export const openAIChatResponseSchema = z.looseObject({
  id: z.string().nullish(),
  model: z.string().nullish(),
  choices: z.array(
    z.looseObject({
      index: z.number().nullish(),
      message: z.looseObject({
        role: z.string().nullish(),
        content: z.string().nullish(),
        refusal: z.string().nullish(),
        /** DeepSeek and vLLM reasoning parsers put the model's reasoning here. */
        reasoning_content: z.string().nullish(),
        reasoning: z.string().nullish(),
        tool_calls: z.array(toolCallSchema).nullish(),
      }),
      finish_reason: z.string().nullish(),
    }),
  ),
  usage: openAIUsageSchema.nullish(),
});
export type OpenAIChatResponse = z.infer<typeof openAIChatResponseSchema>;

const toolCallDeltaSchema = z.looseObject({
  index: z.number().nullish(),
  id: z.string().nullish(),
  type: z.string().nullish(),
  function: z.looseObject({ name: z.string().nullish(), arguments: z.string().nullish() }).nullish(),
});
export type OpenAIToolCallDelta = z.infer<typeof toolCallDeltaSchema>;

export const openAIErrorObjectSchema = z.looseObject({
  message: z.string().nullish(),
  type: z.string().nullish(),
  code: z.union([z.string(), z.number()]).nullish(),
  param: z.string().nullish(),
});

export const openAIChatChunkSchema = z.looseObject({
  id: z.string().nullish(),
  model: z.string().nullish(),
  choices: z
    .array(
      z.looseObject({
        index: z.number().nullish(),
        delta: z
          .looseObject({
            role: z.string().nullish(),
            content: z.string().nullish(),
            refusal: z.string().nullish(),
            reasoning_content: z.string().nullish(),
            reasoning: z.string().nullish(),
            tool_calls: z.array(toolCallDeltaSchema).nullish(),
          })
          .nullish(),
        /** Legacy Completions chunks carry text here instead of a delta. */
        text: z.string().nullish(),
        finish_reason: z.string().nullish(),
      }),
    )
    .nullish(),
  usage: openAIUsageSchema.nullish(),
  /** Some servers report a failure mid-stream as a data event carrying an error object. */
  error: openAIErrorObjectSchema.nullish(),
});
export type OpenAIChatChunk = z.infer<typeof openAIChatChunkSchema>;

/** `{"error": {...}}` from OpenAI, `{"error": "text"}` from Ollama, `{"detail": ...}` from vLLM. */
export const openAIErrorBodySchema = z.looseObject({
  error: z.union([openAIErrorObjectSchema, z.string()]).nullish(),
  detail: z.unknown().optional(),
  message: z.string().nullish(),
});

export const openAIEmbeddingResponseSchema = z.looseObject({
  model: z.string().nullish(),
  data: z.array(z.looseObject({ index: z.number(), embedding: z.array(z.number()) })),
  usage: openAIUsageSchema.nullish(),
});

export const openAICompletionResponseSchema = z.looseObject({
  id: z.string().nullish(),
  model: z.string().nullish(),
  choices: z.array(z.looseObject({ index: z.number().nullish(), text: z.string().nullish(), finish_reason: z.string().nullish() })),
  usage: openAIUsageSchema.nullish(),
});
export type OpenAICompletionResponse = z.infer<typeof openAICompletionResponseSchema>;
