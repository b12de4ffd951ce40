// The fitting core shared by the final fit and cross-validation: build the vocabulary and rows
// for a set of prompts, fit the pooled model, then every model's deviation from it.
import { buildVocabulary, designRows, type Vocabulary } from './design.ts';
import type { PromptFeatures } from './features.ts';
import { hashString } from './hashing.ts';
import type { GroupedHistory, GroupedPrompt } from './history.ts';
import { defaultSolverLimits, rowDot, solveLogistic, type LogisticSolution, type LogisticSolverLimits, type SparseRows } from './logistic.ts';

export type FitOptions = {
  readonly version: string;
  /** Seeds the assignment of prompts to cross-validation folds. */
  readonly seed: number;
  readonly minimumDocumentFrequency: number;
  readonly maximumTerms: number;
  /** Rated requests accepted in one fit. */
  readonly historyRowsMax: number;
  readonly crossValidationFolds: number;
  /** Below this many distinct prompts the middle of each grid is used without cross-validation. */
  readonly crossValidationPromptsMin: number;
  readonly pooledStrengthGrid: readonly number[];
  readonly deviationStrengthGrid: readonly number[];
  /** When given, used as is instead of cross-validating (tests and quick fits). */
  readonly pooledStrength?: number;
  readonly deviationStrength?: number;
  /** Prior on each model's bias: about four ratings' worth of pull toward the pooled level. */
  readonly modelBiasStrength: number;
  readonly solver: LogisticSolverLimits;
};

export const defaultFitOptions: FitOptions = {
  version: 'unversioned',
  seed: 20240601,
  minimumDocumentFrequency: 2,
  maximumTerms: 400_000,
  historyRowsMax: 2_000_000,
  crossValidationFolds: 4,
  crossValidationPromptsMin: 40,
  pooledStrengthGrid: [0.75, 1.5, 3],
  deviationStrengthGrid: [0.75, 1.5, 3],
  modelBiasStrength: 1,
  solver: defaultSolverLimits,
};

/** A fit over some of the history's prompts, before rounding. */
export type CoreFit = {
  readonly vocabulary: Vocabulary;
  readonly pooled: LogisticSolution;
  /** Per model index; undefined when the model has no ratings among these prompts. */
  readonly deviations: readonly (LogisticSolution | undefined)[];
};

/** The rows of the given prompts, with their local row number. */
export function prepareRows(grouped: GroupedHistory, promptIndices: readonly number[], options: FitOptions) {
  const features: PromptFeatures[] = promptIndices.map((index) => (grouped.prompts[index] as GroupedPrompt).features);
  const vocabulary = buildVocabulary(features, options.minimumDocumentFrequency, options.maximumTerms);
  const rows = designRows(features, vocabulary);
  const localOfPrompt = new Map(promptIndices.map((prompt, local) => [prompt, local]));
  return { vocabulary, rows, localOfPrompt };
}

/** The pooled fit: one row per prompt, weighted by its ratings, target the mean score. */
export function fitPooled(grouped: GroupedHistory, rows: SparseRows, localOfPrompt: Map<number, number>, strength: number, options: FitOptions): LogisticSolution {
  const counts = new Float64Array(rows.rowStart.length - 1);
  const sums = new Float64Array(counts.length);
  for (const outcome of grouped.outcomes) {
    const local = localOfPrompt.get(outcome.prompt);
    if (local === undefined) continue;
    counts[local] = (counts[local] as number) + outcome.count;
    sums[local] = (sums[local] as number) + outcome.scoreSum;
  }
  return solveLogistic({
    rows,
    rowIndices: Int32Array.from(counts.keys()),
    weights: counts,
    targets: Float64Array.from(counts, (count, local) => (count > 0 ? (sums[local] as number) / count : 0)),
    offsets: new Float64Array(counts.length),
    l2: strength,
    biasL2: 0,
  }, options.solver);
}

/** Each model's deviation, with the pooled log-odds of every prompt as a fixed offset. */
export function fitDeviations(
  grouped: GroupedHistory,
  rows: SparseRows,
  localOfPrompt: Map<number, number>,
  pooled: LogisticSolution,
  strength: number,
  options: FitOptions,
): (LogisticSolution | undefined)[] {
  return grouped.modelIds.map((_, model) => {
    const mine = grouped.outcomes.filter((outcome) => outcome.model === model && localOfPrompt.has(outcome.prompt));
    if (mine.length === 0) return undefined;
    const rowIndices = Int32Array.from(mine, (outcome) => localOfPrompt.get(outcome.prompt) as number);
    return solveLogistic({
      rows,
      rowIndices,
      weights: Float64Array.from(mine, (outcome) => outcome.count),
      targets: Float64Array.from(mine, (outcome) => outcome.scoreSum / outcome.count),
      offsets: Float64Array.from(rowIndices, (row) => pooled.bias + rowDot(rows, row, pooled.weights)),
      l2: strength,
      biasL2: options.modelBiasStrength,
    }, options.solver);
  });
}

export function fitCore(grouped: GroupedHistory, promptIndices: readonly number[], strengths: { pooled: number; deviation: number }, options: FitOptions): CoreFit {
  const { vocabulary, rows, localOfPrompt } = prepareRows(grouped, promptIndices, options);
  const pooled = fitPooled(grouped, rows, localOfPrompt, strengths.pooled, options);
  return { vocabulary, pooled, deviations: fitDeviations(grouped, rows, localOfPrompt, pooled, strengths.deviation, options) };
}

/** Prompt indices assigned to each fold by a seeded hash of the prompt's content key. */
export function foldOfPrompts(grouped: GroupedHistory, folds: number, seed: number): Int32Array {
  return Int32Array.from(grouped.prompts, (prompt) => hashString(prompt.key, seed) % folds);
}
