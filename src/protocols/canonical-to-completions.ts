// Canonical result / stream parts -> legacy OpenAI Completions (`text_completion`) bodies and
// chunks, shaped like OpenAI's own: text chunks, a finish chunk, then (only when the client asked
// with stream_options.include_usage) a usage chunk with `choices: []`. The caller frames each
// chunk with sseFrame() and ends a finished stream with OPENAI_DONE_FRAME, as for chat.

import type { Completion, CompletionChoice, CompletionUsage } from 'openai/resources/completions';
import { assertNever, type CanonicalChatResult, type CanonicalStreamPart, type CanonicalUsage, type Finish } from './canonical.ts';
import { openAIErrorBody, type OpenAIErrorBody, type ResponseIdentity } from './canonical-to-openai-chat.ts';
import { finishToOpenAI } from './finish-reasons.ts';
import { usageToCompletions } from './usage-mapping.ts';

type CompletionFinishReason = CompletionChoice['finish_reason'];

/** A streamed chunk: like the body, but the finish reason is null until the last text chunk. */
export interface CompletionChunk extends Omit<Completion, 'choices' | 'usage'> {
  choices: Array<Omit<CompletionChoice, 'finish_reason'> & { finish_reason: CompletionFinishReason | null }>;
  usage?: CompletionUsage | null;
}

export type CompletionsStreamOutput = CompletionChunk | OpenAIErrorBody;

/** Legacy completions know no tool calls; a model that stopped for one simply stopped. */
export function finishToCompletions(finish: Finish): CompletionFinishReason {
  const reason = finishToOpenAI(finish);
  switch (reason) {
    case 'stop':
    case 'length':
    case 'content_filter':
      return reason;
    case 'tool_calls':
    case 'function_call':
      return 'stop';
    default:
      return assertNever(reason);
  }
}

/** Only text is a completion; reasoning and refusals have no place in a text_completion. */
function completionText(result: CanonicalChatResult): string {
  return result.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
}

export function canonicalToCompletions(result: CanonicalChatResult, identity: ResponseIdentity): Completion {
  return {
    id: identity.id,
    object: 'text_completion',
    created: identity.createdSeconds,
    model: identity.model,
    choices: [{ text: completionText(result), index: 0, logprobs: null, finish_reason: finishToCompletions(result.finish) }],
    ...(result.usage !== undefined ? { usage: usageToCompletions(result.usage) } : {}),
  };
}

export class CompletionsStreamEncoder {
  private readonly identity: ResponseIdentity;
  private readonly includeUsage: boolean;
  private usage: CanonicalUsage | undefined;

  constructor(identity: ResponseIdentity, options: { includeUsage: boolean }) {
    this.identity = identity;
    this.includeUsage = options.includeUsage;
  }

  encode(part: CanonicalStreamPart): CompletionsStreamOutput[] {
    switch (part.type) {
      case 'text-delta':
        return part.text === '' ? [] : [this.chunk(part.text, null)];
      case 'response-metadata':
      case 'reasoning-delta':
      case 'refusal-delta':
      case 'tool-call-start':
      case 'tool-call-delta':
      case 'tool-call-end':
        return [];
      case 'usage':
        this.usage = part.usage;
        return [];
      case 'finish':
        return [this.chunk('', finishToCompletions(part.finish)), ...this.usageChunk()];
      case 'error':
        return [openAIErrorBody({ message: part.error.message, type: part.error.type, ...(part.error.code ? { code: part.error.code } : {}) })];
      default:
        return assertNever(part);
    }
  }

  private chunk(text: string, finishReason: CompletionFinishReason | null): CompletionChunk {
    return {
      id: this.identity.id,
      object: 'text_completion',
      created: this.identity.createdSeconds,
      model: this.identity.model,
      choices: [{ text, index: 0, logprobs: null, finish_reason: finishReason }],
      // OpenAI puts `usage: null` on every chunk once the client asked for usage.
      ...(this.includeUsage ? { usage: null } : {}),
    };
  }

  private usageChunk(): CompletionChunk[] {
    if (!this.includeUsage || this.usage === undefined) return [];
    const { id, model, createdSeconds } = this.identity;
    return [{ id, object: 'text_completion', created: createdSeconds, model, usage: usageToCompletions(this.usage), choices: [] }];
  }
}
