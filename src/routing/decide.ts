// The routing decision rule, a pure function of the candidates and the caller's constraints:
// the cheapest candidate whose predicted quality clears the floor and whose cost fits the cap;
// failing that, the best predicted quality that fits the cap; failing that, a typed error.
// Every candidate comes back with its verdict so the ledger can record why a model was chosen.

export type ModelTier = 'nano' | 'small' | 'mid' | 'high';

export type RoutingCandidate = {
  readonly modelId: string;
  readonly tier: ModelTier;
  readonly provider: string;
  readonly estimatedCostMicros: number;
  /** In [0, 1], from predictQuality. */
  readonly predictedQuality: number;
};

export type RoutingRequest = {
  readonly candidates: readonly RoutingCandidate[];
  readonly routerVersion: string;
  /** Minimum predicted quality; 0.75 unless given. */
  readonly qualityFloor?: number;
  readonly maxCostMicros?: number;
  /** Providers the caller prefers: used when one of them clears the floor and fits the cap. */
  readonly brandPreference?: readonly string[];
  /** When given, only these model ids may be chosen. */
  readonly allowedModels?: readonly string[];
  /**
   * Trade-off among candidates that clear the floor. Absent: strictly the cheapest.
   * 0: the best predicted quality, whatever it costs. Above 0: maximise
   * quality - costWeight * log2(cost / cheapest cost), i.e. each doubling of cost must buy
   * `costWeight` of predicted quality.
   */
  readonly costWeight?: number;
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
  readonly code: 'no_candidate_fits';
  readonly httpStatus: 422;
  readonly message: string;
  readonly qualityFloor: number;
  readonly routerVersion: string;
  readonly candidates: readonly EvaluatedCandidate[];
};

export const defaultQualityFloor = 0.75;

const tierRank: Record<ModelTier, number> = { nano: 0, small: 1, mid: 2, high: 3 };

/** Final deterministic order: cheaper, then better, then lower tier, then model id. */
function compareTieBreak(left: RoutingCandidate, right: RoutingCandidate): number {
  if (left.estimatedCostMicros !== right.estimatedCostMicros) return left.estimatedCostMicros - right.estimatedCostMicros;
  if (left.predictedQuality !== right.predictedQuality) return right.predictedQuality - left.predictedQuality;
  if (tierRank[left.tier] !== tierRank[right.tier]) return tierRank[left.tier] - tierRank[right.tier];
  return left.modelId < right.modelId ? -1 : left.modelId > right.modelId ? 1 : 0;
}

function verdictBeforeRanking(candidate: RoutingCandidate, request: RoutingRequest, floor: number): CandidateVerdict | undefined {
  if (request.allowedModels !== undefined && !request.allowedModels.includes(candidate.modelId)) return 'not_allowed';
  if (request.maxCostMicros !== undefined && candidate.estimatedCostMicros > request.maxCostMicros) return 'over_cost_cap';
  if (candidate.predictedQuality < floor) return 'below_floor';
  return undefined;
}

/** Picks the winner among candidates that clear the floor, according to `costWeight`. */
function pickAboveFloor(eligible: readonly RoutingCandidate[], costWeight: number | undefined): RoutingCandidate {
  let best = eligible[0] as RoutingCandidate;
  if (costWeight === undefined) {
    for (const candidate of eligible) if (compareTieBreak(candidate, best) < 0) best = candidate;
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
    if (candidateUtility > bestUtility || (candidateUtility === bestUtility && compareTieBreak(candidate, best) < 0)) {
      best = candidate;
      bestUtility = candidateUtility;
    }
  }
  return best;
}

function pickBestQuality(fitting: readonly RoutingCandidate[]): RoutingCandidate {
  let best = fitting[0] as RoutingCandidate;
  for (const candidate of fitting) {
    if (candidate.predictedQuality > best.predictedQuality
      || (candidate.predictedQuality === best.predictedQuality && compareTieBreak(candidate, best) < 0)) best = candidate;
  }
  return best;
}

export function decideRoute(request: RoutingRequest): RoutingDecision | RoutingFailure {
  const floor = request.qualityFloor ?? defaultQualityFloor;
  const verdicts = request.candidates.map((candidate) => verdictBeforeRanking(candidate, request, floor));
  const aboveFloor = request.candidates.filter((_, index) => verdicts[index] === undefined);
  const preferred = request.brandPreference === undefined
    ? []
    : aboveFloor.filter((candidate) => request.brandPreference?.includes(candidate.provider));
  let chosen: RoutingCandidate | undefined;
  let reason: DecisionReason = 'best_quality_below_floor';
  if (aboveFloor.length > 0) {
    chosen = pickAboveFloor(preferred.length > 0 ? preferred : aboveFloor, request.costWeight);
    reason = request.costWeight === undefined ? 'cheapest_above_floor' : 'best_tradeoff_above_floor';
  } else {
    const fitting = request.candidates.filter((_, index) => verdicts[index] === 'below_floor');
    if (fitting.length > 0) chosen = pickBestQuality(fitting);
  }
  const brandPreferenceApplied = preferred.length > 0;
  const candidates = request.candidates.map((candidate, index): EvaluatedCandidate => {
    if (candidate === chosen) return { ...candidate, verdict: 'chosen' };
    const verdict = verdicts[index];
    if (verdict !== undefined) return { ...candidate, verdict };
    return { ...candidate, verdict: brandPreferenceApplied && !preferred.includes(candidate) ? 'not_preferred_brand' : 'outranked' };
  });
  const common = { qualityFloor: floor, routerVersion: request.routerVersion, candidates };
  if (chosen === undefined) {
    return {
      ok: false,
      code: 'no_candidate_fits',
      httpStatus: 422,
      message: 'no candidate model is allowed and fits the cost cap',
      ...common,
    };
  }
  return { ok: true, modelId: chosen.modelId, reason, brandPreferenceApplied, ...common };
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
