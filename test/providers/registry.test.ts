import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createProviderRegistry, providerConfigSchema } from '../../src/providers/registry.ts';

test('given three provider configs, when the registry is built, then each id gets an adapter of its kind', () => {
  const configs = [
    { id: 'openai', kind: 'openai', baseUrl: 'https://api.openai.com/v1', apiKey: 'sk' },
    { id: 'vllm', kind: 'openai', baseUrl: 'http://127.0.0.1:8000/v1', maxTokensField: 'max_tokens' },
    { id: 'claude', kind: 'anthropic', baseUrl: 'https://api.anthropic.com', apiKey: 'k' },
    { id: 'gemini', kind: 'gemini', baseUrl: 'https://generativelanguage.googleapis.com', apiKey: 'g' },
  ].map((config) => providerConfigSchema.parse(config));
  const registry = createProviderRegistry(configs);
  assert.equal(registry.ids(), ['openai', 'vllm', 'claude', 'gemini']);
  assert.equal(['openai', 'vllm', 'claude', 'gemini'].map((id) => registry.get(id)?.kind), ['openai', 'openai', 'anthropic', 'gemini']);
  assert.is(registry.get('missing'), undefined);
  assert.ok(registry.get('openai')?.embed !== undefined);
  assert.ok(registry.get('claude')?.embed === undefined);
});

test('given a duplicated provider id, when the registry is built, then it refuses loudly', () => {
  const config = providerConfigSchema.parse({ id: 'x', kind: 'openai', baseUrl: 'http://127.0.0.1:1/v1' });
  assert.throws(() => createProviderRegistry([config, config]), /configured twice/);
});

test('given an unknown kind, when the config is validated, then zod rejects it', () => {
  assert.not.ok(providerConfigSchema.safeParse({ id: 'x', kind: 'cohere', baseUrl: 'http://127.0.0.1:1' }).success);
});

test.run();
