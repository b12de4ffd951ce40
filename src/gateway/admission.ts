// Admission of a model call, after the model is resolved and before any provider is called:
// the key's rate limits (requests and tokens per minute, from the account's plan), then a hold
// for the call's maximum cost. Refusals are typed HTTP errors (429, 402, 400) that each route
// renders in its own protocol; nothing has been charged when one is raised.
import type { Micros } from '../domain/money.ts';
import { chatHold, inputTokensMax, type PromptSize } from '../catalog/hold-estimate.ts';
import type { CanonicalChatRequest } from '../protocols/canonical.ts';
import { badRequest } from '../http/errors.ts';
import { microsToUsdString } from '../domain/money.ts';
import type { Billing, PlacedHold } from './billing.ts';
import type { KeyRecord } from './key-index.ts';
import { rateLimitHeaders } from './rate-limit/rate-limit-headers.ts';
import { rateLimitError } from './rate-limit/rate-limit-error.ts';
import type { RateLimiter, RateLimits } from './rate-limit/rate-limiter.ts';
import { textOfParts } from './token-counter.ts';

export interface AdmissionServices {
  billing: Billing;
  /** Absent: no rate limits (tests of other concerns, tools). */
  limiter?: RateLimiter;
}

export interface Admitted {
  hold: PlacedHold;
  /** Tokens debited from the rate limit; the unused part is refunded once usage is known. */
  rateTokens: number;
  /** The output limit the hold pays for (chat calls); a stream past it is cut off. */
  outputTokensMax?: number;
}

/** What a call will at most cost and how many tokens it counts against the per-minute limit. */
export interface Demand {
  amountMicros: Micros;
  tokens: number;
  outputTokensMax?: number;
}

/** Tokens a request without an explicit output limit counts against tokens/min until its usage is known. */
const DEFAULT_OUTPUT_TOKENS_FOR_LIMITS = 1_000;

export function limitsOf(principal: KeyRecord): RateLimits {
  return { requestsPerMinute: principal.plan.requestsPerMinute, tokensPerMinute: principal.plan.tokensPerMinute };
}

export async function admit(services: AdmissionServices, input: { principal: KeyRecord; requestId: string; demand: Demand;
  setHeaders?: (headers: Record<string, string>) => void }): Promise<Admitted> {
  const { principal, demand } = input;
  if (services.limiter !== undefined) {
    const admission = await services.limiter.admit({ keyId: principal.keyId, limits: limitsOf(principal), tokens: demand.tokens });
    if (!admission.allowed) throw rateLimitError(admission, demand.tokens);
    input.setHeaders?.(rateLimitHeaders(admission.state));
  }
  try {
    const hold = await services.billing.hold({ accountId: principal.accountId, keyId: principal.keyId, requestId: input.requestId,
      amountMicros: demand.amountMicros });
    return { hold, rateTokens: demand.tokens, outputTokensMax: demand.outputTokensMax };
  } catch (error) {
    // Refused for money: the request never ran, so its tokens go back to the limit.
    if (services.limiter !== undefined) void services.limiter.refund(principal.keyId, limitsOf(principal), demand.tokens).catch(() => undefined);
    throw error;
  }
}

/**
 * A request that calls no provider but writes to the ledger (a refused route, a decision only)
 * still counts against the key's requests per minute, so refusals cannot be written unmetered.
 */
export async function admitWithoutCall(services: AdmissionServices, principal: KeyRecord,
  setHeaders?: (headers: Record<string, string>) => void): Promise<void> {
  if (services.limiter === undefined) return;
  const admission = await services.limiter.admit({ keyId: principal.keyId, limits: limitsOf(principal), tokens: 0 });
  if (!admission.allowed) throw rateLimitError(admission, 0);
  setHeaders?.(rateLimitHeaders(admission.state));
}

export function promptSize(request: CanonicalChatRequest): PromptSize {
  let textBytes = 0;
  let images = 0;
  for (const message of request.messages) {
    textBytes += Buffer.byteLength(textOfParts(message.content));
    images += message.content.filter((part) => part.type === 'image').length;
  }
  for (const tool of request.tools ?? []) textBytes += Buffer.byteLength(JSON.stringify(tool));
  return { textBytes, messages: request.messages.length, images };
}

/**
 * The demand of a chat call. When max_cost_usd is below what the call could cost, the output
 * limit sent upstream is lowered to what the cap pays for (the request is changed in place).
 */
export function chatDemand(request: CanonicalChatRequest, model: Parameters<typeof chatHold>[0]['model'],
  maxCostMicros: Micros | undefined): Demand & { outputTokensMax: number } {
  const size = promptSize(request);
  const result = chatHold({ size, requestedOutputTokens: request.sampling.maxOutputTokens, model, maxCostMicros });
  if (!result.ok) {
    throw badRequest(`max_cost_usd is below the least this request can cost ($${microsToUsdString(result.minimumMicros)})`,
      'max_cost_too_low', 'max_cost_usd');
  }
  if (result.hold.limitedByCost) request.sampling.maxOutputTokens = result.hold.outputTokensMax;
  const outputForLimits = request.sampling.maxOutputTokens ?? DEFAULT_OUTPUT_TOKENS_FOR_LIMITS;
  return { amountMicros: result.hold.amountMicros, tokens: inputTokensMax(size) + outputForLimits,
    outputTokensMax: result.hold.outputTokensMax };
}
