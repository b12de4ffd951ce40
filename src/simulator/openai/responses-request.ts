// OpenAI Responses API request: the fields the simulator reads, and their translation into a
// provider-neutral prompt.
import { z } from 'zod';
import type { SimulatorKnobs } from '../knobs.ts';
import { textOfContent } from '../request-validation.ts';
import type { SimulatedPrompt, SimulatedResponseFormat, SimulatedToolChoice } from '../turn.ts';

const inputItemSchema = z.looseObject({
  type: z.string().optional(),
  role: z.string().optional(),
  content: z.unknown().optional(),
  arguments: z.string().optional(),
  output: z.unknown().optional(),
});

export const responsesRequestSchema = z.looseObject({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(inputItemSchema)]).optional(),
  instructions: z.string().nullish(),
  stream: z.boolean().nullish(),
  max_output_tokens: z.number().int().min(1).nullish(),
  tools: z.array(z.looseObject({ type: z.string(), name: z.string().optional(), parameters: z.unknown().optional() })).nullish(),
  tool_choice: z
    .union([z.enum(['none', 'auto', 'required']), z.looseObject({ type: z.string(), name: z.string().optional() })])
    .nullish(),
  text: z
    .looseObject({
      format: z.looseObject({ type: z.enum(['text', 'json_object', 'json_schema']), schema: z.unknown().optional() }).optional(),
    })
    .nullish(),
  temperature: z.number().nullish(),
  top_p: z.number().nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  previous_response_id: z.string().nullish(),
  store: z.boolean().nullish(),
  user: z.string().nullish(),
});

export type ResponsesRequest = z.infer<typeof responsesRequestSchema>;
type InputItem = z.infer<typeof inputItemSchema>;

function itemTexts(item: InputItem): string[] {
  if (item.type === 'function_call') return [item.arguments ?? ''];
  if (item.type === 'function_call_output') return [typeof item.output === 'string' ? item.output : textOfContent(item.output)];
  return [textOfContent(item.content)];
}

function toolChoiceOf(choice: ResponsesRequest['tool_choice']): SimulatedToolChoice {
  if (choice === undefined || choice === null || choice === 'auto') return { kind: 'auto' };
  if (choice === 'none') return { kind: 'none' };
  if (choice === 'required') return { kind: 'required' };
  return choice.type === 'function' && choice.name !== undefined ? { kind: 'named', name: choice.name } : { kind: 'auto' };
}

function responseFormatOf(text: ResponsesRequest['text']): SimulatedResponseFormat {
  const format = text?.format;
  if (format === undefined) return { kind: 'text' };
  switch (format.type) {
    case 'text': return { kind: 'text' };
    case 'json_object': return { kind: 'json_object' };
    case 'json_schema': return { kind: 'json_schema', schema: format.schema ?? {} };
    default: {
      const exhausted: never = format.type;
      throw new Error(`unhandled text format ${String(exhausted)}`);
    }
  }
}

export function responsesPrompt(request: ResponsesRequest, knobs: SimulatorKnobs): SimulatedPrompt {
  const items: InputItem[] = typeof request.input === 'string' ? [{ role: 'user', content: request.input }] : (request.input ?? []);
  const inputTexts = request.instructions ? [request.instructions] : [];
  for (const item of items) inputTexts.push(...itemTexts(item));
  const lastItem = items[items.length - 1];
  const isUserMessage = lastItem !== undefined && (lastItem.type === undefined || lastItem.type === 'message') && lastItem.role === 'user';
  const tools = (request.tools ?? [])
    .filter((tool) => tool.type === 'function' && tool.name !== undefined)
    .map((tool) => ({ name: tool.name ?? '', parametersSchema: tool.parameters ?? {} }));
  return {
    inputTexts,
    lastMessageText: lastItem === undefined ? '' : itemTexts(lastItem).join('\n'),
    lastMessageIsFromUser: isUserMessage,
    tools,
    toolChoice: toolChoiceOf(request.tool_choice),
    responseFormat: responseFormatOf(request.text),
    maxOutputTokens: request.max_output_tokens ?? undefined,
    forcedOutputTokens: knobs.forcedOutputTokens,
  };
}
