// Gemini GenerateContentResponse chunks -> canonical stream parts. A non-stream body is the same
// shape, so the adapter decodes it as a one-chunk stream. Gemini gives calls no ids, says STOP
// after calls, and has no closing event: ids are minted from a caller-given prefix, the finish
// is corrected when calls were made, and usage + finish are emitted when the stream closes.

import type { CanonicalStreamPart, CanonicalUsage, Finish } from '../../protocols/canonical.ts';
import { finishFromGemini } from '../../protocols/finish-reasons.ts';
import { usageFromGemini } from '../../protocols/usage-mapping.ts';
import type { SseEvent } from '../sse.ts';
import { StreamProtocolError, type StreamDecoder } from '../stream-driver.ts';
import { geminiErrorType } from './errors.ts';
import { geminiResponseSchema, type GeminiFunctionCall, type GeminiPart, type GeminiPartialArgument, type GeminiResponse } from './wire.ts';

interface PendingCall {
  index: number;
  arguments: Record<string, unknown>;
}

export class GeminiStreamDecoder implements StreamDecoder {
  private readonly callIdPrefix: string;
  private sentMetadata = false;
  private usage: CanonicalUsage | undefined;
  private rawFinish: string | undefined;
  private toolCount = 0;
  private pending: PendingCall | undefined;

  /** `callIdPrefix` must be unique per response: clients send results back by call id. */
  constructor(callIdPrefix: string) {
    this.callIdPrefix = callIdPrefix;
  }

  decode(event: SseEvent): CanonicalStreamPart[] {
    let json: unknown;
    try {
      json = JSON.parse(event.data);
    } catch {
      throw new StreamProtocolError('invalid_chunk_json', 'a Gemini stream event is not JSON');
    }
    const parsed = geminiResponseSchema.safeParse(json);
    if (!parsed.success) throw new StreamProtocolError('invalid_chunk', parsed.error.message);
    return this.decodeChunk(parsed.data);
  }

  end(): CanonicalStreamPart[] {
    if (this.rawFinish === undefined) {
      return [{ type: 'error', error: { status: 502, type: 'provider_stream_truncated', message: 'the upstream stream ended without a finish reason' } }];
    }
    const finish: Finish = finishFromGemini(this.rawFinish, this.toolCount > 0);
    const usage: CanonicalStreamPart[] = this.usage ? [{ type: 'usage', usage: this.usage }] : [];
    return [...this.closePendingCall(), ...usage, { type: 'finish', finish }];
  }

  decodeChunk(chunk: GeminiResponse): CanonicalStreamPart[] {
    if (chunk.error) {
      const status = chunk.error.code ?? 500;
      return [{ type: 'error', error: { status, type: geminiErrorType(chunk.error, status), message: chunk.error.message ?? 'upstream stream error' } }];
    }
    const parts: CanonicalStreamPart[] = [];
    if (!this.sentMetadata) {
      this.sentMetadata = true;
      parts.push({ type: 'response-metadata', id: chunk.responseId ?? '', model: chunk.modelVersion ?? '' });
    }
    if (chunk.usageMetadata) this.usage = usageFromGemini(chunk.usageMetadata);
    const candidate = chunk.candidates?.[0];
    for (const part of candidate?.content?.parts ?? []) parts.push(...this.decodePart(part));
    const blockReason = chunk.promptFeedback?.blockReason;
    // A blocked prompt has no candidate at all; it is a content filter whatever the reason.
    if (blockReason && candidate === undefined) this.rawFinish = 'PROHIBITED_CONTENT';
    if (candidate?.finishReason) this.rawFinish = candidate.finishReason;
    return parts;
  }

  private decodePart(part: GeminiPart): CanonicalStreamPart[] {
    if (part.functionCall) return this.decodeFunctionCall(part.functionCall, part.thoughtSignature ?? undefined);
    const signature = part.thoughtSignature ? { signature: part.thoughtSignature } : {};
    if (part.thought) return [{ type: 'reasoning-delta', text: part.text ?? '', ...signature }];
    const parts: CanonicalStreamPart[] = [];
    if (part.text) parts.push({ type: 'text-delta', text: part.text });
    if (part.thoughtSignature) parts.push({ type: 'reasoning-delta', text: '', signature: part.thoughtSignature });
    return parts;
  }

  private decodeFunctionCall(call: GeminiFunctionCall, signature: string | undefined): CanonicalStreamPart[] {
    const parts: CanonicalStreamPart[] = [];
    if (call.name) {
      parts.push(...this.closePendingCall());
      const index = this.toolCount++;
      parts.push({ type: 'tool-call-start', index, id: call.id ?? `${this.callIdPrefix}_${index}`, name: call.name, ...(signature ? { signature } : {}) });
      this.pending = { index, arguments: call.args ?? {} };
    }
    if (this.pending === undefined) {
      if (call.partialArgs?.length) throw new StreamProtocolError('orphan_partial_arguments', 'Gemini streamed arguments before naming a function');
      return parts;
    }
    for (const piece of call.partialArgs ?? []) applyPartialArgument(this.pending.arguments, piece);
    if (!call.willContinue) parts.push(...this.closePendingCall());
    return parts;
  }

  private closePendingCall(): CanonicalStreamPart[] {
    const pending = this.pending;
    if (pending === undefined) return [];
    this.pending = undefined;
    return [
      { type: 'tool-call-delta', index: pending.index, argumentsDelta: JSON.stringify(pending.arguments) },
      { type: 'tool-call-end', index: pending.index },
    ];
  }
}

/** Handles the dotted paths Gemini uses (`$.location`, `$.a.b`); string pieces are appended. */
function applyPartialArgument(target: Record<string, unknown>, piece: GeminiPartialArgument): void {
  const keys = piece.jsonPath.replace(/^\$\.?/, '').split('.').filter((key) => key !== '');
  const last = keys.pop();
  if (last === undefined) return;
  let node = target;
  for (const key of keys) {
    const child = node[key];
    node = (typeof child === 'object' && child !== null ? child : (node[key] = {})) as Record<string, unknown>;
  }
  if (piece.stringValue !== undefined && piece.stringValue !== null) {
    const previous = node[last];
    node[last] = (typeof previous === 'string' ? previous : '') + piece.stringValue;
  } else if (piece.numberValue !== undefined && piece.numberValue !== null) node[last] = piece.numberValue;
  else if (piece.boolValue !== undefined && piece.boolValue !== null) node[last] = piece.boolValue;
  else if ('nullValue' in piece) node[last] = null;
}
