// Canonical result -> OpenAI Chat Completions response body (non-stream), plus the error body
// shape OpenAI clients expect. Typed against the OpenAI SDK's own definitions.

import type { ChatCompletion, ChatCompletionMessageToolCall } from 'openai/resources/chat/completions';
import type { CanonicalChatResult, CanonicalContentPart } from './canonical.ts';
import { finishToOpenAI } from './finish-reasons.ts';
import { usageToOpenAI } from './usage-mapping.ts';

/** Lumen's own identity for the answer: its id, the model name the client asked for, the time. */
export interface ResponseIdentity {
  id: string;
  model: string;
  /** Unix seconds, supplied by the caller (translation never reads a clock). */
  createdSeconds: number;
}

export interface AssistantMessageFields {
  content: string | null;
  refusal: string | null;
  reasoning: string | null;
  toolCalls: ChatCompletionMessageToolCall[];
}

export function assistantMessageFields(content: readonly CanonicalContentPart[]): AssistantMessageFields {
  const texts: string[] = [];
  const refusals: string[] = [];
  const reasoning: string[] = [];
  const toolCalls: ChatCompletionMessageToolCall[] = [];
  for (const part of content) {
    if (part.type === 'text') texts.push(part.text);
    else if (part.type === 'refusal') refusals.push(part.text);
    else if (part.type === 'reasoning' && part.text !== '') reasoning.push(part.text);
    else if (part.type === 'tool-call') toolCalls.push({ id: part.id, type: 'function', function: { name: part.name, arguments: part.arguments } });
  }
  return {
    content: texts.length > 0 ? texts.join('') : null,
    refusal: refusals.length > 0 ? refusals.join('') : null,
    reasoning: reasoning.length > 0 ? reasoning.join('') : null,
    toolCalls,
  };
}

/**
 * Reasoning travels as `reasoning_content`, the field DeepSeek-style clients read; OpenAI's own
 * SDK ignores it.
 */
export function canonicalToOpenAIChat(result: CanonicalChatResult, identity: ResponseIdentity): ChatCompletion {
  const fields = assistantMessageFields(result.content);
  const message = {
    role: 'assistant' as const,
    content: fields.content,
    refusal: fields.refusal,
    ...(fields.reasoning !== null ? { reasoning_content: fields.reasoning } : {}),
    ...(fields.toolCalls.length > 0 ? { tool_calls: fields.toolCalls } : {}),
    annotations: [],
  };
  return {
    id: identity.id,
    object: 'chat.completion',
    created: identity.createdSeconds,
    model: identity.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishToOpenAI(result.finish) }],
    ...(result.usage !== undefined ? { usage: usageToOpenAI(result.usage) } : {}),
  };
}

export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export function openAIErrorBody(error: { message: string; type: string; param?: string; code?: string }): OpenAIErrorBody {
  return { error: { message: error.message, type: error.type, param: error.param ?? null, code: error.code ?? null } };
}
