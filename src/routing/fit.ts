// fitRouterFromHistory(history, options) -> RouterParameters: a deterministic pure function.
//
// The model, for model m and prompt x (a unit tf-idf vector over hashed terms):
//   log-odds of a good answer = pooled bias + pooled weights . x  +  bias_m + deviation_m . x
// The pooled part is fitted on every model's ratings together and says how hard a prompt is;
// each model's deviation is then fitted on its own ratings, with the pooled log-odds as a fixed
// offset, and is pulled toward zero. A model with no ratings therefore gets the pooled estimate,
// one with a few ratings a small shift of it, and one with many ratings its own per-prompt view.
// The two L2 strengths are chosen by k-fold cross-validation within the history (held-out
// log-loss), folds assigned by a seeded hash of the prompt, so nothing outside the history
// influences the fit.
import { defaultFitOptions, fitCore, type CoreFit, type FitOptions } from './core-fit.ts';
import { crossValidateStrengths } from './cross-validation.ts';
import { featureVersion } from './features.ts';
import { roundTo } from './hashing.ts';
import { groupHistory, type GroupedHistory } from './history.ts';
import { routerParametersFormat, type RatedRequest, type Regularization, type RouterParameters } from './parameters.ts';

export { defaultFitOptions, type FitOptions };

function chooseStrengths(grouped: GroupedHistory, options: FitOptions): Regularization {
  const middle = (grid: readonly number[]): number => grid[Math.floor(grid.length / 2)] as number;
  const given = options.pooledStrength !== undefined && options.deviationStrength !== undefined;
  if (given || grouped.prompts.length < options.crossValidationPromptsMin) {
    return {
      pooled: options.pooledStrength ?? middle(options.pooledStrengthGrid),
      deviation: options.deviationStrength ?? middle(options.deviationStrengthGrid),
      modelBias: options.modelBiasStrength,
      selectedBy: 'given',
      pooledLogLoss: [],
      deviationLogLoss: [],
    };
  }
  return { ...crossValidateStrengths(grouped, options), modelBias: options.modelBiasStrength };
}

export function fitRouterFromHistory(history: readonly RatedRequest[], options: Partial<FitOptions> = {}): RouterParameters {
  const settings: FitOptions = { ...defaultFitOptions, ...options };
  if (history.length > settings.historyRowsMax) {
    throw new Error(`history has ${history.length} rated requests; the limit is ${settings.historyRowsMax}`);
  }
  const grouped = groupHistory(history);
  const regularization = chooseStrengths(grouped, settings);
  const core = fitCore(grouped, grouped.prompts.map((_, index) => index), regularization, settings);
  return serialize(grouped, core, regularization, settings);
}

function serialize(grouped: GroupedHistory, core: CoreFit, regularization: Regularization, settings: FitOptions): RouterParameters {
  const round4 = (value: number): number => roundTo(value, 4);
  const models = grouped.modelIds.map((modelId, model) => {
    let ratings = 0;
    let scoreSum = 0;
    for (const outcome of grouped.outcomes) {
      if (outcome.model !== model) continue;
      ratings += outcome.count;
      scoreSum += outcome.scoreSum;
    }
    const deviation = core.deviations[model];
    return {
      modelId,
      ratings,
      meanScore: roundTo(ratings === 0 ? 0 : scoreSum / ratings, 6),
      bias: roundTo(deviation?.bias ?? 0, 6),
      weights: deviation === undefined ? Array.from(core.vocabulary.terms, () => 0) : Array.from(deviation.weights, round4),
    };
  });
  return {
    format: routerParametersFormat,
    version: settings.version,
    featureVersion,
    promptCount: core.vocabulary.promptCount,
    terms: Array.from(core.vocabulary.terms),
    documentFrequencies: Array.from(core.vocabulary.documentFrequencies),
    regularization: {
      pooled: regularization.pooled,
      deviation: regularization.deviation,
      modelBias: regularization.modelBias,
      selectedBy: regularization.selectedBy,
      pooledLogLoss: regularization.pooledLogLoss.map(([strength, loss]) => [strength, roundTo(loss, 6)] as const),
      deviationLogLoss: regularization.deviationLogLoss.map(([strength, loss]) => [strength, roundTo(loss, 6)] as const),
    },
    pooled: { bias: roundTo(core.pooled.bias, 6), weights: Array.from(core.pooled.weights, round4) },
    models,
  };
}
