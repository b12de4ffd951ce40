// Offline router metrics exactly as RouteLLM computes them (lm-sys/RouteLLM,
// routellm/evals/benchmarks.py `MMLU.evaluate` and routellm/evals/evaluate.py):
//  - thresholds are the edges of pandas.qcut(scores, 10) (linear quantiles, duplicates kept);
//  - at edge i a prompt goes to the strong model when score >= edge (score > edge for the last);
//  - accuracy and strong-call share are percentages; the points are sorted by share;
//  - APGR = (trapz(accuracy, share/100) - weak area) / (strong area - weak area);
//  - CPT(x) = np.interp(weak + x * (strong - weak), accuracies, shares).
import { numpyInterp } from './numpy-interp.ts';

export type LabelledScore = {
  /** The router's strong-model score: higher means "send to the strong model". */
  readonly score: number;
  readonly weakCorrect: boolean;
  readonly strongCorrect: boolean;
};

export type SweepPoint = {
  readonly threshold: number;
  /** Share of prompts sent to the strong model, in percent (0..100). */
  readonly strongPercent: number;
  /** Accuracy of the routed mix, in percent (0..100). */
  readonly accuracyPercent: number;
};

export type RoutingMetrics = {
  readonly apgr: number;
  /** Percent of strong calls needed to reach 50% / 80% of the performance gap. */
  readonly cpt50Percent: number;
  readonly cpt80Percent: number;
  readonly weakAccuracyPercent: number;
  readonly strongAccuracyPercent: number;
  readonly points: readonly SweepPoint[];
};

/** pandas' default (linear, "type 7") quantile of already sorted values. */
export function linearQuantile(sortedValues: readonly number[], quantile: number): number {
  const position = quantile * (sortedValues.length - 1);
  const lowerIndex = Math.floor(position);
  const lower = sortedValues[lowerIndex] as number;
  const upper = sortedValues[Math.min(lowerIndex + 1, sortedValues.length - 1)] as number;
  return lower + (upper - lower) * (position - lowerIndex);
}

/** The bin edges of pandas.qcut(scores, binCount, retbins=True), duplicates included. */
export function quantileThresholds(scores: readonly number[], binCount: number): number[] {
  const sorted = [...scores].sort((left, right) => left - right);
  const thresholds: number[] = [];
  for (let edge = 0; edge <= binCount; edge += 1) thresholds.push(linearQuantile(sorted, edge / binCount));
  return thresholds;
}

/** Routes every prompt at every threshold and records strong share and accuracy. */
export function sweepThresholds(rows: readonly LabelledScore[], binCount = 10): SweepPoint[] {
  const thresholds = quantileThresholds(rows.map((row) => row.score), binCount);
  const points = thresholds.map((threshold, edgeIndex) => {
    const isLastEdge = edgeIndex === thresholds.length - 1;
    let strongCalls = 0;
    let correct = 0;
    for (const row of rows) {
      const toStrong = isLastEdge ? row.score > threshold : row.score >= threshold;
      if (toStrong) strongCalls += 1;
      if (toStrong ? row.strongCorrect : row.weakCorrect) correct += 1;
    }
    return {
      threshold,
      strongPercent: (strongCalls / rows.length) * 100,
      accuracyPercent: (correct / rows.length) * 100,
    };
  });
  // A stable sort; points with equal share route the same prompts, so their order is moot.
  return points.sort((left, right) => left.strongPercent - right.strongPercent);
}

/** numpy.trapz(y, x). */
export function trapezoidArea(y: readonly number[], x: readonly number[]): number {
  let area = 0;
  for (let index = 1; index < x.length; index += 1) {
    area += ((x[index] as number) - (x[index - 1] as number)) * ((y[index] as number) + (y[index - 1] as number)) / 2;
  }
  return area;
}

export function routingMetrics(rows: readonly LabelledScore[], binCount = 10): RoutingMetrics {
  if (rows.length === 0) throw new Error('routingMetrics needs at least one labelled prompt');
  const weakAccuracyPercent = (rows.filter((row) => row.weakCorrect).length / rows.length) * 100;
  const strongAccuracyPercent = (rows.filter((row) => row.strongCorrect).length / rows.length) * 100;
  const points = sweepThresholds(rows, binCount);
  const shares = points.map((point) => point.strongPercent / 100);
  const accuracies = points.map((point) => point.accuracyPercent);
  const routerArea = trapezoidArea(accuracies, shares);
  const weakArea = trapezoidArea(shares.map(() => weakAccuracyPercent), shares);
  const strongArea = trapezoidArea(shares.map(() => strongAccuracyPercent), shares);
  const callsToReach = (fraction: number): number =>
    numpyInterp(
      fraction * (strongAccuracyPercent - weakAccuracyPercent) + weakAccuracyPercent,
      accuracies,
      points.map((point) => point.strongPercent),
    );
  return {
    apgr: (routerArea - weakArea) / (strongArea - weakArea),
    cpt50Percent: callsToReach(0.5),
    cpt80Percent: callsToReach(0.8),
    weakAccuracyPercent,
    strongAccuracyPercent,
    points,
  };
}

/** Nearest-rank percentile of latency samples (microseconds); `fraction` in (0, 1]. */
export function percentile(samples: readonly number[], fraction: number): number {
  if (samples.length === 0) return 0;
  const sorted = [...samples].sort((left, right) => left - right);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(fraction * sorted.length)));
  return sorted[rank - 1] as number;
}
