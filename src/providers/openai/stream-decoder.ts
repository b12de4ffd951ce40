// OpenAI chat.completion.chunk (and legacy text_completion) events -> canonical stream parts.
// OpenAI sends finish_reason before the usage chunk, so the finish is held back until the
// stream ends ([DONE] or close) and emitted after the usage, as the canonical order requires.

import type { CanonicalStreamPart, CanonicalUsage, Finish } from '../../protocols/canonical.ts';
import { finishFromOpenAI } from '../../protocols/finish-reasons.ts';
import { usageFromOpenAI } from '../../protocols/usage-mapping.ts';
import { errorTypeForStatus } from '../http-errors.ts';
import type { SseEvent } from '../sse.ts';
import { StreamProtocolError, type StreamDecoder } from '../stream-driver.ts';
import { openAIChatChunkSchema, type OpenAIChatChunk, type OpenAIToolCallDelta } from './wire.ts';

export class OpenAIStreamDecoder implements StreamDecoder {
  private sentMetadata = false;
  private finish: Finish | undefined;
  private usage: CanonicalUsage | undefined;
  /** OpenAI's tool-call index -> whether its start was emitted and not yet ended. */
  private readonly openToolCalls = new Set<number>();
  private readonly startedToolCalls = new Set<number>();
  private readonly requestedModel: string;

  constructor(requestedModel: string) {
    this.requestedModel = requestedModel;
  }

  decode(event: SseEvent): CanonicalStreamPart[] {
    if (event.data === '[DONE]') return this.end();
    let json: unknown;
    try {
      json = JSON.parse(event.data);
    } catch {
      throw new StreamProtocolError('invalid_chunk_json', 'an OpenAI stream event is not JSON');
    }
    const parsed = openAIChatChunkSchema.safeParse(json);
    if (!parsed.success) throw new StreamProtocolError('invalid_chunk', parsed.error.message);
    return this.decodeChunk(parsed.data);
  }

  end(): CanonicalStreamPart[] {
    if (this.finish === undefined) {
      return [{ type: 'error', error: { status: 502, type: 'provider_stream_truncated', message: 'the upstream stream ended without a finish reason' } }];
    }
    const usage: CanonicalStreamPart[] = this.usage ? [{ type: 'usage', usage: this.usage }] : [];
    return [...usage, { type: 'finish', finish: this.finish }];
  }

  private decodeChunk(chunk: OpenAIChatChunk): CanonicalStreamPart[] {
    if (chunk.error) {
      const status = typeof chunk.error.code === 'number' ? chunk.error.code : 502;
      return [{ type: 'error', error: { status, type: chunk.error.type ?? errorTypeForStatus(status), message: chunk.error.message ?? 'upstream stream error' } }];
    }
    const parts: CanonicalStreamPart[] = [];
    if (!this.sentMetadata) {
      this.sentMetadata = true;
      parts.push({ type: 'response-metadata', id: chunk.id ?? '', model: chunk.model ?? this.requestedModel });
    }
    if (chunk.usage) this.usage = usageFromOpenAI(chunk.usage);
    // Lumen asks for a single choice; anything at another index is not ours to relay.
    for (const choice of chunk.choices ?? []) {
      if ((choice.index ?? 0) !== 0) continue;
      const delta = choice.delta;
      const reasoning = delta?.reasoning_content ?? delta?.reasoning;
      if (reasoning) parts.push({ type: 'reasoning-delta', text: reasoning });
      if (delta?.content) parts.push({ type: 'text-delta', text: delta.content });
      if (choice.text) parts.push({ type: 'text-delta', text: choice.text });
      if (delta?.refusal) parts.push({ type: 'refusal-delta', text: delta.refusal });
      (delta?.tool_calls ?? []).forEach((call, position) => parts.push(...this.decodeToolCall(call, position)));
      if (choice.finish_reason) {
        this.finish = finishFromOpenAI(choice.finish_reason);
        parts.push(...this.endToolCalls());
      }
    }
    return parts;
  }

  /** Compatible servers that send whole calls in one chunk sometimes omit the index. */
  private decodeToolCall(call: OpenAIToolCallDelta, position: number): CanonicalStreamPart[] {
    const index = call.index ?? position;
    const parts: CanonicalStreamPart[] = [];
    if (!this.startedToolCalls.has(index)) {
      this.startedToolCalls.add(index);
      this.openToolCalls.add(index);
      parts.push({ type: 'tool-call-start', index, id: call.id ?? `call_${index}`, name: call.function?.name ?? '' });
    }
    const argumentsDelta = call.function?.arguments;
    if (argumentsDelta) parts.push({ type: 'tool-call-delta', index, argumentsDelta });
    return parts;
  }

  private endToolCalls(): CanonicalStreamPart[] {
    const parts: CanonicalStreamPart[] = [...this.openToolCalls].map((index) => ({ type: 'tool-call-end', index }));
    this.openToolCalls.clear();
    return parts;
  }
}
