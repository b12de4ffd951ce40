// The catalog as OpenAI's GET /v1/models speaks it, with a `lumen` block that OpenAI clients
// ignore and Lumen-aware tools read (tier, prices, limits), so one listing serves both.

import { microsToUsd } from '../domain/money.ts';
import type { Capability, CatalogModel, ModelModalities, ModelTier } from './model.ts';

export interface OpenAIModelEntry {
  readonly id: string;
  readonly object: 'model';
  readonly created: number;
  readonly owned_by: string;
  readonly lumen: {
    readonly tier: ModelTier;
    readonly provider: string;
    readonly upstream: string;
    readonly capabilities: readonly Capability[];
    readonly prices_usd_per_million: {
      readonly input: number;
      readonly output: number;
      readonly cached_input: number | null;
    };
    readonly price_usd_per_image: number | null;
    readonly price_usd_per_audio_second: number | null;
    readonly context_window: number;
    readonly max_output_tokens: number;
    readonly modalities: ModelModalities;
    readonly aliases: readonly string[];
    readonly price_version: string;
  };
}

/**
 * `created` defaults to midnight UTC of the price version: a stable, deterministic stand-in,
 * since the catalog does not know when a provider released the model and reads no clock.
 */
export function toOpenAIModel(model: CatalogModel, createdSeconds?: number): OpenAIModelEntry {
  const { prices } = model;
  return {
    id: model.id,
    object: 'model',
    created: createdSeconds ?? Math.floor(Date.parse(`${model.priceVersion}T00:00:00Z`) / 1000),
    owned_by: model.provider,
    lumen: {
      tier: model.tier,
      provider: model.provider,
      upstream: model.upstream,
      capabilities: model.capabilities,
      prices_usd_per_million: {
        input: microsToUsd(prices.inputMicrosPerMillion),
        output: microsToUsd(prices.outputMicrosPerMillion),
        cached_input: prices.cachedInputMicrosPerMillion === undefined ? null : microsToUsd(prices.cachedInputMicrosPerMillion),
      },
      price_usd_per_image: prices.perImageMicros === undefined ? null : microsToUsd(prices.perImageMicros),
      price_usd_per_audio_second: prices.perAudioSecondMicros === undefined ? null : microsToUsd(prices.perAudioSecondMicros),
      context_window: model.contextWindowTokens,
      max_output_tokens: model.maxOutputTokens,
      modalities: model.modalities,
      aliases: model.aliases,
      price_version: model.priceVersion,
    },
  };
}
