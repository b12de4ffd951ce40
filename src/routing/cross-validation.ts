// Chooses the two L2 strengths by k-fold cross-validation inside the history: first the pooled
// strength (held-out log-loss of the pooled prediction on every rating), then, with that fixed,
// the deviation strength (held-out log-loss of each model's own prediction). Each fold builds
// its vocabulary from its own training prompts only, exactly as the final fit does. Ties go to
// the earlier grid value, so the choice is deterministic.
import { designRows } from './design.ts';
import { fitDeviations, fitPooled, foldOfPrompts, prepareRows, type FitOptions } from './core-fit.ts';
import type { GroupedHistory, GroupedPrompt, Outcome } from './history.ts';
import { logLoss, rowDot, type LogisticSolution, type SparseRows } from './logistic.ts';
import type { Regularization } from './parameters.ts';

type Fold = {
  readonly training: ReturnType<typeof prepareRows>;
  readonly heldOutRows: SparseRows;
  /** Held-out outcomes with the held-out row of their prompt. */
  readonly heldOut: readonly { readonly outcome: Outcome; readonly row: number }[];
};

function buildFolds(grouped: GroupedHistory, options: FitOptions): Fold[] {
  const foldOf = foldOfPrompts(grouped, options.crossValidationFolds, options.seed);
  return Array.from({ length: options.crossValidationFolds }, (_, fold) => {
    const trainingPrompts: number[] = [];
    const heldOutPrompts: number[] = [];
    foldOf.forEach((assigned, prompt) => (assigned === fold ? heldOutPrompts : trainingPrompts).push(prompt));
    const training = prepareRows(grouped, trainingPrompts, options);
    const heldOutRows = designRows(heldOutPrompts.map((prompt) => (grouped.prompts[prompt] as GroupedPrompt).features), training.vocabulary);
    const rowOfPrompt = new Map(heldOutPrompts.map((prompt, row) => [prompt, row]));
    const heldOut = grouped.outcomes
      .filter((outcome) => rowOfPrompt.has(outcome.prompt))
      .map((outcome) => ({ outcome, row: rowOfPrompt.get(outcome.prompt) as number }));
    return { training, heldOutRows, heldOut };
  });
}

function logOdds(solution: LogisticSolution, rows: SparseRows, row: number): number {
  return solution.bias + rowDot(rows, row, solution.weights);
}

/** Mean held-out log-loss per rating for a prediction of each held-out outcome's log-odds. */
function heldOutLoss(folds: readonly Fold[], predict: (fold: number, outcome: Outcome, row: number) => number): number {
  let loss = 0;
  let ratings = 0;
  folds.forEach((fold, foldIndex) => {
    for (const { outcome, row } of fold.heldOut) {
      loss += outcome.count * logLoss(predict(foldIndex, outcome, row), outcome.scoreSum / outcome.count);
      ratings += outcome.count;
    }
  });
  return ratings === 0 ? 0 : loss / ratings;
}

function best(losses: readonly (readonly [number, number])[]): number {
  let chosen = losses[0] as readonly [number, number];
  for (const entry of losses) if (entry[1] < chosen[1]) chosen = entry;
  return chosen[0];
}

export function crossValidateStrengths(grouped: GroupedHistory, options: FitOptions): Omit<Regularization, 'modelBias'> {
  const folds = buildFolds(grouped, options);
  const pooledByStrength = new Map<number, LogisticSolution[]>();
  const pooledLogLoss = options.pooledStrengthGrid.map((strength) => {
    const solutions = folds.map((fold) => fitPooled(grouped, fold.training.rows, fold.training.localOfPrompt, strength, options));
    pooledByStrength.set(strength, solutions);
    const loss = heldOutLoss(folds, (foldIndex, _, row) => logOdds(solutions[foldIndex] as LogisticSolution, (folds[foldIndex] as Fold).heldOutRows, row));
    return [strength, loss] as const;
  });
  const pooled = best(pooledLogLoss);
  const pooledSolutions = pooledByStrength.get(pooled) as LogisticSolution[];
  const deviationLogLoss = options.deviationStrengthGrid.map((strength) => {
    const deviations = folds.map((fold, foldIndex) =>
      fitDeviations(grouped, fold.training.rows, fold.training.localOfPrompt, pooledSolutions[foldIndex] as LogisticSolution, strength, options));
    const loss = heldOutLoss(folds, (foldIndex, outcome, row) => {
      const rows = (folds[foldIndex] as Fold).heldOutRows;
      const base = logOdds(pooledSolutions[foldIndex] as LogisticSolution, rows, row);
      const deviation = deviations[foldIndex]?.[outcome.model];
      return deviation === undefined ? base : base + logOdds(deviation, rows, row);
    });
    return [strength, loss] as const;
  });
  return { pooled, deviation: best(deviationLogLoss), selectedBy: 'cross_validation', pooledLogLoss, deviationLogLoss };
}
