// Canonical request -> Anthropic Messages request body.

import {
  assertNever,
  type CacheControl,
  type CanonicalChatRequest,
  type CanonicalContentPart,
  type CanonicalMessage,
  type ImageSource,
  type ReasoningEffort,
  type ToolChoice,
} from '../../protocols/canonical.ts';
import { assertSingleChoice, functionToolsOnly, mapParameters, passthroughFields } from '../request-guards.ts';

export interface AnthropicRequestOptions {
  /** Anthropic requires max_tokens; used when the client sent none. */
  defaultMaxOutputTokens: number;
}

type Block = Record<string, unknown>;
interface AnthropicMessage {
  role: 'user' | 'assistant';
  content: Block[];
}

/** Anthropic takes a thinking budget, not an effort; this table is Lumen's reading of one. */
const THINKING_BUDGET_BY_EFFORT: Record<ReasoningEffort, number | undefined> = {
  none: undefined,
  minimal: 1024,
  low: 2048,
  medium: 8192,
  high: 16384,
  xhigh: 32768,
};

/** The room left for the visible answer when the client's max_tokens is below the budget. */
const ANSWER_TOKENS_BESIDE_THINKING = 1024;

const withCache = (cacheControl: CacheControl | undefined) => (cacheControl ? { cache_control: cacheControl } : {});

export function anthropicImageSource(source: ImageSource): Block {
  return source.kind === 'url'
    ? { type: 'url', url: source.url }
    : { type: 'base64', media_type: source.mediaType, data: source.data };
}

/** Anthropic wants an object; a model's malformed arguments are sent back as an empty one. */
function argumentsObject(text: string): unknown {
  try {
    const value: unknown = JSON.parse(text === '' ? '{}' : text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {};
  } catch {
    return {};
  }
}

function block(part: CanonicalContentPart): Block[] {
  switch (part.type) {
    case 'text':
      return part.text === '' ? [] : [{ type: 'text', text: part.text, ...withCache(part.cacheControl) }];
    case 'image':
      return [{ type: 'image', source: anthropicImageSource(part.source), ...withCache(part.cacheControl) }];
    case 'tool-call':
      return [{ type: 'tool_use', id: part.id, name: part.name, input: argumentsObject(part.arguments) }];
    case 'tool-result':
      return [
        {
          type: 'tool_result',
          tool_use_id: part.toolCallId,
          content: part.content.flatMap(block),
          ...(part.isError ? { is_error: true } : {}),
          ...withCache(part.cacheControl),
        },
      ];
    case 'reasoning':
      // Thinking is only accepted back with Anthropic's own signature; other providers' is dropped.
      if (part.redactedData !== undefined) return [{ type: 'redacted_thinking', data: part.redactedData }];
      return part.signature !== undefined ? [{ type: 'thinking', thinking: part.text, signature: part.signature }] : [];
    case 'refusal':
      return [{ type: 'text', text: part.text }];
    default:
      return assertNever(part);
  }
}

/** Tool results become user turns; consecutive turns of one role are merged into one. */
function anthropicMessages(messages: readonly CanonicalMessage[]): AnthropicMessage[] {
  const result: AnthropicMessage[] = [];
  for (const message of messages) {
    if (message.role === 'system' || message.role === 'developer') continue;
    const role = message.role === 'assistant' ? 'assistant' : 'user';
    const content = message.content.flatMap(block);
    if (content.length === 0) continue;
    const previous = result.at(-1);
    if (previous !== undefined && previous.role === role) previous.content.push(...content);
    else result.push({ role, content });
  }
  return result;
}

// Every system message, mid-conversation ones included, joins the top-level `system`: all Claude
// models accept that, while only recent ones take `role: "system"` turns, and then only in
// certain places, which a request translated from another protocol need not respect.
function systemBlocks(messages: readonly CanonicalMessage[]): Block[] {
  return messages
    .filter((message) => message.role === 'system' || message.role === 'developer')
    .flatMap((message) => message.content.flatMap(block).filter((candidate) => candidate.type === 'text'));
}

function anthropicToolChoice(choice: ToolChoice | undefined, parallelToolCalls: boolean | undefined): Block | undefined {
  const disableParallel = parallelToolCalls === false ? { disable_parallel_tool_use: true } : {};
  if (choice === undefined) return parallelToolCalls === false ? { type: 'auto', ...disableParallel } : undefined;
  if (choice === 'none') return { type: 'none' };
  if (choice === 'auto') return { type: 'auto', ...disableParallel };
  if (choice === 'required') return { type: 'any', ...disableParallel };
  return { type: 'tool', name: choice.name, ...disableParallel };
}

function thinkingBudget(request: CanonicalChatRequest): number | undefined {
  const reasoning = request.reasoning;
  if (reasoning === undefined) return undefined;
  return reasoning.budgetTokens ?? (reasoning.effort ? THINKING_BUDGET_BY_EFFORT[reasoning.effort] : undefined);
}

export function anthropicMessagesBody(
  request: CanonicalChatRequest,
  upstreamModel: string,
  stream: boolean,
  options: AnthropicRequestOptions,
): Record<string, unknown> {
  assertSingleChoice(request);
  const tools = functionToolsOnly(request, 'an Anthropic upstream');
  const budget = thinkingBudget(request);
  const requestedMax = request.sampling.maxOutputTokens ?? options.defaultMaxOutputTokens;
  const system = systemBlocks(request.messages);
  const toolChoice = anthropicToolChoice(request.toolChoice, request.parallelToolCalls);
  const format = request.responseFormat;
  // With thinking on, Anthropic refuses temperature and top_k other than the defaults.
  const sampling = budget === undefined ? request.sampling : { ...request.sampling, temperature: undefined, topK: undefined };
  return {
    ...passthroughFields(request, ['anthropic-messages']),
    model: upstreamModel,
    ...(system.length > 0 ? { system } : {}),
    messages: anthropicMessages(request.messages),
    max_tokens: budget === undefined ? requestedMax : Math.max(requestedMax, budget + ANSWER_TOKENS_BESIDE_THINKING),
    ...mapParameters(sampling, { temperature: 'temperature', topP: 'top_p', topK: 'top_k', stopSequences: 'stop_sequences' }),
    ...(budget !== undefined ? { thinking: { type: 'enabled', budget_tokens: budget } } : {}),
    ...(tools !== undefined && tools.length > 0
      ? {
          tools: tools.map((tool) => ({
            name: tool.name,
            ...(tool.description !== undefined ? { description: tool.description } : {}),
            input_schema: tool.parameters,
            ...withCache(tool.cacheControl),
          })),
        }
      : {}),
    ...(toolChoice !== undefined ? { tool_choice: toolChoice } : {}),
    ...(format?.type === 'json_schema' ? { output_config: { format: { type: 'json_schema', schema: format.schema } } } : {}),
    ...(request.user !== undefined ? { metadata: { user_id: request.user } } : {}),
    ...(stream ? { stream: true } : {}),
  };
}
