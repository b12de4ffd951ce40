import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { featuresSha256 } from '../../src/gateway/router-store.ts';
import { counterfactualReport } from '../../src/routing/counterfactual.ts';
import { featureVersion, type PromptFeatures } from '../../src/routing/features.ts';
import { roundTo } from '../../src/routing/hashing.ts';
import { routerParametersFormat, type RouterParameters } from '../../src/routing/parameters.ts';
import { ledgerHistory, replayableDecisions, type KeptFeatures } from '../../src/routing/retune-inputs.ts';
import { decisionData, ratingData } from '../support/routing-events.ts';

/**
 * A version without terms: every prompt gets the same predictions, set by the biases alone, so
 * the expected numbers can be worked out by hand.
 */
function versionWithBiases(version: string, biases: Record<string, number>): RouterParameters {
  return {
    format: routerParametersFormat, version, featureVersion, promptCount: 1, terms: [], documentFrequencies: [],
    regularization: { pooled: 1, deviation: 1, modelBias: 1, selectedBy: 'given', pooledLogLoss: [], deviationLogLoss: [] },
    pooled: { bias: 0, weights: [] },
    models: Object.entries(biases).sort(([left], [right]) => (left < right ? -1 : 1))
      .map(([modelId, bias]) => ({ modelId, ratings: 10, meanScore: 0.5, bias, weights: [] })),
  };
}

const sigmoid = (logOdds: number): number => 1 / (1 + Math.exp(-logOdds));
const features: PromptFeatures = { termIndices: [3, 14, 159] };
const kept = (requestIds: string[]): Map<string, KeptFeatures> => new Map(requestIds.map((requestId) => [requestId, { featureVersion, features }]));

// Live: the nano tier is poor (-2), the mid tier good (+2). New: both good, mid better (+2, +3).
const live = versionWithBiases('live', { 'tier:nano': -2, 'tier:mid': 2 });
const next = versionWithBiases('next', { 'tier:nano': 2, 'tier:mid': 3 });
const candidates = [
  { model: 'nano-model', tier: 'nano', estimatedCostMicros: 100 },
  { model: 'mid-model', tier: 'mid', estimatedCostMicros: 1000, verdict: 'chosen' },
];

test('given two decisions, when the new version trusts the cheap tier, then one choice changes and the report has the numbers', () => {
  const facts = [
    decisionData({ routeId: 'route-a', featuresSha256: featuresSha256(features), candidates }),
    decisionData({ routeId: 'route-b', featuresSha256: featuresSha256(features), candidates, qualityFloor: 0.95, reason: 'best_quality_below_floor' }),
  ];
  const replay = replayableDecisions(facts, kept(['route-a-attempt-0', 'route-b-attempt-0']), featuresSha256);
  const rated = ledgerHistory([
    ratingData({ requestId: 'rated-nano', model: 'nano-model', tier: 'nano', rating: 5 }),
    ratingData({ requestId: 'rated-mid', model: 'mid-model', tier: 'mid', rating: 2 }),
  ], kept(['rated-nano', 'rated-mid'])).rows;

  const report = counterfactualReport(live, next, replay.decisions, rated);

  // Floor 0.75. Live: nano 0.12 fails it, mid 0.88 clears it -> mid, both times (at 0.95 as the best below).
  // New: nano 0.88 clears 0.75 -> nano; at 0.95 only mid (0.95) clears it -> mid.
  assert.is(report.decisions_replayed, 2);
  assert.is(report.decisions_changed, 1);
  assert.is(report.recorded_total_estimated_cost_micros, 2000);
  assert.is(report.live_total_estimated_cost_micros, 2000);
  assert.is(report.new_total_estimated_cost_micros, 1100);
  // Qualities are compared (and averaged) as the gateway records them, to four decimals.
  assert.is(report.live_mean_predicted_quality, roundTo(sigmoid(2), 4));
  assert.is(report.new_mean_predicted_quality, roundTo((roundTo(sigmoid(2), 4) + roundTo(sigmoid(3), 4)) / 2, 6));
  assert.is(report.live_no_candidate, 0);
  // Rated: nano answered well (5), mid badly (2). Live predicts both wrong; new gets nano right.
  assert.is(report.live_rated_log_loss, roundTo(-(Math.log(sigmoid(-2)) + Math.log(1 - sigmoid(2))) / 2, 6));
  assert.is(report.new_rated_log_loss, roundTo(-(Math.log(sigmoid(2)) + Math.log(1 - sigmoid(3))) / 2, 6));
  assert.is(report.live_rated_accuracy, 0);
  assert.is(report.new_rated_accuracy, 0.5);
});

test('given a catalog model with its own profile, when predicting, then its profile wins over its tier', () => {
  const ownProfile = versionWithBiases('own', { 'tier:nano': 2, 'nano-model': -3, 'tier:mid': 1 });
  const facts = [decisionData({ routeId: 'route-c', featuresSha256: featuresSha256(features), candidates })];
  const replay = replayableDecisions(facts, kept(['route-c-attempt-0']), featuresSha256);
  const report = counterfactualReport(undefined, ownProfile, replay.decisions, []);
  // nano-model is predicted by its own profile (0.05), so mid (0.73, below 0.75) is the best below the floor.
  assert.is(report.new_total_estimated_cost_micros, 1000);
  assert.is(report.new_mean_predicted_quality, roundTo(sigmoid(1), 4));
  assert.is(report.decisions_changed, null);
  assert.is(report.live_total_estimated_cost_micros, null);
  assert.is(report.new_rated_log_loss, null);
});

test('given decisions of every sort, when selecting replayable ones, then each skipped one is counted for its reason', () => {
  const digest = featuresSha256(features);
  const facts = [
    decisionData({ routeId: 'usable', featuresSha256: digest, candidates: [...candidates, { model: 'other', tier: 'high', estimatedCostMicros: 5, verdict: 'not_allowed' }],
      brandPreference: ['anthropic'], maxCostMicros: 5000, costWeight: 0.1 }),
    decisionData({ routeId: 'preview', featuresSha256: digest, candidates, executed: false }),
    decisionData({ routeId: 'pinned', featuresSha256: digest, candidates, reason: 'requested' }),
    decisionData({ routeId: 'altered', featuresSha256: 'f'.repeat(64), candidates }),
    decisionData({ routeId: 'forgotten', featuresSha256: digest, candidates }),
    // Features kept under the route id when no attempt has them.
    decisionData({ routeId: 'by-route', featuresSha256: digest, candidates }),
  ];
  const replay = replayableDecisions(facts, kept(['usable-attempt-0', 'preview-attempt-0', 'pinned-attempt-0', 'altered-attempt-0', 'by-route']), featuresSha256);
  assert.equal(replay.decisions.map((decision) => decision.routeId), ['usable', 'by-route']);
  assert.equal([replay.notExecuted, replay.notRouted, replay.withoutFeatures], [1, 1, 2]);
  assert.equal(replay.decisions[0]?.constraints, { qualityFloor: 0.75, maxCostMicros: 5000, costWeight: 0.1,
    brandPreference: { providers: ['anthropic'], mode: 'filter' }, allowedModels: ['nano-model', 'mid-model'] });
});

test('given superseded ratings and features of another version, when building the ledger history, then each request counts once with its latest rating', () => {
  const features = new Map<string, KeptFeatures>([
    ['r1', { featureVersion, features: { termIndices: [1] } }],
    ['r2', { featureVersion: 'lumen-features/0', features: { termIndices: [2] } }],
  ]);
  const history = ledgerHistory([
    ratingData({ requestId: 'r1', rating: 5 }),
    ratingData({ requestId: 'r2', rating: 4 }),
    ratingData({ requestId: 'r3', rating: 4 }),
    ratingData({ requestId: 'r1', rating: 2, ratingId: 'again' }),
  ], features);
  assert.equal(history.rows.map((row) => [row.requestId, row.rating]), [['r1', 2]]);
  assert.equal([history.superseded, history.otherFeatureVersion, history.withoutFeatures], [1, 1, 1]);
});

test.run();
