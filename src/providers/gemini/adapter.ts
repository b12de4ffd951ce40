// The adapter for the Gemini API (generativelanguage.googleapis.com). `baseUrl` is the bare
// origin, as in Google's SDK; the API version path is added here.

import { randomUUID } from 'node:crypto';
import type { CanonicalChatResult } from '../../protocols/canonical.ts';
import { accumulate } from '../../protocols/stream-accumulator.ts';
import { invalidResponseError } from '../http-errors.ts';
import { openEventStream, postJson, type UpstreamRequest } from '../http-transport.ts';
import { ProviderError, type CallContext, type EmbeddingResult, type ProviderAdapter, type ProviderLimits } from '../provider.ts';
import { driveStream } from '../stream-driver.ts';
import { geminiErrorFromResponse } from './errors.ts';
import { geminiRequestBody } from './request.ts';
import { GeminiStreamDecoder } from './stream-decoder.ts';
import { geminiBatchEmbedResponseSchema, geminiResponseSchema } from './wire.ts';

export const GEMINI_API_VERSION = 'v1beta';

export interface GeminiAdapterConfig {
  id: string;
  baseUrl: string;
  apiKey?: string;
  headers?: Record<string, string>;
  limits: ProviderLimits;
}

const callIdPrefix = () => `call_${randomUUID().replaceAll('-', '').slice(0, 16)}`;

export function createGeminiAdapter(config: GeminiAdapterConfig): ProviderAdapter {
  const baseUrl = config.baseUrl.replace(/\/+$/, '');

  const upstream = (method: string, body: unknown, context: CallContext): UpstreamRequest => ({
    providerId: config.id,
    url: `${baseUrl}/${GEMINI_API_VERSION}/models/${encodeURIComponent(context.upstreamModel)}:${method}`,
    headers: {
      ...(config.apiKey ? { 'x-goog-api-key': config.apiKey } : {}),
      ...config.headers,
      ...context.headers,
    },
    body,
  });

  return {
    id: config.id,
    kind: 'gemini',
    async chat(request, context): Promise<CanonicalChatResult> {
      const body = geminiRequestBody(request);
      const answer = await postJson(upstream('generateContent', body, context), context.signal, config.limits, geminiErrorFromResponse);
      const parsed = geminiResponseSchema.safeParse(answer);
      if (!parsed.success) throw invalidResponseError(config.id, parsed.error.message);
      const decoder = new GeminiStreamDecoder(callIdPrefix());
      const folded = accumulate([...decoder.decodeChunk(parsed.data), ...decoder.end()]);
      const error = folded.streamError;
      if (error !== undefined) throw new ProviderError({ ...error, body: answer });
      return { ...folded.toResult(), model: folded.toResult().model || context.upstreamModel };
    },
    streamChat(request, context) {
      const body = geminiRequestBody(request);
      return driveStream(
        () => openEventStream(upstream('streamGenerateContent?alt=sse', body, context), context.signal, config.limits, geminiErrorFromResponse),
        new GeminiStreamDecoder(callIdPrefix()),
      );
    },
    async embed(request, context): Promise<EmbeddingResult> {
      const model = `models/${context.upstreamModel}`;
      const body = { requests: request.input.map((text) => ({ model, content: { parts: [{ text }] },
        ...(request.dimensions !== undefined ? { outputDimensionality: request.dimensions } : {}) })) };
      const answer = await postJson(upstream('batchEmbedContents', body, context), context.signal, config.limits, geminiErrorFromResponse);
      const parsed = geminiBatchEmbedResponseSchema.safeParse(answer);
      if (!parsed.success) throw invalidResponseError(config.id, parsed.error.message);
      if (parsed.data.embeddings.length !== request.input.length) {
        throw invalidResponseError(config.id, `${parsed.data.embeddings.length} embeddings for ${request.input.length} inputs`);
      }
      // batchEmbedContents reports no token usage: the gateway counts the input itself.
      return { model: context.upstreamModel, embeddings: parsed.data.embeddings.map((embedding) => embedding.values) };
    },
  };
}
