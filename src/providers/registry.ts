// Builds provider adapters from configuration: the one place that knows which adapter serves
// which kind, so nothing else ever branches on a provider's kind.

import { z } from 'zod';
import { createAnthropicAdapter } from './anthropic/adapter.ts';
import { createGeminiAdapter } from './gemini/adapter.ts';
import { createOpenAIAdapter } from './openai/adapter.ts';
import { DEFAULT_PROVIDER_LIMITS, type ProviderAdapter, type ProviderKind, type ProviderLimits } from './provider.ts';

const limitsSchema = z.object({
  requestTimeoutMs: z.number().int().positive(),
  streamIdleTimeoutMs: z.number().int().positive(),
  responseBodyBytesMax: z.number().int().positive(),
  sseLineBytesMax: z.number().int().positive(),
  sseEventBytesMax: z.number().int().positive(),
});

export const providerConfigSchema = z.object({
  id: z.string().min(1),
  kind: z.enum(['openai', 'anthropic', 'gemini']),
  /** OpenAI-family: with the version path (…/v1). Anthropic and Gemini: the bare origin. */
  baseUrl: z.url(),
  apiKey: z.string().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  limits: limitsSchema.partial().optional(),
  /** OpenAI-compatible servers that only know `max_tokens` (older vLLM, DeepSeek). */
  maxTokensField: z.enum(['max_completion_tokens', 'max_tokens']).optional(),
  /** Anthropic requires max_tokens; the value used when a client sends none. */
  defaultMaxOutputTokens: z.number().int().positive().optional(),
});
export type ProviderConfig = z.infer<typeof providerConfigSchema>;

type AdapterFactory = (config: ProviderConfig, limits: ProviderLimits) => ProviderAdapter;

const FACTORIES: Record<ProviderKind, AdapterFactory> = {
  openai: (config, limits) =>
    createOpenAIAdapter({
      ...config,
      limits,
      ...(config.maxTokensField ? { requestOptions: { maxTokensField: config.maxTokensField } } : {}),
    }),
  anthropic: (config, limits) =>
    createAnthropicAdapter({
      ...config,
      limits,
      ...(config.defaultMaxOutputTokens ? { requestOptions: { defaultMaxOutputTokens: config.defaultMaxOutputTokens } } : {}),
    }),
  gemini: (config, limits) => createGeminiAdapter({ ...config, limits }),
};

export function createProviderAdapter(config: ProviderConfig, defaultLimits: ProviderLimits = DEFAULT_PROVIDER_LIMITS): ProviderAdapter {
  return FACTORIES[config.kind](config, { ...defaultLimits, ...config.limits });
}

export interface ProviderRegistry {
  get(id: string): ProviderAdapter | undefined;
  ids(): string[];
}

export function createProviderRegistry(configs: readonly ProviderConfig[], defaultLimits: ProviderLimits = DEFAULT_PROVIDER_LIMITS): ProviderRegistry {
  const adapters = new Map<string, ProviderAdapter>();
  for (const config of configs) {
    if (adapters.has(config.id)) throw new Error(`provider id "${config.id}" is configured twice`);
    adapters.set(config.id, createProviderAdapter(config, defaultLimits));
  }
  return {
    get: (id) => adapters.get(id),
    ids: () => [...adapters.keys()],
  };
}
