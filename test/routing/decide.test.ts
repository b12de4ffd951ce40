import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decideRoute, describeReason, type RoutingCandidate, type RoutingRequest } from '../../src/routing/decide.ts';

const nano: RoutingCandidate = { modelId: 'nano-1', tier: 'nano', provider: 'acme', estimatedCostMicros: 10, predictedQuality: 0.6 };
const small: RoutingCandidate = { modelId: 'small-1', tier: 'small', provider: 'zenith', estimatedCostMicros: 50, predictedQuality: 0.78 };
const mid: RoutingCandidate = { modelId: 'mid-1', tier: 'mid', provider: 'acme', estimatedCostMicros: 200, predictedQuality: 0.85 };
const high: RoutingCandidate = { modelId: 'high-1', tier: 'high', provider: 'zenith', estimatedCostMicros: 1000, predictedQuality: 0.93 };
const all = [high, mid, small, nano];

function decide(request: Partial<RoutingRequest>) {
  return decideRoute({ candidates: all, routerVersion: 'router-v7', ...request });
}

test('given the default floor, when deciding, then the cheapest candidate clearing 0.75 wins', () => {
  const decision = decide({});
  assert.ok(decision.ok);
  if (!decision.ok) return;
  assert.is(decision.modelId, 'small-1');
  assert.is(decision.reason, 'cheapest_above_floor');
  assert.is(decision.qualityFloor, 0.75);
  assert.is(decision.routerVersion, 'router-v7');
  assert.equal(decision.candidates.map((candidate) => [candidate.modelId, candidate.verdict]), [
    ['high-1', 'outranked'], ['mid-1', 'outranked'], ['small-1', 'chosen'], ['nano-1', 'below_floor'],
  ]);
  assert.is(decision.candidates[2]?.predictedQuality, 0.78);
});

test('given a higher floor, when deciding, then cheaper models below it are skipped', () => {
  const decision = decide({ qualityFloor: 0.9 });
  assert.ok(decision.ok && decision.modelId === 'high-1');
});

test('given a cost cap below the only model clearing the floor, then the best quality under the cap wins', () => {
  const decision = decide({ qualityFloor: 0.9, maxCostMicros: 500 });
  assert.ok(decision.ok);
  if (!decision.ok) return;
  assert.is(decision.modelId, 'mid-1');
  assert.is(decision.reason, 'best_quality_below_floor');
  assert.is(decision.candidates.find((candidate) => candidate.modelId === 'high-1')?.verdict, 'over_cost_cap');
});

test('given a brand preference, when a preferred model clears the floor, then it wins over a cheaper one', () => {
  const decision = decide({ brandPreference: ['acme'] });
  assert.ok(decision.ok);
  if (!decision.ok) return;
  assert.is(decision.modelId, 'mid-1');
  assert.ok(decision.brandPreferenceApplied);
  assert.is(decision.candidates.find((candidate) => candidate.modelId === 'small-1')?.verdict, 'not_preferred_brand');
});

test('given a brand preference no preferred model can satisfy, then it is ignored', () => {
  const decision = decide({ brandPreference: ['acme'], qualityFloor: 0.9 });
  assert.ok(decision.ok && decision.modelId === 'high-1' && !decision.brandPreferenceApplied);
});

test('given allowed models, when deciding, then others are marked not_allowed and never chosen', () => {
  const decision = decide({ allowedModels: ['nano-1', 'mid-1'] });
  assert.ok(decision.ok);
  if (!decision.ok) return;
  assert.is(decision.modelId, 'mid-1');
  assert.is(decision.candidates.find((candidate) => candidate.modelId === 'small-1')?.verdict, 'not_allowed');
});

test('given equal cost and quality, when deciding, then the lower tier and then the smaller id win, whatever the order', () => {
  const twinA: RoutingCandidate = { ...small, modelId: 'twin-b', tier: 'mid' };
  const twinB: RoutingCandidate = { ...small, modelId: 'twin-c', tier: 'small' };
  const twinC: RoutingCandidate = { ...small, modelId: 'twin-a', tier: 'small' };
  for (const candidates of [[twinA, twinB, twinC], [twinC, twinB, twinA], [twinB, twinA, twinC]]) {
    const decision = decideRoute({ candidates, routerVersion: 'v' });
    assert.ok(decision.ok && decision.modelId === 'twin-a');
  }
});

test('given no candidate allowed within the cap, when deciding, then a typed no_candidate_fits error returns', () => {
  const failure = decide({ maxCostMicros: 5 });
  assert.not.ok(failure.ok);
  if (failure.ok) return;
  assert.is(failure.code, 'no_candidate_fits');
  assert.is(failure.httpStatus, 422);
  assert.is(failure.candidates.length, 4);
  assert.ok(failure.candidates.every((candidate) => candidate.verdict === 'over_cost_cap'));
});

test('given no candidates at all, when deciding, then no_candidate_fits', () => {
  const failure = decideRoute({ candidates: [], routerVersion: 'v' });
  assert.ok(!failure.ok && failure.code === 'no_candidate_fits');
});

test('given costWeight 0, when deciding, then the best quality above the floor wins regardless of cost', () => {
  const decision = decide({ costWeight: 0 });
  assert.ok(decision.ok && decision.modelId === 'high-1' && decision.reason === 'best_tradeoff_above_floor');
});

test('given a costWeight, when deciding, then quality is traded against doublings of cost', () => {
  // Utility = quality - weight * log2(cost / 50), the cheapest eligible cost being small's 50.
  // Weight 0.03: small 0.78, mid 0.85 - 0.03*2 = 0.79, high 0.93 - 0.03*log2(20) = 0.8003: high wins.
  const decision = decide({ costWeight: 0.03 });
  assert.ok(decision.ok && decision.modelId === 'high-1');
  const frugal = decide({ costWeight: 0.05 });
  // Weight 0.05: small 0.78, mid 0.85 - 0.10 = 0.75, high 0.93 - 0.216 = 0.714: small wins.
  assert.ok(frugal.ok && frugal.modelId === 'small-1');
});

test('every reason code has a description', () => {
  for (const reason of ['cheapest_above_floor', 'best_tradeoff_above_floor', 'best_quality_below_floor'] as const) {
    assert.ok(describeReason(reason).length > 10);
  }
});

test.run();
