// What a retune reads from history, as pure functions of ledger facts and kept prompt features:
// the rating that counts for each request (the latest; superseded ones stay on the ledger but
// drop out), joined with that request's features, and the executed routing decisions that can
// be decided again on their recorded candidates and constraints. Rows that cannot be used
// (features missing, extracted by another feature version, or not the ones decided on) are
// counted, never silently lost.
import type { EventOf } from '../domain/events.ts';
import type { BrandPreference, RoutingConstraints } from './decide.ts';
import { featureVersion, type PromptFeatures } from './features.ts';
import type { RatedRequest } from './parameters.ts';

export type RatingFact = EventOf<'ResponseRated'>['data'];
export type DecisionFact = EventOf<'RoutingDecided'>['data'];

/** A request's features as they were kept beside the ledger. */
export type KeptFeatures = { readonly featureVersion: string; readonly features: PromptFeatures };

/** A ledger rating ready for the fit; the tier lets the report map the model to a profile. */
export type LedgerRatedRequest = RatedRequest & {
  readonly requestId: string;
  readonly features: PromptFeatures;
  readonly tier: string;
};

export type LedgerHistory = {
  /** Sorted by request id. */
  readonly rows: readonly LedgerRatedRequest[];
  readonly superseded: number;
  readonly withoutFeatures: number;
  readonly otherFeatureVersion: number;
};

/** A candidate as RoutingDecided recorded it: the catalog model, where it runs, its price here. */
export type RecordedCandidate = {
  readonly modelId: string;
  readonly provider: string;
  readonly tier: string;
  readonly estimatedCostMicros: number;
};

export type ReplayedDecision = {
  readonly routeId: string;
  readonly features: PromptFeatures;
  readonly candidates: readonly RecordedCandidate[];
  readonly constraints: RoutingConstraints;
  /** The model the gateway chose at the time. */
  readonly recordedModel: string | null;
};

export type DecisionReplay = {
  readonly decisions: readonly ReplayedDecision[];
  /** Executed decisions whose prompt features are missing, of another version, or not the ones decided on. */
  readonly withoutFeatures: number;
  /** Decisions the router did not make: a requested model with fallbacks, or no candidate at all. */
  readonly notRouted: number;
  /** Decisions the caller asked for without executing them (nobody answered, so nothing to compare). */
  readonly notExecuted: number;
};

/**
 * RoutingDecided records the preferred providers, not how they were applied. Replays apply them
 * as a filter among the candidates that clear the floor; the gateway must apply a caller's
 * preference the same way, or replayed choices differ from real ones for that reason alone.
 */
export const recordedBrandPreferenceMode: BrandPreference['mode'] = 'filter';

function compareText(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

/** Ratings in log order in: each request's latest rating joined with its kept features. */
export function ledgerHistory(ratingsInLogOrder: readonly RatingFact[], kept: ReadonlyMap<string, KeptFeatures>): LedgerHistory {
  const latest = new Map<string, RatingFact>();
  for (const rating of ratingsInLogOrder) latest.set(rating.requestId, rating);
  let withoutFeatures = 0;
  let otherFeatureVersion = 0;
  const rows: LedgerRatedRequest[] = [];
  for (const rating of [...latest.values()].sort((left, right) => compareText(left.requestId, right.requestId))) {
    const features = kept.get(rating.requestId);
    if (features === undefined) withoutFeatures += 1;
    else if (features.featureVersion !== featureVersion) otherFeatureVersion += 1;
    else rows.push({ requestId: rating.requestId, features: features.features, modelId: rating.model, tier: rating.tier, rating: rating.rating });
  }
  return { rows, superseded: ratingsInLogOrder.length - latest.size, withoutFeatures, otherFeatureVersion };
}

/** Every request id whose kept features could be this decision's prompt, most likely first. */
export function requestIdsOf(decision: DecisionFact): string[] {
  const ids = [decision.servedRequestId, ...decision.attempts.map((attempt) => attempt.requestId), decision.routeId];
  return [...new Set(ids.filter((id): id is string => id !== null))];
}

function featuresOf(decision: DecisionFact, kept: ReadonlyMap<string, KeptFeatures>, digestOf: (features: PromptFeatures) => string): PromptFeatures | undefined {
  for (const requestId of requestIdsOf(decision)) {
    const row = kept.get(requestId);
    // The digest proves these are the features the decision was made on.
    if (row?.featureVersion === featureVersion && digestOf(row.features) === decision.featuresSha256) return row.features;
  }
  return undefined;
}

function constraintsOf(decision: DecisionFact): RoutingConstraints {
  // The allowed models are not recorded, but the candidates they excluded carry that verdict.
  const excluded = decision.candidates.some((candidate) => candidate.verdict === 'not_allowed');
  return {
    qualityFloor: decision.qualityFloor,
    ...(decision.maxCostMicros === null ? {} : { maxCostMicros: decision.maxCostMicros }),
    ...(decision.costWeight === null ? {} : { costWeight: decision.costWeight }),
    ...(decision.brandPreference === null ? {} : { brandPreference: { providers: decision.brandPreference, mode: recordedBrandPreferenceMode } }),
    ...(excluded ? { allowedModels: decision.candidates.filter((candidate) => candidate.verdict !== 'not_allowed').map((candidate) => candidate.model) } : {}),
  };
}

/** Decisions in log order in; those that can be decided again, in the same order, out. */
export function replayableDecisions(facts: readonly DecisionFact[], kept: ReadonlyMap<string, KeptFeatures>,
  digestOf: (features: PromptFeatures) => string): DecisionReplay {
  const decisions: ReplayedDecision[] = [];
  let withoutFeatures = 0;
  let notRouted = 0;
  let notExecuted = 0;
  for (const decision of facts) {
    if (!decision.executed) { notExecuted += 1; continue; }
    if (decision.reason === 'requested' || decision.reason === 'no_candidate') { notRouted += 1; continue; }
    const features = featuresOf(decision, kept, digestOf);
    if (features === undefined) { withoutFeatures += 1; continue; }
    decisions.push({
      routeId: decision.routeId,
      features,
      candidates: decision.candidates.map((candidate) => ({ modelId: candidate.model, provider: candidate.provider, tier: candidate.tier,
        estimatedCostMicros: candidate.estimatedCostMicros })),
      constraints: constraintsOf(decision),
      recordedModel: decision.chosenModel,
    });
  }
  return { decisions, withoutFeatures, notRouted, notExecuted };
}
