// OpenAI Chat Completions request: the fields the simulator reads, and their translation into a
// provider-neutral prompt.
import { z } from 'zod';
import type { SimulatorKnobs } from '../knobs.ts';
import { textOfContent } from '../request-validation.ts';
import type { SimulatedPrompt, SimulatedResponseFormat, SimulatedToolChoice } from '../turn.ts';

const messageSchema = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
  content: z.unknown().optional(),
  tool_calls: z
    .array(z.looseObject({ function: z.looseObject({ name: z.string(), arguments: z.string() }).optional() }))
    .nullish(),
});

const toolSchema = z.looseObject({
  type: z.string(),
  function: z.looseObject({ name: z.string().min(1), parameters: z.unknown().optional() }).optional(),
});

const toolChoiceSchema = z.union([
  z.enum(['none', 'auto', 'required']),
  z.looseObject({ type: z.literal('function'), function: z.object({ name: z.string() }) }),
]);

export const responseFormatSchema = z.looseObject({
  type: z.enum(['text', 'json_object', 'json_schema']),
  json_schema: z.looseObject({ name: z.string().optional(), schema: z.unknown().optional() }).optional(),
});

export const chatRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(messageSchema).min(1),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  n: z.number().int().min(1).max(128).nullish(),
  max_tokens: z.number().int().min(1).nullish(),
  max_completion_tokens: z.number().int().min(1).nullish(),
  tools: z.array(toolSchema).nullish(),
  tool_choice: toolChoiceSchema.nullish(),
  response_format: responseFormatSchema.nullish(),
});

export type ChatRequest = z.infer<typeof chatRequestSchema>;

export function openAiToolChoice(choice: z.infer<typeof toolChoiceSchema> | null | undefined): SimulatedToolChoice {
  if (choice === undefined || choice === null || choice === 'auto') return { kind: 'auto' };
  if (choice === 'none') return { kind: 'none' };
  if (choice === 'required') return { kind: 'required' };
  return { kind: 'named', name: choice.function.name };
}

export function openAiResponseFormat(format: z.infer<typeof responseFormatSchema> | null | undefined): SimulatedResponseFormat {
  if (format === undefined || format === null) return { kind: 'text' };
  switch (format.type) {
    case 'text': return { kind: 'text' };
    case 'json_object': return { kind: 'json_object' };
    case 'json_schema': return { kind: 'json_schema', schema: format.json_schema?.schema ?? {} };
    default: {
      const exhausted: never = format.type;
      throw new Error(`unhandled response format ${String(exhausted)}`);
    }
  }
}

export function chatPrompt(request: ChatRequest, knobs: SimulatorKnobs): SimulatedPrompt {
  const inputTexts: string[] = [];
  for (const message of request.messages) {
    inputTexts.push(textOfContent(message.content));
    for (const call of message.tool_calls ?? []) {
      if (call.function !== undefined) inputTexts.push(call.function.arguments);
    }
  }
  const lastMessage = request.messages[request.messages.length - 1];
  const tools = (request.tools ?? [])
    .filter((tool) => tool.type === 'function' && tool.function !== undefined)
    .map((tool) => ({ name: tool.function?.name ?? '', parametersSchema: tool.function?.parameters ?? {} }));
  return {
    inputTexts,
    lastMessageText: textOfContent(lastMessage?.content),
    lastMessageIsFromUser: lastMessage?.role === 'user',
    tools,
    toolChoice: openAiToolChoice(request.tool_choice),
    responseFormat: openAiResponseFormat(request.response_format),
    maxOutputTokens: knobs.ignoreMaxTokens ? undefined : (request.max_completion_tokens ?? request.max_tokens ?? undefined),
    forcedOutputTokens: knobs.forcedOutputTokens,
  };
}
