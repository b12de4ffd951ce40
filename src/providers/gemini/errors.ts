// Gemini (google.rpc.Status) error bodies into ProviderError, reading RetryInfo for 429s.

import { errorTypeForStatus, retryAfterSecondsFromHeaders } from '../http-errors.ts';
import { ProviderError } from '../provider.ts';
import { geminiErrorBodySchema, type GeminiErrorObject } from './wire.ts';

const TYPE_BY_RPC_STATUS: Record<string, string> = {
  INVALID_ARGUMENT: 'invalid_request_error',
  FAILED_PRECONDITION: 'invalid_request_error',
  OUT_OF_RANGE: 'invalid_request_error',
  UNAUTHENTICATED: 'authentication_error',
  PERMISSION_DENIED: 'permission_error',
  NOT_FOUND: 'not_found_error',
  RESOURCE_EXHAUSTED: 'rate_limit_error',
  UNAVAILABLE: 'overloaded_error',
  INTERNAL: 'api_error',
  DEADLINE_EXCEEDED: 'timeout_error',
};

/** RetryInfo's retryDelay is a protobuf Duration in JSON: "34.4s". */
export function retryDelaySeconds(error: GeminiErrorObject | null | undefined): number | undefined {
  const retryInfo = error?.details?.find((detail) => detail['@type']?.endsWith('google.rpc.RetryInfo'));
  const match = /^(\d+(?:\.\d+)?)s$/.exec(retryInfo?.retryDelay ?? '');
  return match ? Number(match[1]) : undefined;
}

export function geminiErrorType(error: GeminiErrorObject | null | undefined, status: number): string {
  return (error?.status ? TYPE_BY_RPC_STATUS[error.status] : undefined) ?? errorTypeForStatus(status);
}

export function geminiErrorFromResponse(status: number, body: unknown, headers: Headers): ProviderError {
  // Gemini sometimes wraps the error in a one-element array.
  const candidate = Array.isArray(body) ? body[0] : body;
  const parsed = geminiErrorBodySchema.safeParse(candidate);
  const error = parsed.success ? parsed.data.error : undefined;
  const retryAfterSeconds = retryDelaySeconds(error) ?? retryAfterSecondsFromHeaders(headers, Date.now());
  return new ProviderError({
    status,
    type: geminiErrorType(error, status),
    message: error?.message ?? (typeof body === 'string' && body !== '' ? body : `upstream answered ${status}`),
    ...(error?.status ? { code: error.status } : {}),
    ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
    body,
  });
}
