// Builders of valid domain events for tests and benchmarks.
import type { NewEvent } from '../../src/ledger/event-store.ts';

export interface RequestCompletedInput {
  id: string;
  accountId: string;
  requestId?: string;
  model?: string;
  inputTokens?: number;
  outputTokens?: number;
  costMicros?: number;
  day?: string;
  appId?: string | null;
}

export function requestCompleted(input: RequestCompletedInput): NewEvent {
  const costMicros = input.costMicros ?? 1234;
  return {
    id: input.id, type: 'RequestCompleted', schemaVersion: 1,
    data: {
      requestId: input.requestId ?? input.id, accountId: input.accountId, keyId: 'key-test', appId: input.appId ?? null,
      protocol: 'openai-chat', stream: false, requestedModel: input.model ?? 'gpt-5-mini', model: input.model ?? 'gpt-5-mini',
      tier: 'small', provider: 'openai', upstreamModel: input.model ?? 'gpt-5-mini', bodySha256: '0'.repeat(64), contentKept: false,
      status: 200, errorCode: null, finishReason: 'stop', latencyMs: 120, ttftMs: null,
      inputTokens: input.inputTokens ?? 100, outputTokens: input.outputTokens ?? 300, cachedInputTokens: 0, reasoningTokens: 0,
      usageSource: 'provider', priceVersion: '2026-11-23',
      inputCostMicros: Math.floor(costMicros / 2), cachedInputCostMicros: 0, outputCostMicros: costMicros - Math.floor(costMicros / 2),
      costMicros, day: input.day ?? '2026-11-23',
    },
  };
}
