// Canonical result / stream -> Anthropic Messages response body and named SSE events
// (message_start, ping, content_block_start/delta/stop, message_delta, message_stop, error).
// The caller frames each event with sseFrame(event.data, event.event).

import { assertNever, type CanonicalChatResult, type CanonicalContentPart, type CanonicalStreamPart, type CanonicalUsage } from './canonical.ts';
import type { ResponseIdentity } from './canonical-to-openai-chat.ts';
import { finishToAnthropic } from './finish-reasons.ts';
import { usageToAnthropic } from './usage-mapping.ts';

export interface AnthropicEvent {
  event: string;
  data: Record<string, unknown>;
}

function argumentsObject(text: string): unknown {
  try {
    return JSON.parse(text === '' ? '{}' : text);
  } catch {
    return {};
  }
}

function block(part: CanonicalContentPart): Record<string, unknown>[] {
  switch (part.type) {
    case 'text':
      return [{ type: 'text', text: part.text, citations: null }];
    case 'refusal':
      return [{ type: 'text', text: part.text, citations: null }];
    case 'reasoning':
      if (part.redactedData !== undefined) return [{ type: 'redacted_thinking', data: part.redactedData }];
      return [{ type: 'thinking', thinking: part.text, signature: part.signature ?? '' }];
    case 'tool-call':
      return [{ type: 'tool_use', id: part.id, name: part.name, input: argumentsObject(part.arguments) }];
    case 'image':
    case 'tool-result':
      return [];
    default:
      return assertNever(part);
  }
}

export function canonicalToAnthropic(result: CanonicalChatResult, identity: ResponseIdentity): Record<string, unknown> {
  return {
    id: identity.id,
    type: 'message',
    role: 'assistant',
    model: identity.model,
    content: result.content.flatMap(block),
    stop_reason: finishToAnthropic(result.finish),
    stop_sequence: null,
    usage: usageToAnthropic(result.usage ?? { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, cacheCreationInputTokens: 0, reasoningTokens: 0 }),
  };
}

/** Anthropic's own error type names; a stream error from another provider is named by its status. */
const ANTHROPIC_ERROR_TYPES = new Set(['invalid_request_error', 'authentication_error', 'billing_error', 'permission_error',
  'not_found_error', 'request_too_large', 'rate_limit_error', 'api_error', 'overloaded_error', 'timeout_error']);
const ANTHROPIC_TYPE_BY_STATUS: Record<number, string> = { 400: 'invalid_request_error', 401: 'authentication_error',
  402: 'billing_error', 403: 'permission_error', 404: 'not_found_error', 413: 'request_too_large', 429: 'rate_limit_error',
  504: 'timeout_error', 529: 'overloaded_error', 503: 'overloaded_error' };

export function anthropicErrorType(status: number, type: string): string {
  if (ANTHROPIC_ERROR_TYPES.has(type)) return type;
  return ANTHROPIC_TYPE_BY_STATUS[status] ?? 'api_error';
}

export function anthropicErrorBody(error: { type: string; message: string }): Record<string, unknown> {
  return { type: 'error', error: { type: error.type, message: error.message } };
}

type OpenBlockKind = 'text' | 'thinking' | 'tool_use';

export class AnthropicStreamEncoder {
  private readonly identity: ResponseIdentity;
  private started = false;
  private blockIndex = -1;
  private openBlock: OpenBlockKind | undefined;
  private usage: CanonicalUsage | undefined;

  constructor(identity: ResponseIdentity) {
    this.identity = identity;
  }

  encode(part: CanonicalStreamPart): AnthropicEvent[] {
    const events = this.start();
    switch (part.type) {
      case 'response-metadata':
        return events;
      case 'tool-call-end':
        return [...events, ...this.closeBlock()];
      case 'text-delta':
      case 'refusal-delta':
        return [...events, ...this.ensureBlock('text', { type: 'text', text: '' }), this.delta({ type: 'text_delta', text: part.text })];
      case 'reasoning-delta':
        return [...events, ...this.reasoning(part)];
      case 'tool-call-start':
        return [...events, ...this.closeBlock(), ...this.openNewBlock('tool_use', { type: 'tool_use', id: part.id, name: part.name, input: {} })];
      case 'tool-call-delta':
        return [...events, this.delta({ type: 'input_json_delta', partial_json: part.argumentsDelta })];
      case 'usage':
        this.usage = part.usage;
        return events;
      case 'finish':
        return [
          ...events,
          ...this.closeBlock(),
          {
            event: 'message_delta',
            data: { type: 'message_delta', delta: { stop_reason: finishToAnthropic(part.finish), stop_sequence: null }, usage: this.usage ? usageToAnthropic(this.usage) : { output_tokens: 0 } },
          },
          { event: 'message_stop', data: { type: 'message_stop' } },
        ];
      case 'error':
        return [...events, { event: 'error', data: anthropicErrorBody({ type: anthropicErrorType(part.error.status, part.error.type),
          message: part.error.message }) }];
      default:
        return assertNever(part);
    }
  }

  /** Usage is unknown when the stream opens; the totals follow in message_delta. */
  private start(): AnthropicEvent[] {
    if (this.started) return [];
    this.started = true;
    const message = {
      id: this.identity.id,
      type: 'message',
      role: 'assistant',
      model: this.identity.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 0, output_tokens: 0 },
    };
    return [
      { event: 'message_start', data: { type: 'message_start', message } },
      { event: 'ping', data: { type: 'ping' } },
    ];
  }

  private reasoning(part: Extract<CanonicalStreamPart, { type: 'reasoning-delta' }>): AnthropicEvent[] {
    if (part.redactedData !== undefined) {
      return [...this.closeBlock(), ...this.openNewBlock('thinking', { type: 'redacted_thinking', data: part.redactedData }), ...this.closeBlock()];
    }
    const events = this.ensureBlock('thinking', { type: 'thinking', thinking: '', signature: '' });
    if (part.text !== '') events.push(this.delta({ type: 'thinking_delta', thinking: part.text }));
    if (part.signature !== undefined) events.push(this.delta({ type: 'signature_delta', signature: part.signature }));
    return events;
  }

  private ensureBlock(kind: OpenBlockKind, contentBlock: Record<string, unknown>): AnthropicEvent[] {
    if (this.openBlock === kind) return [];
    return [...this.closeBlock(), ...this.openNewBlock(kind, contentBlock)];
  }

  private openNewBlock(kind: OpenBlockKind, contentBlock: Record<string, unknown>): AnthropicEvent[] {
    this.blockIndex += 1;
    this.openBlock = kind;
    return [{ event: 'content_block_start', data: { type: 'content_block_start', index: this.blockIndex, content_block: contentBlock } }];
  }

  private closeBlock(): AnthropicEvent[] {
    if (this.openBlock === undefined) return [];
    this.openBlock = undefined;
    return [{ event: 'content_block_stop', data: { type: 'content_block_stop', index: this.blockIndex } }];
  }

  private delta(delta: Record<string, unknown>): AnthropicEvent {
    return { event: 'content_block_delta', data: { type: 'content_block_delta', index: this.blockIndex, delta } };
  }
}
