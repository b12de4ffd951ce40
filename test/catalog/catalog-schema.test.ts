import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseCatalogConfig, type ModelDefinition } from '../../src/catalog/catalog-schema.ts';

const PROVIDER = { id: 'local', kind: 'openai', baseUrl: 'http://localhost:8000/v1' };

function model(overrides: Partial<Record<keyof ModelDefinition, unknown>> = {}): Record<string, unknown> {
  return {
    id: 'local-chat',
    provider: 'local',
    tier: 'small',
    capabilities: ['chat'],
    prices: { input_per_million_usd: '0.15', output_per_million_usd: '0.6' },
    context_window: 128_000,
    max_output_tokens: 16_384,
    modalities: { input: ['text'], output: ['text'] },
    price_version: '2026-11-01',
    ...overrides,
  };
}

function issuesOf(input: unknown, environment: Record<string, string> = {}): readonly string[] {
  const result = parseCatalogConfig(input, { environment });
  assert.not.ok(result.ok, 'expected the config to be refused');
  return result.ok ? [] : result.error.issues;
}

function parsedModels(input: unknown) {
  const result = parseCatalogConfig(input, { environment: {} });
  if (!result.ok) throw new Error(result.error.message);
  return result.config.models;
}

test('given decimal dollar prices, when parsing, then they become exact integer micros per million', () => {
  const [parsed] = parsedModels({
    providers: [PROVIDER],
    models: [model({
      prices: {
        input_per_million_usd: '0.15', output_per_million_usd: 0.6, cached_input_per_million_usd: '0.075',
        per_image_usd: '0.042', per_audio_second_usd: '0.0001',
      },
    })],
  });
  assert.equal(parsed?.prices, {
    inputMicrosPerMillion: 150_000,
    outputMicrosPerMillion: 600_000,
    cachedInputMicrosPerMillion: 75_000,
    perImageMicros: 42_000,
    perAudioSecondMicros: 100,
  });
});

test('given prices whose binary floats are inexact, when parsing, then the micros are still exact', () => {
  const [parsed] = parsedModels({
    providers: [PROVIDER],
    models: [model({ prices: { input_per_million_usd: 1.1, output_per_million_usd: 4.4 } })],
  });
  assert.is(parsed?.prices.inputMicrosPerMillion, 1_100_000);
  assert.is(parsed?.prices.outputMicrosPerMillion, 4_400_000);
});

test('given a model entry, when parsing, then snake_case becomes the domain shape and upstream defaults to the id', () => {
  const [parsed] = parsedModels({ providers: [PROVIDER], models: [model()] });
  assert.is(parsed?.upstream, 'local-chat');
  assert.is(parsed?.contextWindowTokens, 128_000);
  assert.is(parsed?.maxOutputTokens, 16_384);
  assert.is(parsed?.priceVersion, '2026-11-01');
  assert.equal(parsed?.aliases, []);
});

test('given a bad tier, when parsing, then the error names the model and the field', () => {
  const issues = issuesOf({ providers: [PROVIDER], models: [model({ id: 'oops', tier: 'huge' })] });
  assert.is(issues.length, 1);
  assert.match(issues[0] ?? '', /^model "oops"\.tier: /);
});

test('given a negative price, when parsing, then the error names the model and the price field', () => {
  const issues = issuesOf({
    providers: [PROVIDER],
    models: [model({ id: 'cheap', prices: { input_per_million_usd: '-0.5', output_per_million_usd: '1' } })],
  });
  assert.match(issues[0] ?? '', /^model "cheap"\.prices\.input_per_million_usd: price must not be negative/);
});

test('given a price with more than six decimals, when parsing, then it is refused rather than rounded', () => {
  const issues = issuesOf({
    providers: [PROVIDER],
    models: [model({ prices: { input_per_million_usd: '0.0000001', output_per_million_usd: '1' } })],
  });
  assert.match(issues[0] ?? '', /prices\.input_per_million_usd: .*at most six decimals/);
});

test('given two models claiming one alias, when parsing, then the error names both models', () => {
  const issues = issuesOf({
    providers: [PROVIDER],
    models: [model({ id: 'first', aliases: ['shared'] }), model({ id: 'second', aliases: ['shared'] })],
  });
  assert.is(issues.length, 1);
  assert.match(issues[0] ?? '', /model "second": alias "shared" clashes with model "first"/);
});

test('given an alias equal to another model id, when parsing, then it is a clash naming both', () => {
  const issues = issuesOf({
    providers: [PROVIDER],
    models: [model({ id: 'first' }), model({ id: 'second', aliases: ['first'] })],
  });
  assert.match(issues[0] ?? '', /model "second": alias "first" clashes with model "first"/);
});

test('given a duplicated model id, when parsing, then it is refused', () => {
  const issues = issuesOf({ providers: [PROVIDER], models: [model(), model()] });
  assert.match(issues[0] ?? '', /model id "local-chat" is declared twice/);
});

test('given a model on a provider nobody declared, when parsing, then the error names model and provider', () => {
  const issues = issuesOf({ providers: [PROVIDER], models: [model({ id: 'orphan', provider: 'nowhere' })] });
  assert.match(issues[0] ?? '', /model "orphan": provider "nowhere" is not configured \(configured: local\)/);
});

test('given a provider configured elsewhere, when parsing with it known, then models may reference it', () => {
  const result = parseCatalogConfig(
    { models: [model({ provider: 'openai' })] },
    { environment: {}, knownProviderIds: ['openai'] },
  );
  assert.ok(result.ok);
});

test('given an apiKey of the form env:NAME, when parsing, then the key is read from the environment', () => {
  const result = parseCatalogConfig(
    { providers: [{ ...PROVIDER, apiKey: 'env:LOCAL_KEY' }] },
    { environment: { LOCAL_KEY: 'secret-value' } },
  );
  assert.ok(result.ok);
  if (result.ok) assert.is(result.config.providers[0]?.apiKey, 'secret-value');
});

test('given an apiKey naming an unset variable, when parsing, then the error names provider and variable', () => {
  const issues = issuesOf({ providers: [{ ...PROVIDER, apiKey: 'env:MISSING_KEY' }] });
  assert.equal(issues, ['provider "local".apiKey: environment variable MISSING_KEY is not set']);
});

test('given a misspelt field, when parsing, then the unknown key is reported instead of ignored', () => {
  const entry = model({ id: 'typo' });
  entry['context_windw'] = 1;
  const issues = issuesOf({ providers: [PROVIDER], models: [entry] });
  assert.ok(issues.some((issue) => issue.startsWith('model "typo"') && issue.includes('context_windw')));
});

test('given max output above the context window, when parsing, then it is refused', () => {
  const issues = issuesOf({ providers: [PROVIDER], models: [model({ id: 'big', max_output_tokens: 200_000 })] });
  assert.match(issues[0] ?? '', /^model "big"\.max_output_tokens: 200000 exceeds the context window/);
});

test('given a price_version that is not a date, when parsing, then it is refused', () => {
  const issues = issuesOf({ providers: [PROVIDER], models: [model({ id: 'dated', price_version: 'November' })] });
  assert.match(issues[0] ?? '', /^model "dated"\.price_version: must be a date written YYYY-MM-DD/);
});

test('given several errors, when parsing, then the message lists each of them', () => {
  const result = parseCatalogConfig(
    { providers: [PROVIDER], models: [model({ id: 'a', tier: 'x' }), model({ id: 'b', capabilities: [] })] },
    { environment: {}, source: 'lumen.json' },
  );
  assert.not.ok(result.ok);
  if (result.ok) return;
  assert.is(result.error.code, 'catalog_config_invalid');
  assert.match(result.error.message, /^lumen\.json is invalid: model "a"\.tier: .*; model "b"\.capabilities: /);
});

test.run();
