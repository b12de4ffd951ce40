// fit(history, options) -> RouterParameters: a deterministic pure function. Prompts are
// grouped and sorted by content, kinds come from seeded spherical k-means over tf-idf vectors,
// and per-kind, per-model rates are counted with the same membership function used at
// prediction time. Every stored number is rounded, so equal history gives equal bytes.
import { extractFeatures, type PromptFeatures } from './features.ts';
import { roundTo } from './hashing.ts';
import { centerColumn, sphericalKMeans, type SparseVector } from './kmeans.ts';
import { assessPrompt } from './model.ts';
import { routerParametersFormat, type HistoryRow, type ModelStatistics, type RouterParameters, type WeightedTerm } from './parameters.ts';
import { fitResiduals, type ResidualOptions } from './residual-fit.ts';

export type FitOptions = {
  readonly version: string;
  readonly seed: number;
  readonly kindCount: number;
  readonly kmeansIterations: number;
  /** Terms must occur in at least this many distinct prompts to shape the kinds. */
  readonly minimumDocumentFrequency: number;
  readonly centroidTermsKept: number;
  readonly priorStrength: number;
  readonly kindTemperature: number;
  readonly kindsPerPrompt: number;
  readonly residual: ResidualOptions;
};

export const defaultFitOptions: FitOptions = {
  version: 'unversioned',
  seed: 20240601,
  kindCount: 64,
  kmeansIterations: 20,
  minimumDocumentFrequency: 2,
  centroidTermsKept: 250,
  priorStrength: 3,
  kindTemperature: 0.05,
  kindsPerPrompt: 3,
  residual: { minimumOutcomes: 500, epochs: 10, learningRate: 0.5, l2: 0.007, seed: 7, minimumDocumentFrequency: 3, pruneBelow: 0.05 },
};

export type TrainingPrompt = { readonly key: string; readonly features: PromptFeatures };

/** Unique prompts sorted by content key, and for each history row the index of its prompt. */
export function groupPrompts(history: readonly HistoryRow[]): { prompts: TrainingPrompt[]; promptOfRow: Int32Array } {
  const featuresByKey = new Map<string, PromptFeatures>();
  const keys = history.map((row) => {
    const key = row.features === undefined
      ? `t:${row.promptText ?? ''}`
      : `f:${row.features.termIndices.join(',')}|${row.features.termWeights.join(',')}|${row.features.shape.join(',')}`;
    if (!featuresByKey.has(key)) featuresByKey.set(key, row.features ?? extractFeatures(row.promptText ?? ''));
    return key;
  });
  const sortedKeys = [...featuresByKey.keys()].sort((left, right) => (left < right ? -1 : left > right ? 1 : 0));
  const indexOfKey = new Map(sortedKeys.map((key, index) => [key, index]));
  const prompts = sortedKeys.map((key) => ({ key, features: featuresByKey.get(key) as PromptFeatures }));
  return { prompts, promptOfRow: Int32Array.from(keys, (key) => indexOfKey.get(key) as number) };
}

type Vocabulary = {
  localOfTerm: Map<number, number>;
  termOfLocal: number[];
  idfOfLocal: Float64Array;
  defaultIdf: number;
  documentFrequency: Map<number, number>;
  idfFor: (frequency: number) => number;
};

function buildVocabulary(prompts: readonly TrainingPrompt[], minimumDocumentFrequency: number): Vocabulary {
  const documentFrequency = new Map<number, number>();
  for (const prompt of prompts) {
    for (const termIndex of prompt.features.termIndices) documentFrequency.set(termIndex, (documentFrequency.get(termIndex) ?? 0) + 1);
  }
  const termOfLocal = [...documentFrequency.entries()]
    .filter(([, frequency]) => frequency >= minimumDocumentFrequency)
    .map(([termIndex]) => termIndex)
    .sort((left, right) => left - right);
  const idfFor = (frequency: number): number => Math.log((prompts.length + 1) / (frequency + 1)) + 1;
  return {
    localOfTerm: new Map(termOfLocal.map((termIndex, local) => [termIndex, local])),
    termOfLocal,
    idfOfLocal: Float64Array.from(termOfLocal, (termIndex) => idfFor(documentFrequency.get(termIndex) as number)),
    defaultIdf: idfFor(1),
    documentFrequency,
    idfFor,
  };
}

function toUnitVector(features: PromptFeatures, vocabulary: Vocabulary): SparseVector {
  const indices: number[] = [];
  const values: number[] = [];
  features.termIndices.forEach((termIndex, entry) => {
    const local = vocabulary.localOfTerm.get(termIndex);
    if (local === undefined) return;
    indices.push(local);
    values.push((features.termWeights[entry] as number) * (vocabulary.idfOfLocal[local] as number));
  });
  const norm = Math.sqrt(values.reduce((sum, value) => sum + value * value, 0));
  return { indices: Int32Array.from(indices), values: Float64Array.from(values, (value) => (norm > 0 ? value / norm : 0)) };
}

/** Keeps a centroid's heaviest terms (ties by term id), rescaled to unit length, in global term ids. */
function truncateCentroid(center: Float64Array, vocabulary: Vocabulary, kept: number): WeightedTerm[] {
  const locals = [...center.keys()].filter((local) => (center[local] as number) > 0);
  locals.sort((left, right) => (center[right] as number) - (center[left] as number) || left - right);
  const top = locals.slice(0, kept);
  const norm = Math.sqrt(top.reduce((sum, local) => sum + (center[local] as number) ** 2, 0));
  return top
    .map((local): WeightedTerm => [vocabulary.termOfLocal[local] as number, roundTo((center[local] as number) / norm, 5)])
    .sort((left, right) => left[0] - right[0]);
}

export function fit(history: readonly HistoryRow[], options: Partial<FitOptions> = {}): RouterParameters {
  const settings: FitOptions = { ...defaultFitOptions, ...options };
  const { prompts, promptOfRow } = groupPrompts(history);
  const vocabulary = buildVocabulary(prompts, settings.minimumDocumentFrequency);
  const vectors = prompts.map((prompt) => toUnitVector(prompt.features, vocabulary));
  const clustering = sphericalKMeans(vectors, vocabulary.termOfLocal.length, {
    kindCount: settings.kindCount,
    seed: settings.seed,
    iterations: settings.kmeansIterations,
  });
  const centroids = Array.from({ length: clustering.centers.kindCount }, (_, kind) =>
    truncateCentroid(centerColumn(clustering.centers, kind), vocabulary, settings.centroidTermsKept));
  const residualTerms = residualVocabulary(history, vocabulary.documentFrequency, settings.residual);
  const idfTerms = [...new Set(centroids.flatMap((centroid) => centroid.map(([termIndex]) => termIndex)))].sort((left, right) => left - right);
  const globalMeanScore = history.length === 0 ? 0.5 : history.reduce((sum, row) => sum + row.score, 0) / history.length;
  const skeleton: RouterParameters = {
    format: routerParametersFormat,
    version: settings.version,
    globalMeanScore: roundTo(globalMeanScore, 6),
    priorStrength: settings.priorStrength,
    kindTemperature: settings.kindTemperature,
    kindsPerPrompt: settings.kindsPerPrompt,
    inverseDocumentFrequency: idfTerms.map((termIndex): WeightedTerm => [
      termIndex,
      roundTo(vocabulary.idfFor(vocabulary.documentFrequency.get(termIndex) as number), 5),
    ]),
    defaultInverseDocumentFrequency: roundTo(vocabulary.defaultIdf, 5),
    kinds: centroids.map((centroid) => ({ centroid, promptWeight: 0, meanScore: roundTo(globalMeanScore, 6) })),
    models: [],
  };
  // Memberships come from the rounded, truncated parameters themselves, exactly as at prediction.
  const memberships = prompts.map((prompt) => assessPrompt(skeleton, prompt.features));
  const counted = countOutcomes(history, promptOfRow, memberships, skeleton);
  const withCounts: RouterParameters = { ...skeleton, kinds: counted.kinds, models: counted.models };
  const residualIdf = residualTerms.map((termIndex) => vocabulary.idfFor(vocabulary.documentFrequency.get(termIndex) as number));
  return fitResiduals(withCounts, { history, promptOfRow, prompts, memberships, residualTerms, residualIdf }, settings.residual);
}

/** Terms a residual may weigh: common enough to learn from, and only if some model qualifies. */
function residualVocabulary(history: readonly HistoryRow[], documentFrequency: Map<number, number>, options: ResidualOptions): number[] {
  const outcomesPerModel = new Map<string, number>();
  for (const row of history) outcomesPerModel.set(row.modelId, (outcomesPerModel.get(row.modelId) ?? 0) + 1);
  const anyQualifies = [...outcomesPerModel.values()].some((outcomes) => outcomes >= options.minimumOutcomes);
  if (!anyQualifies) return [];
  return [...documentFrequency.entries()]
    .filter(([, frequency]) => frequency >= options.minimumDocumentFrequency)
    .map(([termIndex]) => termIndex)
    .sort((left, right) => left - right);
}

type Membership = ReturnType<typeof assessPrompt>;

function countOutcomes(
  history: readonly HistoryRow[],
  promptOfRow: Int32Array,
  memberships: readonly Membership[],
  skeleton: RouterParameters,
): { kinds: RouterParameters['kinds']; models: ModelStatistics[] } {
  const kindCount = skeleton.kinds.length;
  const kindOutcomes = new Float64Array(kindCount);
  const kindScores = new Float64Array(kindCount);
  const promptWeights = new Float64Array(kindCount);
  memberships.forEach((membership) => membership.kindIndices.forEach((kind, position) => {
    promptWeights[kind] = (promptWeights[kind] as number) + (membership.kindWeights[position] as number);
  }));
  const perModel = new Map<string, { outcomes: number; scoreSum: number; perKind: Float64Array }>();
  history.forEach((row, rowIndex) => {
    const membership = memberships[promptOfRow[rowIndex] as number] as Membership;
    const model = perModel.get(row.modelId) ?? { outcomes: 0, scoreSum: 0, perKind: new Float64Array(kindCount * 2) };
    perModel.set(row.modelId, model);
    model.outcomes += 1;
    model.scoreSum += row.score;
    membership.kindIndices.forEach((kind, position) => {
      const weight = membership.kindWeights[position] as number;
      model.perKind[kind * 2] = (model.perKind[kind * 2] as number) + weight;
      model.perKind[kind * 2 + 1] = (model.perKind[kind * 2 + 1] as number) + weight * row.score;
      kindOutcomes[kind] = (kindOutcomes[kind] as number) + weight;
      kindScores[kind] = (kindScores[kind] as number) + weight * row.score;
    });
  });
  const strength = skeleton.priorStrength;
  const kinds = skeleton.kinds.map((kind, index) => ({
    centroid: kind.centroid,
    promptWeight: roundTo(promptWeights[index] as number, 3),
    meanScore: roundTo(((kindScores[index] as number) + strength * skeleton.globalMeanScore) / ((kindOutcomes[index] as number) + strength), 6),
  }));
  const modelIds = [...perModel.keys()].sort((left, right) => (left < right ? -1 : left > right ? 1 : 0));
  const models = modelIds.map((modelId): ModelStatistics => {
    const model = perModel.get(modelId) as { outcomes: number; scoreSum: number; perKind: Float64Array };
    return {
      modelId,
      outcomes: model.outcomes,
      scoreSum: roundTo(model.scoreSum, 4),
      perKind: skeleton.kinds.map((_, kind) => [roundTo(model.perKind[kind * 2] as number, 4), roundTo(model.perKind[kind * 2 + 1] as number, 4)] as const),
    };
  });
  return { kinds, models };
}
