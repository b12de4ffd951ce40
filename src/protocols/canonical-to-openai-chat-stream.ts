// Canonical stream parts -> OpenAI `chat.completion.chunk` objects, shaped like OpenAI's own:
// a first chunk with the role, content / tool_calls deltas, a finish chunk, then (only when the
// client asked with stream_options.include_usage) a usage chunk with `choices: []`. The caller
// frames each object with sseFrame() and ends a finished stream with OPENAI_DONE_FRAME.

import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { assertNever, type CanonicalStreamPart, type CanonicalUsage, type StreamError } from './canonical.ts';
import { openAIErrorBody, type OpenAIErrorBody, type ResponseIdentity } from './canonical-to-openai-chat.ts';
import { finishToOpenAI } from './finish-reasons.ts';
import { usageToOpenAI } from './usage-mapping.ts';

type Delta = ChatCompletionChunk.Choice.Delta & { reasoning_content?: string };
type FinishReasonWire = ChatCompletionChunk.Choice['finish_reason'];

export type OpenAIChatStreamOutput = ChatCompletionChunk | OpenAIErrorBody;

export class OpenAIChatStreamEncoder {
  private readonly identity: ResponseIdentity;
  private readonly includeUsage: boolean;
  private sentRole = false;
  private usage: CanonicalUsage | undefined;

  constructor(identity: ResponseIdentity, options: { includeUsage: boolean }) {
    this.identity = identity;
    this.includeUsage = options.includeUsage;
  }

  encode(part: CanonicalStreamPart): OpenAIChatStreamOutput[] {
    switch (part.type) {
      case 'response-metadata':
        return [];
      case 'text-delta':
        return this.withRole({ content: part.text });
      case 'reasoning-delta':
        return part.text === '' ? [] : this.withRole({ reasoning_content: part.text });
      case 'refusal-delta':
        return this.withRole({ refusal: part.text });
      case 'tool-call-start':
        return this.withRole({
          tool_calls: [{ index: part.index, id: part.id, type: 'function', function: { name: part.name, arguments: '' } }],
        });
      case 'tool-call-delta':
        return this.withRole({ tool_calls: [{ index: part.index, function: { arguments: part.argumentsDelta } }] });
      case 'tool-call-end':
        return [];
      case 'usage':
        this.usage = part.usage;
        return [];
      case 'finish':
        return [...this.withRole({}, finishToOpenAI(part.finish)), ...this.usageChunk()];
      case 'error':
        return [this.errorChunk(part.error)];
      default:
        return assertNever(part);
    }
  }

  private chunk(choices: ChatCompletionChunk.Choice[]): ChatCompletionChunk {
    return {
      id: this.identity.id,
      object: 'chat.completion.chunk',
      created: this.identity.createdSeconds,
      model: this.identity.model,
      choices,
      // OpenAI puts `usage: null` on every chunk once the client asked for usage.
      ...(this.includeUsage ? { usage: null } : {}),
    };
  }

  /** OpenAI's first chunk always announces the role with empty content before anything else. */
  private withRole(delta: Delta, finishReason: FinishReasonWire = null): ChatCompletionChunk[] {
    const chunks: ChatCompletionChunk[] = [];
    if (!this.sentRole) {
      this.sentRole = true;
      chunks.push(this.chunk([{ index: 0, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null }]));
    }
    const isEmpty = Object.keys(delta).length === 0 && finishReason === null;
    if (!isEmpty) chunks.push(this.chunk([{ index: 0, delta, logprobs: null, finish_reason: finishReason }]));
    return chunks;
  }

  private usageChunk(): ChatCompletionChunk[] {
    if (!this.includeUsage || this.usage === undefined) return [];
    return [{ ...this.chunk([]), usage: usageToOpenAI(this.usage) }];
  }

  /** The OpenAI SDK turns a data event carrying `error` into an APIError on the client. */
  private errorChunk(error: StreamError): OpenAIErrorBody {
    return openAIErrorBody({ message: error.message, type: error.type, ...(error.code ? { code: error.code } : {}) });
  }
}
