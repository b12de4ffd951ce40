import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCatalog, type LoadCatalogResult } from '../../src/catalog/load-catalog.ts';

const EXAMPLE_CONFIG = fileURLToPath(new URL('../../config/lumen.example.json', import.meta.url));
const SIMULATOR_URL = 'http://127.0.0.1:4010';

async function configFile(contents: unknown): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'lumen-catalog-'));
  const path = join(directory, 'lumen.json');
  await writeFile(path, typeof contents === 'string' ? contents : JSON.stringify(contents));
  return path;
}

function loaded(result: LoadCatalogResult) {
  if (!result.ok) throw new Error(result.error.message);
  return result;
}

test('given only OPENAI_API_KEY, when loading, then only OpenAI models are served, from the default base URL', async () => {
  const result = loaded(await loadCatalog({ environment: { OPENAI_API_KEY: 'sk-test' }, simulatorUrl: SIMULATOR_URL }));
  assert.is(result.usingSimulator, false);
  assert.equal(result.catalog.providers, [{ id: 'openai', kind: 'openai', baseUrl: 'https://api.openai.com/v1', apiKey: 'sk-test' }]);
  assert.ok(result.catalog.models.every((model) => model.provider === 'openai'));
  assert.ok(result.catalog.resolve('gpt-4o-mini').ok);
  assert.not.ok(result.catalog.resolve('claude-sonnet-4-6').ok);
});

test('given keys and base URLs for Anthropic and Gemini, when loading, then both are configured with those URLs', async () => {
  const result = loaded(await loadCatalog({
    environment: {
      ANTHROPIC_API_KEY: 'ak', ANTHROPIC_BASE_URL: 'https://anthropic.proxy.example',
      GEMINI_API_KEY: 'gk', OPENAI_BASE_URL: 'https://ignored.example/v1',
    },
  }));
  assert.equal(result.catalog.providers.map((provider) => [provider.id, provider.baseUrl]), [
    ['anthropic', 'https://anthropic.proxy.example'],
    ['gemini', 'https://generativelanguage.googleapis.com'],
  ]);
  assert.ok(result.catalog.resolve('claude-sonnet-4-5-20250929').ok);
  assert.ok(result.catalog.resolve('gemini-2.5-flash').ok);
  assert.not.ok(result.catalog.resolve('gpt-5').ok);
});

test('given an OPENAI_BASE_URL that is not a URL, when loading, then the error names the variable', async () => {
  const result = await loadCatalog({ environment: { OPENAI_API_KEY: 'sk', OPENAI_BASE_URL: 'not a url' } });
  assert.not.ok(result.ok);
  if (!result.ok) assert.match(result.error.message, /OPENAI_BASE_URL: "not a url" is not a URL/);
});

test('given no provider key and a simulator URL, when loading, then the simulator catalog is used and flagged', async () => {
  const result = loaded(await loadCatalog({ environment: { OPENAI_API_KEY: '' }, simulatorUrl: `${SIMULATOR_URL}/` }));
  assert.is(result.usingSimulator, true);
  assert.equal(result.catalog.providers.map((provider) => [provider.id, provider.kind, provider.baseUrl]), [
    ['openai', 'openai', 'http://127.0.0.1:4010/v1'],
    ['anthropic', 'anthropic', 'http://127.0.0.1:4010'],
    ['gemini', 'gemini', 'http://127.0.0.1:4010'],
  ]);
  const expected: Record<string, string> = {
    'gpt-4o-mini': 'sim-gpt-small',
    'gpt-5.5': 'sim-gpt-high',
    'claude-sonnet-4-6': 'sim-claude-sonnet',
    'claude-opus-4-8': 'sim-claude-opus',
    'claude-haiku-4-5-20251001': 'sim-claude-haiku',
    'gemini-2.5-flash': 'sim-gemini-flash',
    'gemini-2.5-pro': 'sim-gemini-pro',
    'text-embedding-3-small': 'sim-embedding-small',
    'whisper-1': 'sim-whisper',
    'anthropic/claude-sonnet-4-6': 'sim-claude-sonnet',
  };
  for (const [name, id] of Object.entries(expected)) {
    const resolution = result.catalog.resolve(name);
    assert.is(resolution.ok ? resolution.model.id : resolution.error.message, id, name);
  }
  assert.equal(result.catalog.modelsPerTier(), { nano: 4, small: 5, mid: 3, high: 3 });
});

test('given the simulator catalog, when reading its prices, then each tier has realistic non-zero chat prices', async () => {
  const { catalog } = loaded(await loadCatalog({ environment: {}, simulatorUrl: SIMULATOR_URL }));
  const chatPrices = catalog.list({ capability: 'chat' }).map((model) => [model.tier, model.prices.inputMicrosPerMillion]);
  assert.ok(chatPrices.every(([, price]) => (price as number) > 0));
  assert.is(catalog.prices('sim-gpt-nano')?.inputMicrosPerMillion, 100_000);
  assert.is(catalog.prices('sim-claude-opus')?.outputMicrosPerMillion, 25_000_000);
});

test('given no provider and no simulator, when loading, then a typed no_provider_configured error returns', async () => {
  const result = await loadCatalog({ environment: {} });
  assert.not.ok(result.ok);
  if (!result.ok) assert.is(result.error.code, 'no_provider_configured');
});

test('given the example config and its key variable, when loading, then its local providers and models are served', async () => {
  const result = loaded(await loadCatalog({ environment: { VLLM_API_KEY: 'local-key' }, configPath: EXAMPLE_CONFIG, simulatorUrl: SIMULATOR_URL }));
  assert.is(result.usingSimulator, false);
  assert.equal(result.catalog.providers.map((provider) => provider.id), ['vllm', 'ollama']);
  assert.is(result.catalog.provider('vllm')?.apiKey, 'local-key');
  const resolution = result.catalog.resolve('vllm/meta-llama/Llama-3.1-8B-Instruct');
  assert.ok(resolution.ok && resolution.model.id === 'llama-3.1-8b-instruct');
  assert.is(result.catalog.prices('llama3.1-8b')?.inputMicrosPerMillion, 50_000);
  assert.equal(result.catalog.list({ output: ['embedding'] }).map((model) => model.id), ['nomic-embed-text']);
});

test('given a config path in LUMEN_CONFIG and an OpenAI key, when loading, then file models add to and override the defaults', async () => {
  const override = {
    id: 'gpt-4o-mini', provider: 'openai', tier: 'nano', capabilities: ['chat'],
    prices: { input_per_million_usd: '0.1', output_per_million_usd: '0.5' },
    context_window: 128_000, max_output_tokens: 16_384,
    modalities: { input: ['text'], output: ['text'] }, price_version: '2026-12-01',
  };
  const added = { ...override, id: 'house-model', upstream: 'ft:gpt-4o-mini:acme', aliases: ['acme'] };
  const path = await configFile({ models: [override, added] });
  const result = loaded(await loadCatalog({ environment: { OPENAI_API_KEY: 'sk', LUMEN_CONFIG: path } }));
  const ids = result.catalog.models.map((model) => model.id);
  assert.is(ids.filter((id) => id === 'gpt-4o-mini').length, 1);
  assert.is(result.catalog.prices('gpt-4o-mini')?.inputMicrosPerMillion, 100_000);
  assert.is(result.catalog.model('gpt-4o-mini')?.tier, 'nano');
  assert.is(ids.at(-1), 'house-model');
  assert.ok(result.catalog.resolve('openai/ft:gpt-4o-mini:acme').ok);
  assert.ok(result.sources.some((source) => source.startsWith('file: ')));
});

test('given a file model whose alias is a shipped model name, when loading, then the clash names both models', async () => {
  const path = await configFile({
    models: [{
      id: 'cheap-mini', aliases: ['gpt-4o-mini'], provider: 'openai', tier: 'small', capabilities: ['chat'],
      prices: { input_per_million_usd: 0, output_per_million_usd: 0 }, context_window: 1000, max_output_tokens: 100,
      modalities: { input: ['text'], output: ['text'] }, price_version: '2026-11-01',
    }],
  });
  const result = await loadCatalog({ environment: { OPENAI_API_KEY: 'sk' }, configPath: path });
  assert.not.ok(result.ok);
  if (!result.ok) assert.match(result.error.message, /model "cheap-mini": alias "gpt-4o-mini" clashes with model "gpt-4o-mini"/);
});

test('given a file model on a provider that is not configured, when loading, then the error names model and provider', async () => {
  const path = await configFile({
    models: [{
      id: 'lost', provider: 'anthropic', tier: 'small', capabilities: ['chat'],
      prices: { input_per_million_usd: 1, output_per_million_usd: 1 }, context_window: 1000, max_output_tokens: 100,
      modalities: { input: ['text'], output: ['text'] }, price_version: '2026-11-01',
    }],
  });
  const result = await loadCatalog({ environment: { OPENAI_API_KEY: 'sk' }, configPath: path });
  assert.not.ok(result.ok);
  if (!result.ok) assert.match(result.error.message, /model "lost": provider "anthropic" is not configured \(configured: openai\)/);
});

test('given a missing or malformed config file, when loading, then a typed catalog_config_unreadable error returns', async () => {
  const missing = await loadCatalog({ environment: { OPENAI_API_KEY: 'sk' }, configPath: '/nonexistent/lumen.json' });
  assert.ok(!missing.ok && missing.error.code === 'catalog_config_unreadable' && missing.error.message.includes('ENOENT'));
  const malformed = await loadCatalog({ environment: { OPENAI_API_KEY: 'sk' }, configPath: await configFile('{ "models": [') });
  assert.ok(!malformed.ok && malformed.error.code === 'catalog_config_unreadable' && malformed.error.message.includes('not valid JSON'));
});

test.run();
