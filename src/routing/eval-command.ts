// `lumen router eval`: fit on one set of labelled prompts, score the other, report RouteLLM's
// metrics and the decision latency. This is the adapter that reads files; the rest is pure.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { decideRoute, type RoutingCandidate } from './decide.ts';
import { extractFeatures, type PromptFeatures } from './features.ts';
import { fit, type FitOptions } from './fit.ts';
import { historyFromLabelledPrompts, isTrainingPrompt, parseContaminatedPrompts, parseLabelledCsv, type LabelledPrompt } from './dataset.ts';
import { percentile, routingMetrics, type LabelledScore } from './evaluate.ts';
import { assessPrompt, predictQualityForAssessment } from './model.ts';
import type { RouterParameters } from './parameters.ts';

export const defaultDataDirectory = '/work/shared/data/routing/mmlu';

export type EvalOptions = {
  /** Files to fit on and to score; when both are empty, the fixed 50/50 split of `dataDirectory`. */
  readonly trainFiles?: readonly string[];
  readonly testFiles?: readonly string[];
  readonly dataDirectory?: string;
  /** Contamination list; defaults to contaminated_prompts.jsonl beside the data, when present. */
  readonly contaminatedFile?: string;
  readonly fitOptions?: Partial<FitOptions>;
  readonly binCount?: number;
  /** Candidates per timed decision (the two routed models plus stand-ins). */
  readonly candidatesPerDecision?: number;
};

export type EvalReport = {
  readonly apgr: number;
  readonly cpt50: number;
  readonly cpt80: number;
  readonly decision_p50_us: number;
  readonly decision_p99_us: number;
  readonly train_rows: number;
  readonly test_rows: number;
  readonly weak_accuracy: number;
  readonly strong_accuracy: number;
  /** The same metrics for the "longer prompt -> strong model" baseline on the same test rows. */
  readonly length_baseline_apgr: number;
  readonly length_baseline_cpt50: number;
  readonly kinds: number;
};

async function loadFiles(files: readonly string[], contaminated: Set<string>): Promise<LabelledPrompt[]> {
  const prompts: LabelledPrompt[] = [];
  for (const file of files) {
    const parsed = parseLabelledCsv(await readFile(file, 'utf8'), file);
    if (!parsed.ok) throw new Error(parsed.error.message);
    prompts.push(...parsed.prompts.filter((labelled) => !contaminated.has(labelled.prompt)));
  }
  return prompts;
}

async function loadSplit(options: EvalOptions): Promise<{ train: LabelledPrompt[]; test: LabelledPrompt[] }> {
  const dataDirectory = options.dataDirectory ?? defaultDataDirectory;
  const trainFiles = options.trainFiles ?? [];
  const testFiles = options.testFiles ?? [];
  const anchor = trainFiles[0] ?? testFiles[0];
  const contaminatedFile = options.contaminatedFile
    ?? join(anchor === undefined ? dataDirectory : dirname(anchor), 'contaminated_prompts.jsonl');
  const contaminated = existsSync(contaminatedFile) ? parseContaminatedPrompts(await readFile(contaminatedFile, 'utf8')) : new Set<string>();
  if (trainFiles.length > 0 || testFiles.length > 0) {
    return { train: await loadFiles(trainFiles, contaminated), test: await loadFiles(testFiles, contaminated) };
  }
  const files = (await readdir(dataDirectory)).filter((name) => name.endsWith('.csv')).sort().map((name) => join(dataDirectory, name));
  const all = await loadFiles(files, contaminated);
  return { train: all.filter((labelled) => isTrainingPrompt(labelled.prompt)), test: all.filter((labelled) => !isTrainingPrompt(labelled.prompt)) };
}

/** Times membership + prediction for every candidate + the decision, per test prompt. */
function timeDecisions(parameters: RouterParameters, featureList: readonly PromptFeatures[], modelIds: readonly string[]): number[] {
  const samples: number[] = [];
  const tiers = ['nano', 'small', 'mid', 'high'] as const;
  for (const features of featureList) {
    const started = performance.now();
    const membership = assessPrompt(parameters, features);
    const candidates: RoutingCandidate[] = modelIds.map((modelId, index) => ({
      modelId,
      tier: tiers[index % tiers.length] as RoutingCandidate['tier'],
      provider: `provider-${index % 3}`,
      estimatedCostMicros: 100 * (index + 1),
      predictedQuality: predictQualityForAssessment(parameters, membership, modelId),
    }));
    decideRoute({ candidates, routerVersion: parameters.version, qualityFloor: 0.75, maxCostMicros: 100_000 });
    samples.push((performance.now() - started) * 1000);
  }
  return samples;
}

function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

export async function runRouterEval(options: EvalOptions = {}): Promise<EvalReport> {
  const { train, test } = await loadSplit(options);
  const firstTest = test[0];
  if (train.length === 0 || firstTest === undefined) throw new Error('router eval needs training and test prompts');
  const weakModel = firstTest.outcomes[0]?.[0] as string;
  const strongModel = firstTest.outcomes[firstTest.outcomes.length - 1]?.[0] as string;
  const history = historyFromLabelledPrompts(train);
  const parameters = fit(history, { version: 'eval', ...options.fitOptions });
  const featureList = test.map((labelled) => extractFeatures(labelled.prompt));
  const outcome = (labelled: LabelledPrompt, modelId: string): boolean => labelled.outcomes.find(([id]) => id === modelId)?.[1] ?? false;
  const scored: LabelledScore[] = test.map((labelled, index) => {
    const features = featureList[index] as PromptFeatures;
    const membership = assessPrompt(parameters, features);
    const strong = predictQualityForAssessment(parameters, membership, strongModel);
    const weak = predictQualityForAssessment(parameters, membership, weakModel);
    return { score: strong - weak, weakCorrect: outcome(labelled, weakModel), strongCorrect: outcome(labelled, strongModel) };
  });
  const metrics = routingMetrics(scored, options.binCount ?? 10);
  const lengthBaseline = routingMetrics(
    test.map((labelled, index) => ({ ...scored[index] as LabelledScore, score: labelled.prompt.length })),
    options.binCount ?? 10,
  );
  const standIns = Array.from({ length: Math.max(0, (options.candidatesPerDecision ?? 10) - 2) }, (_, index) => `stand-in-${index}`);
  // One untimed pass first so the timings measure steady state, not compilation of the tables.
  timeDecisions(parameters, featureList.slice(0, 200), [weakModel, strongModel, ...standIns]);
  const samples = timeDecisions(parameters, featureList, [weakModel, strongModel, ...standIns]);
  return {
    apgr: round(metrics.apgr, 4),
    cpt50: round(metrics.cpt50Percent, 2),
    cpt80: round(metrics.cpt80Percent, 2),
    decision_p50_us: round(percentile(samples, 0.5), 1),
    decision_p99_us: round(percentile(samples, 0.99), 1),
    train_rows: train.length,
    test_rows: test.length,
    weak_accuracy: round(metrics.weakAccuracyPercent, 2),
    strong_accuracy: round(metrics.strongAccuracyPercent, 2),
    length_baseline_apgr: round(lengthBaseline.apgr, 4),
    length_baseline_cpt50: round(lengthBaseline.cpt50Percent, 2),
    kinds: parameters.kinds.length,
  };
}
