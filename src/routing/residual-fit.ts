// Per-prompt corrections for models with plenty of history: an L2-regularised logistic
// regression in log-odds around the kind-level rate (the offset), over the prompt's tf-idf unit
// vector and shape measures. Trained by SGD in a seeded order, so it is deterministic.
// Models with little history get no residual and rely on the smoothed kind rates alone.
import { roundTo, createSeededRandom } from './hashing.ts';
import type { TrainingPrompt } from './fit.ts';
import { kindRates, logit, sigmoid, type KindMembership } from './model.ts';
import type { HistoryRow, ModelStatistics, RouterParameters, WeightedTerm } from './parameters.ts';

export type ResidualOptions = {
  /** A model needs at least this many outcomes before it gets a residual. */
  readonly minimumOutcomes: number;
  readonly epochs: number;
  readonly learningRate: number;
  /** Shrinkage applied to each touched weight per step (lazy L2). */
  readonly l2: number;
  readonly seed: number;
  /** Terms must occur in at least this many distinct prompts to get a weight. */
  readonly minimumDocumentFrequency: number;
  /** Weights smaller than this in magnitude are dropped from the parameters. */
  readonly pruneBelow: number;
};

export type ResidualInputs = {
  readonly history: readonly HistoryRow[];
  readonly promptOfRow: Int32Array;
  readonly prompts: readonly TrainingPrompt[];
  readonly memberships: readonly KindMembership[];
  readonly residualTerms: readonly number[];
  /** Inverse document frequency of each residual term, from the whole training vocabulary. */
  readonly residualIdf: readonly number[];
};

type Example = { readonly locals: Int32Array; readonly values: Float64Array; readonly shape: readonly number[]; readonly offset: number; readonly target: number };

function unitEntries(prompt: TrainingPrompt, membership: KindMembership, localOfTerm: Map<number, number>, idf: readonly number[]) {
  const locals: number[] = [];
  const values: number[] = [];
  prompt.features.termIndices.forEach((termIndex, entry) => {
    const local = localOfTerm.get(termIndex);
    if (local === undefined) return;
    locals.push(local);
    values.push((prompt.features.termWeights[entry] as number) * (idf[local] as number) * membership.inverseNorm);
  });
  return { locals: Int32Array.from(locals), values: Float64Array.from(values) };
}

function trainLogistic(examples: readonly Example[], termCount: number, shapeSize: number, options: ResidualOptions) {
  const termWeights = new Float64Array(termCount);
  const shapeWeights = new Float64Array(shapeSize);
  let bias = 0;
  const nextRandom = createSeededRandom(options.seed);
  const order = Int32Array.from(examples.keys());
  for (let epoch = 0; epoch < options.epochs; epoch += 1) {
    for (let index = order.length - 1; index > 0; index -= 1) {
      const swap = Math.floor(nextRandom() * (index + 1));
      [order[index], order[swap]] = [order[swap] as number, order[index] as number];
    }
    const rate = options.learningRate / (1 + epoch);
    for (const exampleIndex of order) {
      const example = examples[exampleIndex] as Example;
      let logOdds = example.offset + bias;
      for (let entry = 0; entry < example.locals.length; entry += 1) logOdds += (termWeights[example.locals[entry] as number] as number) * (example.values[entry] as number);
      example.shape.forEach((value, index) => { logOdds += (shapeWeights[index] as number) * value; });
      const gradient = sigmoid(logOdds) - example.target;
      bias -= rate * gradient * 0.1;
      for (let entry = 0; entry < example.locals.length; entry += 1) {
        const local = example.locals[entry] as number;
        const current = termWeights[local] as number;
        termWeights[local] = current - rate * (gradient * (example.values[entry] as number) + options.l2 * current);
      }
      example.shape.forEach((value, index) => {
        const current = shapeWeights[index] as number;
        shapeWeights[index] = current - rate * (gradient * value + options.l2 * current);
      });
    }
  }
  return { bias, shapeWeights, termWeights };
}

export function fitResiduals(parameters: RouterParameters, inputs: ResidualInputs, options: ResidualOptions): RouterParameters {
  if (inputs.residualTerms.length === 0 || options.epochs === 0) return parameters;
  const localOfTerm = new Map(inputs.residualTerms.map((termIndex, local) => [termIndex, local]));
  const entries = inputs.prompts.map((prompt, index) =>
    unitEntries(prompt, inputs.memberships[index] as KindMembership, localOfTerm, inputs.residualIdf));
  const models = parameters.models.map((statistics): ModelStatistics => {
    if (statistics.outcomes < options.minimumOutcomes) return statistics;
    const rates = kindRates(parameters, statistics);
    const examples: Example[] = [];
    inputs.history.forEach((row, rowIndex) => {
      if (row.modelId !== statistics.modelId) return;
      const promptIndex = inputs.promptOfRow[rowIndex] as number;
      const membership = inputs.memberships[promptIndex] as KindMembership;
      let quality = 0;
      membership.kindIndices.forEach((kind, position) => { quality += (membership.kindWeights[position] as number) * (rates[kind] as number); });
      const prompt = inputs.prompts[promptIndex] as TrainingPrompt;
      examples.push({ ...(entries[promptIndex] as ReturnType<typeof unitEntries>), shape: prompt.features.shape, offset: logit(quality), target: row.score });
    });
    const shapeSize = inputs.prompts[0]?.features.shape.length ?? 0;
    const trained = trainLogistic(examples, inputs.residualTerms.length, shapeSize, options);
    const termWeights: WeightedTerm[] = [];
    // Stored with the term's idf folded in: prediction then needs no idf table for these terms.
    trained.termWeights.forEach((weight, local) => {
      const folded = weight * (inputs.residualIdf[local] as number);
      if (Math.abs(folded) >= options.pruneBelow) termWeights.push([inputs.residualTerms[local] as number, roundTo(folded, 4)]);
    });
    return {
      ...statistics,
      residual: { bias: roundTo(trained.bias, 4), shapeWeights: Array.from(trained.shapeWeights, (weight) => roundTo(weight, 4)), termWeights },
    };
  });
  return { ...parameters, models };
}
