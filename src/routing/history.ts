// Rated requests grouped into what the fit reads: distinct prompts in a canonical order (by
// content, never by arrival), distinct models sorted by id, and per (prompt, model) pair the
// number of ratings and their summed score. Arrival order therefore cannot change the fit.
import { extractFeatures, type PromptFeatures } from './features.ts';
import type { RatedRequest } from './parameters.ts';

export const ratingMin = 1;
export const ratingMax = 5;

/** A 1..5 rating becomes a score in [0, 1]: 1 -> 0, 3 -> 0.5, 5 -> 1. */
export function scoreFromRating(rating: number): number {
  return (rating - ratingMin) / (ratingMax - ratingMin);
}

export type GroupedPrompt = { readonly key: string; readonly features: PromptFeatures };

export type Outcome = { readonly prompt: number; readonly model: number; readonly count: number; readonly scoreSum: number };

export type GroupedHistory = {
  readonly prompts: readonly GroupedPrompt[];
  readonly modelIds: readonly string[];
  /** Sorted by prompt, then model. */
  readonly outcomes: readonly Outcome[];
};

function compareText(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

function keyOf(request: RatedRequest): string {
  if (request.features !== undefined) return `f:${request.features.termIndices.join(',')}`;
  return `t:${request.promptText ?? ''}`;
}

/** Throws on ratings outside 1..5: the ledger validates ratings, so this is a programmer error. */
export function groupHistory(history: readonly RatedRequest[]): GroupedHistory {
  const featuresByKey = new Map<string, PromptFeatures>();
  const totals = new Map<string, { count: number; scoreSum: number }>();
  const modelIdSet = new Set<string>();
  for (const request of history) {
    if (!Number.isFinite(request.rating) || request.rating < ratingMin || request.rating > ratingMax) {
      throw new Error(`rating ${request.rating} for ${request.modelId} is outside ${ratingMin}..${ratingMax}`);
    }
    if (request.modelId === '') throw new Error('a rated request has an empty model id');
    const key = keyOf(request);
    if (!featuresByKey.has(key)) featuresByKey.set(key, request.features ?? extractFeatures(request.promptText ?? ''));
    modelIdSet.add(request.modelId);
    // The separator cannot occur in a model id's JSON form at this position, so pairs stay distinct.
    const pairKey = `${JSON.stringify(request.modelId)}\u0000${key}`;
    const total = totals.get(pairKey) ?? { count: 0, scoreSum: 0 };
    total.count += 1;
    total.scoreSum += scoreFromRating(request.rating);
    totals.set(pairKey, total);
  }
  const keys = [...featuresByKey.keys()].sort(compareText);
  const promptOfKey = new Map(keys.map((key, index) => [key, index]));
  const modelIds = [...modelIdSet].sort(compareText);
  const modelOfId = new Map(modelIds.map((modelId, index) => [modelId, index]));
  const outcomes: Outcome[] = [...totals.entries()].map(([pairKey, total]) => {
    const separator = pairKey.indexOf('\u0000');
    return {
      prompt: promptOfKey.get(pairKey.slice(separator + 1)) as number,
      model: modelOfId.get(JSON.parse(pairKey.slice(0, separator)) as string) as number,
      count: total.count,
      scoreSum: total.scoreSum,
    };
  });
  outcomes.sort((left, right) => left.prompt - right.prompt || left.model - right.model);
  return { prompts: keys.map((key) => ({ key, features: featuresByKey.get(key) as PromptFeatures })), modelIds, outcomes };
}
