// The router's fitted state as plain JSON data. `fit` produces it, the ledger stores it as an
// event, `predictQuality` reads it. Every number is rounded to a fixed precision so the same
// history always serializes to the same bytes.
import type { PromptFeatures } from './features.ts';

export const routerParametersFormat = 'lumen-router/1';

/** One observed outcome: a model answered a prompt and got a score in [0, 1]. */
export type HistoryRow = {
  /** Either the prompt text or its precomputed features (features win when both are given). */
  readonly promptText?: string;
  readonly features?: PromptFeatures;
  readonly modelId: string;
  readonly score: number;
};

/** A term id and its weight, sorted by term id. */
export type WeightedTerm = readonly [termIndex: number, weight: number];

export type PromptKind = {
  /** Unit-length centroid over tf-idf term vectors, truncated to its heaviest terms. */
  readonly centroid: readonly WeightedTerm[];
  /** Number of distinct training prompts assigned to this kind (soft weights summed). */
  readonly promptWeight: number;
  /** Mean score over all models' outcomes on this kind (smoothed toward the global mean). */
  readonly meanScore: number;
};

export type ModelStatistics = {
  readonly modelId: string;
  /** Total outcomes and summed scores over all kinds. */
  readonly outcomes: number;
  readonly scoreSum: number;
  /** Per kind (same order as `kinds`): [weighted outcomes, weighted summed score]. */
  readonly perKind: readonly (readonly [outcomes: number, scoreSum: number])[];
  /**
   * Optional per-prompt correction in log-odds, learned only for models with enough history:
   * a bias, weights over shape features and sparse weights over hashed terms. Term weights
   * include the term's idf and apply to (1 + ln count) / the prompt's tf-idf vector length.
   */
  readonly residual?: {
    readonly bias: number;
    readonly shapeWeights: readonly number[];
    readonly termWeights: readonly WeightedTerm[];
  };
};

export type RouterParameters = {
  readonly format: typeof routerParametersFormat;
  readonly version: string;
  readonly globalMeanScore: number;
  /** Pseudo-outcomes given to the prior of each per-kind rate. */
  readonly priorStrength: number;
  /** Softmax temperature over kind similarities, and how many nearest kinds share a prompt. */
  readonly kindTemperature: number;
  readonly kindsPerPrompt: number;
  /** Inverse document frequency for every term that a centroid mentions. */
  readonly inverseDocumentFrequency: readonly WeightedTerm[];
  readonly defaultInverseDocumentFrequency: number;
  readonly kinds: readonly PromptKind[];
  readonly models: readonly ModelStatistics[];
};
