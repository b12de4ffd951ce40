// A refusal as the error the HTTP layer answers with: 429 with Retry-After and the x-ratelimit-*
// headers, or 503 when the limiter fails closed. `retryAfterSeconds` is what the body's
// `retry_after` field should carry (null when waiting cannot help).
import { GatewayError } from '../../http/errors.ts';
import { formatResetDuration, rateLimitHeaders, retryAfterHeaders, retryAfterSeconds } from './rate-limit-headers.ts';
import type { Refusal } from './rate-limiter.ts';

export class RateLimitError extends GatewayError {
  constructor(
    status: number,
    code: string,
    message: string,
    headers: Record<string, string>,
    readonly retryAfterSeconds: number | null,
  ) {
    super(status, status === 429 ? 'rate_limit_error' : 'server_error', code, message, null, headers, undefined,
      retryAfterSeconds === null ? {} : { retry_after: retryAfterSeconds });
    this.name = 'RateLimitError';
  }
}

/** `tokens` is the estimate the refused admission asked for, named in the too_large message. */
export function rateLimitError(refusal: Refusal, tokens: number): RateLimitError {
  const limitHeaders = rateLimitHeaders(refusal.state);
  switch (refusal.reason) {
    case 'requests':
    case 'tokens': {
      const limit = refusal.state[refusal.reason]?.limit;
      const wait = formatResetDuration(refusal.retryAfterMs);
      return new RateLimitError(429, 'rate_limit_exceeded',
        `Rate limit reached for ${refusal.reason} per minute (limit ${limit}). Please try again in ${wait}.`,
        { ...limitHeaders, ...retryAfterHeaders(refusal.retryAfterMs) }, retryAfterSeconds(refusal.retryAfterMs));
    }
    case 'too_large':
      // OpenAI answers this with 429 too; x-should-retry tells the OpenAI and Anthropic SDKs that
      // their automatic retries would be refused the same way.
      return new RateLimitError(429, 'request_too_large',
        `Request too large: ${tokens} tokens estimated, but the limit is ${refusal.state.tokens?.limit} tokens per minute. `
        + 'Reduce the input or max_tokens.', { ...limitHeaders, 'x-should-retry': 'false' }, null);
    case 'unavailable':
      return new RateLimitError(503, 'rate_limiter_unavailable', 'The rate limiter is unavailable; please try again shortly.',
        retryAfterHeaders(refusal.retryAfterMs), retryAfterSeconds(refusal.retryAfterMs));
    default: {
      const unhandled: never = refusal;
      throw new Error(`unhandled refusal ${JSON.stringify(unhandled)}`);
    }
  }
}
