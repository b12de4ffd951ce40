// OpenAI Chat Completions request (client side) -> canonical call.

import {
  assertNever,
  type CanonicalCall,
  type CanonicalContentPart,
  type CanonicalMessage,
  type CanonicalTool,
  type ImagePart,
  type ResponseFormat,
  type SamplingParameters,
  type TextPart,
  type ToolChoice,
} from './canonical.ts';
import type { OpenAIChatMessageInput, OpenAIChatRequest, OpenAIContentPartInput } from './openai-chat-schema.ts';
import { TranslationError } from './translation-error.ts';

/** Request fields this translation consumes; every other field travels on in `extra`. */
const MODELLED_FIELDS = new Set([
  'model', 'messages', 'tools', 'tool_choice', 'parallel_tool_calls', 'temperature', 'top_p', 'max_tokens',
  'max_completion_tokens', 'stop', 'seed', 'n', 'presence_penalty', 'frequency_penalty', 'response_format',
  'reasoning_effort', 'metadata', 'user', 'stream', 'stream_options', 'web_search_options',
]);

const DATA_URL = /^data:([^;,]+);base64,(.*)$/s;

export function imagePartFromUrl(url: string, detail?: 'auto' | 'low' | 'high'): ImagePart {
  const match = DATA_URL.exec(url);
  if (match !== null) return { type: 'image', source: { kind: 'base64', mediaType: match[1] ?? '', data: match[2] ?? '' } };
  return { type: 'image', source: { kind: 'url', url, ...(detail ? { detail } : {}) } };
}

function contentPart(part: OpenAIContentPartInput, param: string): CanonicalContentPart {
  switch (part.type) {
    case 'text':
      return { type: 'text', text: part.text ?? '' };
    case 'refusal':
      return { type: 'refusal', text: part.refusal ?? '' };
    case 'image_url':
      if (part.image_url === undefined) throw new TranslationError('invalid_request', 'image_url part without image_url', param);
      return imagePartFromUrl(part.image_url.url, part.image_url.detail);
    default:
      throw new TranslationError('unsupported_content', `content parts of type "${part.type}" are not supported`, param);
  }
}

function contentParts(content: OpenAIChatMessageInput['content'], param: string): CanonicalContentPart[] {
  if (content === null || content === undefined) return [];
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  return content.map((part, index) => contentPart(part, `${param}[${index}]`));
}

function toolResultContent(parts: CanonicalContentPart[]): Array<TextPart | ImagePart> {
  return parts.filter((part): part is TextPart | ImagePart => part.type === 'text' || part.type === 'image');
}

function message(input: OpenAIChatMessageInput, index: number): CanonicalMessage {
  const param = `messages[${index}].content`;
  const name = input.name !== undefined ? { name: input.name } : {};
  switch (input.role) {
    case 'system':
    case 'developer':
    case 'user':
      return { role: input.role, content: contentParts(input.content, param), ...name };
    case 'assistant': {
      const reasoning: CanonicalContentPart[] = input.reasoning_content ? [{ type: 'reasoning', text: input.reasoning_content }] : [];
      const refusal: CanonicalContentPart[] = input.refusal ? [{ type: 'refusal', text: input.refusal }] : [];
      const calls: CanonicalContentPart[] = (input.tool_calls ?? []).map((call) => ({
        type: 'tool-call',
        id: call.id,
        name: call.function.name,
        arguments: call.function.arguments,
      }));
      return { role: 'assistant', content: [...reasoning, ...contentParts(input.content, param), ...refusal, ...calls], ...name };
    }
    case 'tool':
      if (input.tool_call_id === undefined) throw new TranslationError('invalid_request', 'a tool message needs tool_call_id', `messages[${index}].tool_call_id`);
      return { role: 'tool', content: [{ type: 'tool-result', toolCallId: input.tool_call_id, content: toolResultContent(contentParts(input.content, param)) }] };
    case 'function':
      throw new TranslationError('unsupported_content', 'the deprecated "function" role is not supported; use tool messages', `messages[${index}].role`);
    default:
      return assertNever(input.role);
  }
}

function tools(request: OpenAIChatRequest): CanonicalTool[] | undefined {
  const hosted: CanonicalTool[] = request.web_search_options ? [{ type: 'hosted', name: 'web_search', options: request.web_search_options }] : [];
  if (request.tools === undefined && hosted.length === 0) return undefined;
  const functions = (request.tools ?? []).map((tool, index): CanonicalTool => {
    if (tool.type !== 'function' || tool.function === undefined) {
      throw new TranslationError('unsupported_parameter', `tools of type "${tool.type}" are not supported`, `tools[${index}]`);
    }
    const { name, description, parameters, strict } = tool.function;
    return {
      type: 'function',
      name,
      ...(description !== undefined ? { description } : {}),
      parameters: parameters ?? { type: 'object', properties: {} },
      ...(strict !== undefined && strict !== null ? { strict } : {}),
    };
  });
  return [...functions, ...hosted];
}

function toolChoice(choice: OpenAIChatRequest['tool_choice']): ToolChoice | undefined {
  if (choice === undefined || typeof choice === 'string') return choice;
  return { type: 'tool', name: choice.function.name };
}

function responseFormat(format: OpenAIChatRequest['response_format']): ResponseFormat | undefined {
  if (format === undefined || format.type !== 'json_schema') return format === undefined ? undefined : { type: format.type };
  const { name, description, schema, strict } = format.json_schema;
  return {
    type: 'json_schema',
    name,
    schema: schema ?? {},
    ...(description !== undefined ? { description } : {}),
    ...(strict !== undefined && strict !== null ? { strict } : {}),
  };
}

/** The sampling fields OpenAI's chat and legacy completions requests share. */
export interface OpenAISamplingFields {
  temperature?: number | null;
  top_p?: number | null;
  stop?: string | string[] | null;
  seed?: number | null;
  n?: number | null;
  presence_penalty?: number | null;
  frequency_penalty?: number | null;
}

export function openAISampling(request: OpenAISamplingFields, maxOutputTokens: number | null | undefined): SamplingParameters {
  const stop = request.stop;
  const defined = Object.entries({
    temperature: request.temperature,
    topP: request.top_p,
    maxOutputTokens,
    stopSequences: stop === null || stop === undefined ? undefined : typeof stop === 'string' ? [stop] : stop,
    seed: request.seed,
    choiceCount: request.n,
    presencePenalty: request.presence_penalty,
    frequencyPenalty: request.frequency_penalty,
  }).filter(([, value]) => value !== undefined && value !== null);
  return Object.fromEntries(defined) as SamplingParameters;
}

function sampling(request: OpenAIChatRequest): SamplingParameters {
  return openAISampling(request, request.max_completion_tokens ?? request.max_tokens);
}

export function unmodelledFields(body: Record<string, unknown>, modelled: ReadonlySet<string>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([key]) => !modelled.has(key)));
}

export function openAIChatToCanonical(request: OpenAIChatRequest): CanonicalCall {
  const canonicalTools = tools(request);
  const choice = toolChoice(request.tool_choice);
  const format = responseFormat(request.response_format);
  const extraFields = unmodelledFields(request, MODELLED_FIELDS);
  return {
    model: request.model,
    stream: request.stream === true,
    includeUsage: request.stream_options?.include_usage === true,
    request: {
      messages: request.messages.map(message),
      sampling: sampling(request),
      ...(canonicalTools !== undefined ? { tools: canonicalTools } : {}),
      ...(choice !== undefined ? { toolChoice: choice } : {}),
      ...(request.parallel_tool_calls !== undefined ? { parallelToolCalls: request.parallel_tool_calls } : {}),
      ...(format !== undefined ? { responseFormat: format } : {}),
      ...(request.reasoning_effort ? { reasoning: { effort: request.reasoning_effort } } : {}),
      ...(request.metadata ? { metadata: request.metadata } : {}),
      ...(request.user !== undefined ? { user: request.user } : {}),
      ...(Object.keys(extraFields).length > 0 ? { extra: { origin: 'openai-chat', fields: extraFields } } : {}),
    },
  };
}
