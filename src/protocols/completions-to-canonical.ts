// Legacy OpenAI Completions request (client side) -> canonical call.
//
// Two ways to answer it: an OpenAI-family upstream runs the prompt as is through its own
// `/completions` (the adapter's complete/streamComplete), and there the completions-only fields
// (echo, suffix, best_of) pass through untouched; any other upstream gets the prompt as one user
// message through chat (`completionAsChat`), which refuses those fields since chat cannot honour
// them. Log probabilities are refused for both: the canonical result does not carry them.

import { assertNever, type CanonicalChatRequest, type SamplingParameters } from './canonical.ts';
import type { CompletionsRequest } from './completions-schema.ts';
import { openAISampling, unmodelledFields } from './openai-chat-to-canonical.ts';
import { TranslationError } from './translation-error.ts';

/** OpenAI's default when the client sends no max_tokens. */
export const COMPLETIONS_DEFAULT_MAX_TOKENS = 16;

const MODELLED_FIELDS = new Set([
  'model', 'prompt', 'max_tokens', 'temperature', 'top_p', 'n', 'stop', 'seed', 'presence_penalty', 'frequency_penalty',
  'logprobs', 'user', 'stream', 'stream_options',
]);

/** Fields only a legacy completions endpoint understands; they travel in `extra`. */
const COMPLETIONS_ONLY_FIELDS = ['echo', 'suffix', 'best_of'] as const;

/** The same shape as the provider interface's CompletionRequest, which this layer may not import. */
export interface CompletionPrompt {
  prompt: string;
  request: CanonicalChatRequest;
}

export interface CompletionsCall {
  model: string;
  stream: boolean;
  includeUsage: boolean;
  completion: CompletionPrompt;
}

function promptText(prompt: CompletionsRequest['prompt']): string {
  if (prompt === null || prompt === undefined) throw new TranslationError('invalid_request', 'prompt is required', 'prompt');
  if (typeof prompt === 'string') return prompt;
  const [first, ...rest] = prompt;
  if (typeof first === 'number' || Array.isArray(first)) {
    throw new TranslationError('unsupported_content', 'token-array prompts are not supported; send the prompt as text', 'prompt');
  }
  if (first === undefined) throw new TranslationError('invalid_request', 'prompt must not be empty', 'prompt');
  if (rest.length > 0) throw new TranslationError('unsupported_parameter', 'Lumen answers one prompt per request; send the prompts separately', 'prompt');
  return first;
}

function sampling(request: CompletionsRequest): SamplingParameters {
  return openAISampling(request, request.max_tokens ?? COMPLETIONS_DEFAULT_MAX_TOKENS);
}

export function completionsToCanonical(request: CompletionsRequest): CompletionsCall {
  if (request.logprobs !== null && request.logprobs !== undefined) {
    throw new TranslationError('unsupported_parameter', 'logprobs is not supported: Lumen does not relay log probabilities', 'logprobs');
  }
  const prompt = promptText(request.prompt);
  const extraFields = unmodelledFields(request, MODELLED_FIELDS);
  return {
    model: request.model,
    stream: request.stream === true,
    includeUsage: request.stream_options?.include_usage === true,
    completion: {
      prompt,
      request: {
        messages: [],
        sampling: sampling(request),
        ...(request.user !== undefined ? { user: request.user } : {}),
        ...(Object.keys(extraFields).length > 0 ? { extra: { origin: 'openai-completions', fields: extraFields } } : {}),
      },
    },
  };
}

function isInEffect(field: (typeof COMPLETIONS_ONLY_FIELDS)[number], value: unknown): boolean {
  switch (field) {
    case 'echo':
      return value === true;
    case 'suffix':
      return typeof value === 'string' && value !== '';
    case 'best_of':
      return typeof value === 'number' && value > 1;
    default:
      return assertNever(field);
  }
}

/**
 * The prompt seen as one user message, sharing the completion's sampling: what the hold, the
 * router and the tokenizer read. Not sent anywhere (chat upstreams get `completionAsChat`).
 */
export function completionPromptView(completion: CompletionPrompt): CanonicalChatRequest {
  return { ...completion.request, messages: [{ role: 'user', content: [{ type: 'text', text: completion.prompt }] }] };
}

/** The completion as a chat request for upstreams without legacy completions: one user message. */
export function completionAsChat(completion: CompletionPrompt): CanonicalChatRequest {
  const { extra, ...request } = completion.request;
  const fields = { ...extra?.fields };
  for (const field of COMPLETIONS_ONLY_FIELDS) {
    if (isInEffect(field, fields[field])) {
      throw new TranslationError('unsupported_parameter', `${field} needs a model served through a legacy completions endpoint; this model answers through chat`, field);
    }
    delete fields[field];
  }
  return {
    ...request,
    messages: [{ role: 'user', content: [{ type: 'text', text: completion.prompt }] }],
    ...(extra !== undefined && Object.keys(fields).length > 0 ? { extra: { origin: extra.origin, fields } } : {}),
  };
}
