// Anthropic Messages response body -> canonical result.

import type { CanonicalChatResult, CanonicalContentPart } from '../../protocols/canonical.ts';
import { finishFromAnthropic } from '../../protocols/finish-reasons.ts';
import { usageFromAnthropic } from '../../protocols/usage-mapping.ts';
import { invalidResponseError } from '../http-errors.ts';
import { anthropicMessageSchema, type AnthropicContentBlock } from './wire.ts';

/**
 * Blocks Lumen cannot relay (server tool results, a `fallback` marker) are left out; they carry
 * nothing a client of another protocol could act on.
 */
export function contentPartFromAnthropic(block: AnthropicContentBlock): CanonicalContentPart[] {
  switch (block.type) {
    case 'text':
      return [{ type: 'text', text: block.text ?? '' }];
    case 'thinking':
      return [{ type: 'reasoning', text: block.thinking ?? '', ...(block.signature ? { signature: block.signature } : {}) }];
    case 'redacted_thinking':
      return [{ type: 'reasoning', text: '', redactedData: block.data ?? '' }];
    case 'tool_use':
      return [{ type: 'tool-call', id: block.id ?? '', name: block.name ?? '', arguments: JSON.stringify(block.input ?? {}) }];
    default:
      return [];
  }
}

export function chatResultFromAnthropic(body: unknown, providerId: string, requestedModel: string): CanonicalChatResult {
  const parsed = anthropicMessageSchema.safeParse(body);
  if (!parsed.success) throw invalidResponseError(providerId, parsed.error.message);
  const message = parsed.data;
  const content = message.content.flatMap(contentPartFromAnthropic);
  // A refusal comes with an explanation but no content; it becomes the refusal text.
  const explanation = message.stop_details?.explanation;
  if (message.stop_reason === 'refusal' && explanation) content.push({ type: 'refusal', text: explanation });
  return {
    id: message.id,
    model: message.model ?? requestedModel,
    content,
    finish: finishFromAnthropic(message.stop_reason),
    ...(message.usage ? { usage: usageFromAnthropic(message.usage) } : {}),
  };
}
