// The rate-limit headers as OpenAI sends them, so clients and SDKs that read OpenAI's headers
// (x-ratelimit-*, retry-after, retry-after-ms, x-should-retry) understand Lumen's limits too.
import type { DimensionState, LimitState } from './rate-limiter.ts';

const MS_PER_SECOND = 1_000;
const MS_PER_MINUTE = 60 * MS_PER_SECOND;
const MS_PER_HOUR = 60 * MS_PER_MINUTE;

/**
 * A duration the way OpenAI's reset headers spell it, which is Go's time.Duration format at
 * millisecond precision: "17ms", "120ms", "1s", "8.64s", "6m0s", "1h2m3.5s", and "0s" for zero.
 * A fraction of a millisecond is rounded up, so a client waiting that long is never early.
 */
export function formatResetDuration(durationMs: number): string {
  if (!Number.isFinite(durationMs) || durationMs < 0) throw new RangeError(`a duration must be finite and non-negative, got ${durationMs}`);
  const totalMs = Math.ceil(durationMs);
  if (totalMs === 0) return '0s';
  if (totalMs < MS_PER_SECOND) return `${totalMs}ms`;
  const hours = Math.floor(totalMs / MS_PER_HOUR);
  const minutes = Math.floor((totalMs % MS_PER_HOUR) / MS_PER_MINUTE);
  const seconds = Math.floor((totalMs % MS_PER_MINUTE) / MS_PER_SECOND);
  const fraction = String(totalMs % MS_PER_SECOND).padStart(3, '0').replace(/0+$/, '');
  const secondsText = `${seconds}${fraction === '' ? '' : `.${fraction}`}s`;
  if (hours > 0) return `${hours}h${minutes}m${secondsText}`;
  if (minutes > 0) return `${minutes}m${secondsText}`;
  return secondsText;
}

/** The x-ratelimit-* headers for every limited dimension; an unlimited one sends none, as OpenAI does. */
export function rateLimitHeaders(state: LimitState): Record<string, string> {
  const headers: Record<string, string> = {};
  const dimensions: Array<[string, DimensionState | null]> = [['requests', state.requests], ['tokens', state.tokens]];
  for (const [name, dimension] of dimensions) if (dimension !== null) headers[`x-ratelimit-limit-${name}`] = String(dimension.limit);
  for (const [name, dimension] of dimensions) if (dimension !== null) headers[`x-ratelimit-remaining-${name}`] = String(dimension.remaining);
  for (const [name, dimension] of dimensions) {
    if (dimension !== null) headers[`x-ratelimit-reset-${name}`] = formatResetDuration(dimension.resetMs);
  }
  return headers;
}

/**
 * Retry-After in whole seconds, rounded up because HTTP allows no fraction, and retry-after-ms
 * with the exact wait, which the OpenAI SDKs prefer when present.
 */
export function retryAfterHeaders(retryAfterMs: number): Record<string, string> {
  return { 'retry-after': String(retryAfterSeconds(retryAfterMs)), 'retry-after-ms': String(Math.ceil(retryAfterMs)) };
}

export const retryAfterSeconds = (retryAfterMs: number): number => Math.ceil(retryAfterMs / MS_PER_SECOND);
