// `lumen router eval`: fit on one set of labelled prompts, score the other, report RouteLLM's
// metrics and the decision latency as one JSON line. The labelled prompts are turned into rated
// requests (right -> 5, wrong -> 1), exactly what a retune would rebuild from the ledger, and
// the fit goes through fitRouterVersion, the one path every router version is fitted on, so what
// is measured here is what the gateway runs. This is the adapter that reads files; the rest is pure.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { decideRoute, type CandidateModel } from '../routing/decide.ts';
import { extractFeatures, type PromptFeatures } from '../routing/features.ts';
import type { FitOptions } from '../routing/fit.ts';
import { isTrainingPrompt, parseContaminatedPrompts, parseLabelledCsv, ratedRequestsFromLabelledPrompts, type LabelledPrompt } from '../routing/dataset.ts';
import { percentile, routingMetrics, type LabelledScore } from '../routing/evaluate.ts';
import { predictQualities } from '../routing/model.ts';
import type { RouterParameters } from '../routing/parameters.ts';
import { fitRouterVersion } from '../routing/versioning.ts';

/** The labelled data beside the checkout (../shared/data/routing/mmlu). */
export const defaultDataDirectory = fileURLToPath(new URL('../../../shared/data/routing/mmlu', import.meta.url));

export type EvalOptions = {
  /** Files to fit on and to score; when both are empty, the fixed 50/50 split of `dataDirectory`. */
  readonly trainFiles?: readonly string[];
  readonly testFiles?: readonly string[];
  readonly dataDirectory?: string;
  /** Contamination list; defaults to contaminated_prompts.jsonl beside the data, when present. */
  readonly contaminatedFile?: string;
  readonly fitOptions?: Partial<FitOptions>;
  readonly binCount?: number;
  /** Candidates per timed decision (the two routed models plus stand-ins without history). */
  readonly candidatesPerDecision?: number;
};

export type EvalReport = {
  readonly apgr: number;
  readonly cpt50: number;
  readonly cpt80: number;
  /** Prediction for every candidate plus the choice rule, features already extracted. */
  readonly decision_p50_us: number;
  readonly decision_p99_us: number;
  /** Feature extraction from the prompt text plus the decision. */
  readonly end_to_end_p50_us: number;
  readonly end_to_end_p99_us: number;
  readonly train_rows: number;
  readonly test_rows: number;
  readonly weak_accuracy: number;
  readonly strong_accuracy: number;
  /** The same metrics for the "longer prompt -> strong model" baseline on the same test rows. */
  readonly length_baseline_apgr: number;
  readonly length_baseline_cpt50: number;
  readonly terms: number;
  readonly pooled_strength: number;
  readonly deviation_strength: number;
  readonly strengths_selected_by: string;
  readonly fit_ms: number;
};

export async function loadLabelledFiles(files: readonly string[], contaminated: ReadonlySet<string>): Promise<LabelledPrompt[]> {
  const prompts: LabelledPrompt[] = [];
  for (const file of files) {
    const parsed = parseLabelledCsv(await readFile(file, 'utf8'), file);
    if (!parsed.ok) throw new Error(parsed.error.message);
    prompts.push(...parsed.prompts.filter((labelled) => !contaminated.has(labelled.prompt)));
  }
  return prompts;
}

export async function loadContaminated(file: string): Promise<Set<string>> {
  return existsSync(file) ? parseContaminatedPrompts(await readFile(file, 'utf8')) : new Set<string>();
}

/** Every CSV of the data directory, sorted by name. */
export async function dataFiles(dataDirectory: string): Promise<string[]> {
  return (await readdir(dataDirectory)).filter((name) => name.endsWith('.csv')).sort().map((name) => join(dataDirectory, name));
}

async function loadSplit(options: EvalOptions): Promise<{ train: LabelledPrompt[]; test: LabelledPrompt[] }> {
  const dataDirectory = options.dataDirectory ?? defaultDataDirectory;
  const trainFiles = options.trainFiles ?? [];
  const testFiles = options.testFiles ?? [];
  const anchor = trainFiles[0] ?? testFiles[0];
  const contaminated = await loadContaminated(options.contaminatedFile
    ?? join(anchor === undefined ? dataDirectory : dirname(anchor), 'contaminated_prompts.jsonl'));
  if (trainFiles.length > 0 || testFiles.length > 0) {
    return { train: await loadLabelledFiles(trainFiles, contaminated), test: await loadLabelledFiles(testFiles, contaminated) };
  }
  const all = await loadLabelledFiles(await dataFiles(dataDirectory), contaminated);
  return { train: all.filter((labelled) => isTrainingPrompt(labelled.prompt)), test: all.filter((labelled) => !isTrainingPrompt(labelled.prompt)) };
}

/** Times `decideRoute` over the candidates for every prompt, with or without feature extraction. */
function timeDecisions(parameters: RouterParameters, prompts: readonly string[], featureList: readonly PromptFeatures[], candidates: readonly CandidateModel[], extract: boolean): number[] {
  const samples: number[] = [];
  const constraints = { qualityFloor: 0.75, maxCostMicros: 100_000 };
  prompts.forEach((prompt, index) => {
    const started = performance.now();
    const features = extract ? extractFeatures(prompt) : (featureList[index] as PromptFeatures);
    decideRoute(parameters, features, candidates, constraints);
    samples.push((performance.now() - started) * 1000);
  });
  return samples;
}

function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

/** Scores for the metrics: predicted strong quality minus predicted weak quality. */
export function scoreTestPrompts(parameters: RouterParameters, test: readonly LabelledPrompt[], featureList: readonly PromptFeatures[]): LabelledScore[] {
  return test.map((labelled, index) => {
    const weakModel = labelled.outcomes[0] as readonly [string, boolean];
    const strongModel = labelled.outcomes[labelled.outcomes.length - 1] as readonly [string, boolean];
    const [weak, strong] = predictQualities(parameters, featureList[index] as PromptFeatures, [weakModel[0], strongModel[0]]) as [number, number];
    return { score: strong - weak, weakCorrect: weakModel[1], strongCorrect: strongModel[1] };
  });
}

export function lengthBaseline(test: readonly LabelledPrompt[], scored: readonly LabelledScore[], binCount: number) {
  return routingMetrics(test.map((labelled, index) => ({ ...scored[index] as LabelledScore, score: labelled.prompt.length })), binCount);
}

export async function runRouterEval(options: EvalOptions = {}): Promise<EvalReport> {
  const { train, test } = await loadSplit(options);
  const firstTest = test[0];
  if (train.length === 0 || firstTest === undefined) throw new Error('router eval needs training and test prompts');
  const fitStarted = performance.now();
  const { parameters } = fitRouterVersion(ratedRequestsFromLabelledPrompts(train), 'eval', options.fitOptions);
  const fitMs = performance.now() - fitStarted;
  const featureList = test.map((labelled) => extractFeatures(labelled.prompt));
  const binCount = options.binCount ?? 10;
  const scored = scoreTestPrompts(parameters, test, featureList);
  const metrics = routingMetrics(scored, binCount);
  const baseline = lengthBaseline(test, scored, binCount);
  const routed = firstTest.outcomes.map(([modelId]) => modelId);
  const standIns = Array.from({ length: Math.max(0, (options.candidatesPerDecision ?? 10) - routed.length) }, (_, index) => `stand-in-${index}`);
  const tiers = ['nano', 'small', 'mid', 'high'] as const;
  const candidates: CandidateModel[] = [...routed, ...standIns].map((modelId, index) => ({
    modelId,
    provider: `provider-${index % 3}`,
    estimatedCostMicros: 100 * (index + 1),
    tier: tiers[index % tiers.length],
  }));
  const prompts = test.map((labelled) => labelled.prompt);
  // One untimed pass first so the timings measure steady state, not compilation of the tables.
  timeDecisions(parameters, prompts.slice(0, 500), featureList, candidates, true);
  const decisionSamples = timeDecisions(parameters, prompts, featureList, candidates, false);
  const endToEndSamples = timeDecisions(parameters, prompts, featureList, candidates, true);
  return {
    apgr: round(metrics.apgr, 4),
    cpt50: round(metrics.cpt50Percent, 2),
    cpt80: round(metrics.cpt80Percent, 2),
    decision_p50_us: round(percentile(decisionSamples, 0.5), 1),
    decision_p99_us: round(percentile(decisionSamples, 0.99), 1),
    end_to_end_p50_us: round(percentile(endToEndSamples, 0.5), 1),
    end_to_end_p99_us: round(percentile(endToEndSamples, 0.99), 1),
    train_rows: train.length,
    test_rows: test.length,
    weak_accuracy: round(metrics.weakAccuracyPercent, 2),
    strong_accuracy: round(metrics.strongAccuracyPercent, 2),
    length_baseline_apgr: round(baseline.apgr, 4),
    length_baseline_cpt50: round(baseline.cpt50Percent, 2),
    terms: parameters.terms.length,
    pooled_strength: parameters.regularization.pooled,
    deviation_strength: parameters.regularization.deviation,
    strengths_selected_by: parameters.regularization.selectedBy,
    fit_ms: Math.round(fitMs),
  };
}
