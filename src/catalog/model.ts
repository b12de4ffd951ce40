// The catalog's domain types: what Lumen knows about a model it can serve. Prices are integer
// micro-dollars, converted once at the config edge, so nothing past this point sees a float.

import type { Micros } from '../domain/money.ts';

export const MODEL_TIERS = ['nano', 'small', 'mid', 'high'] as const;
export type ModelTier = (typeof MODEL_TIERS)[number];

export const CAPABILITIES = ['chat', 'completions', 'embeddings', 'images', 'transcriptions'] as const;
export type Capability = (typeof CAPABILITIES)[number];

export const INPUT_MODALITIES = ['text', 'image', 'audio'] as const;
export type InputModality = (typeof INPUT_MODALITIES)[number];

export const OUTPUT_MODALITIES = ['text', 'image', 'audio', 'embedding'] as const;
export type OutputModality = (typeof OUTPUT_MODALITIES)[number];

export interface ModelPrices {
  readonly inputMicrosPerMillion: Micros;
  readonly outputMicrosPerMillion: Micros;
  /** Absent: cached input is billed at the full input price. */
  readonly cachedInputMicrosPerMillion?: Micros;
  readonly perImageMicros?: Micros;
  readonly perAudioSecondMicros?: Micros;
}

export interface ModelModalities {
  readonly input: readonly InputModality[];
  readonly output: readonly OutputModality[];
}

export interface CatalogModel {
  /** The name Lumen lists and records in the ledger. */
  readonly id: string;
  /** Other names clients send for this model (dated snapshots, older spellings). */
  readonly aliases: readonly string[];
  /** Id of the configured provider that serves it. */
  readonly provider: string;
  /** The model name sent upstream. */
  readonly upstream: string;
  readonly tier: ModelTier;
  readonly capabilities: readonly Capability[];
  readonly prices: ModelPrices;
  readonly contextWindowTokens: number;
  readonly maxOutputTokens: number;
  readonly modalities: ModelModalities;
  /** The date (YYYY-MM-DD) the prices were last checked against the provider's list. */
  readonly priceVersion: string;
}
