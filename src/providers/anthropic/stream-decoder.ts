// Anthropic Messages stream events -> canonical stream parts. Anthropic numbers content blocks,
// not tool calls, so tool blocks are renumbered 0, 1, ... ; usage arrives in two halves
// (message_start, message_delta) and is emitted once, merged, at message_stop.

import { assertNever, type CanonicalStreamPart, type Finish } from '../../protocols/canonical.ts';
import { finishFromAnthropic } from '../../protocols/finish-reasons.ts';
import { usageFromAnthropic } from '../../protocols/usage-mapping.ts';
import type { SseEvent } from '../sse.ts';
import { StreamProtocolError, type StreamDecoder } from '../stream-driver.ts';
import { statusForAnthropicErrorType } from './errors.ts';
import { anthropicStreamEventSchema, type AnthropicContentBlock, type AnthropicStreamEvent, type AnthropicUsage } from './wire.ts';

const KNOWN_EVENTS = new Set(['message_start', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop', 'ping', 'error']);

type OpenBlock = { kind: 'text' | 'reasoning' | 'ignored' } | { kind: 'tool'; toolIndex: number; hasArguments: boolean };

export class AnthropicStreamDecoder implements StreamDecoder {
  private started = false;
  private usage: AnthropicUsage = {};
  private finish: Finish | undefined;
  private readonly blocks = new Map<number, OpenBlock>();
  private toolCount = 0;

  decode(event: SseEvent): CanonicalStreamPart[] {
    let json: unknown;
    try {
      json = JSON.parse(event.data);
    } catch {
      throw new StreamProtocolError('invalid_chunk_json', 'an Anthropic stream event is not JSON');
    }
    const type = (json as { type?: unknown } | null)?.type;
    // Event types added after this code was written are skipped, as Anthropic's versioning asks.
    if (typeof type !== 'string' || !KNOWN_EVENTS.has(type)) return [];
    const parsed = anthropicStreamEventSchema.safeParse(json);
    if (!parsed.success) throw new StreamProtocolError('invalid_chunk', parsed.error.message);
    return this.decodeEvent(parsed.data);
  }

  end(): CanonicalStreamPart[] {
    if (this.finish === undefined) {
      return [{ type: 'error', error: { status: 502, type: 'provider_stream_truncated', message: 'the upstream stream ended before message_stop' } }];
    }
    return [{ type: 'usage', usage: usageFromAnthropic(this.usage) }, { type: 'finish', finish: this.finish }];
  }

  private decodeEvent(event: AnthropicStreamEvent): CanonicalStreamPart[] {
    if (!this.started && event.type !== 'message_start' && event.type !== 'ping' && event.type !== 'error') {
      throw new StreamProtocolError('missing_message_start', `Anthropic stream sent ${event.type} before message_start`);
    }
    switch (event.type) {
      case 'message_start':
        if (this.started) throw new StreamProtocolError('duplicate_message_start', 'Anthropic stream sent a second message_start');
        this.started = true;
        this.mergeUsage(event.message.usage);
        return [{ type: 'response-metadata', id: event.message.id, model: event.message.model ?? '' }];
      case 'content_block_start':
        return this.startBlock(event.index, event.content_block);
      case 'content_block_delta':
        return this.blockDelta(event.index, event.delta);
      case 'content_block_stop':
        return this.stopBlock(event.index);
      case 'message_delta': {
        this.mergeUsage(event.usage);
        this.finish = finishFromAnthropic(event.delta.stop_reason);
        const explanation = event.delta.stop_details?.explanation;
        return event.delta.stop_reason === 'refusal' && explanation ? [{ type: 'refusal-delta', text: explanation }] : [];
      }
      case 'message_stop':
        return this.end();
      case 'ping':
        return [];
      case 'error': {
        const status = statusForAnthropicErrorType(event.error.type);
        return [{ type: 'error', error: { status, type: event.error.type ?? 'api_error', message: event.error.message ?? 'upstream stream error' } }];
      }
      default:
        return assertNever(event);
    }
  }

  private mergeUsage(usage: AnthropicUsage | null | undefined): void {
    if (!usage) return;
    const defined = Object.entries(usage).filter(([, value]) => value !== null && value !== undefined);
    this.usage = { ...this.usage, ...Object.fromEntries(defined) };
  }

  private startBlock(index: number, block: AnthropicContentBlock): CanonicalStreamPart[] {
    if (this.blocks.has(index)) throw new StreamProtocolError('duplicate_content_block', `Anthropic stream restarted block ${index}`);
    switch (block.type) {
      case 'text':
        this.blocks.set(index, { kind: 'text' });
        return block.text ? [{ type: 'text-delta', text: block.text }] : [];
      case 'thinking':
        this.blocks.set(index, { kind: 'reasoning' });
        return block.thinking ? [{ type: 'reasoning-delta', text: block.thinking }] : [];
      case 'redacted_thinking':
        this.blocks.set(index, { kind: 'reasoning' });
        return [{ type: 'reasoning-delta', text: '', redactedData: block.data ?? '' }];
      case 'tool_use': {
        const toolIndex = this.toolCount++;
        this.blocks.set(index, { kind: 'tool', toolIndex, hasArguments: false });
        return [{ type: 'tool-call-start', index: toolIndex, id: block.id ?? '', name: block.name ?? '' }];
      }
      default:
        this.blocks.set(index, { kind: 'ignored' });
        return [];
    }
  }

  private blockDelta(index: number, delta: { type: string; text?: string | null; partial_json?: string | null; thinking?: string | null; signature?: string | null }): CanonicalStreamPart[] {
    const block = this.blocks.get(index);
    if (block === undefined) throw new StreamProtocolError('unknown_content_block', `Anthropic stream sent a delta for unopened block ${index}`);
    switch (delta.type) {
      case 'text_delta':
        return delta.text ? [{ type: 'text-delta', text: delta.text }] : [];
      case 'thinking_delta':
        return delta.thinking ? [{ type: 'reasoning-delta', text: delta.thinking }] : [];
      case 'signature_delta':
        return delta.signature ? [{ type: 'reasoning-delta', text: '', signature: delta.signature }] : [];
      case 'input_json_delta':
        if (block.kind !== 'tool') throw new StreamProtocolError('unexpected_delta', `input_json_delta on a ${block.kind} block`);
        if (delta.partial_json) block.hasArguments = true;
        return delta.partial_json ? [{ type: 'tool-call-delta', index: block.toolIndex, argumentsDelta: delta.partial_json }] : [];
      default:
        // citations_delta and future delta types carry nothing the canonical stream relays.
        return [];
    }
  }

  private stopBlock(index: number): CanonicalStreamPart[] {
    const block = this.blocks.get(index);
    if (block === undefined) throw new StreamProtocolError('unknown_content_block', `Anthropic stream stopped unopened block ${index}`);
    if (block.kind !== 'tool') return [];
    // A call without arguments streams none; OpenAI-style clients expect the text "{}".
    const emptyArguments: CanonicalStreamPart[] = block.hasArguments ? [] : [{ type: 'tool-call-delta', index: block.toolIndex, argumentsDelta: '{}' }];
    return [...emptyArguments, { type: 'tool-call-end', index: block.toolIndex }];
  }
}
