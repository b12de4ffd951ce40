// Prediction from fitted parameters: which kinds a prompt belongs to, and how well each model
// is expected to do on it. Pure functions of (parameters, features). The lookup tables derived
// from the parameters are built once per parameters object (a WeakMap cache of derived data),
// and `assessPrompt` reads each prompt term once for all kinds and all models, so a decision
// over many candidates costs one pass over the prompt plus a few array reads per candidate.
import { termSpaceSize, type PromptFeatures } from './features.ts';
import type { ModelStatistics, RouterParameters } from './parameters.ts';

export type PromptAssessment = {
  readonly kindIndices: readonly number[];
  readonly kindWeights: readonly number[];
  /** 1 / length of the prompt's tf-idf vector. */
  readonly inverseNorm: number;
  /** Per-prompt log-odds correction for each model with a residual, by compiled model index. */
  readonly residualLogOdds: Float64Array;
};

/** Kept for callers that only need the kind part of an assessment. */
export type KindMembership = Pick<PromptAssessment, 'kindIndices' | 'kindWeights' | 'inverseNorm'>;

/**
 * Compressed lookup tables. `entryOfTerm` maps a hashed term id straight to its entry (or -1),
 * so scoring a prompt reads one typed-array cell per term instead of hashing into a Map.
 * Entry e's kind weights sit at kindSlots[kindStart[e] .. kindStart[e + 1]) and its residual
 * weights at modelSlots[modelStart[e] .. modelStart[e + 1]).
 */
type CompiledRouter = {
  readonly entryOfTerm: Int32Array;
  readonly idfOfEntry: Float64Array;
  readonly kindStart: Int32Array;
  readonly kindSlots: Int32Array;
  readonly kindSlotWeights: Float64Array;
  readonly modelStart: Int32Array;
  readonly modelSlots: Int32Array;
  readonly modelSlotWeights: Float64Array;
  readonly modelIndex: Map<string, number>;
  readonly ratesPerModel: readonly Float64Array[];
  readonly residuals: readonly (ModelStatistics['residual'] | undefined)[];
  /** Rates for a model never seen in history: the kind means. */
  readonly unknownModelRates: Float64Array;
};

const compiledCache = new WeakMap<RouterParameters, CompiledRouter>();

export function logit(probability: number): number {
  const clamped = Math.min(Math.max(probability, 1e-6), 1 - 1e-6);
  return Math.log(clamped / (1 - clamped));
}

export function sigmoid(logOdds: number): number {
  return 1 / (1 + Math.exp(-logOdds));
}

/**
 * Smoothed per-kind rate of one model. The prior for a kind combines how hard the kind is for
 * all models with how strong this model is overall (both in log-odds), so a model with only a
 * few ratings already inherits the kind structure, shifted by its own observed level.
 */
export function kindRates(parameters: RouterParameters, statistics: ModelStatistics | undefined): Float64Array {
  const rates = new Float64Array(parameters.kinds.length);
  const strength = parameters.priorStrength;
  const modelMean = statistics === undefined
    ? parameters.globalMeanScore
    : (statistics.scoreSum + strength * parameters.globalMeanScore) / (statistics.outcomes + strength);
  const ability = logit(modelMean) - logit(parameters.globalMeanScore);
  parameters.kinds.forEach((kind, kindIndex) => {
    const prior = sigmoid(logit(kind.meanScore) + ability);
    const [outcomes, scoreSum] = statistics?.perKind[kindIndex] ?? [0, 0];
    rates[kindIndex] = (scoreSum + strength * prior) / (outcomes + strength);
  });
  return rates;
}

type Posting = readonly [termIndex: number, owner: number, weight: number];

/** Groups (term, owner, weight) postings by term into start offsets and flat slot arrays. */
function packPostings(postings: Posting[], entryOfTerm: Int32Array, entryCount: number) {
  postings.sort((left, right) => (entryOfTerm[left[0]] as number) - (entryOfTerm[right[0]] as number) || left[1] - right[1]);
  const start = new Int32Array(entryCount + 1);
  for (const [termIndex] of postings) {
    const next = (entryOfTerm[termIndex] as number) + 1;
    start[next] = (start[next] as number) + 1;
  }
  for (let entry = 0; entry < entryCount; entry += 1) start[entry + 1] = (start[entry + 1] as number) + (start[entry] as number);
  return { start, slots: Int32Array.from(postings, (posting) => posting[1]), weights: Float64Array.from(postings, (posting) => posting[2]) };
}

function compile(parameters: RouterParameters): CompiledRouter {
  const cached = compiledCache.get(parameters);
  if (cached !== undefined) return cached;
  const kindPostings: Posting[] = parameters.kinds.flatMap((kind, kindIndex) => kind.centroid.map(([termIndex, weight]): Posting => [termIndex, kindIndex, weight]));
  const modelPostings: Posting[] = parameters.models.flatMap((statistics, modelIndex) =>
    (statistics.residual?.termWeights ?? []).map(([termIndex, weight]): Posting => [termIndex, modelIndex, weight]));
  const entryOfTerm = new Int32Array(termSpaceSize).fill(-1);
  let entryCount = 0;
  const idf: number[] = [];
  const register = (termIndex: number): void => {
    if (entryOfTerm[termIndex] !== -1) return;
    entryOfTerm[termIndex] = entryCount;
    entryCount += 1;
    idf.push(parameters.defaultInverseDocumentFrequency);
  };
  for (const [termIndex, value] of parameters.inverseDocumentFrequency) {
    register(termIndex);
    idf[entryOfTerm[termIndex] as number] = value;
  }
  for (const [termIndex] of [...kindPostings, ...modelPostings]) register(termIndex);
  const kinds = packPostings(kindPostings, entryOfTerm, entryCount);
  const models = packPostings(modelPostings, entryOfTerm, entryCount);
  const compiled: CompiledRouter = {
    entryOfTerm,
    idfOfEntry: Float64Array.from(idf),
    kindStart: kinds.start,
    kindSlots: kinds.slots,
    kindSlotWeights: kinds.weights,
    modelStart: models.start,
    modelSlots: models.slots,
    modelSlotWeights: models.weights,
    modelIndex: new Map(parameters.models.map((statistics, index) => [statistics.modelId, index])),
    ratesPerModel: parameters.models.map((statistics) => kindRates(parameters, statistics)),
    residuals: parameters.models.map((statistics) => statistics.residual),
    unknownModelRates: kindRates(parameters, undefined),
  };
  compiledCache.set(parameters, compiled);
  return compiled;
}

/** One pass over the prompt's terms: kind similarities and every model's residual. */
export function assessPrompt(parameters: RouterParameters, features: PromptFeatures): PromptAssessment {
  const compiled = compile(parameters);
  const similarities = new Float64Array(parameters.kinds.length);
  const residualTerms = new Float64Array(parameters.models.length);
  let squaredNorm = 0;
  for (let position = 0; position < features.termIndices.length; position += 1) {
    const termIndex = features.termIndices[position] as number;
    const termWeight = features.termWeights[position] as number;
    const entry = termIndex < termSpaceSize ? (compiled.entryOfTerm[termIndex] as number) : -1;
    if (entry === -1) {
      const weight = termWeight * parameters.defaultInverseDocumentFrequency;
      squaredNorm += weight * weight;
      continue;
    }
    const weight = termWeight * (compiled.idfOfEntry[entry] as number);
    squaredNorm += weight * weight;
    for (let slot = compiled.kindStart[entry] as number; slot < (compiled.kindStart[entry + 1] as number); slot += 1) {
      const kind = compiled.kindSlots[slot] as number;
      similarities[kind] = (similarities[kind] as number) + weight * (compiled.kindSlotWeights[slot] as number);
    }
    for (let slot = compiled.modelStart[entry] as number; slot < (compiled.modelStart[entry + 1] as number); slot += 1) {
      const model = compiled.modelSlots[slot] as number;
      residualTerms[model] = (residualTerms[model] as number) + termWeight * (compiled.modelSlotWeights[slot] as number);
    }
  }
  const inverseNorm = squaredNorm > 0 ? 1 / Math.sqrt(squaredNorm) : 0;
  const residualLogOdds = new Float64Array(parameters.models.length);
  compiled.residuals.forEach((residual, model) => {
    if (residual === undefined) return;
    let total = residual.bias + (residualTerms[model] as number) * inverseNorm;
    residual.shapeWeights.forEach((weight, index) => {
      total += weight * (features.shape[index] ?? 0);
    });
    residualLogOdds[model] = total;
  });
  const top = softTopKinds(similarities, inverseNorm, parameters.kindsPerPrompt, parameters.kindTemperature);
  return { ...top, inverseNorm, residualLogOdds };
}

/** Soft membership over the nearest kinds by cosine similarity of tf-idf vectors. */
function softTopKinds(similarities: Float64Array, scale: number, kindsPerPrompt: number, temperature: number) {
  const kindIndices: number[] = [];
  const count = Math.min(kindsPerPrompt, similarities.length);
  for (let rank = 0; rank < count; rank += 1) {
    let best = -1;
    for (let kind = 0; kind < similarities.length; kind += 1) {
      if (kindIndices.includes(kind)) continue;
      if (best === -1 || (similarities[kind] as number) > (similarities[best] as number)) best = kind;
    }
    kindIndices.push(best);
  }
  const top = (similarities[kindIndices[0] as number] ?? 0) * scale;
  const raw = kindIndices.map((kind) => Math.exp(((similarities[kind] as number) * scale - top) / temperature));
  const total = raw.reduce((sum, value) => sum + value, 0);
  return { kindIndices, kindWeights: raw.map((value) => value / total) };
}

/** Predicted quality in [0, 1] of `modelId` on an already assessed prompt. */
export function predictQualityForAssessment(parameters: RouterParameters, assessment: PromptAssessment, modelId: string): number {
  const compiled = compile(parameters);
  const modelIndex = compiled.modelIndex.get(modelId);
  const rates = modelIndex === undefined ? compiled.unknownModelRates : (compiled.ratesPerModel[modelIndex] as Float64Array);
  let quality = 0;
  for (let position = 0; position < assessment.kindIndices.length; position += 1) {
    quality += (assessment.kindWeights[position] as number) * (rates[assessment.kindIndices[position] as number] as number);
  }
  if (modelIndex === undefined || compiled.residuals[modelIndex] === undefined) return quality;
  return sigmoid(logit(quality) + (assessment.residualLogOdds[modelIndex] as number));
}

export function predictQuality(parameters: RouterParameters, features: PromptFeatures, modelId: string): number {
  return predictQualityForAssessment(parameters, assessPrompt(parameters, features), modelId);
}

/** Difficulty in [0, 1]: the expected failure share of a typical model on this prompt's kinds. */
export function difficulty(parameters: RouterParameters, features: PromptFeatures): number {
  const assessment = assessPrompt(parameters, features);
  let meanScore = 0;
  assessment.kindIndices.forEach((kind, position) => {
    meanScore += (assessment.kindWeights[position] as number) * (parameters.kinds[kind]?.meanScore ?? parameters.globalMeanScore);
  });
  return 1 - meanScore;
}
