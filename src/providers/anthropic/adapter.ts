// The adapter for Anthropic's Messages API. `baseUrl` excludes the version path, as in
// Anthropic's own SDK: https://api.anthropic.com.

import { openEventStream, postJson, type UpstreamRequest } from '../http-transport.ts';
import type { CallContext, ProviderAdapter, ProviderLimits } from '../provider.ts';
import { driveStream } from '../stream-driver.ts';
import { anthropicErrorFromResponse } from './errors.ts';
import { anthropicMessagesBody, type AnthropicRequestOptions } from './request.ts';
import { chatResultFromAnthropic } from './response.ts';
import { AnthropicStreamDecoder } from './stream-decoder.ts';

export const ANTHROPIC_API_VERSION = '2023-06-01';

export interface AnthropicAdapterConfig {
  id: string;
  baseUrl: string;
  apiKey?: string;
  headers?: Record<string, string>;
  limits: ProviderLimits;
  requestOptions?: Partial<AnthropicRequestOptions>;
}

export function createAnthropicAdapter(config: AnthropicAdapterConfig): ProviderAdapter {
  const options: AnthropicRequestOptions = { defaultMaxOutputTokens: 4096, ...config.requestOptions };
  const url = `${config.baseUrl.replace(/\/+$/, '')}/v1/messages`;

  const upstream = (body: unknown, context: CallContext): UpstreamRequest => ({
    providerId: config.id,
    url,
    headers: {
      'anthropic-version': ANTHROPIC_API_VERSION,
      ...(config.apiKey ? { 'x-api-key': config.apiKey } : {}),
      ...config.headers,
      ...context.headers,
    },
    body,
  });

  return {
    id: config.id,
    kind: 'anthropic',
    async chat(request, context) {
      const body = anthropicMessagesBody(request, context.upstreamModel, false, options);
      const answer = await postJson(upstream(body, context), context.signal, config.limits, anthropicErrorFromResponse);
      return chatResultFromAnthropic(answer, config.id, context.upstreamModel);
    },
    streamChat(request, context) {
      const body = anthropicMessagesBody(request, context.upstreamModel, true, options);
      return driveStream(
        () => openEventStream(upstream(body, context), context.signal, config.limits, anthropicErrorFromResponse),
        new AnthropicStreamDecoder(),
      );
    },
  };
}
