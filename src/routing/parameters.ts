// The router's fitted state as plain JSON data. `fitRouterFromHistory` produces it,
// `predictQualities` reads it. Keys are written in a fixed order, arrays are sorted (terms by
// id, models by id) and every number is rounded to a fixed precision, so the same history
// always serializes to the same bytes. Size grows with the vocabulary: about 5 MB for the
// 154,000 terms of the MMLU training half, about 170 KB with `maximumTerms: 5000` (small enough
// for a 256 KB ledger event; otherwise store the JSON as an artifact and its hash in an event).
import type { PromptFeatures } from './features.ts';

export const routerParametersFormat = 'lumen-router/2';

/**
 * One rated request, as rebuilt from the ledger: the prompt (text, or features computed
 * earlier), the model that answered and the caller's rating from 1 (bad) to 5 (good).
 */
export type RatedRequest = {
  /** Either the prompt text or its precomputed features (features win when both are given). */
  readonly promptText?: string;
  readonly features?: PromptFeatures;
  readonly modelId: string;
  readonly rating: number;
};

/** How strongly each part of the model is pulled toward zero, and how the values were chosen. */
export type Regularization = {
  /** L2 strength on the pooled (all models together) term weights. */
  readonly pooled: number;
  /** L2 strength on each model's deviation from the pooled weights. */
  readonly deviation: number;
  /** L2 strength on each model's bias relative to the pooled level. */
  readonly modelBias: number;
  readonly selectedBy: 'cross_validation' | 'given';
  /** Held-out mean log-loss for each tried value, when chosen by cross-validation. */
  readonly pooledLogLoss: readonly (readonly [strength: number, logLoss: number])[];
  readonly deviationLogLoss: readonly (readonly [strength: number, logLoss: number])[];
};

export type ModelParameters = {
  readonly modelId: string;
  readonly ratings: number;
  /** Mean score (rating mapped to [0, 1]) over this model's ratings. */
  readonly meanScore: number;
  /** Log-odds of this model relative to the pooled prediction. */
  readonly bias: number;
  /** Deviation from the pooled weights, aligned with `terms` (0 where the model never saw a term). */
  readonly weights: readonly number[];
};

export type RouterParameters = {
  readonly format: typeof routerParametersFormat;
  readonly version: string;
  /** The feature extractor these parameters were fitted with (see features.ts). */
  readonly featureVersion: string;
  /** Distinct prompts in the history; with `documentFrequencies` it gives each term's idf. */
  readonly promptCount: number;
  /** Hashed term ids that carry weight, ascending. */
  readonly terms: readonly number[];
  /** In how many distinct prompts each term occurred, aligned with `terms`. */
  readonly documentFrequencies: readonly number[];
  readonly regularization: Regularization;
  /** What every model has in common: the log-odds of a good answer from any model. */
  readonly pooled: { readonly bias: number; readonly weights: readonly number[] };
  /** Sorted by model id. */
  readonly models: readonly ModelParameters[];
};
