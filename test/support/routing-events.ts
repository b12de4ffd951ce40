// Builders of valid routing events (ratings and routing decisions) for tests.
import { latestSchemaVersion, type EventOf } from '../../src/domain/events.ts';
import type { NewEvent } from '../../src/ledger/event-store.ts';

export type RatingData = EventOf<'ResponseRated'>['data'];
export type DecisionData = EventOf<'RoutingDecided'>['data'];

export function ratingData(input: Partial<RatingData> & { requestId: string; rating: number }): RatingData {
  return {
    ratingId: `rating-${input.requestId}-${input.rating}`, auditHash: 'a'.repeat(64), accountId: 'account-1', keyId: 'key-1',
    model: 'gpt-5-mini', tier: 'small', provider: 'openai', promptKind: 'chat/easy', routerVersion: null, notesKept: false,
    supersedesRatingId: null, ...input,
  };
}

/** A rating as the gateway appends it, on the rated request's feedback stream. */
export function responseRated(input: Partial<RatingData> & { requestId: string; rating: number }): { streamId: string; event: NewEvent } {
  const data = ratingData(input);
  return { streamId: `feedback-${data.requestId}`,
    event: { id: data.ratingId, type: 'ResponseRated', schemaVersion: latestSchemaVersion('ResponseRated'), data } };
}

export type CandidateInput = { model: string; provider?: string; tier: string; estimatedCostMicros: number; verdict?: string };

export type DecisionInput = Omit<Partial<DecisionData>, 'candidates'> & { routeId: string; featuresSha256: string; candidates: CandidateInput[] };

export function decisionData(input: DecisionInput): DecisionData {
  const { candidates, ...rest } = input;
  const chosen = candidates.find((candidate) => candidate.verdict === 'chosen') ?? candidates[0];
  return {
    accountId: 'account-1', keyId: 'key-1', requestedModel: 'auto', routerVersion: 'live', difficultyScore: 0.3, promptKind: 'chat/medium',
    qualityFloor: 0.75, maxCostMicros: null, costWeight: null, brandPreference: null, provider: null, reason: 'cheapest_above_floor',
    chosenModel: chosen?.model ?? null, executed: true,
    attempts: [{ requestId: `${input.routeId}-attempt-0`, model: chosen?.model ?? 'none', status: 200, errorCode: null }],
    servedRequestId: `${input.routeId}-attempt-0`, day: '2026-11-23',
    ...rest,
    candidates: candidates.map((candidate) => ({ model: candidate.model, provider: candidate.provider ?? 'openai', tier: candidate.tier,
      predictedQuality: 0.5, estimatedCostMicros: candidate.estimatedCostMicros, verdict: candidate.verdict ?? 'outranked' })),
  };
}

/** A routing decision as the gateway appends it, on the route's stream. */
export function routingDecided(input: DecisionInput): { streamId: string; event: NewEvent } {
  const data = decisionData(input);
  return { streamId: `route-${data.routeId}`,
    event: { id: `routed-${data.routeId}`, type: 'RoutingDecided', schemaVersion: latestSchemaVersion('RoutingDecided'), data } };
}
