// The adapter for OpenAI and every OpenAI-compatible server (vLLM, Ollama, DeepSeek...).
// `baseUrl` includes the version path, as in OpenAI's own SDK: https://api.openai.com/v1.

import type { CanonicalChatRequest, CanonicalChatResult, CanonicalStreamPart } from '../../protocols/canonical.ts';
import { usageFromOpenAI } from '../../protocols/usage-mapping.ts';
import { invalidResponseError } from '../http-errors.ts';
import { openEventStream, postForText, postJson, type UpstreamRequest } from '../http-transport.ts';
import type {
  CallContext,
  CompletionRequest,
  EmbeddingRequest,
  EmbeddingResult,
  ProviderAdapter,
  ProviderLimits,
} from '../provider.ts';
import { driveStream } from '../stream-driver.ts';
import { openAIErrorFromResponse } from './errors.ts';
import { generateOpenAIImage, transcribeWithOpenAI } from './media.ts';
import { openAIChatBody, type OpenAIRequestOptions } from './request.ts';
import { chatResultFromOpenAI, completionResultFromOpenAI } from './response.ts';
import { OpenAIStreamDecoder } from './stream-decoder.ts';
import { openAIEmbeddingResponseSchema } from './wire.ts';

export interface OpenAIAdapterConfig {
  id: string;
  baseUrl: string;
  apiKey?: string;
  headers?: Record<string, string>;
  limits: ProviderLimits;
  requestOptions?: Partial<OpenAIRequestOptions>;
}

function completionBody(request: CompletionRequest, upstreamModel: string, stream: boolean, options: OpenAIRequestOptions) {
  // Legacy Completions takes the same sampling fields as chat, but `max_tokens` and a prompt.
  const { messages: _messages, ...chatFields } = openAIChatBody(request.request, upstreamModel, stream, { ...options, maxTokensField: 'max_tokens' });
  return { ...chatFields, prompt: request.prompt };
}

export function createOpenAIAdapter(config: OpenAIAdapterConfig): ProviderAdapter {
  const options: OpenAIRequestOptions = { maxTokensField: 'max_completion_tokens', ...config.requestOptions };
  const baseUrl = config.baseUrl.replace(/\/+$/, '');

  const upstream = (path: string, body: unknown, context: CallContext): UpstreamRequest => ({
    providerId: config.id,
    url: `${baseUrl}${path}`,
    headers: {
      ...(config.apiKey ? { authorization: `Bearer ${config.apiKey}` } : {}),
      ...config.headers,
      ...context.headers,
    },
    body,
  });

  const post = (path: string, body: unknown, context: CallContext) =>
    postJson(upstream(path, body, context), context.signal, config.limits, openAIErrorFromResponse);

  const postReturningText = (path: string, body: unknown, context: CallContext) =>
    postForText(upstream(path, body, context), context.signal, config.limits, openAIErrorFromResponse);

  const stream = (path: string, body: unknown, context: CallContext): AsyncIterable<CanonicalStreamPart> =>
    driveStream(
      () => openEventStream(upstream(path, body, context), context.signal, config.limits, openAIErrorFromResponse),
      new OpenAIStreamDecoder(context.upstreamModel),
    );

  return {
    id: config.id,
    kind: 'openai',
    async chat(request: CanonicalChatRequest, context: CallContext): Promise<CanonicalChatResult> {
      const body = openAIChatBody(request, context.upstreamModel, false, options);
      return chatResultFromOpenAI(await post('/chat/completions', body, context), config.id, context.upstreamModel);
    },
    streamChat(request, context) {
      // Translate before opening, so a TranslationError is thrown on the caller's first step.
      const body = openAIChatBody(request, context.upstreamModel, true, options);
      return stream('/chat/completions', body, context);
    },
    async complete(request, context) {
      const body = completionBody(request, context.upstreamModel, false, options);
      return completionResultFromOpenAI(await post('/completions', body, context), config.id, context.upstreamModel);
    },
    streamComplete(request, context) {
      return stream('/completions', completionBody(request, context.upstreamModel, true, options), context);
    },
    async embed(request: EmbeddingRequest, context: CallContext): Promise<EmbeddingResult> {
      const body = {
        model: context.upstreamModel,
        input: request.input,
        encoding_format: 'float',
        ...(request.dimensions !== undefined ? { dimensions: request.dimensions } : {}),
        ...(request.user !== undefined ? { user: request.user } : {}),
      };
      const parsed = openAIEmbeddingResponseSchema.safeParse(await post('/embeddings', body, context));
      if (!parsed.success) throw invalidResponseError(config.id, parsed.error.message);
      const ordered = [...parsed.data.data].sort((left, right) => left.index - right.index);
      return {
        model: parsed.data.model ?? context.upstreamModel,
        embeddings: ordered.map((item) => item.embedding),
        usage: usageFromOpenAI(parsed.data.usage ?? {}),
      };
    },
    generateImage: (request, context) => generateOpenAIImage(post, config.id, request, context),
    transcribe: (request, context) => transcribeWithOpenAI(postReturningText, config.id, request, context),
  };
}
