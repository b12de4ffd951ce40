// Folds canonical stream parts into a canonical result: how a stream becomes the non-stream
// answer (for Gemini's single body, for the Responses API's final object, for the ledger's
// record of what was said). Adjacent deltas of one kind are merged into one content part.

import { assertNever, type CanonicalChatResult, type CanonicalContentPart, type CanonicalStreamPart, type StreamError } from './canonical.ts';

export class StreamAccumulator {
  private readonly result: CanonicalChatResult = { id: '', model: '', content: [], finish: { reason: 'stop', rawReason: null } };
  private readonly toolCalls = new Map<number, Extract<CanonicalContentPart, { type: 'tool-call' }>>();
  private error: StreamError | undefined;
  private finished = false;

  add(part: CanonicalStreamPart): void {
    const content = this.result.content;
    const last = content.at(-1);
    switch (part.type) {
      case 'response-metadata':
        this.result.id = part.id;
        this.result.model = part.model;
        return;
      case 'text-delta':
        if (last?.type === 'text') last.text += part.text;
        else content.push({ type: 'text', text: part.text });
        return;
      case 'refusal-delta':
        if (last?.type === 'refusal') last.text += part.text;
        else content.push({ type: 'refusal', text: part.text });
        return;
      case 'reasoning-delta':
        this.addReasoning(part);
        return;
      case 'tool-call-start': {
        const call = { type: 'tool-call' as const, id: part.id, name: part.name, arguments: '', ...(part.signature ? { signature: part.signature } : {}) };
        this.toolCalls.set(part.index, call);
        content.push(call);
        return;
      }
      case 'tool-call-delta': {
        const call = this.toolCalls.get(part.index);
        if (call !== undefined) call.arguments += part.argumentsDelta;
        return;
      }
      case 'tool-call-end':
        return;
      case 'usage':
        this.result.usage = part.usage;
        return;
      case 'finish':
        this.result.finish = part.finish;
        this.finished = true;
        return;
      case 'error':
        this.error = part.error;
        return;
      default:
        assertNever(part);
    }
  }

  /** A signature or redacted data closes the reasoning block it belongs to. */
  private addReasoning(part: Extract<CanonicalStreamPart, { type: 'reasoning-delta' }>): void {
    const last = this.result.content.at(-1);
    const open = last?.type === 'reasoning' && last.signature === undefined && last.redactedData === undefined ? last : undefined;
    if (part.redactedData !== undefined) {
      this.result.content.push({ type: 'reasoning', text: '', redactedData: part.redactedData });
      return;
    }
    const target = open ?? { type: 'reasoning' as const, text: '' };
    if (open === undefined) this.result.content.push(target);
    target.text += part.text;
    if (part.signature !== undefined) target.signature = part.signature;
  }

  get streamError(): StreamError | undefined {
    return this.error;
  }

  get isFinished(): boolean {
    return this.finished;
  }

  /** The folded result; an errored stream's partial content is kept, with an `error` finish. */
  toResult(): CanonicalChatResult {
    if (this.error !== undefined && !this.finished) return { ...this.result, finish: { reason: 'error', rawReason: this.error.type } };
    return this.result;
  }
}

export function accumulate(parts: Iterable<CanonicalStreamPart>): StreamAccumulator {
  const accumulator = new StreamAccumulator();
  for (const part of parts) accumulator.add(part);
  return accumulator;
}
