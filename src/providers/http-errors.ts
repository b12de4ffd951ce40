// Turning what went wrong on the way to a provider into ProviderError values: transport failures
// (refused, reset, timed out, aborted by the client) and the pieces every provider's error
// mapping shares (a type per status, Retry-After).

import { ProviderError } from './provider.ts';
import { SseError } from './sse.ts';

/** Why Lumen itself aborted an upstream call, when it did. */
export type AbortCause = 'client' | 'timeout';

const TYPE_BY_STATUS: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  408: 'timeout_error',
  409: 'conflict_error',
  413: 'request_too_large',
  422: 'invalid_request_error',
  429: 'rate_limit_error',
  500: 'api_error',
  502: 'api_error',
  503: 'overloaded_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

export function errorTypeForStatus(status: number): string {
  return TYPE_BY_STATUS[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
}

/**
 * Reads `retry-after-ms` (OpenAI) or `retry-after` in seconds or as an HTTP date. `nowMs` is a
 * parameter so the parsing stays testable; adapters pass Date.now().
 */
export function retryAfterSecondsFromHeaders(headers: Headers, nowMs: number): number | undefined {
  const milliseconds = Number(headers.get('retry-after-ms') ?? Number.NaN);
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds / 1000;
  const value = headers.get('retry-after');
  if (value === null) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const dateMs = Date.parse(value);
  return Number.isNaN(dateMs) ? undefined : Math.max(0, (dateMs - nowMs) / 1000);
}

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNRESET',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

function causeCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}

/** Classifies anything thrown while calling or reading from a provider. */
export function transportError(error: unknown, abortCause: AbortCause | undefined, providerId: string): ProviderError {
  if (error instanceof ProviderError) return error;
  if (abortCause === 'client') {
    return new ProviderError({ status: 499, type: 'client_closed_request', message: 'the client closed the request' });
  }
  if (abortCause === 'timeout') {
    return new ProviderError({ status: 504, type: 'provider_timeout', message: `provider ${providerId} timed out` });
  }
  if (error instanceof SseError) {
    return new ProviderError({ status: 502, type: 'provider_invalid_response', code: error.code, message: error.message });
  }
  const code = causeCode(error);
  const detail = code ?? (error instanceof Error ? error.message : String(error));
  return new ProviderError({
    status: 502,
    type: 'provider_unreachable',
    code: code !== undefined && UNREACHABLE_CODES.has(code) ? code : undefined,
    message: `provider ${providerId} is unreachable (${detail})`,
  });
}

export function invalidResponseError(providerId: string, detail: string): ProviderError {
  return new ProviderError({
    status: 502,
    type: 'provider_invalid_response',
    message: `provider ${providerId} sent an invalid response: ${detail}`,
  });
}
