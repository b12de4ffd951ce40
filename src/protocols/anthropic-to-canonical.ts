// Anthropic Messages request (client side) -> canonical call. Tool results, which Anthropic puts
// in user turns, are split out into canonical `tool` messages placed before the turn's other
// content, as the canonical model requires.

import type { CacheControl, CanonicalCall, CanonicalContentPart, CanonicalMessage, CanonicalTool, ImagePart, TextPart, ToolChoice } from './canonical.ts';
import type { AnthropicBlockInput, AnthropicRequest } from './anthropic-schema.ts';
import { unmodelledFields } from './openai-chat-to-canonical.ts';
import { TranslationError } from './translation-error.ts';

const MODELLED_FIELDS = new Set([
  'model', 'max_tokens', 'messages', 'system', 'temperature', 'top_p', 'top_k', 'stop_sequences', 'stream', 'tools',
  'tool_choice', 'thinking', 'metadata', 'output_config',
]);

const cache = (control: AnthropicBlockInput['cache_control']): { cacheControl?: CacheControl } =>
  control ? { cacheControl: { type: 'ephemeral', ...(control.ttl ? { ttl: control.ttl } : {}) } } : {};

function toolResultContent(content: unknown, param: string): Array<TextPart | ImagePart> {
  if (content === undefined || content === null) return [];
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (!Array.isArray(content)) throw new TranslationError('invalid_request', 'tool_result content must be a string or blocks', param);
  return (content as AnthropicBlockInput[]).flatMap((block, index) =>
    contentPart(block, `${param}[${index}]`).filter((part): part is TextPart | ImagePart => part.type === 'text' || part.type === 'image'),
  );
}

function contentPart(block: AnthropicBlockInput, param: string): CanonicalContentPart[] {
  switch (block.type) {
    case 'text':
      return [{ type: 'text', text: block.text ?? '', ...cache(block.cache_control) }];
    case 'image': {
      const source = block.source;
      if (source === undefined) throw new TranslationError('invalid_request', 'image block without source', param);
      const image = source.type === 'url' ? { kind: 'url' as const, url: source.url } : { kind: 'base64' as const, mediaType: source.media_type, data: source.data };
      return [{ type: 'image', source: image, ...cache(block.cache_control) }];
    }
    case 'tool_use':
      return [{ type: 'tool-call', id: block.id ?? '', name: block.name ?? '', arguments: JSON.stringify(block.input ?? {}) }];
    case 'tool_result':
      return [
        {
          type: 'tool-result',
          toolCallId: block.tool_use_id ?? '',
          content: toolResultContent(block.content, `${param}.content`),
          ...(block.is_error ? { isError: true } : {}),
          ...cache(block.cache_control),
        },
      ];
    case 'thinking':
      return [{ type: 'reasoning', text: block.thinking ?? '', ...(block.signature ? { signature: block.signature } : {}) }];
    case 'redacted_thinking':
      return [{ type: 'reasoning', text: '', redactedData: block.data ?? '' }];
    default:
      throw new TranslationError('unsupported_content', `content blocks of type "${block.type}" are not supported`, param);
  }
}

function messages(request: AnthropicRequest): CanonicalMessage[] {
  return request.messages.flatMap((message, index): CanonicalMessage[] => {
    const blocks: AnthropicBlockInput[] = typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content;
    const parts = blocks.flatMap((block, blockIndex) => contentPart(block, `messages[${index}].content[${blockIndex}]`));
    // A mid-conversation system message keeps its place: the canonical model allows system
    // messages anywhere, and each upstream adapter decides where its wire format can carry them.
    if (message.role === 'assistant' || message.role === 'system') return [{ role: message.role, content: parts }];
    const results = parts.filter((part) => part.type === 'tool-result');
    const rest = parts.filter((part) => part.type !== 'tool-result');
    return [
      ...(results.length > 0 ? [{ role: 'tool' as const, content: results }] : []),
      ...(rest.length > 0 ? [{ role: 'user' as const, content: rest }] : []),
    ];
  });
}

function systemMessages(system: AnthropicRequest['system']): CanonicalMessage[] {
  if (system === undefined) return [];
  const blocks: AnthropicBlockInput[] = typeof system === 'string' ? [{ type: 'text', text: system }] : system;
  return [{ role: 'system', content: blocks.flatMap((block, index) => contentPart(block, `system[${index}]`)) }];
}

/** Anthropic's typed tools (web_search_20250305, bash_..., computer_...) run on Anthropic's side. */
function tools(request: AnthropicRequest): CanonicalTool[] | undefined {
  return request.tools?.map((tool): CanonicalTool => {
    if (tool.type !== undefined && tool.type !== 'custom') return { type: 'hosted', name: tool.type, options: { ...tool } };
    return {
      type: 'function',
      name: tool.name,
      ...(tool.description !== undefined ? { description: tool.description } : {}),
      parameters: tool.input_schema ?? { type: 'object', properties: {} },
      ...cache(tool.cache_control),
    };
  });
}

function toolChoice(choice: AnthropicRequest['tool_choice']): ToolChoice | undefined {
  switch (choice?.type) {
    case undefined:
      return undefined;
    case 'auto':
    case 'none':
      return choice.type;
    case 'any':
      return 'required';
    case 'tool':
      return { type: 'tool', name: choice.name ?? '' };
  }
}

export function anthropicToCanonical(request: AnthropicRequest): CanonicalCall {
  const canonicalTools = tools(request);
  const choice = toolChoice(request.tool_choice);
  const budget = request.thinking?.type === 'enabled' ? request.thinking.budget_tokens : undefined;
  const format = request.output_config?.format;
  const extraFields = unmodelledFields(request, MODELLED_FIELDS);
  const sampling = Object.fromEntries(
    Object.entries({
      maxOutputTokens: request.max_tokens,
      temperature: request.temperature,
      topP: request.top_p,
      topK: request.top_k,
      stopSequences: request.stop_sequences,
    }).filter(([, value]) => value !== undefined),
  );
  return {
    model: request.model,
    stream: request.stream === true,
    // Anthropic streams always carry usage in message_start and message_delta.
    includeUsage: true,
    request: {
      messages: [...systemMessages(request.system), ...messages(request)],
      sampling,
      ...(canonicalTools !== undefined ? { tools: canonicalTools } : {}),
      ...(choice !== undefined ? { toolChoice: choice } : {}),
      ...(request.tool_choice?.disable_parallel_tool_use ? { parallelToolCalls: false } : {}),
      ...(budget !== undefined ? { reasoning: { budgetTokens: budget } } : {}),
      ...(format ? { responseFormat: { type: 'json_schema', name: 'output', schema: format.schema } } : {}),
      ...(request.metadata?.user_id ? { user: request.metadata.user_id } : {}),
      ...(Object.keys(extraFields).length > 0 ? { extra: { origin: 'anthropic-messages', fields: extraFields } } : {}),
    },
  };
}
