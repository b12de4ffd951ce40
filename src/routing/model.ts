// Prediction from fitted parameters: how likely each model is to answer a prompt well. Pure
// functions of (parameters, features). Lookup tables derived from the parameters are built once
// per parameters object (a WeakMap cache of derived data), and `assessPrompt` reads each prompt
// term once for the pooled part and every model's deviation, so a decision over many candidates
// costs one pass over the prompt plus one array read per candidate.
import * as design from './design.ts';
import type { TermTable } from './design.ts';
import { featureVersion, type PromptFeatures } from './features.ts';
import * as logistic from './logistic.ts';
import { routerParametersFormat, type RouterParameters } from './parameters.ts';

type CompiledRouter = {
  readonly table: TermTable;
  /**
   * Everything a prompt term needs, side by side so one term touches one stretch of memory:
   * for vocabulary position p, at p * stride: idf, pooled weight, then each model's deviation.
   */
  readonly termRows: Float64Array;
  readonly stride: number;
  readonly pooledBias: number;
  readonly modelCount: number;
  readonly modelBiases: Float64Array;
  readonly modelIndex: ReadonlyMap<string, number>;
};

export type PromptAssessment = {
  /** Log-odds of a good answer from a model the router knows nothing about. */
  readonly pooledLogOdds: number;
  /** Per model (in parameter order): its own log-odds. */
  readonly modelLogOdds: Float64Array;
};

const compiledCache = new WeakMap<RouterParameters, CompiledRouter>();

// Local copies of the helpers used per prompt term, so the hot loop calls them directly.
const lookupTerm = design.lookupTerm;
const sigmoid = logistic.sigmoid;

function compile(parameters: RouterParameters): CompiledRouter {
  const cached = compiledCache.get(parameters);
  if (cached !== undefined) return cached;
  if (parameters.format !== routerParametersFormat || parameters.featureVersion !== featureVersion) {
    throw new Error(`router parameters ${parameters.format}/${parameters.featureVersion} do not match ${routerParametersFormat}/${featureVersion}`);
  }
  const modelCount = parameters.models.length;
  const stride = modelCount + 2;
  const termRows = new Float64Array(parameters.terms.length * stride);
  parameters.documentFrequencies.forEach((frequency, position) => {
    termRows[position * stride] = design.inverseDocumentFrequency(parameters.promptCount, frequency);
    termRows[position * stride + 1] = parameters.pooled.weights[position] as number;
  });
  parameters.models.forEach((model, modelIndex) => {
    model.weights.forEach((weight, position) => {
      termRows[position * stride + 2 + modelIndex] = weight;
    });
  });
  const compiled: CompiledRouter = {
    table: design.buildTermTable(parameters.terms),
    termRows,
    stride,
    pooledBias: parameters.pooled.bias,
    modelCount,
    modelBiases: Float64Array.from(parameters.models, (model) => model.bias),
    modelIndex: new Map(parameters.models.map((model, index) => [model.modelId, index])),
  };
  compiledCache.set(parameters, compiled);
  return compiled;
}

/** One pass over the prompt's terms: the pooled log-odds and every known model's log-odds. */
export function assessPrompt(parameters: RouterParameters, features: PromptFeatures): PromptAssessment {
  const compiled = compile(parameters);
  const { modelCount, termRows, stride, table } = compiled;
  const deviations = new Float64Array(modelCount);
  let pooled = 0;
  let squaredNorm = 0;
  for (let index = 0; index < features.termIndices.length; index += 1) {
    const position = lookupTerm(table, features.termIndices[index] as number);
    if (position === -1) continue;
    const offset = position * stride;
    const value = termRows[offset] as number;
    squaredNorm += value * value;
    pooled += value * (termRows[offset + 1] as number);
    for (let model = 0; model < modelCount; model += 1) {
      deviations[model] = (deviations[model] as number) + value * (termRows[offset + 2 + model] as number);
    }
  }
  const inverseNorm = squaredNorm > 0 ? 1 / Math.sqrt(squaredNorm) : 0;
  const pooledLogOdds = compiled.pooledBias + pooled * inverseNorm;
  const modelLogOdds = deviations;
  for (let model = 0; model < modelCount; model += 1) {
    modelLogOdds[model] = pooledLogOdds + (compiled.modelBiases[model] as number) + (deviations[model] as number) * inverseNorm;
  }
  return { pooledLogOdds, modelLogOdds };
}

/** Predicted quality in [0, 1]; a model absent from the history gets the pooled estimate. */
export function qualityFromAssessment(parameters: RouterParameters, assessment: PromptAssessment, modelId: string): number {
  const model = compile(parameters).modelIndex.get(modelId);
  return sigmoid(model === undefined ? assessment.pooledLogOdds : (assessment.modelLogOdds[model] as number));
}

/** The same for several models at once, looking the compiled tables up once. */
export function qualitiesFromAssessment(parameters: RouterParameters, assessment: PromptAssessment, modelIds: readonly string[]): number[] {
  const { modelIndex } = compile(parameters);
  const pooled = sigmoid(assessment.pooledLogOdds);
  return modelIds.map((modelId) => {
    const model = modelIndex.get(modelId);
    return model === undefined ? pooled : sigmoid(assessment.modelLogOdds[model] as number);
  });
}

export function predictQuality(parameters: RouterParameters, features: PromptFeatures, modelId: string): number {
  return qualityFromAssessment(parameters, assessPrompt(parameters, features), modelId);
}

export function predictQualities(parameters: RouterParameters, features: PromptFeatures, modelIds: readonly string[]): number[] {
  return qualitiesFromAssessment(parameters, assessPrompt(parameters, features), modelIds);
}

/** Difficulty in [0, 1]: the expected share of bad answers from a typical model. */
export function difficulty(parameters: RouterParameters, features: PromptFeatures): number {
  return 1 - sigmoid(assessPrompt(parameters, features).pooledLogOdds);
}
