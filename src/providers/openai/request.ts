// Canonical request -> OpenAI Chat Completions request body.

import type {
  ChatCompletionContentPart,
  ChatCompletionMessageParam,
  ChatCompletionMessageToolCall,
} from 'openai/resources/chat/completions';
import {
  assertNever,
  type CanonicalChatRequest,
  type CanonicalMessage,
  type ImageSource,
  type ResponseFormat,
  type SamplingParameters,
  type ToolChoice,
} from '../../protocols/canonical.ts';
import { assertSingleChoice, functionToolsOnly, joinText, mapParameters, passthroughFields } from '../request-guards.ts';

export interface OpenAIRequestOptions {
  /**
   * OpenAI's reasoning models refuse `max_tokens`; some compatible servers only know it.
   * Configured per provider.
   */
  maxTokensField: 'max_completion_tokens' | 'max_tokens';
}

const SAMPLING_TABLE: { [Key in keyof SamplingParameters]?: string } = {
  temperature: 'temperature',
  topP: 'top_p',
  stopSequences: 'stop',
  seed: 'seed',
  presencePenalty: 'presence_penalty',
  frequencyPenalty: 'frequency_penalty',
};

export function imageUrl(source: ImageSource): string {
  return source.kind === 'url' ? source.url : `data:${source.mediaType};base64,${source.data}`;
}

function userContent(message: CanonicalMessage): string | ChatCompletionContentPart[] {
  const onlyText = message.content.every((part) => part.type === 'text');
  if (onlyText) return joinText(message.content);
  return message.content.flatMap((part): ChatCompletionContentPart[] => {
    if (part.type === 'text') return [{ type: 'text', text: part.text }];
    if (part.type === 'image') {
      const detail = part.source.kind === 'url' ? part.source.detail : undefined;
      return [{ type: 'image_url', image_url: { url: imageUrl(part.source), ...(detail ? { detail } : {}) } }];
    }
    return [];
  });
}

function assistantMessage(message: CanonicalMessage): ChatCompletionMessageParam {
  const toolCalls: ChatCompletionMessageToolCall[] = [];
  let refusal: string | undefined;
  for (const part of message.content) {
    if (part.type === 'tool-call') {
      toolCalls.push({ id: part.id, type: 'function', function: { name: part.name, arguments: part.arguments } });
    } else if (part.type === 'refusal') {
      refusal = (refusal ?? '') + part.text;
    }
  }
  const text = joinText(message.content);
  return {
    role: 'assistant',
    // OpenAI wants null, not "", beside tool calls.
    content: text === '' && (toolCalls.length > 0 || refusal !== undefined) ? null : text,
    ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
    ...(refusal !== undefined ? { refusal } : {}),
    ...(message.name !== undefined ? { name: message.name } : {}),
  };
}

/** One canonical tool message may carry several results; OpenAI wants one message per call. */
function toolMessages(message: CanonicalMessage): ChatCompletionMessageParam[] {
  return message.content.flatMap((part): ChatCompletionMessageParam[] =>
    part.type === 'tool-result' ? [{ role: 'tool', tool_call_id: part.toolCallId, content: joinText(part.content) }] : [],
  );
}

export function openAIMessages(messages: readonly CanonicalMessage[]): ChatCompletionMessageParam[] {
  return messages.flatMap((message): ChatCompletionMessageParam[] => {
    const name = message.name !== undefined ? { name: message.name } : {};
    switch (message.role) {
      case 'system':
        return [{ role: 'system', content: joinText(message.content), ...name }];
      case 'developer':
        return [{ role: 'developer', content: joinText(message.content), ...name }];
      case 'user':
        return [{ role: 'user', content: userContent(message), ...name }];
      case 'assistant':
        return [assistantMessage(message)];
      case 'tool':
        return toolMessages(message);
      default:
        return assertNever(message.role);
    }
  });
}

export function openAIToolChoice(choice: ToolChoice): unknown {
  return typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.name } };
}

export function openAIResponseFormat(format: ResponseFormat): unknown {
  switch (format.type) {
    case 'text':
    case 'json_object':
      return { type: format.type };
    case 'json_schema': {
      const { name, schema, description, strict } = format;
      return { type: 'json_schema', json_schema: { name, schema, ...(description ? { description } : {}), ...(strict !== undefined ? { strict } : {}) } };
    }
    default:
      return assertNever(format);
  }
}

export function openAIChatBody(
  request: CanonicalChatRequest,
  upstreamModel: string,
  stream: boolean,
  options: OpenAIRequestOptions,
): Record<string, unknown> {
  assertSingleChoice(request);
  const tools = functionToolsOnly(request, 'an OpenAI Chat Completions upstream');
  const maxTokens = request.sampling.maxOutputTokens;
  return {
    ...passthroughFields(request, ['openai-chat', 'openai-completions']),
    model: upstreamModel,
    messages: openAIMessages(request.messages),
    ...mapParameters(request.sampling, SAMPLING_TABLE),
    ...(maxTokens !== undefined ? { [options.maxTokensField]: maxTokens } : {}),
    ...(tools !== undefined && tools.length > 0
      ? {
          tools: tools.map((tool) => ({
            type: 'function',
            function: {
              name: tool.name,
              ...(tool.description !== undefined ? { description: tool.description } : {}),
              parameters: tool.parameters,
              ...(tool.strict !== undefined ? { strict: tool.strict } : {}),
            },
          })),
        }
      : {}),
    ...(request.toolChoice !== undefined ? { tool_choice: openAIToolChoice(request.toolChoice) } : {}),
    ...(request.parallelToolCalls !== undefined ? { parallel_tool_calls: request.parallelToolCalls } : {}),
    ...(request.responseFormat !== undefined ? { response_format: openAIResponseFormat(request.responseFormat) } : {}),
    ...(request.reasoning?.effort !== undefined ? { reasoning_effort: request.reasoning.effort } : {}),
    ...(request.user !== undefined ? { user: request.user } : {}),
    // Lumen bills from the provider's own count, so a stream must always carry usage.
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  };
}
