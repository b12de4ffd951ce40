// The catalog Lumen ships: the common OpenAI, Anthropic and Gemini models at their public list
// prices (USD per million tokens, standard tier, short prompts), written in the config file's
// own format so the defaults pass through exactly the checks a LUMEN_CONFIG file does.
//
// Prices were checked on 2026-11-23 against the providers' model and pricing pages as quoted in
// the sources named per section; `PRICE_VERSION` records that date. What the catalog cannot
// express is said where it matters: long-prompt surcharges (Gemini 2.5 Pro above 200k tokens,
// GPT-5.4/5.5 above 272k), Anthropic cache writes (1.25x input), audio input premiums. An
// operator who needs those exact should override the model in LUMEN_CONFIG.

import { parseCatalogConfig, type ModelDefinition } from './catalog-schema.ts';
import type { Capability, CatalogModel, InputModality, ModelTier } from './model.ts';

export const PRICE_VERSION = '2026-11-23';

export type DefaultProviderId = 'openai' | 'anthropic' | 'gemini';
export const DEFAULT_PROVIDER_IDS: readonly DefaultProviderId[] = ['openai', 'anthropic', 'gemini'];

interface ChatSpec {
  id: string;
  provider: DefaultProviderId;
  tier: ModelTier;
  aliases?: string[];
  /** USD per million tokens: input, cached input (none: billed as input), output. */
  usd: [input: string, cachedInput: string | undefined, output: string];
  contextWindow: number;
  maxOutput: number;
  input?: InputModality[];
  capabilities?: Capability[];
}

function chat(spec: ChatSpec): ModelDefinition {
  const [input, cachedInput, output] = spec.usd;
  return {
    id: spec.id,
    aliases: spec.aliases ?? [],
    provider: spec.provider,
    tier: spec.tier,
    capabilities: spec.capabilities ?? ['chat'],
    prices: {
      input_per_million_usd: input,
      output_per_million_usd: output,
      ...(cachedInput === undefined ? {} : { cached_input_per_million_usd: cachedInput }),
    },
    context_window: spec.contextWindow,
    max_output_tokens: spec.maxOutput,
    modalities: { input: spec.input ?? ['text', 'image'], output: ['text'] },
    price_version: PRICE_VERSION,
  };
}

function embedding(id: string, provider: DefaultProviderId, tier: ModelTier, inputUsd: string, contextWindow: number): ModelDefinition {
  return {
    id, provider, tier,
    capabilities: ['embeddings'],
    prices: { input_per_million_usd: inputUsd, output_per_million_usd: '0' },
    context_window: contextWindow,
    max_output_tokens: 0,
    modalities: { input: ['text'], output: ['embedding'] },
    price_version: PRICE_VERSION,
  };
}

// OpenAI: developers.openai.com pricing and model pages, as quoted by several 2026 summaries.
// gpt-5, gpt-5-mini, gpt-5-nano and o3 are deprecated with shutdown on 2026-12-11; gpt-4o,
// gpt-4.1 and their minis on 2027-01-14 (OpenAI's deprecations page). They stay because
// clients still send them; when upstream refuses them, move their names to the replacement.
// Codex ids and o4-mini are aliases: the codex snapshots are Responses-only or shut down and
// o4-mini was retired, so Lumen serves those names with the general model at the same tier.
// Billing follows the model that actually serves the request.
const OPENAI_MODELS: ModelDefinition[] = [
  chat({ id: 'gpt-5.5', provider: 'openai', tier: 'high', usd: ['5', '0.5', '30'], contextWindow: 1_050_000, maxOutput: 128_000 }),
  chat({ id: 'gpt-5.4', provider: 'openai', tier: 'mid', usd: ['2.5', '0.25', '15'], contextWindow: 1_050_000, maxOutput: 128_000 }),
  // Context windows of the 5.4 minis are not confirmed by the sources read; 400k as GPT-5 mini.
  chat({ id: 'gpt-5.4-mini', provider: 'openai', tier: 'small', usd: ['0.75', '0.075', '4.5'], contextWindow: 400_000, maxOutput: 128_000 }),
  chat({ id: 'gpt-5.4-nano', provider: 'openai', tier: 'nano', usd: ['0.2', '0.02', '1.25'], contextWindow: 400_000, maxOutput: 128_000 }),
  chat({
    id: 'gpt-5', provider: 'openai', tier: 'mid', usd: ['1.25', '0.125', '10'], contextWindow: 400_000, maxOutput: 128_000,
    // gpt-5.1 and the codex variants list at the same $1.25 / $10.
    aliases: ['gpt-5-2025-08-07', 'gpt-5-codex', 'gpt-5.1', 'gpt-5.1-codex'],
  }),
  chat({
    id: 'gpt-5-mini', provider: 'openai', tier: 'small', usd: ['0.25', '0.025', '2'], contextWindow: 400_000, maxOutput: 128_000,
    aliases: ['gpt-5-mini-2025-08-07', 'gpt-5.1-codex-mini', 'o4-mini', 'o4-mini-2025-04-16'],
  }),
  chat({
    id: 'gpt-5-nano', provider: 'openai', tier: 'nano', usd: ['0.05', '0.005', '0.4'], contextWindow: 400_000, maxOutput: 128_000,
    aliases: ['gpt-5-nano-2025-08-07'],
  }),
  chat({ id: 'o3', provider: 'openai', tier: 'high', usd: ['2', '0.5', '8'], contextWindow: 200_000, maxOutput: 100_000, aliases: ['o3-2025-04-16'] }),
  chat({
    id: 'gpt-4.1', provider: 'openai', tier: 'mid', usd: ['2', '0.5', '8'], contextWindow: 1_047_576, maxOutput: 32_768,
    aliases: ['gpt-4.1-2025-04-14'],
  }),
  chat({
    id: 'gpt-4.1-mini', provider: 'openai', tier: 'small', usd: ['0.4', '0.1', '1.6'], contextWindow: 1_047_576, maxOutput: 32_768,
    aliases: ['gpt-4.1-mini-2025-04-14'],
  }),
  chat({
    id: 'gpt-4o', provider: 'openai', tier: 'mid', usd: ['2.5', '1.25', '10'], contextWindow: 128_000, maxOutput: 16_384,
    aliases: ['gpt-4o-2024-08-06', 'gpt-4o-2024-11-20'],
  }),
  chat({
    id: 'gpt-4o-mini', provider: 'openai', tier: 'small', usd: ['0.15', '0.075', '0.6'], contextWindow: 128_000, maxOutput: 16_384,
    aliases: ['gpt-4o-mini-2024-07-18'],
  }),
  embedding('text-embedding-3-small', 'openai', 'nano', '0.02', 8191),
  embedding('text-embedding-3-large', 'openai', 'small', '0.13', 8191),
  {
    // Token prices: text input $5, image output $40 (image input is $10, not expressible here).
    // The per-image price is the medium-quality 1024x1024 list price, used when upstream
    // reports no token usage. One third-party summary reports gpt-image-1 shut down on
    // 2026-10-23; not confirmed on OpenAI's pages read, so it stays until upstream refuses it.
    id: 'gpt-image-1', provider: 'openai', tier: 'mid', capabilities: ['images'],
    prices: { input_per_million_usd: '5', cached_input_per_million_usd: '1.25', output_per_million_usd: '40', per_image_usd: '0.042' },
    context_window: 32_000, max_output_tokens: 0,
    modalities: { input: ['text', 'image'], output: ['image'] }, price_version: PRICE_VERSION,
  },
  {
    // $0.006 per minute, billed here per second.
    id: 'whisper-1', provider: 'openai', tier: 'small', capabilities: ['transcriptions'],
    prices: { input_per_million_usd: '0', output_per_million_usd: '0', per_audio_second_usd: '0.0001' },
    context_window: 0, max_output_tokens: 0,
    modalities: { input: ['audio'], output: ['text'] }, price_version: PRICE_VERSION,
  },
  {
    // Audio input tokens $6 and text output $10 per million; about $0.006 a minute by OpenAI's
    // own estimate, which is the per-second price used when no token usage comes back.
    id: 'gpt-4o-transcribe', provider: 'openai', tier: 'mid', capabilities: ['transcriptions'],
    prices: { input_per_million_usd: '6', output_per_million_usd: '10', per_audio_second_usd: '0.0001' },
    context_window: 16_000, max_output_tokens: 2_000,
    modalities: { input: ['audio', 'text'], output: ['text'] }, price_version: PRICE_VERSION,
  },
];

// Anthropic: platform.claude.com model overview pages and pricing table. Cached input is the
// cache-hit price (0.1x input); cache writes (1.25x) are billed as input here, which
// undercharges writes slightly. Sonnet 4.5 retires on 2026-11-30: then point its names at
// claude-sonnet-4-6. The 5.5 models' cache-hit prices come from third-party release notes
// (Sonnet 5.5 cut to $0.10 on 2026-10-07) and are less certain than the rest.
const ANTHROPIC_MODELS: ModelDefinition[] = [
  chat({ id: 'claude-opus-5-5', provider: 'anthropic', tier: 'high', usd: ['4', '0.2', '20'], contextWindow: 1_000_000, maxOutput: 128_000 }),
  chat({ id: 'claude-sonnet-5-5', provider: 'anthropic', tier: 'mid', usd: ['2', '0.1', '10'], contextWindow: 1_000_000, maxOutput: 128_000 }),
  chat({ id: 'claude-opus-4-8', provider: 'anthropic', tier: 'high', usd: ['5', '0.5', '25'], contextWindow: 1_000_000, maxOutput: 128_000 }),
  chat({
    id: 'claude-opus-4-5', provider: 'anthropic', tier: 'high', usd: ['5', '0.5', '25'], contextWindow: 200_000, maxOutput: 64_000,
    aliases: ['claude-opus-4-5-20251101'],
  }),
  chat({ id: 'claude-sonnet-4-6', provider: 'anthropic', tier: 'mid', usd: ['3', '0.3', '15'], contextWindow: 1_000_000, maxOutput: 128_000 }),
  chat({
    id: 'claude-sonnet-4-5', provider: 'anthropic', tier: 'mid', usd: ['3', '0.3', '15'], contextWindow: 200_000, maxOutput: 64_000,
    aliases: ['claude-sonnet-4-5-20250929'],
  }),
  chat({
    id: 'claude-haiku-4-5', provider: 'anthropic', tier: 'small', usd: ['1', '0.1', '5'], contextWindow: 200_000, maxOutput: 64_000,
    aliases: ['claude-haiku-4-5-20251001'],
  }),
];

// Gemini: ai.google.dev pricing as quoted by 2026 summaries. Prices are for prompts up to
// 200k tokens; 2.5 Pro charges $2.50 / $15 above that. Cached input is the 90% context-cache
// discount; cache storage per hour is not modelled. text-embedding-004 is not aliased to
// gemini-embedding-001: its vectors have a different default length (768 against 3072).
const GEMINI_MODELS: ModelDefinition[] = [
  chat({
    id: 'gemini-2.5-pro', provider: 'gemini', tier: 'high', usd: ['1.25', '0.125', '10'], contextWindow: 1_048_576, maxOutput: 65_536,
    input: ['text', 'image', 'audio'],
  }),
  chat({
    id: 'gemini-2.5-flash', provider: 'gemini', tier: 'small', usd: ['0.3', '0.03', '2.5'], contextWindow: 1_048_576, maxOutput: 65_536,
    input: ['text', 'image', 'audio'],
  }),
  chat({
    id: 'gemini-2.5-flash-lite', provider: 'gemini', tier: 'nano', usd: ['0.1', '0.01', '0.4'], contextWindow: 1_048_576, maxOutput: 65_536,
    input: ['text', 'image', 'audio'],
  }),
  embedding('gemini-embedding-001', 'gemini', 'nano', '0.15', 2048),
];

export const DEFAULT_MODEL_DEFINITIONS: readonly ModelDefinition[] = [...OPENAI_MODELS, ...ANTHROPIC_MODELS, ...GEMINI_MODELS];

let parsedDefaults: readonly CatalogModel[] | undefined;

/** The shipped models, parsed and checked once; a failure here is a bug in this file. */
export function defaultModels(): readonly CatalogModel[] {
  if (parsedDefaults === undefined) {
    const result = parseCatalogConfig(
      { models: [...DEFAULT_MODEL_DEFINITIONS] },
      { environment: {}, knownProviderIds: DEFAULT_PROVIDER_IDS, source: 'default catalog' },
    );
    if (!result.ok) throw new Error(result.error.message);
    parsedDefaults = result.config.models;
  }
  return parsedDefaults;
}
