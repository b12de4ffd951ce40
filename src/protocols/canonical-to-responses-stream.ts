// Canonical stream parts -> OpenAI Responses stream events, shaped like OpenAI's own: created and
// in_progress first, then per output item an `output_item.added`, its content events and an
// `output_item.done`, and last exactly one of response.completed / response.incomplete /
// response.failed carrying the whole response. Every event has a `sequence_number` counting from
// 0. The caller frames each event with responsesSseFrame(); the Responses API sends no [DONE].

import type {
  ResponseFunctionToolCall,
  ResponseOutputItem,
  ResponseOutputMessage,
  ResponseOutputRefusal,
  ResponseOutputText,
  ResponseReasoningItem,
  ResponseStreamEvent,
} from 'openai/resources/responses/responses';
import { assertNever, type CanonicalStreamPart, type CanonicalUsage, type StreamError } from './canonical.ts';
import type { ResponseIdentity } from './canonical-to-openai-chat.ts';
import { functionCallItem, outputItemId, outputText, reasoningItem, responseBody, type ItemStatus, type ResponseBody, type ResponseState } from './canonical-to-responses.ts';
import { finishToResponses } from './finish-reasons.ts';
import type { ResponsesEcho } from './responses-to-canonical.ts';
import { sseFrame } from './sse-frames.ts';

type WithBody<Event> = Event extends { response: unknown } ? Omit<Event, 'response'> & { response: ResponseBody } : Event;
/** The SDK's stream events, with the response objects as the server sends them. */
export type ResponsesStreamEvent = WithBody<ResponseStreamEvent> | ResponsesWireErrorEvent;
type Unsequenced<Event> = Event extends unknown ? Omit<Event, 'sequence_number'> : never;
type EventInput = Unsequenced<ResponsesStreamEvent>;

/**
 * The SDK types the `error` event with flat fields; OpenAI's servers also nest them under
 * `error`, which is what makes the SDK's stream reader throw an APIError. Both are sent.
 */
export interface ResponsesWireErrorEvent {
  type: 'error';
  sequence_number: number;
  code: string | null;
  message: string;
  param: string | null;
  error: { type: string; code: string | null; message: string; param: string | null };
}

export function responsesSseFrame(event: ResponsesStreamEvent): string {
  return sseFrame(event, event.type);
}

interface OpenMessage {
  item: ResponseOutputMessage;
  outputIndex: number;
  /** The open content part; its text grows in place so a failed response keeps what was said. */
  part: { contentIndex: number; content: ResponseOutputText | ResponseOutputRefusal } | undefined;
}

interface OpenReasoning {
  item: ResponseReasoningItem;
  outputIndex: number;
  summary: string;
  signature: string | undefined;
}

export class ResponsesStreamEncoder {
  private readonly identity: ResponseIdentity;
  private readonly echo: ResponsesEcho;
  private sequenceNumber = 0;
  private started = false;
  private ended = false;
  private readonly output: ResponseOutputItem[] = [];
  private message: OpenMessage | undefined;
  private reasoning: OpenReasoning | undefined;
  private readonly calls = new Map<number, { item: ResponseFunctionToolCall; outputIndex: number }>();
  private usage: CanonicalUsage | undefined;
  private events: ResponsesStreamEvent[] = [];

  constructor(identity: ResponseIdentity, echo: ResponsesEcho) {
    this.identity = identity;
    this.echo = echo;
  }

  /** Events for one part; nothing after the terminal event. */
  encode(part: CanonicalStreamPart): ResponsesStreamEvent[] {
    if (this.ended) return [];
    this.events = [];
    if (!this.started) this.start();
    this.handle(part);
    return this.events;
  }

  private handle(part: CanonicalStreamPart): void {
    switch (part.type) {
      case 'response-metadata':
        return;
      case 'text-delta':
        return this.addMessageDelta('text', part.text);
      case 'refusal-delta':
        return this.addMessageDelta('refusal', part.text);
      case 'reasoning-delta':
        return this.addReasoning(part);
      case 'tool-call-start':
        return this.startCall(part);
      case 'tool-call-delta':
        return this.addCallDelta(part.index, part.argumentsDelta);
      case 'tool-call-end':
        return this.endCall(part.index);
      case 'usage':
        this.usage = part.usage;
        return;
      case 'finish':
        return this.finish(finishToResponses(part.finish));
      case 'error':
        return this.fail(part.error);
      default:
        return assertNever(part);
    }
  }

  private emit(event: EventInput): void {
    this.events.push({ ...event, sequence_number: this.sequenceNumber++ } as ResponsesStreamEvent);
  }

  private body(state: Omit<ResponseState, 'output'>): ResponseBody {
    return responseBody(this.identity, this.echo, { ...state, output: structuredClone(this.output) });
  }

  private start(): void {
    this.started = true;
    this.emit({ type: 'response.created', response: this.body({ status: 'in_progress' }) });
    this.emit({ type: 'response.in_progress', response: this.body({ status: 'in_progress' }) });
  }

  private addItem(item: ResponseOutputItem): number {
    const outputIndex = this.output.length;
    this.output.push(item);
    this.emit({ type: 'response.output_item.added', output_index: outputIndex, item: structuredClone(item) });
    return outputIndex;
  }

  private itemDone(outputIndex: number): void {
    const item = this.output[outputIndex];
    if (item !== undefined) this.emit({ type: 'response.output_item.done', output_index: outputIndex, item: structuredClone(item) });
  }

  private addMessageDelta(kind: 'text' | 'refusal', delta: string): void {
    if (delta === '') return;
    this.closeReasoning();
    const message = this.message ?? this.openMessage();
    const wantedType = kind === 'text' ? 'output_text' : 'refusal';
    const part = message.part?.content.type === wantedType ? message.part : this.openContentPart(message, kind);
    const location = { item_id: message.item.id, output_index: message.outputIndex, content_index: part.contentIndex };
    if (part.content.type === 'output_text') {
      part.content.text += delta;
      this.emit({ type: 'response.output_text.delta', ...location, delta, logprobs: [] });
    } else {
      part.content.refusal += delta;
      this.emit({ type: 'response.refusal.delta', ...location, delta });
    }
  }

  private openMessage(): OpenMessage {
    const id = outputItemId(this.identity.id, 'msg', this.output.length);
    const item: ResponseOutputMessage = { id, type: 'message', status: 'in_progress', role: 'assistant', content: [] };
    this.message = { item, outputIndex: this.addItem(item), part: undefined };
    return this.message;
  }

  private openContentPart(message: OpenMessage, kind: 'text' | 'refusal'): NonNullable<OpenMessage['part']> {
    this.closeContentPart(message);
    const content = kind === 'text' ? outputText('') : { type: 'refusal' as const, refusal: '' };
    const part = { contentIndex: message.item.content.length, content };
    message.item.content.push(content);
    message.part = part;
    const location = { item_id: message.item.id, output_index: message.outputIndex, content_index: part.contentIndex };
    this.emit({ type: 'response.content_part.added', ...location, part: structuredClone(content) });
    return part;
  }

  private closeContentPart(message: OpenMessage): void {
    const part = message.part;
    if (part === undefined) return;
    message.part = undefined;
    const location = { item_id: message.item.id, output_index: message.outputIndex, content_index: part.contentIndex };
    const content = part.content;
    if (content.type === 'output_text') this.emit({ type: 'response.output_text.done', ...location, text: content.text, logprobs: [] });
    else this.emit({ type: 'response.refusal.done', ...location, refusal: content.refusal });
    this.emit({ type: 'response.content_part.done', ...location, part: structuredClone(content) });
  }

  private closeMessage(status: ItemStatus): void {
    const message = this.message;
    if (message === undefined) return;
    this.closeContentPart(message);
    this.message = undefined;
    message.item.status = status;
    this.itemDone(message.outputIndex);
  }

  private addReasoning(part: Extract<CanonicalStreamPart, { type: 'reasoning-delta' }>): void {
    this.closeMessage('completed');
    if (part.redactedData !== undefined) {
      // Redacted reasoning is a whole block of its own: added and done at once.
      this.closeReasoning();
      const id = outputItemId(this.identity.id, 'rs', this.output.length);
      this.itemDone(this.addItem(reasoningItem(id, '', { redactedData: part.redactedData })));
      return;
    }
    if (part.text !== '') {
      const reasoning = this.reasoning ?? this.openReasoning();
      const location = { item_id: reasoning.item.id, output_index: reasoning.outputIndex, summary_index: 0 };
      if (reasoning.summary === '') this.emit({ type: 'response.reasoning_summary_part.added', ...location, part: { type: 'summary_text', text: '' } });
      reasoning.summary += part.text;
      this.emit({ type: 'response.reasoning_summary_text.delta', ...location, delta: part.text });
    }
    if (part.signature !== undefined) {
      // A signature closes the block it belongs to, as in the stream accumulator.
      const reasoning = this.reasoning ?? this.openReasoning();
      reasoning.signature = part.signature;
      this.closeReasoning();
    }
  }

  private openReasoning(): OpenReasoning {
    const id = outputItemId(this.identity.id, 'rs', this.output.length);
    const item: ResponseReasoningItem = { id, type: 'reasoning', summary: [] };
    this.reasoning = { item, outputIndex: this.addItem(item), summary: '', signature: undefined };
    return this.reasoning;
  }

  private closeReasoning(): void {
    const reasoning = this.reasoning;
    if (reasoning === undefined) return;
    this.reasoning = undefined;
    const location = { item_id: reasoning.item.id, output_index: reasoning.outputIndex, summary_index: 0 };
    if (reasoning.summary !== '') {
      this.emit({ type: 'response.reasoning_summary_text.done', ...location, text: reasoning.summary });
      this.emit({ type: 'response.reasoning_summary_part.done', ...location, part: { type: 'summary_text', text: reasoning.summary } });
    }
    this.output[reasoning.outputIndex] = reasoningItem(reasoning.item.id, reasoning.summary, { signature: reasoning.signature });
    this.itemDone(reasoning.outputIndex);
  }

  private startCall(part: Extract<CanonicalStreamPart, { type: 'tool-call-start' }>): void {
    this.closeMessage('completed');
    this.closeReasoning();
    const item = functionCallItem(outputItemId(this.identity.id, 'fc', this.output.length), { id: part.id, name: part.name, arguments: '' }, 'in_progress',
      this.echo.tools);
    this.calls.set(part.index, { item, outputIndex: this.addItem(item) });
  }

  private addCallDelta(index: number, delta: string): void {
    const call = this.calls.get(index);
    if (call === undefined || delta === '') return;
    call.item.arguments += delta;
    this.emit({ type: 'response.function_call_arguments.delta', item_id: call.item.id ?? '', output_index: call.outputIndex, delta });
  }

  private endCall(index: number): void {
    const call = this.calls.get(index);
    if (call === undefined) return;
    this.calls.delete(index);
    const { item, outputIndex } = call;
    this.emit({ type: 'response.function_call_arguments.done', item_id: item.id ?? '', output_index: outputIndex, name: item.name, arguments: item.arguments });
    item.status = 'completed';
    this.itemDone(outputIndex);
  }

  private finish(outcome: ReturnType<typeof finishToResponses>): void {
    this.closeMessage(outcome.status === 'incomplete' ? 'incomplete' : 'completed');
    this.closeReasoning();
    for (const index of [...this.calls.keys()]) this.endCall(index);
    this.ended = true;
    if (outcome.status === 'incomplete') {
      this.emit({ type: 'response.incomplete', response: this.body({ status: 'incomplete', usage: this.usage, incompleteReason: outcome.reason }) });
    } else {
      this.emit({ type: 'response.completed', response: this.body({ status: 'completed', usage: this.usage }) });
    }
  }

  /** Items cut short stay in the failed response as `incomplete`, without their done events. */
  private fail(error: StreamError): void {
    for (const item of this.output) if ('status' in item && item.status === 'in_progress') item.status = 'incomplete';
    this.ended = true;
    const code = error.code ?? error.type;
    this.emit({ type: 'error', code, message: error.message, param: null, error: { type: error.type, code, message: error.message, param: null } });
    this.emit({ type: 'response.failed', response: this.body({ status: 'failed', usage: this.usage, error }) });
  }
}
