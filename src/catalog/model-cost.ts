// Pure cost arithmetic over a model's prices. Each part is rounded up to a whole micro on its own
// (tokenCostMicros), so a request never costs less than the sum of what its parts would.

import { tokenCostMicros, type Micros } from '../domain/money.ts';
import type { CatalogModel } from './model.ts';

/** Token counts in the canonical accounting: input includes cached input. */
export interface TokenUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** The part of inputTokens served from the provider's prompt cache. */
  readonly cachedInputTokens?: number;
}

export interface CostBreakdown {
  readonly uncachedInputMicros: Micros;
  readonly cachedInputMicros: Micros;
  readonly outputMicros: Micros;
  readonly totalMicros: Micros;
}

export function costBreakdownMicros(usage: TokenUsage, model: Pick<CatalogModel, 'prices'>): CostBreakdown {
  const cachedTokens = usage.cachedInputTokens ?? 0;
  if (cachedTokens > usage.inputTokens) {
    // Callers map provider usage into the canonical shape first; a larger cached count is a bug there.
    throw new RangeError(`cached input tokens (${cachedTokens}) exceed input tokens (${usage.inputTokens})`);
  }
  const { prices } = model;
  const uncachedInputMicros = tokenCostMicros(usage.inputTokens - cachedTokens, prices.inputMicrosPerMillion);
  const cachedInputMicros = tokenCostMicros(cachedTokens, prices.cachedInputMicrosPerMillion ?? prices.inputMicrosPerMillion);
  const outputMicros = tokenCostMicros(usage.outputTokens, prices.outputMicrosPerMillion);
  return {
    uncachedInputMicros,
    cachedInputMicros,
    outputMicros,
    totalMicros: uncachedInputMicros + cachedInputMicros + outputMicros,
  };
}

/** What a request with this usage costs at the model's list prices, in micro-dollars. */
export function estimateCostMicros(usage: TokenUsage, model: Pick<CatalogModel, 'prices'>): Micros {
  return costBreakdownMicros(usage, model).totalMicros;
}

/**
 * Per-unit charges for images and audio; absent prices cost nothing extra. A started second of
 * audio is billed as a whole one, for the same reason tokens round up: never bill below cost.
 */
export function unitCostMicros(units: { images?: number; audioSeconds?: number }, model: Pick<CatalogModel, 'prices'>): Micros {
  const images = units.images ?? 0;
  const audioSeconds = Math.ceil(units.audioSeconds ?? 0);
  if (!Number.isSafeInteger(images) || images < 0) throw new RangeError('image count must be a whole number >= 0');
  if (!Number.isSafeInteger(audioSeconds) || audioSeconds < 0) throw new RangeError('audio seconds must be >= 0');
  return images * (model.prices.perImageMicros ?? 0) + audioSeconds * (model.prices.perAudioSecondMicros ?? 0);
}
