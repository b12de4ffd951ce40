import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { Catalog, estimateCostMicros, costBreakdownMicros, toOpenAIModel, unitCostMicros } from '../../src/catalog/catalog.ts';
import { DEFAULT_PROVIDER_IDS, defaultModels } from '../../src/catalog/default-catalog.ts';
import type { CatalogModel } from '../../src/catalog/model.ts';
import type { ProviderConfig } from '../../src/providers/registry.ts';

const PROVIDERS: ProviderConfig[] = [
  { id: 'openai', kind: 'openai', baseUrl: 'https://api.openai.com/v1' },
  { id: 'anthropic', kind: 'anthropic', baseUrl: 'https://api.anthropic.com' },
  { id: 'gemini', kind: 'gemini', baseUrl: 'https://generativelanguage.googleapis.com' },
];

function defaultCatalog(): Catalog {
  const result = Catalog.create({ providers: PROVIDERS, models: defaultModels() });
  if (!result.ok) throw new Error(result.error.message);
  return result.catalog;
}

function modelNamed(catalog: Catalog, name: string): CatalogModel {
  const resolution = catalog.resolve(name);
  if (!resolution.ok) throw new Error(resolution.error.message);
  return resolution.model;
}

test('given the shipped catalog, when built with all three providers, then it is consistent and covers every tier', () => {
  const catalog = defaultCatalog();
  const counts = catalog.modelsPerTier();
  for (const tier of ['nano', 'small', 'mid', 'high'] as const) assert.ok(counts[tier] > 0, `no ${tier} model`);
  assert.is(counts.nano + counts.small + counts.mid + counts.high, catalog.models.length);
  assert.equal([...new Set(catalog.models.map((model) => model.provider))].sort(), [...DEFAULT_PROVIDER_IDS].sort());
});

test('given names clients send, when resolving in the shipped catalog, then each lands on a configured model', () => {
  const catalog = defaultCatalog();
  const expected: Record<string, string> = {
    'claude-opus-4-8': 'claude-opus-4-8',
    'claude-sonnet-4-6': 'claude-sonnet-4-6',
    'claude-sonnet-4-5': 'claude-sonnet-4-5',
    'claude-sonnet-4-5-20250929': 'claude-sonnet-4-5',
    'claude-haiku-4-5-20251001': 'claude-haiku-4-5',
    'gpt-5.5': 'gpt-5.5',
    'gpt-5-codex': 'gpt-5',
    'gpt-5.1-codex': 'gpt-5',
    'o4-mini': 'gpt-5-mini',
    'gpt-4o-mini': 'gpt-4o-mini',
    'gemini-2.5-flash': 'gemini-2.5-flash',
    'text-embedding-3-small': 'text-embedding-3-small',
  };
  for (const [name, id] of Object.entries(expected)) assert.is(modelNamed(catalog, name).id, id, name);
});

test('given an id and an alias, when resolving, then the result says how the name matched', () => {
  const catalog = defaultCatalog();
  const byId = catalog.resolve('claude-haiku-4-5');
  const byAlias = catalog.resolve('claude-haiku-4-5-20251001');
  assert.ok(byId.ok && byId.matchedBy === 'id');
  assert.ok(byAlias.ok && byAlias.matchedBy === 'alias' && byAlias.model.id === 'claude-haiku-4-5');
});

test('given a name in another case, when resolving, then it is unknown because names are case-sensitive', () => {
  const resolution = defaultCatalog().resolve('GPT-4o-mini');
  assert.not.ok(resolution.ok);
});

test('given provider/model naming the serving provider, when resolving, then that model is chosen', () => {
  const resolution = defaultCatalog().resolve('anthropic/claude-sonnet-4-6');
  assert.ok(resolution.ok);
  if (!resolution.ok) return;
  assert.is(resolution.model.id, 'claude-sonnet-4-6');
  assert.is(resolution.matchedBy, 'provider_model');
});

test('given provider/model naming a different provider, when resolving, then it is unknown and says who serves it', () => {
  const resolution = defaultCatalog().resolve('openai/claude-sonnet-4-6');
  assert.not.ok(resolution.ok);
  if (resolution.ok) return;
  assert.is(resolution.error.code, 'unknown_model');
  assert.is(resolution.error.httpStatus, 404);
  assert.match(resolution.error.message, /served by provider "anthropic", not "openai"/);
});

test('given provider/upstream-name, when resolving, then the configured model with that upstream name is chosen', () => {
  const result = Catalog.create({
    providers: [{ id: 'vllm', kind: 'openai', baseUrl: 'http://localhost:8000/v1' }],
    models: [{ ...defaultModels()[0]!, id: 'llama', aliases: [], provider: 'vllm', upstream: 'meta-llama/Llama-3.1-8B-Instruct' }],
  });
  assert.ok(result.ok);
  if (!result.ok) return;
  const resolution = result.catalog.resolve('vllm/meta-llama/Llama-3.1-8B-Instruct');
  assert.ok(resolution.ok && resolution.model.id === 'llama');
});

test('given an id containing a slash, when resolving it exactly, then the id wins over provider parsing', () => {
  const result = Catalog.create({
    providers: [{ id: 'vllm', kind: 'openai', baseUrl: 'http://localhost:8000/v1' }],
    models: [{ ...defaultModels()[0]!, id: 'vllm/custom', aliases: [], provider: 'vllm', upstream: 'custom' }],
  });
  assert.ok(result.ok);
  if (!result.ok) return;
  const resolution = result.catalog.resolve('vllm/custom');
  assert.ok(resolution.ok && resolution.matchedBy === 'id');
});

test('given a model named or aliased like a routed name, when building, then the catalog refuses it', () => {
  for (const [id, aliases] of [['auto', []], ['my-model', ['mid']]] as const) {
    const result = Catalog.create({ providers: [{ id: 'vllm', kind: 'openai', baseUrl: 'http://localhost:8000/v1' }],
      models: [{ ...defaultModels()[0]!, id, aliases: [...aliases], provider: 'vllm', upstream: 'x' }] });
    assert.not.ok(result.ok);
    if (!result.ok) assert.match(result.error.message, /reserved for routing/);
  }
});

test('given an unknown name, when resolving, then a typed unknown_model error names it', () => {
  const resolution = defaultCatalog().resolve('gpt-99');
  assert.equal(resolution.ok ? undefined : resolution.error, {
    code: 'unknown_model', httpStatus: 404, name: 'gpt-99',
    message: 'The model "gpt-99" is not in this gateway\'s catalog.',
  });
});

test('given modality filters, when listing, then only models accepting and producing them remain', () => {
  const catalog = defaultCatalog();
  const audioIn = catalog.list({ input: ['audio'] }).map((model) => model.id);
  assert.ok(audioIn.includes('whisper-1') && audioIn.includes('gemini-2.5-flash'));
  assert.not.ok(audioIn.includes('gpt-4o-mini'));
  const embedders = catalog.list({ output: ['embedding'] }).map((model) => model.id).sort();
  assert.equal(embedders, ['gemini-embedding-001', 'text-embedding-3-large', 'text-embedding-3-small']);
  const imageToText = catalog.list({ input: ['text', 'image'], output: ['text'], capability: 'chat', provider: 'anthropic' });
  assert.ok(imageToText.length > 0 && imageToText.every((model) => model.provider === 'anthropic'));
  assert.is(catalog.list().length, catalog.models.length);
});

test('given a tier, when asking byTier, then exactly the models of that tier come back', () => {
  const catalog = defaultCatalog();
  const nano = catalog.byTier('nano');
  assert.ok(nano.every((model) => model.tier === 'nano'));
  assert.is(nano.length, catalog.modelsPerTier().nano);
});

test('given $0.15 per million input, when pricing one input token, then it rounds up to one micro', () => {
  const prices = defaultCatalog().prices('gpt-4o-mini');
  assert.equal(prices, { inputMicrosPerMillion: 150_000, outputMicrosPerMillion: 600_000, cachedInputMicrosPerMillion: 75_000 });
  assert.is(estimateCostMicros({ inputTokens: 1, outputTokens: 0 }, { prices: prices! }), 1);
  assert.is(estimateCostMicros({ inputTokens: 0, outputTokens: 0 }, { prices: prices! }), 0);
});

test('given cached input, when estimating, then cached tokens are billed at the cached price', () => {
  const model = modelNamed(defaultCatalog(), 'claude-sonnet-4-6');
  const breakdown = costBreakdownMicros({ inputTokens: 1_000_000, cachedInputTokens: 400_000, outputTokens: 100_000 }, model);
  assert.equal(breakdown, {
    uncachedInputMicros: 1_800_000, // 600k tokens at $3
    cachedInputMicros: 120_000, // 400k tokens at $0.30
    outputMicros: 1_500_000, // 100k tokens at $15
    totalMicros: 3_420_000,
  });
});

test('given a model without a cached price, when estimating with cached tokens, then they cost the full input price', () => {
  const model = { prices: { inputMicrosPerMillion: 2_000_000, outputMicrosPerMillion: 0 } };
  assert.is(estimateCostMicros({ inputTokens: 500_000, cachedInputTokens: 500_000, outputTokens: 0 }, model), 1_000_000);
});

test('given more cached tokens than input tokens, when estimating, then it is a programmer error', () => {
  assert.throws(() => estimateCostMicros({ inputTokens: 1, cachedInputTokens: 2, outputTokens: 0 }, modelNamed(defaultCatalog(), 'gpt-5')));
});

test('given any usage, when estimating, then the cost is at least the exact cost and at most three micros above it', () => {
  fc.assert(fc.property(
    fc.nat({ max: 10_000_000 }), fc.nat({ max: 10_000_000 }), fc.nat({ max: 10_000_000 }),
    fc.nat({ max: 100_000_000 }), fc.nat({ max: 100_000_000 }), fc.nat({ max: 100_000_000 }),
    (uncached, cached, output, inputPrice, cachedPrice, outputPrice) => {
      const prices = { inputMicrosPerMillion: inputPrice, cachedInputMicrosPerMillion: cachedPrice, outputMicrosPerMillion: outputPrice };
      const cost = BigInt(estimateCostMicros({ inputTokens: uncached + cached, cachedInputTokens: cached, outputTokens: output }, { prices }));
      const exactTimesMillion = BigInt(uncached) * BigInt(inputPrice) + BigInt(cached) * BigInt(cachedPrice) + BigInt(output) * BigInt(outputPrice);
      return cost * 1_000_000n >= exactTimesMillion && cost * 1_000_000n < exactTimesMillion + 3_000_000n;
    },
  ));
});

test('given per-unit prices, when pricing images and audio, then partial seconds round up', () => {
  const catalog = defaultCatalog();
  assert.is(unitCostMicros({ audioSeconds: 60.2 }, modelNamed(catalog, 'whisper-1')), 6_100);
  assert.is(unitCostMicros({ images: 2 }, modelNamed(catalog, 'gpt-image-1')), 84_000);
  assert.is(unitCostMicros({ images: 2 }, modelNamed(catalog, 'gpt-4o')), 0);
});

test('given a model, when shown in the OpenAI model list shape, then the lumen block carries dollars and limits', () => {
  const entry = toOpenAIModel(modelNamed(defaultCatalog(), 'gpt-4o-mini'));
  assert.is(entry.id, 'gpt-4o-mini');
  assert.is(entry.object, 'model');
  assert.is(entry.owned_by, 'openai');
  assert.is(entry.created, Date.UTC(2026, 10, 23) / 1000);
  assert.equal(entry.lumen.prices_usd_per_million, { input: 0.15, output: 0.6, cached_input: 0.075 });
  assert.is(entry.lumen.tier, 'small');
  assert.is(entry.lumen.context_window, 128_000);
  assert.is(entry.lumen.max_output_tokens, 16_384);
  assert.equal(entry.lumen.aliases, ['gpt-4o-mini-2024-07-18']);
  assert.is(entry.lumen.price_version, '2026-11-23');
  assert.is(defaultCatalog().toOpenAIModelList().data.length, defaultCatalog().models.length);
});

test('given a built catalog, when someone tries to change a model, then the frozen values refuse', () => {
  const catalog = defaultCatalog();
  const model = modelNamed(catalog, 'gpt-5');
  assert.throws(() => { (model as { tier: string }).tier = 'nano'; });
  assert.throws(() => { (model.aliases as string[]).push('mine'); });
  assert.throws(() => { (catalog.models as CatalogModel[]).pop(); });
});

test('given models on a provider that is not configured, when building, then the catalog is refused', () => {
  const result = Catalog.create({ providers: [PROVIDERS[0]!], models: defaultModels() });
  assert.not.ok(result.ok);
  if (result.ok) return;
  assert.ok(result.error.issues.some((issue) => issue.includes('model "claude-opus-4-8": provider "anthropic" is not configured')));
});

test.run();
