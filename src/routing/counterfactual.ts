// The counterfactual comparison of two router versions on the same history, before a new one
// goes live: every replayable decision is decided again under each version, on its recorded
// candidates and constraints, exactly as the gateway decides (a catalog model is predicted by
// the profile the version has for it, see `profileIdFor`); and each version predicts the
// ratings callers gave (a rating of 4 or 5 is a good answer). Pure.
import { MODEL_TIERS } from '../catalog/model.ts';
import { chooseCandidate, roundPredictedQuality, type ModelTier, type RoutingCandidate } from './decide.ts';
import type { PromptFeatures } from './features.ts';
import { roundTo } from './hashing.ts';
import { predictQualities } from './model.ts';
import type { RouterParameters } from './parameters.ts';
import type { LedgerRatedRequest, RecordedCandidate, ReplayedDecision } from './retune-inputs.ts';
import { profileIdFor, profiledModels } from './versioning.ts';

export const goodRatingMin = 4;

/** Keeps log-loss finite when a version is certain and wrong. */
const probabilityMargin = 1e-6;


export type Choice = { readonly modelId: string; readonly estimatedCostMicros: number; readonly predictedQuality: number } | null;

export type VersionOutcome = {
  readonly choices: readonly Choice[];
  readonly totalEstimatedCostMicros: number;
  /** Over the decisions that found a candidate; null when none did. */
  readonly meanPredictedQuality: number | null;
  readonly noCandidate: number;
  /** On the rated requests; null when there are none. */
  readonly ratedLogLoss: number | null;
  readonly ratedAccuracy: number | null;
};

/** What the gateway would predict for each candidate under this version. */
export function predictCandidates(parameters: RouterParameters, features: PromptFeatures,
  candidates: readonly RecordedCandidate[]): RoutingCandidate[] {
  const known = profiledModels(parameters);
  const profiles = candidates.map((candidate) => profileIdFor(known, candidate.modelId, candidate.tier));
  const qualities = predictQualities(parameters, features, profiles);
  return candidates.map((candidate, index) => ({
    modelId: candidate.modelId,
    provider: candidate.provider,
    estimatedCostMicros: candidate.estimatedCostMicros,
    ...((MODEL_TIERS as readonly string[]).includes(candidate.tier) ? { tier: candidate.tier as ModelTier } : {}),
    // Rounded as the gateway rounds them before choosing (src/gateway/route-planner.ts).
    predictedQuality: roundPredictedQuality(qualities[index] as number),
  }));
}

export function choiceUnder(parameters: RouterParameters, decision: ReplayedDecision): Choice {
  const decided = chooseCandidate({ ...decision.constraints, candidates: predictCandidates(parameters, decision.features, decision.candidates),
    routerVersion: parameters.version });
  if (!decided.ok) return null;
  const chosen = decided.candidates.find((candidate) => candidate.verdict === 'chosen');
  if (chosen === undefined) throw new Error(`decision ${decision.routeId} chose ${decided.modelId} but marked no candidate chosen`);
  return { modelId: chosen.modelId, estimatedCostMicros: chosen.estimatedCostMicros, predictedQuality: chosen.predictedQuality };
}

/** Mean log-loss and accuracy of predicting "good answer" (rating >= 4) on the rated requests. */
export function ratedAgreement(parameters: RouterParameters, rated: readonly LedgerRatedRequest[]): { logLoss: number; accuracy: number } | null {
  if (rated.length === 0) return null;
  const known = profiledModels(parameters);
  let lossSum = 0;
  let correct = 0;
  for (const request of rated) {
    const [quality] = predictQualities(parameters, request.features, [profileIdFor(known, request.modelId, request.tier)]) as [number];
    const probability = Math.min(1 - probabilityMargin, Math.max(probabilityMargin, quality));
    const good = request.rating >= goodRatingMin;
    lossSum -= Math.log(good ? probability : 1 - probability);
    if ((probability >= 0.5) === good) correct += 1;
  }
  return { logLoss: lossSum / rated.length, accuracy: correct / rated.length };
}

export function outcomeUnder(parameters: RouterParameters, decisions: readonly ReplayedDecision[],
  rated: readonly LedgerRatedRequest[]): VersionOutcome {
  const choices = decisions.map((decision) => choiceUnder(parameters, decision));
  const made = choices.filter((choice): choice is NonNullable<Choice> => choice !== null);
  const agreement = ratedAgreement(parameters, rated);
  return {
    choices,
    totalEstimatedCostMicros: made.reduce((sum, choice) => sum + choice.estimatedCostMicros, 0),
    meanPredictedQuality: made.length === 0 ? null : made.reduce((sum, choice) => sum + choice.predictedQuality, 0) / made.length,
    noCandidate: choices.length - made.length,
    ratedLogLoss: agreement?.logLoss ?? null,
    ratedAccuracy: agreement?.accuracy ?? null,
  };
}

export type CounterfactualReport = {
  decisions_replayed: number;
  /** Decisions whose chosen model differs between the live and the new version. */
  decisions_changed: number | null;
  /** What the choices the gateway actually made were estimated to cost. */
  recorded_total_estimated_cost_micros: number;
  live_total_estimated_cost_micros: number | null;
  new_total_estimated_cost_micros: number;
  live_mean_predicted_quality: number | null;
  new_mean_predicted_quality: number | null;
  live_no_candidate: number | null;
  new_no_candidate: number;
  live_rated_log_loss: number | null;
  new_rated_log_loss: number | null;
  live_rated_accuracy: number | null;
  new_rated_accuracy: number | null;
};

const rounded = (value: number | null): number | null => (value === null ? null : roundTo(value, 6));

function recordedCost(decision: ReplayedDecision): number {
  return decision.candidates.find((candidate) => candidate.modelId === decision.recordedModel)?.estimatedCostMicros ?? 0;
}

/** Compares `next` with `live` (undefined when the live version cannot predict with this build's features). */
export function counterfactualReport(live: RouterParameters | undefined, next: RouterParameters,
  decisions: readonly ReplayedDecision[], rated: readonly LedgerRatedRequest[]): CounterfactualReport {
  const before = live === undefined ? undefined : outcomeUnder(live, decisions, rated);
  const after = outcomeUnder(next, decisions, rated);
  const changed = before === undefined ? null
    : after.choices.filter((choice, index) => choice?.modelId !== before.choices[index]?.modelId).length;
  return {
    decisions_replayed: decisions.length,
    decisions_changed: changed,
    recorded_total_estimated_cost_micros: decisions.reduce((sum, decision) => sum + recordedCost(decision), 0),
    live_total_estimated_cost_micros: before?.totalEstimatedCostMicros ?? null,
    new_total_estimated_cost_micros: after.totalEstimatedCostMicros,
    live_mean_predicted_quality: rounded(before?.meanPredictedQuality ?? null),
    new_mean_predicted_quality: rounded(after.meanPredictedQuality),
    live_no_candidate: before?.noCandidate ?? null,
    new_no_candidate: after.noCandidate,
    live_rated_log_loss: rounded(before?.ratedLogLoss ?? null),
    new_rated_log_loss: rounded(after.ratedLogLoss),
    live_rated_accuracy: rounded(before?.ratedAccuracy ?? null),
    new_rated_accuracy: rounded(after.ratedAccuracy),
  };
}
