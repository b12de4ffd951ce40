import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chooseCandidate, decideRoute, describeReason, type CandidateModel, type ChoiceRequest, type RoutingCandidate } from '../../src/routing/decide.ts';
import { extractFeatures } from '../../src/routing/features.ts';
import { fitRouterFromHistory } from '../../src/routing/fit.ts';
import { predictQualities } from '../../src/routing/model.ts';
import type { RatedRequest } from '../../src/routing/parameters.ts';
import { arithmeticPrompt, chatPrompt } from '../fixtures/routing/synthetic-prompts.ts';

const nano: RoutingCandidate = { modelId: 'nano-1', tier: 'nano', provider: 'acme', estimatedCostMicros: 10, predictedQuality: 0.6 };
const small: RoutingCandidate = { modelId: 'small-1', tier: 'small', provider: 'zenith', estimatedCostMicros: 50, predictedQuality: 0.78 };
const mid: RoutingCandidate = { modelId: 'mid-1', tier: 'mid', provider: 'acme', estimatedCostMicros: 200, predictedQuality: 0.85 };
const high: RoutingCandidate = { modelId: 'high-1', tier: 'high', provider: 'zenith', estimatedCostMicros: 1000, predictedQuality: 0.93 };
const all = [high, mid, small, nano];

function choose(request: Partial<ChoiceRequest>) {
  return chooseCandidate({ candidates: all, routerVersion: 'router-v7', ...request });
}

function chosenId(decision: ReturnType<typeof chooseCandidate>): string | undefined {
  return decision.ok ? decision.modelId : undefined;
}

test('given the default floor, when choosing, then the cheapest candidate clearing 0.75 wins', () => {
  const decision = choose({});
  assert.ok(decision.ok);
  if (!decision.ok) return;
  assert.is(decision.modelId, 'small-1');
  assert.is(decision.reason, 'cheapest_above_floor');
  assert.is(decision.qualityFloor, 0.75);
  assert.is(decision.routerVersion, 'router-v7');
  assert.equal(decision.candidates.map((candidate) => [candidate.modelId, candidate.verdict]), [
    ['high-1', 'outranked'], ['mid-1', 'outranked'], ['small-1', 'chosen'], ['nano-1', 'below_floor'],
  ]);
});

test('given a higher floor, when choosing, then cheaper models below it are skipped', () => {
  assert.is(chosenId(choose({ qualityFloor: 0.9 })), 'high-1');
});

test('given a cost cap below the only model clearing the floor, then the best quality under the cap wins', () => {
  const decision = choose({ qualityFloor: 0.9, maxCostMicros: 500 });
  assert.ok(decision.ok);
  if (!decision.ok) return;
  assert.is(decision.modelId, 'mid-1');
  assert.is(decision.reason, 'best_quality_below_floor');
  assert.is(decision.candidates.find((candidate) => candidate.modelId === 'high-1')?.verdict, 'over_cost_cap');
});

test('given allowed models, when choosing, then others are marked not_allowed and never chosen', () => {
  const decision = choose({ allowedModels: ['nano-1', 'mid-1'] });
  assert.ok(decision.ok);
  if (!decision.ok) return;
  assert.is(decision.modelId, 'mid-1');
  assert.is(decision.candidates.find((candidate) => candidate.modelId === 'small-1')?.verdict, 'not_allowed');
});

test('given a brand filter, when a preferred model clears the floor, then it wins over a cheaper one', () => {
  const decision = choose({ brandPreference: { providers: ['acme'], mode: 'filter' } });
  assert.ok(decision.ok);
  if (!decision.ok) return;
  assert.is(decision.modelId, 'mid-1');
  assert.ok(decision.brandPreferenceApplied);
  assert.is(decision.candidates.find((candidate) => candidate.modelId === 'small-1')?.verdict, 'not_preferred_brand');
});

test('given a brand filter no preferred model can satisfy, then it is ignored', () => {
  const decision = choose({ brandPreference: { providers: ['acme'], mode: 'filter' }, qualityFloor: 0.9 });
  assert.ok(decision.ok && decision.modelId === 'high-1' && !decision.brandPreferenceApplied);
});

test('given a brand tie-break, when candidates differ in cost, then the cheapest still wins', () => {
  const decision = choose({ brandPreference: { providers: ['acme'], mode: 'tie_break' } });
  assert.ok(decision.ok && decision.modelId === 'small-1' && !decision.brandPreferenceApplied);
});

test('given a brand tie-break, when two candidates tie on cost and quality, then the preferred provider wins', () => {
  const twinZenith: RoutingCandidate = { ...small, modelId: 'a-zenith', provider: 'zenith' };
  const twinAcme: RoutingCandidate = { ...small, modelId: 'b-acme', provider: 'acme' };
  const without = chooseCandidate({ candidates: [twinZenith, twinAcme], routerVersion: 'v' });
  assert.is(chosenId(without), 'a-zenith', 'without a preference the smaller id wins');
  const decision = chooseCandidate({ candidates: [twinZenith, twinAcme], routerVersion: 'v', brandPreference: { providers: ['acme'], mode: 'tie_break' } });
  assert.ok(decision.ok && decision.modelId === 'b-acme' && decision.brandPreferenceApplied);
});

test('given equal cost and quality, when choosing, then the lower tier and then the smaller id win, whatever the order', () => {
  const twinA: RoutingCandidate = { ...small, modelId: 'twin-b', tier: 'mid' };
  const twinB: RoutingCandidate = { ...small, modelId: 'twin-c', tier: 'small' };
  const twinC: RoutingCandidate = { ...small, modelId: 'twin-a', tier: 'small' };
  for (const candidates of [[twinA, twinB, twinC], [twinC, twinB, twinA], [twinB, twinA, twinC]]) {
    assert.is(chosenId(chooseCandidate({ candidates, routerVersion: 'v' })), 'twin-a');
  }
});

test('given no candidate allowed within the cap, when choosing, then a typed no_candidate result returns', () => {
  const failure = choose({ maxCostMicros: 5 });
  assert.not.ok(failure.ok);
  if (failure.ok) return;
  assert.is(failure.code, 'no_candidate');
  assert.is(failure.httpStatus, 422);
  assert.ok(failure.candidates.every((candidate) => candidate.verdict === 'over_cost_cap'));
  const none = chooseCandidate({ candidates: [], routerVersion: 'v' });
  assert.ok(!none.ok && none.code === 'no_candidate');
});

test('given costWeight 0, when choosing, then the best quality above the floor wins regardless of cost', () => {
  const decision = choose({ costWeight: 0 });
  assert.ok(decision.ok && decision.modelId === 'high-1' && decision.reason === 'best_tradeoff_above_floor');
});

test('given a costWeight, when choosing, then quality is traded against doublings of cost', () => {
  // Utility = quality - weight * log2(cost / 50), the cheapest eligible cost being small's 50.
  // Weight 0.03: small 0.78, mid 0.85 - 0.03*2 = 0.79, high 0.93 - 0.03*log2(20) = 0.8003: high wins.
  assert.is(chosenId(choose({ costWeight: 0.03 })), 'high-1');
  // Weight 0.05: small 0.78, mid 0.85 - 0.10 = 0.75, high 0.93 - 0.216 = 0.714: small wins.
  assert.is(chosenId(choose({ costWeight: 0.05 })), 'small-1');
});

// Three rated models: "cheap" fails arithmetic, "middle" is decent at it, "premium" is right on
// everything. A fourth candidate has never been rated.
function threeModelHistory(): RatedRequest[] {
  const history: RatedRequest[] = [];
  for (let index = 0; index < 60; index += 1) {
    const math = arithmeticPrompt(index);
    const chat = chatPrompt(index);
    history.push(
      { promptText: math, modelId: 'cheap', rating: index % 10 === 0 ? 5 : 1 },
      { promptText: math, modelId: 'middle', rating: index % 3 === 0 ? 1 : 5 },
      { promptText: math, modelId: 'premium', rating: 5 },
      { promptText: chat, modelId: 'cheap', rating: 5 },
      { promptText: chat, modelId: 'middle', rating: 5 },
      { promptText: chat, modelId: 'premium', rating: index % 20 === 0 ? 4 : 5 },
    );
  }
  return history;
}

const parameters = fitRouterFromHistory(threeModelHistory(), { version: 'decide-test' });
const priced: CandidateModel[] = [
  { modelId: 'premium', provider: 'zenith', estimatedCostMicros: 900, tier: 'high' },
  { modelId: 'cheap', provider: 'acme', estimatedCostMicros: 20, tier: 'nano' },
  { modelId: 'middle', provider: 'acme', estimatedCostMicros: 150, tier: 'mid' },
  { modelId: 'unrated', provider: 'other', estimatedCostMicros: 60, tier: 'small' },
];

test('given fitted parameters for N models, when routing unseen prompts, then chat goes cheap and arithmetic goes up', () => {
  const chat = decideRoute(parameters, extractFeatures(chatPrompt(900)), priced, { qualityFloor: 0.85 });
  const math = decideRoute(parameters, extractFeatures(arithmeticPrompt(900)), priced, { qualityFloor: 0.85 });
  assert.is(chosenId(chat), 'cheap');
  assert.is(chosenId(math), 'premium');
  assert.is(chat.routerVersion, 'decide-test');
  assert.equal(chat.candidates.map((candidate) => candidate.modelId), ['premium', 'cheap', 'middle', 'unrated'], 'candidate order is kept');
});

test('given a cost cap and a subset of models, when routing arithmetic, then the best allowed model under the cap wins', () => {
  const features = extractFeatures(arithmeticPrompt(901));
  const [cheap, middle] = predictQualities(parameters, features, ['cheap', 'middle']) as [number, number];
  assert.ok(middle > cheap, `middle ${middle} should beat cheap ${cheap} on arithmetic`);
  const capped = decideRoute(parameters, features, priced, { qualityFloor: 0.99, maxCostMicros: 500, allowedModels: ['cheap', 'middle'] });
  assert.ok(capped.ok && capped.modelId === 'middle' && capped.reason === 'best_quality_below_floor');
  const none = decideRoute(parameters, features, priced, { maxCostMicros: 10 });
  assert.ok(!none.ok && none.code === 'no_candidate');
});

test('given a model without ratings, when predicting, then it gets the pooled estimate of all models', () => {
  const features = extractFeatures(chatPrompt(902));
  const [unrated, unknown] = predictQualities(parameters, features, ['unrated', 'never-heard-of']) as [number, number];
  assert.is(unrated, unknown);
  assert.ok(unrated > 0 && unrated < 1);
});

test('every reason code has a description', () => {
  for (const reason of ['cheapest_above_floor', 'best_tradeoff_above_floor', 'best_quality_below_floor'] as const) {
    assert.ok(describeReason(reason).length > 10);
  }
});

test.run();
