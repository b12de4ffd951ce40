// Daily usage rollup per account, model and app: requests, tokens and cost.
import { asLumenEvent, type EventType } from '../src/domain/events.ts';
import type { Projection } from '../src/ledger/projection.ts';

export interface UsageDocument {
  [key: string]: string | number;
  accountId: string;
  day: string;
  model: string;
  tier: string;
  appId: string;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  costMicros: number;
}

const handles = ['RequestCompleted'] as const satisfies readonly EventType[];

export const usageDailyProjection: Projection<UsageDocument> = {
  name: 'usage_daily',
  version: 1,
  handles,
  keysOf(recorded) {
    const event = asLumenEvent(recorded);
    if (event.type !== 'RequestCompleted') return [];
    return [`${event.data.accountId}/${event.data.day}/${event.data.model}/${event.data.appId ?? ''}`];
  },
  evolve(document, recorded) {
    const event = asLumenEvent(recorded);
    if (event.type !== 'RequestCompleted') return document;
    const current = document ?? { accountId: event.data.accountId, day: event.data.day, model: event.data.model,
      tier: event.data.tier, appId: event.data.appId ?? '',
      requests: 0, inputTokens: 0, outputTokens: 0, costMicros: 0 };
    return {
      ...current,
      requests: current.requests + 1,
      inputTokens: current.inputTokens + event.data.inputTokens,
      outputTokens: current.outputTokens + event.data.outputTokens,
      costMicros: current.costMicros + event.data.costMicros,
    };
  },
};
