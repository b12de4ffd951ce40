// The catalog Lumen serves when no provider key is configured: the local provider simulator's
// models, priced like real models of the same tier so budgets, routing and the ledger behave as
// in production, and answering to the real model names clients send (gpt-4o-mini,
// claude-sonnet-4-6, gemini-2.5-flash, ...), each mapped to the simulated model of the same
// provider family, capability and nearest tier.

import { SIMULATED_MODELS, type SimulatedCapability, type SimulatedModel } from '../simulator/models.ts';
import { parseCatalogConfig, type CatalogConfig, type ModelDefinition } from './catalog-schema.ts';
import { DEFAULT_PROVIDER_IDS, PRICE_VERSION, defaultModels, type DefaultProviderId } from './default-catalog.ts';
import { MODEL_TIERS, type Capability, type CatalogModel, type ModelTier } from './model.ts';

type UsdPrices = ModelDefinition['prices'];

// Modelled on list prices of real models at each tier (November 2026), not on any one model.
const CHAT_PRICES_BY_TIER: Record<ModelTier, UsdPrices> = {
  nano: { input_per_million_usd: '0.1', cached_input_per_million_usd: '0.01', output_per_million_usd: '0.4' },
  small: { input_per_million_usd: '0.3', cached_input_per_million_usd: '0.03', output_per_million_usd: '2.5' },
  mid: { input_per_million_usd: '2.5', cached_input_per_million_usd: '0.25', output_per_million_usd: '15' },
  high: { input_per_million_usd: '5', cached_input_per_million_usd: '0.5', output_per_million_usd: '25' },
};

const CAPABILITY_OF_SIMULATED: Record<SimulatedCapability, Capability> = {
  chat: 'chat',
  embedding: 'embeddings',
  image: 'images',
  transcription: 'transcriptions',
};

export interface SimulatorCatalogOptions {
  /** The key the simulator was started with, if any. */
  readonly apiKey?: string;
}

/**
 * Providers pointing at the one simulator, with each family's path convention (OpenAI's base
 * URL carries /v1, Anthropic's and Gemini's are the bare origin), and its models. Provider ids
 * are the real ones so `anthropic/claude-sonnet-4-6` means the same with and without keys.
 */
export function simulatorCatalog(simulatorBaseUrl: string, options: SimulatorCatalogOptions = {}): CatalogConfig {
  const origin = simulatorBaseUrl.replace(/\/+$/, '');
  const key = options.apiKey === undefined ? {} : { apiKey: options.apiKey };
  const providers = [
    { id: 'openai', kind: 'openai' as const, baseUrl: `${origin}/v1`, ...key },
    { id: 'anthropic', kind: 'anthropic' as const, baseUrl: origin, ...key },
    { id: 'gemini', kind: 'gemini' as const, baseUrl: origin, ...key },
  ];
  const aliases = aliasesForSimulatedModels(defaultModels());
  const models = DEFAULT_PROVIDER_IDS.flatMap((family) =>
    SIMULATED_MODELS[family].map((simulated) => simulatedDefinition(family, simulated, aliases.get(simulated.id) ?? [])));
  const result = parseCatalogConfig({ providers, models }, { environment: {}, source: 'simulator catalog' });
  // The inputs are this file's own constants plus a URL the caller validated; failing is a bug.
  if (!result.ok) throw new Error(result.error.message);
  return result.config;
}

function simulatedDefinition(family: DefaultProviderId, simulated: SimulatedModel, aliases: readonly string[]): ModelDefinition {
  const base = {
    id: simulated.id,
    aliases: [...aliases],
    provider: family,
    tier: simulated.tier,
    context_window: simulated.contextWindowTokens,
    price_version: PRICE_VERSION,
  };
  switch (simulated.capability) {
    case 'chat':
      return {
        ...base,
        // The simulator answers OpenAI's legacy completions route for any OpenAI-family model.
        capabilities: family === 'openai' ? ['chat', 'completions'] : ['chat'],
        prices: CHAT_PRICES_BY_TIER[simulated.tier],
        max_output_tokens: Math.min(Math.floor(simulated.contextWindowTokens / 4), 128_000),
        modalities: { input: ['text', 'image'], output: ['text'] },
      };
    case 'embedding':
      return {
        ...base,
        capabilities: ['embeddings'],
        prices: { input_per_million_usd: simulated.tier === 'nano' ? '0.02' : '0.13', output_per_million_usd: '0' },
        max_output_tokens: 0,
        modalities: { input: ['text'], output: ['embedding'] },
      };
    case 'image':
      return {
        ...base,
        capabilities: ['images'],
        prices: { input_per_million_usd: '5', output_per_million_usd: '40', per_image_usd: '0.04' },
        max_output_tokens: 0,
        modalities: { input: ['text', 'image'], output: ['image'] },
      };
    case 'transcription':
      return {
        ...base,
        capabilities: ['transcriptions'],
        prices: { input_per_million_usd: '0', output_per_million_usd: '0', per_audio_second_usd: '0.0001' },
        max_output_tokens: 0,
        modalities: { input: ['audio'], output: ['text'] },
      };
    default: {
      const exhausted: never = simulated.capability;
      throw new Error(`unhandled simulated capability ${String(exhausted)}`);
    }
  }
}

/** Simulated model id -> the real names (ids and aliases of shipped models) it answers to. */
export function aliasesForSimulatedModels(models: readonly CatalogModel[]): Map<string, string[]> {
  const aliases = new Map<string, string[]>();
  for (const model of models) {
    const simulated = nearestSimulatedModel(model);
    if (simulated === undefined) continue;
    const names = aliases.get(simulated.id) ?? [];
    names.push(model.id, ...model.aliases);
    aliases.set(simulated.id, names);
  }
  return aliases;
}

function nearestSimulatedModel(model: CatalogModel): SimulatedModel | undefined {
  if (!isDefaultProvider(model.provider)) return undefined;
  const sameKind = (SIMULATED_MODELS[model.provider] as readonly SimulatedModel[])
    .filter((simulated) => model.capabilities.includes(CAPABILITY_OF_SIMULATED[simulated.capability]));
  const wanted = MODEL_TIERS.indexOf(model.tier);
  // Nearest tier; on a tie the higher one, so a request is never served by a weaker stand-in.
  const distance = (simulated: SimulatedModel): number => {
    const offset = MODEL_TIERS.indexOf(simulated.tier) - wanted;
    return Math.abs(offset) * 2 - (offset > 0 ? 1 : 0);
  };
  return [...sameKind].sort((left, right) => distance(left) - distance(right))[0];
}

function isDefaultProvider(provider: string): provider is DefaultProviderId {
  return (DEFAULT_PROVIDER_IDS as readonly string[]).includes(provider);
}
