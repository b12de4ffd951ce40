// OpenAI Chat Completions response body -> canonical result.

import type { CanonicalChatResult, CanonicalContentPart } from '../../protocols/canonical.ts';
import { finishFromOpenAI } from '../../protocols/finish-reasons.ts';
import { usageFromOpenAI } from '../../protocols/usage-mapping.ts';
import { invalidResponseError } from '../http-errors.ts';
import { openAIChatResponseSchema, openAICompletionResponseSchema } from './wire.ts';

export function chatResultFromOpenAI(body: unknown, providerId: string, requestedModel: string): CanonicalChatResult {
  const parsed = openAIChatResponseSchema.safeParse(body);
  if (!parsed.success) throw invalidResponseError(providerId, parsed.error.message);
  const response = parsed.data;
  const choice = response.choices.find((candidate) => (candidate.index ?? 0) === 0) ?? response.choices[0];
  if (choice === undefined) throw invalidResponseError(providerId, 'no choices');
  const message = choice.message;
  const content: CanonicalContentPart[] = [];
  const reasoning = message.reasoning_content ?? message.reasoning;
  if (reasoning) content.push({ type: 'reasoning', text: reasoning });
  if (message.content) content.push({ type: 'text', text: message.content });
  if (message.refusal) content.push({ type: 'refusal', text: message.refusal });
  for (const call of message.tool_calls ?? []) {
    content.push({ type: 'tool-call', id: call.id, name: call.function.name, arguments: call.function.arguments ?? '' });
  }
  return {
    id: response.id ?? '',
    model: response.model ?? requestedModel,
    content,
    finish: finishFromOpenAI(choice.finish_reason),
    ...(response.usage ? { usage: usageFromOpenAI(response.usage) } : {}),
  };
}

export function completionResultFromOpenAI(body: unknown, providerId: string, requestedModel: string): CanonicalChatResult {
  const parsed = openAICompletionResponseSchema.safeParse(body);
  if (!parsed.success) throw invalidResponseError(providerId, parsed.error.message);
  const response = parsed.data;
  const choice = response.choices[0];
  if (choice === undefined) throw invalidResponseError(providerId, 'no choices');
  return {
    id: response.id ?? '',
    model: response.model ?? requestedModel,
    content: choice.text ? [{ type: 'text', text: choice.text }] : [],
    finish: finishFromOpenAI(choice.finish_reason),
    ...(response.usage ? { usage: usageFromOpenAI(response.usage) } : {}),
  };
}
