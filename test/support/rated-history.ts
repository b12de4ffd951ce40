// A small rated history on a real store, for retune tests: rated requests with their prompt
// features kept beside the ledger, and routing decisions made on the same prompts.
import { featuresSha256, RouterStore } from '../../src/gateway/router-store.ts';
import type { EventStore } from '../../src/ledger/event-store.ts';
import { extractFeatures, featureVersion } from '../../src/routing/features.ts';
import { arithmeticPrompt, chatPrompt } from '../fixtures/routing/synthetic-prompts.ts';
import { responseRated, routingDecided } from './routing-events.ts';

export type RatedHistoryRow = { requestId: string; model: string; tier: string; rating: number; prompt: string };

/** Arithmetic and chat prompts; the cheap model fails most arithmetic, the strong one rarely. */
export function ratedHistoryRows(count: number): RatedHistoryRow[] {
  return Array.from({ length: count }, (_, index) => {
    const arithmetic = index % 2 === 0;
    const cheap = index % 4 < 2;
    const prompt = arithmetic ? arithmeticPrompt(index, 5) : chatPrompt(index, 5);
    const rating = arithmetic ? (cheap ? (index % 8 === 0 ? 4 : 1) : 5) : (cheap ? 5 : 4);
    return { requestId: `request-${index}`, model: cheap ? 'gpt-5-nano' : 'gpt-5', tier: cheap ? 'nano' : 'high', rating, prompt };
  });
}

/** Appends each row's rating and routing decision, and keeps its features through the RouterStore. */
export async function appendRatedHistory(store: EventStore, routerStore: RouterStore, rows: readonly RatedHistoryRow[]): Promise<void> {
  for (const row of rows) {
    const features = extractFeatures(row.prompt);
    routerStore.keepFeatures({ requestId: row.requestId, accountId: 'account-1', featureVersion, promptKind: 'chat/easy', routerVersion: null, features });
    const rated = responseRated({ requestId: row.requestId, rating: row.rating, model: row.model, tier: row.tier });
    await store.append(rated.streamId, [rated.event], 'any');
    const decided = routingDecided({
      routeId: `route-${row.requestId}`, featuresSha256: featuresSha256(features), servedRequestId: row.requestId,
      attempts: [{ requestId: row.requestId, model: row.model, status: 200, errorCode: null }], chosenModel: row.model,
      candidates: [
        { model: 'gpt-5-nano', tier: 'nano', estimatedCostMicros: 40, verdict: row.model === 'gpt-5-nano' ? 'chosen' : 'below_floor' },
        { model: 'gpt-5', tier: 'high', estimatedCostMicros: 900, verdict: row.model === 'gpt-5' ? 'chosen' : 'outranked' },
      ],
    });
    await store.append(decided.streamId, [decided.event], 'any');
  }
  await routerStore.flush();
}
