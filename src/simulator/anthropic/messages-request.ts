// Anthropic Messages request: the fields the simulator reads, and their translation into a
// provider-neutral prompt.
import { z } from 'zod';
import type { SimulatorKnobs } from '../knobs.ts';
import { textOfContent } from '../request-validation.ts';
import type { SimulatedPrompt, SimulatedToolChoice } from '../turn.ts';

const blockSchema = z.looseObject({
  type: z.string(),
  text: z.string().optional(),
  input: z.unknown().optional(),
  content: z.unknown().optional(),
  thinking: z.string().optional(),
});

const messageSchema = z.looseObject({
  role: z.enum(['user', 'assistant']),
  content: z.union([z.string(), z.array(blockSchema)]),
});

const countTokensShape = {
  model: z.string().min(1),
  messages: z.array(messageSchema).min(1),
  system: z.union([z.string(), z.array(z.looseObject({ type: z.string(), text: z.string() }))]).optional(),
  tools: z.array(z.looseObject({ name: z.string().min(1), input_schema: z.unknown().optional(), type: z.string().optional() })).optional(),
  tool_choice: z.looseObject({ type: z.enum(['auto', 'any', 'tool', 'none']), name: z.string().optional() }).optional(),
  thinking: z
    .looseObject({ type: z.enum(['enabled', 'disabled', 'adaptive']), budget_tokens: z.number().int().min(1).optional() })
    .optional(),
};

export const countTokensRequestSchema = z.looseObject(countTokensShape);

export const messagesRequestSchema = z.looseObject({
  ...countTokensShape,
  max_tokens: z.number().int().min(1),
  stream: z.boolean().optional(),
});

export type CountTokensRequest = z.infer<typeof countTokensRequestSchema>;
export type MessagesRequest = z.infer<typeof messagesRequestSchema>;
type Block = z.infer<typeof blockSchema>;

function blockTexts(block: Block): string[] {
  switch (block.type) {
    case 'text': return [block.text ?? ''];
    case 'tool_use': return [JSON.stringify(block.input ?? {})];
    case 'tool_result': return [textOfContent(block.content)];
    case 'thinking': return [block.thinking ?? ''];
    default: return [];
  }
}

function messageTexts(content: string | Block[]): string[] {
  return typeof content === 'string' ? [content] : content.flatMap(blockTexts);
}

function toolChoiceOf(choice: CountTokensRequest['tool_choice']): SimulatedToolChoice {
  if (choice === undefined) return { kind: 'auto' };
  switch (choice.type) {
    case 'auto': return { kind: 'auto' };
    case 'any': return { kind: 'required' };
    case 'none': return { kind: 'none' };
    case 'tool': return choice.name === undefined ? { kind: 'required' } : { kind: 'named', name: choice.name };
    default: {
      const exhausted: never = choice.type;
      throw new Error(`unhandled tool choice ${String(exhausted)}`);
    }
  }
}

export function messagesPrompt(request: CountTokensRequest, maxTokens: number | undefined, knobs: SimulatorKnobs): SimulatedPrompt {
  const system = request.system;
  const inputTexts = system === undefined ? [] : typeof system === 'string' ? [system] : system.map((block) => block.text);
  for (const message of request.messages) inputTexts.push(...messageTexts(message.content));
  const lastMessage = request.messages[request.messages.length - 1];
  const lastContent = lastMessage?.content ?? '';
  const carriesToolResult = typeof lastContent !== 'string' && lastContent.some((block) => block.type === 'tool_result');
  return {
    inputTexts,
    lastMessageText: messageTexts(lastContent).join('\n'),
    lastMessageIsFromUser: lastMessage?.role === 'user' && !carriesToolResult,
    tools: (request.tools ?? []).map((tool) => ({ name: tool.name, parametersSchema: tool.input_schema ?? {} })),
    toolChoice: toolChoiceOf(request.tool_choice),
    responseFormat: { kind: 'text' },
    maxOutputTokens: maxTokens,
    forcedOutputTokens: knobs.forcedOutputTokens,
  };
}
