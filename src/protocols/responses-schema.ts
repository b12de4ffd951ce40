// The inbound OpenAI Responses request (`POST /v1/responses`) as Lumen accepts it from clients.
// Lenient like OpenAI: clients echo whole output items back as input (ids, statuses,
// annotations...), and unknown fields must pass. Strict only where the translation needs it;
// items and tools are checked per type in responses-to-canonical.ts so the error names the item.

import { z } from 'zod';
import { schemaError } from './translation-error.ts';

/** A content part of an input or echoed output message (`input_text`, `output_text`, `input_image`...). */
const contentPartSchema = z.looseObject({
  type: z.string(),
  text: z.string().optional(),
  refusal: z.string().optional(),
  image_url: z.string().nullish(),
  file_id: z.string().nullish(),
  detail: z.enum(['auto', 'low', 'high']).nullish(),
});
export type ResponsesContentPartInput = z.infer<typeof contentPartSchema>;

const summaryPartSchema = z.looseObject({ type: z.string(), text: z.string() });

/**
 * One input item. A message may omit `type` (OpenAI's "easy" input message); every other item
 * names its type. Fields are optional here because they belong to different item types.
 */
export const responsesInputItemSchema = z.looseObject({
  type: z.string().optional(),
  role: z.enum(['user', 'assistant', 'system', 'developer']).optional(),
  content: z.union([z.string(), z.array(contentPartSchema)]).nullish(),
  call_id: z.string().optional(),
  name: z.string().optional(),
  // The namespace of an echoed function_call to a function of a namespace tool.
  namespace: z.string().optional(),
  arguments: z.string().optional(),
  output: z.union([z.string(), z.array(contentPartSchema)]).optional(),
  summary: z.array(summaryPartSchema).optional(),
  encrypted_content: z.string().nullish(),
  id: z.string().nullish(),
});
export type ResponsesInputItem = z.infer<typeof responsesInputItemSchema>;

const toolShape = {
  type: z.string(),
  name: z.string().optional(),
  description: z.string().nullish(),
  parameters: z.record(z.string(), z.unknown()).nullish(),
  strict: z.boolean().nullish(),
};

/** A function tool, or a `namespace` tool grouping function tools under `tools`. */
export const responsesToolSchema = z.looseObject({ ...toolShape, tools: z.array(z.looseObject(toolShape)).optional() });
export type ResponsesToolInput = z.infer<typeof responsesToolSchema>;

const toolChoiceSchema = z.union([
  z.enum(['auto', 'none', 'required']),
  z.looseObject({ type: z.string(), name: z.string().optional() }),
]);
export type ResponsesToolChoiceInput = z.infer<typeof toolChoiceSchema>;

const textFormatSchema = z.union([
  z.looseObject({ type: z.literal('text') }),
  z.looseObject({ type: z.literal('json_object') }),
  z.looseObject({
    type: z.literal('json_schema'),
    name: z.string(),
    schema: z.record(z.string(), z.unknown()),
    description: z.string().nullish(),
    strict: z.boolean().nullish(),
  }),
]);
export type ResponsesTextFormatInput = z.infer<typeof textFormatSchema>;

export const responsesRequestSchema = z.looseObject({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(responsesInputItemSchema)]).optional(),
  instructions: z.string().nullish(),
  tools: z.array(responsesToolSchema).optional(),
  tool_choice: toolChoiceSchema.optional(),
  parallel_tool_calls: z.boolean().nullish(),
  max_output_tokens: z.number().int().positive().nullish(),
  temperature: z.number().nullish(),
  top_p: z.number().nullish(),
  text: z.looseObject({ format: textFormatSchema.optional(), verbosity: z.enum(['low', 'medium', 'high']).nullish() }).nullish(),
  reasoning: z
    .looseObject({
      effort: z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']).nullish(),
      summary: z.enum(['auto', 'concise', 'detailed']).nullish(),
    })
    .nullish(),
  include: z.array(z.string()).nullish(),
  store: z.boolean().nullish(),
  previous_response_id: z.string().nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  user: z.string().optional(),
  stream: z.boolean().nullish(),
  background: z.boolean().nullish(),
  conversation: z.unknown().optional(),
  prompt: z.unknown().optional(),
  top_logprobs: z.number().int().nullish(),
  truncation: z.enum(['auto', 'disabled']).nullish(),
});
export type ResponsesRequest = z.infer<typeof responsesRequestSchema>;

export function parseResponsesRequest(body: unknown): ResponsesRequest {
  const parsed = responsesRequestSchema.safeParse(body);
  if (!parsed.success) throw schemaError(parsed.error);
  return parsed.data;
}
