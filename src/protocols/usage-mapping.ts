// Usage tables between the canonical accounting (OpenAI's: input includes cached input, output
// includes reasoning) and each wire format. Billing reads only the canonical numbers, so every
// provider's quirk is resolved here, once:
// - Anthropic's input_tokens excludes cache reads and cache writes; they are added back.
// - Gemini's candidatesTokenCount excludes thoughtsTokenCount; it is added back.

import type { CanonicalUsage } from './canonical.ts';

export interface OpenAIUsageWire {
  prompt_tokens?: number | null;
  completion_tokens?: number | null;
  total_tokens?: number | null;
  prompt_tokens_details?: { cached_tokens?: number | null } | null;
  completion_tokens_details?: { reasoning_tokens?: number | null } | null;
}

export interface AnthropicUsageWire {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  output_tokens_details?: { thinking_tokens?: number | null } | null;
}

export interface GeminiUsageWire {
  promptTokenCount?: number | null;
  candidatesTokenCount?: number | null;
  thoughtsTokenCount?: number | null;
  cachedContentTokenCount?: number | null;
  toolUsePromptTokenCount?: number | null;
}

const count = (value: number | null | undefined): number => value ?? 0;

export function usageFromOpenAI(wire: OpenAIUsageWire): CanonicalUsage {
  return {
    inputTokens: count(wire.prompt_tokens),
    outputTokens: count(wire.completion_tokens),
    cachedInputTokens: count(wire.prompt_tokens_details?.cached_tokens),
    cacheCreationInputTokens: 0,
    reasoningTokens: count(wire.completion_tokens_details?.reasoning_tokens),
  };
}

export function usageFromAnthropic(wire: AnthropicUsageWire): CanonicalUsage {
  const cacheRead = count(wire.cache_read_input_tokens);
  const cacheCreation = count(wire.cache_creation_input_tokens);
  return {
    inputTokens: count(wire.input_tokens) + cacheRead + cacheCreation,
    outputTokens: count(wire.output_tokens),
    cachedInputTokens: cacheRead,
    cacheCreationInputTokens: cacheCreation,
    // Thinking is billed as output; newer API versions report how much of it there was.
    reasoningTokens: count(wire.output_tokens_details?.thinking_tokens),
  };
}

export function usageFromGemini(wire: GeminiUsageWire): CanonicalUsage {
  const thoughts = count(wire.thoughtsTokenCount);
  return {
    inputTokens: count(wire.promptTokenCount) + count(wire.toolUsePromptTokenCount),
    outputTokens: count(wire.candidatesTokenCount) + thoughts,
    cachedInputTokens: count(wire.cachedContentTokenCount),
    cacheCreationInputTokens: 0,
    reasoningTokens: thoughts,
  };
}

export function usageToOpenAI(usage: CanonicalUsage) {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedInputTokens },
    completion_tokens_details: { reasoning_tokens: usage.reasoningTokens },
  };
}

export function usageToAnthropic(usage: CanonicalUsage) {
  return {
    input_tokens: usage.inputTokens - usage.cachedInputTokens - usage.cacheCreationInputTokens,
    output_tokens: usage.outputTokens,
    cache_creation_input_tokens: usage.cacheCreationInputTokens,
    cache_read_input_tokens: usage.cachedInputTokens,
  };
}

export function usageToResponses(usage: CanonicalUsage) {
  return {
    input_tokens: usage.inputTokens,
    input_tokens_details: { cached_tokens: usage.cachedInputTokens, cache_write_tokens: usage.cacheCreationInputTokens },
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens },
    total_tokens: usage.inputTokens + usage.outputTokens,
  };
}

export function usageToCompletions(usage: CanonicalUsage) {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
  };
}
