import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { linearQuantile, percentile, quantileThresholds, routingMetrics, trapezoidArea, type LabelledScore } from '../../src/routing/evaluate.ts';
import { numpyInterp } from '../../src/routing/numpy-interp.ts';

// Four prompts; weak accuracy 2/4 = 50%, strong accuracy 3/4 = 75%, gap 25 points.
const rows: LabelledScore[] = [
  { score: 0.9, weakCorrect: false, strongCorrect: true },
  { score: 0.6, weakCorrect: false, strongCorrect: true },
  { score: 0.3, weakCorrect: true, strongCorrect: true },
  { score: 0.1, weakCorrect: true, strongCorrect: false },
];

test('given sorted values, when taking linear quantiles, then they interpolate like pandas', () => {
  // position 0.5 * 3 = 1.5 -> halfway between 0.3 and 0.6.
  assert.ok(Math.abs(linearQuantile([0.1, 0.3, 0.6, 0.9], 0.5) - 0.45) < 1e-12);
  assert.equal(quantileThresholds([0.9, 0.1, 0.6, 0.3], 2).map((value) => Math.round(value * 100) / 100), [0.1, 0.45, 0.9]);
});

test('given a hand-worked case with two bins, when computing metrics, then APGR and CPT match the hand result', () => {
  // Edges 0.1 (>=: all strong, 75%, share 100%), 0.45 (>=: first two strong -> all four right,
  // 100%, share 50%), 0.9 (last edge uses >: none strong, 50%, share 0%).
  // Sorted by share: (0, 50), (0.5, 100), (1, 75). trapz = 0.5*(50+100)/2 + 0.5*(100+75)/2 = 81.25.
  // APGR = (81.25 - 50) / (75 - 50) = 1.25.
  // CPT(50%): target 50 + 0.5*25 = 62.5; np.interp over accuracies [50, 100, 75] with shares
  // [0, 50, 100] lands in the first segment: 0 + (62.5 - 50) * 50 / 50 = 12.5.
  // CPT(80%): target 70 -> 20.
  const metrics = routingMetrics(rows, 2);
  assert.equal(metrics.points.map((point) => [point.strongPercent, point.accuracyPercent]), [[0, 50], [50, 100], [100, 75]]);
  assert.ok(Math.abs(metrics.apgr - 1.25) < 1e-12);
  assert.ok(Math.abs(metrics.cpt50Percent - 12.5) < 1e-12);
  assert.ok(Math.abs(metrics.cpt80Percent - 20) < 1e-12);
  assert.is(metrics.weakAccuracyPercent, 50);
  assert.is(metrics.strongAccuracyPercent, 75);
});

test('given four prompts and four bins, when computing metrics, then every sweep point, APGR and CPT match the hand result', () => {
  // Scores 0.4, 0.3, 0.2, 0.1 give edges 0.1, 0.175, 0.25, 0.325, 0.4 (positions 0, 0.75, 1.5,
  // 2.25, 3 between sorted scores), so 100%, 75%, 50%, 25% and (last edge, strict) 0% go strong.
  // Weak is right on the two lowest scores, strong on all but the lowest: weak 50%, strong 75%.
  // Accuracy by share: 0% -> 50, 25% -> 75, 50% -> 100, 75% -> 100, 100% -> 75.
  // trapz: .25 * (62.5 + 87.5 + 100 + 87.5) = 84.375; APGR = (84.375 - 50) / 25 = 1.375.
  // CPT(50%): target 62.5, numpy's search lands in the first segment: 0 + 12.5 * 25 / 25 = 12.5.
  // CPT(80%): target 70 -> 20.
  const four: LabelledScore[] = [
    { score: 0.4, weakCorrect: false, strongCorrect: true },
    { score: 0.3, weakCorrect: false, strongCorrect: true },
    { score: 0.2, weakCorrect: true, strongCorrect: true },
    { score: 0.1, weakCorrect: true, strongCorrect: false },
  ];
  const metrics = routingMetrics(four, 4);
  assert.equal(metrics.points.map((point) => [point.strongPercent, point.accuracyPercent]), [[0, 50], [25, 75], [50, 100], [75, 100], [100, 75]]);
  assert.ok(Math.abs(metrics.apgr - 1.375) < 1e-12);
  assert.ok(Math.abs(metrics.cpt50Percent - 12.5) < 1e-12);
  assert.ok(Math.abs(metrics.cpt80Percent - 20) < 1e-12);
});

test('given a router that ranks backwards, when computing metrics, then APGR falls below one half', () => {
  const backwards = rows.map((row) => ({ ...row, score: -row.score }));
  assert.ok(routingMetrics(backwards, 2).apgr < 0.5);
});

test('given scores that say nothing, when computing metrics, then APGR is 0.5 and CPT(50%) is 50%', () => {
  // All scores equal: every edge is the same value; all but the last send everything to the strong
  // model, the last sends nothing. Points (0, weak) and (1, strong): a straight line, area halfway.
  const flat = rows.map((row) => ({ ...row, score: 0.5 }));
  const metrics = routingMetrics(flat, 10);
  assert.ok(Math.abs(metrics.apgr - 0.5) < 1e-12);
  assert.ok(Math.abs(metrics.cpt50Percent - 50) < 1e-9);
});

test('given points, when integrating, then trapz matches numpy', () => {
  assert.is(trapezoidArea([1, 2, 3], [0, 1, 2]), 4);
});

test('given sorted sample points, when interpolating, then numpy.interp results come back', () => {
  const xp = [1, 2, 3, 4, 5];
  const fp = [10, 20, 30, 40, 50];
  assert.is(numpyInterp(2.5, xp, fp), 25);
  assert.is(numpyInterp(0, xp, fp), 10);
  assert.is(numpyInterp(6, xp, fp), 50);
  assert.is(numpyInterp(5, xp, fp), 50);
  assert.is(numpyInterp(4, xp, fp), 40);
});

test('given unsorted sample points, when interpolating, then numpy guessed search is reproduced', () => {
  // numpy with len 5 starts at guess 1. For x = 7: 7 < xp[1] = 10 and 7 >= xp[0] -> j = 0,
  // giving 0 + 7 * (1 - 0) / 10 = 0.7. For x = 15: not < 10, not < xp[2] = 5, < xp[3] = 20 -> j = 2,
  // giving 2 + (15 - 5) * (3 - 2) / (20 - 5) = 2.6667.
  const xp = [0, 10, 5, 20, 30];
  const fp = [0, 1, 2, 3, 4];
  assert.ok(Math.abs(numpyInterp(7, xp, fp) - 0.7) < 1e-12);
  assert.ok(Math.abs(numpyInterp(15, xp, fp) - (2 + 10 / 15)) < 1e-12);
});

test('given latency samples, when taking percentiles, then nearest rank is used', () => {
  const samples = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
  assert.is(percentile(samples, 0.5), 5);
  assert.is(percentile(samples, 0.99), 10);
  assert.is(percentile([], 0.5), 0);
});

test.run();
