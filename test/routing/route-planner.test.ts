// The gateway's route planning as a pure function of the catalog, the key and the live router
// version: which models are candidates, which is chosen, the fallback order, and the profile
// each model is predicted with.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadCatalog } from '../../src/catalog/load-catalog.ts';
import type { Catalog } from '../../src/catalog/catalog.ts';
import { planNamed } from '../../src/domain/plans.ts';
import type { KeyRecord } from '../../src/gateway/key-index.ts';
import { assessRequest, planRoute, type RoutingOptions } from '../../src/gateway/route-planner.ts';
import type { LiveRouter } from '../../src/gateway/router-versions.ts';
import { GatewayError } from '../../src/http/errors.ts';
import type { CanonicalChatRequest } from '../../src/protocols/canonical.ts';
import { bootstrapRouter } from '../../src/routing/bootstrap.ts';
import { profileIdFor } from '../../src/routing/versioning.ts';

let catalog: Catalog;
const { parameters } = bootstrapRouter();
const live = { version: parameters.version, parameters, published: {} } as unknown as LiveRouter;

test.before(async () => {
  const loaded = await loadCatalog({ environment: {}, simulatorUrl: 'http://127.0.0.1:9' });
  if (!loaded.ok) throw new Error(loaded.error.message);
  catalog = loaded.catalog;
});

function principal(plan = 'enterprise', allowedModels: string[] | null = null): KeyRecord {
  return { accountId: 'acct_1', keyId: 'key_1', allowedModels, group: null, plan: planNamed(plan) } as unknown as KeyRecord;
}

function request(text: string, maxOutputTokens?: number): CanonicalChatRequest {
  return { messages: [{ role: 'user', content: [{ type: 'text', text }] }], sampling: { maxOutputTokens } } as unknown as CanonicalChatRequest;
}

function plan(requestedModel: string, options: RoutingOptions = {}, key = principal(), hasProvider = (_: string) => true, text = 'hello there') {
  const chat = request(text);
  return planRoute({ catalog, hasProvider, live, principal: key, requestedModel, request: chat, capability: 'chat', options, routeId: 'r1' },
    assessRequest(live, chat));
}

test('given "auto", the choice is a candidate, the fallbacks are other eligible candidates, and the same prompt decides the same', () => {
  const first = plan('auto');
  const second = plan('auto');
  assert.ok(first.ok && second.ok);
  if (!first.ok || !second.ok) return;
  assert.is(first.model.id, second.model.id);
  assert.equal(first.plan!.decided, second.plan!.decided);
  const fallbacks = first.plan!.remaining().map((model) => model.id);
  assert.ok(fallbacks.length === 3, 'four attempts at most');
  assert.not.ok(fallbacks.includes(first.model.id));
  assert.is(new Set(fallbacks).size, fallbacks.length);
  assert.is(first.plan!.decided.candidates.filter((candidate) => candidate.verdict === 'chosen').length, 1);
});

test('given a tier name, only that tier competes; given a provider, only its models', () => {
  const small = plan('small');
  assert.ok(small.ok);
  if (small.ok) assert.ok(small.plan!.decided.candidates.every((candidate) => candidate.tier === 'small'));
  const anthropic = plan('auto', { provider: 'anthropic' });
  assert.ok(anthropic.ok);
  if (anthropic.ok) assert.ok(anthropic.plan!.decided.candidates.every((candidate) => candidate.provider === 'anthropic'));
});

test('given a plan without high-tier models or a provider that is not configured, those models are not candidates', () => {
  const free = plan('auto', {}, principal('free'));
  assert.ok(free.ok);
  if (free.ok) assert.ok(free.plan!.decided.candidates.every((candidate) => candidate.tier === 'nano' || candidate.tier === 'small'));
  const openaiOnly = plan('auto', {}, principal(), (provider) => provider === 'openai');
  assert.ok(openaiOnly.ok);
  if (openaiOnly.ok) assert.ok(openaiOnly.plan!.decided.candidates.every((candidate) => candidate.provider === 'openai'));
  const none = plan('auto', {}, principal(), () => false);
  assert.not.ok(none.ok);
  if (!none.ok) {
    assert.is(none.error.code, 'no_candidate');
    assert.is(none.plan.decided.reason, 'no_candidate');
  }
});

test('given a quality floor of 0 the cheapest candidate wins; of 1, the best predicted one', () => {
  const cheapest = plan('auto', { qualityFloor: 0 });
  const best = plan('auto', { qualityFloor: 1 });
  assert.ok(cheapest.ok && best.ok);
  if (!cheapest.ok || !best.ok) return;
  const costs = cheapest.plan!.decided.candidates.map((candidate) => candidate.estimatedCostMicros);
  const chosen = cheapest.plan!.decided.candidates.find((candidate) => candidate.verdict === 'chosen')!;
  assert.is(chosen.estimatedCostMicros, Math.min(...costs));
  const qualities = best.plan!.decided.candidates.map((candidate) => candidate.predictedQuality);
  assert.is(best.plan!.decided.candidates.find((candidate) => candidate.verdict === 'chosen')!.predictedQuality, Math.max(...qualities));
  assert.is(best.plan!.decided.reason, 'best_quality_below_floor');
});

test('given fallbacks or a brand preference on a plan without them, the request is refused before any decision', () => {
  for (const options of [{ fallbacks: ['gpt-4o-mini'] }, { brandPreference: ['anthropic'] }]) {
    try {
      plan('auto', options, principal('starter'));
      assert.unreachable('refused');
    } catch (error) {
      assert.instance(error, GatewayError);
      assert.is((error as GatewayError).code, 'feature_not_in_plan');
    }
  }
});

test('given a named model with fallbacks, the plan keeps the caller\'s order; without fallbacks there is no plan', () => {
  const named = plan('gpt-4o-mini', { fallbacks: ['claude-sonnet-4-6', 'gemini-2.5-flash'] });
  assert.ok(named.ok);
  if (!named.ok) return;
  assert.is(named.plan!.decided.reason, 'requested');
  const idOf = (name: string) => { const resolution = catalog.resolve(name); return resolution.ok ? resolution.model.id : name; };
  assert.equal(named.plan!.remaining().map((model) => model.id), [idOf('claude-sonnet-4-6'), idOf('gemini-2.5-flash')]);
  const plain = plan('gpt-4o-mini');
  assert.ok(plain.ok && plain.plan === undefined);
});

test('given profiles, a model uses its own, else its tier\'s, else the nearest profiled tier below, else none', () => {
  const known = new Set(['tier:nano', 'tier:mid', 'rated-model']);
  assert.is(profileIdFor(known, 'rated-model', 'high'), 'rated-model');
  assert.is(profileIdFor(known, 'other', 'nano'), 'tier:nano');
  assert.is(profileIdFor(known, 'other', 'small'), 'tier:nano');
  assert.is(profileIdFor(known, 'other', 'high'), 'tier:mid');
  assert.is(profileIdFor(new Set(['tier:mid']), 'other', 'small'), 'other', 'nothing below: the pooled estimate');
});

test.run();
