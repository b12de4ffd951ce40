// How much to hold before a call: the most the call can cost. Input tokens are bounded from the
// prompt's size without running a tokenizer on the hot path (a byte-level BPE token covers at
// least one byte; English averages near four, so bytes / 3 leaves a margin), output tokens by
// the request's limit or else the model's. A caller's `max_cost_usd` caps the hold and, where
// it must, lowers the output limit sent upstream to what the cap can pay for.
import type { Micros } from '../domain/money.ts';
import { estimateCostMicros } from './model-cost.ts';
import type { CatalogModel } from './model.ts';

export const TOKENS_PER_IMAGE_MAX = 1_600;
const TOKENS_PER_MESSAGE = 8;

export interface PromptSize {
  textBytes: number;
  messages: number;
  images: number;
}

export interface ChatHold {
  amountMicros: Micros;
  inputTokensMax: number;
  /** The output limit to send upstream: the request's, the model's, or what max_cost_usd affords. */
  outputTokensMax: number;
  /** True when max_cost_usd lowered the output limit below what the request asked for. */
  limitedByCost: boolean;
}

export type ChatHoldResult = { ok: true; hold: ChatHold } | { ok: false; code: 'max_cost_too_low'; minimumMicros: Micros };

export function inputTokensMax(size: PromptSize): number {
  return Math.ceil(size.textBytes / 3) + TOKENS_PER_MESSAGE * size.messages + TOKENS_PER_IMAGE_MAX * size.images + 16;
}

export function chatHold(input: { size: PromptSize; requestedOutputTokens: number | undefined; model: CatalogModel;
  maxCostMicros: Micros | undefined }): ChatHoldResult {
  const model = input.model;
  const inputTokens = inputTokensMax(input.size);
  const outputTokens = Math.max(1, Math.min(input.requestedOutputTokens ?? model.maxOutputTokens, model.maxOutputTokens));
  const full = estimateCostMicros({ inputTokens, outputTokens }, model);
  const cap = input.maxCostMicros;
  if (cap === undefined || full <= cap) {
    return { ok: true, hold: { amountMicros: full, inputTokensMax: inputTokens, outputTokensMax: outputTokens, limitedByCost: false } };
  }
  const minimum = estimateCostMicros({ inputTokens, outputTokens: 1 }, model);
  if (minimum > cap) return { ok: false, code: 'max_cost_too_low', minimumMicros: minimum };
  const affordable = affordableOutputTokens(model, inputTokens, cap, outputTokens);
  return { ok: true, hold: { amountMicros: estimateCostMicros({ inputTokens, outputTokens: affordable }, model),
    inputTokensMax: inputTokens, outputTokensMax: affordable, limitedByCost: true } };
}

/** The largest output limit in [1, ceiling] whose cost with the input stays within the cap (binary search). */
function affordableOutputTokens(model: CatalogModel, inputTokens: number, capMicros: Micros, ceiling: number): number {
  let low = 1;
  let high = ceiling;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (estimateCostMicros({ inputTokens, outputTokens: middle }, model) <= capMicros) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** Embeddings produce no output tokens: the input bounds the cost. */
export function embeddingHoldMicros(size: PromptSize, model: CatalogModel): Micros {
  return estimateCostMicros({ inputTokens: inputTokensMax(size), outputTokens: 0 }, model);
}
