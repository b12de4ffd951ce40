// The routing decision rule, a pure function of the candidates and the caller's constraints:
// the cheapest candidate whose predicted quality clears the floor and whose cost fits the cap;
// failing that, the best predicted quality that fits the cap; failing that, a typed
// 'no_candidate' result. Every candidate comes back with its verdict so the ledger can record
// why a model was chosen. `decideRoute` adds the prediction step: fitted parameters and prompt
// features in, a decision out, with no I/O on the way.
import type { PromptFeatures } from './features.ts';
import { assessPrompt, qualitiesFromAssessment } from './model.ts';
import type { RouterParameters } from './parameters.ts';
import type { ModelTier } from '../catalog/model.ts';

export type { ModelTier };

/** A model the caller may be routed to, with the price of this request on it. */
export type CandidateModel = {
  readonly modelId: string;
  readonly provider: string;
  readonly estimatedCostMicros: number;
  /** Only breaks ties: a lower tier wins between otherwise equal candidates. */
  readonly tier?: ModelTier;
};

export type RoutingCandidate = CandidateModel & {
  /** In [0, 1], from predictQualities. */
  readonly predictedQuality: number;
};

/**
 * 'filter': among candidates that clear the floor and fit the cap, only preferred providers are
 * considered when there is at least one (otherwise the preference is ignored).
 * 'tie_break': a preferred provider only wins between candidates that are otherwise equal.
 */
export type BrandPreference = { readonly providers: readonly string[]; readonly mode: 'filter' | 'tie_break' };

export type RoutingConstraints = {
  /** Minimum predicted quality; 0.75 unless given. */
  readonly qualityFloor?: number;
  readonly maxCostMicros?: number;
  /**
   * Trade-off among candidates that clear the floor. Absent: strictly the cheapest.
   * 0: the best predicted quality, whatever it costs. Above 0: maximise
   * quality - costWeight * log2(cost / cheapest cost), i.e. each doubling of cost must buy
   * `costWeight` of predicted quality.
   */
  readonly costWeight?: number;
  /** When given, only these model ids may be chosen. */
  readonly allowedModels?: readonly string[];
  readonly brandPreference?: BrandPreference;
};

export type ChoiceRequest = RoutingConstraints & {
  readonly candidates: readonly RoutingCandidate[];
  readonly routerVersion: string;
};

export type CandidateVerdict = 'chosen' | 'not_allowed' | 'over_cost_cap' | 'below_floor' | 'not_preferred_brand' | 'outranked';

export type EvaluatedCandidate = RoutingCandidate & { readonly verdict: CandidateVerdict };

export type DecisionReason = 'cheapest_above_floor' | 'best_tradeoff_above_floor' | 'best_quality_below_floor';

export type RoutingDecision = {
  readonly ok: true;
  readonly modelId: string;
  readonly reason: DecisionReason;
  readonly brandPreferenceApplied: boolean;
  readonly qualityFloor: number;
  readonly routerVersion: string;
  readonly candidates: readonly EvaluatedCandidate[];
};

export type RoutingFailure = {
  readonly ok: false;
  readonly code: 'no_candidate';
  readonly httpStatus: 422;
  readonly message: string;
  readonly qualityFloor: number;
  readonly routerVersion: string;
  readonly candidates: readonly EvaluatedCandidate[];
};

export const defaultQualityFloor = 0.75;

/**
 * Predicted qualities are rounded to this many decimals before the rule compares them, and
 * recorded so: a decision replayed from its record then compares the very same numbers.
 */
export const predictedQualityDecimals = 4;

export function roundPredictedQuality(value: number): number {
  const factor = 10 ** predictedQualityDecimals;
  return Math.round(value * factor) / factor;
}

const tierRank: Record<ModelTier, number> = { nano: 0, small: 1, mid: 2, high: 3 };
const unknownTierRank = 4;

type Compare = (left: RoutingCandidate, right: RoutingCandidate) => number;

function tierOf(candidate: RoutingCandidate): number {
  return candidate.tier === undefined ? unknownTierRank : tierRank[candidate.tier];
}

/** Final deterministic order: cheaper, better, preferred brand (tie_break mode), lower tier, smaller id. */
function compareCandidates(left: RoutingCandidate, right: RoutingCandidate, preferredProviders: readonly string[] | undefined): number {
  if (left.estimatedCostMicros !== right.estimatedCostMicros) return left.estimatedCostMicros - right.estimatedCostMicros;
  if (left.predictedQuality !== right.predictedQuality) return right.predictedQuality - left.predictedQuality;
  if (preferredProviders !== undefined) {
    const leftPreferred = preferredProviders.includes(left.provider) ? 0 : 1;
    const rightPreferred = preferredProviders.includes(right.provider) ? 0 : 1;
    if (leftPreferred !== rightPreferred) return leftPreferred - rightPreferred;
  }
  if (tierOf(left) !== tierOf(right)) return tierOf(left) - tierOf(right);
  return left.modelId < right.modelId ? -1 : left.modelId > right.modelId ? 1 : 0;
}

const plainOrder: Compare = (left, right) => compareCandidates(left, right, undefined);

function tieBreaker(preference: BrandPreference | undefined): Compare {
  if (preference?.mode !== 'tie_break') return plainOrder;
  return (left, right) => compareCandidates(left, right, preference.providers);
}

function verdictBeforeRanking(candidate: RoutingCandidate, request: ChoiceRequest, floor: number): CandidateVerdict | undefined {
  if (request.allowedModels !== undefined && !request.allowedModels.includes(candidate.modelId)) return 'not_allowed';
  if (request.maxCostMicros !== undefined && candidate.estimatedCostMicros > request.maxCostMicros) return 'over_cost_cap';
  if (candidate.predictedQuality < floor) return 'below_floor';
  return undefined;
}

/** Picks the winner among candidates that clear the floor, according to `costWeight`. */
function pickAboveFloor(eligible: readonly RoutingCandidate[], costWeight: number | undefined, compare: Compare): RoutingCandidate {
  let best = eligible[0] as RoutingCandidate;
  if (costWeight === undefined) {
    for (const candidate of eligible) if (compare(candidate, best) < 0) best = candidate;
    return best;
  }
  let cheapest = Infinity;
  for (const candidate of eligible) cheapest = Math.min(cheapest, candidate.estimatedCostMicros);
  // Costs of zero would make the ratio infinite; one micro-dollar is the smallest real cost.
  const reference = Math.max(cheapest, 1);
  const utility = (candidate: RoutingCandidate): number =>
    candidate.predictedQuality - costWeight * Math.log2(Math.max(candidate.estimatedCostMicros, 1) / reference);
  let bestUtility = utility(best);
  for (const candidate of eligible) {
    const candidateUtility = utility(candidate);
    if (candidateUtility > bestUtility || (candidateUtility === bestUtility && compare(candidate, best) < 0)) {
      best = candidate;
      bestUtility = candidateUtility;
    }
  }
  return best;
}

function pickBestQuality(fitting: readonly RoutingCandidate[], compare: Compare): RoutingCandidate {
  let best = fitting[0] as RoutingCandidate;
  for (const candidate of fitting) {
    if (candidate.predictedQuality > best.predictedQuality
      || (candidate.predictedQuality === best.predictedQuality && compare(candidate, best) < 0)) best = candidate;
  }
  return best;
}

/** The pure choice rule over candidates whose quality is already predicted. */
export function chooseCandidate(request: ChoiceRequest): RoutingDecision | RoutingFailure {
  const floor = request.qualityFloor ?? defaultQualityFloor;
  const compare = tieBreaker(request.brandPreference);
  const verdicts = request.candidates.map((candidate) => verdictBeforeRanking(candidate, request, floor));
  const aboveFloor = request.candidates.filter((_, index) => verdicts[index] === undefined);
  const preference = request.brandPreference;
  const preferred = preference?.mode === 'filter' ? aboveFloor.filter((candidate) => preference.providers.includes(candidate.provider)) : [];
  let chosen: RoutingCandidate | undefined;
  let reason: DecisionReason = 'best_quality_below_floor';
  if (aboveFloor.length > 0) {
    chosen = pickAboveFloor(preferred.length > 0 ? preferred : aboveFloor, request.costWeight, compare);
    reason = request.costWeight === undefined ? 'cheapest_above_floor' : 'best_tradeoff_above_floor';
  } else {
    const fitting = request.candidates.filter((_, index) => verdicts[index] === 'below_floor');
    if (fitting.length > 0) chosen = pickBestQuality(fitting, compare);
  }
  // In tie_break mode the preference counts as applied only when it changed the winner.
  const brandPreferenceApplied = preferred.length > 0
    || (preference?.mode === 'tie_break' && chosen !== undefined && chooseCandidate({ ...request, brandPreference: undefined }).candidates
      .find((candidate) => candidate.verdict === 'chosen')?.modelId !== chosen.modelId);
  const candidates = request.candidates.map((candidate, index): EvaluatedCandidate => {
    if (candidate === chosen) return { ...candidate, verdict: 'chosen' };
    const verdict = verdicts[index];
    if (verdict !== undefined) return { ...candidate, verdict };
    return { ...candidate, verdict: preferred.length > 0 && !preferred.includes(candidate) ? 'not_preferred_brand' : 'outranked' };
  });
  const common = { qualityFloor: floor, routerVersion: request.routerVersion, candidates };
  if (chosen === undefined) {
    return { ok: false, code: 'no_candidate', httpStatus: 422, message: 'no candidate model is allowed and fits the cost cap', ...common };
  }
  return { ok: true, modelId: chosen.modelId, reason, brandPreferenceApplied, ...common };
}

/** Predicts every candidate's quality on this prompt, then applies the choice rule. */
export function decideRoute(
  parameters: RouterParameters,
  features: PromptFeatures,
  candidates: readonly CandidateModel[],
  constraints: RoutingConstraints = {},
): RoutingDecision | RoutingFailure {
  const assessment = assessPrompt(parameters, features);
  const qualities = qualitiesFromAssessment(parameters, assessment, candidates.map((candidate) => candidate.modelId));
  const predicted = candidates.map((candidate, index): RoutingCandidate => ({
    modelId: candidate.modelId,
    provider: candidate.provider,
    estimatedCostMicros: candidate.estimatedCostMicros,
    ...(candidate.tier === undefined ? {} : { tier: candidate.tier }),
    predictedQuality: qualities[index] as number,
  }));
  return chooseCandidate({ ...constraints, candidates: predicted, routerVersion: parameters.version });
}

/** Human-readable explanation of a reason code, e.g. for logs and the decision record. */
export function describeReason(reason: DecisionReason): string {
  switch (reason) {
    case 'cheapest_above_floor':
      return 'cheapest candidate whose predicted quality clears the floor';
    case 'best_tradeoff_above_floor':
      return 'best quality-for-cost trade-off among candidates that clear the floor';
    case 'best_quality_below_floor':
      return 'no candidate clears the floor; best predicted quality within the cost cap';
    default: {
      const unreachable: never = reason;
      throw new Error(`unknown decision reason ${String(unreachable)}`);
    }
  }
}
