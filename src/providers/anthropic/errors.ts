// Anthropic error bodies (`{"type":"error","error":{"type","message"}}`) into ProviderError.

import { errorTypeForStatus, retryAfterSecondsFromHeaders } from '../http-errors.ts';
import { ProviderError } from '../provider.ts';
import { anthropicErrorBodySchema } from './wire.ts';

/** In-stream `error` events carry no HTTP status; Anthropic documents one per type. */
const STATUS_BY_ERROR_TYPE: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

export function statusForAnthropicErrorType(type: string | null | undefined): number {
  return (type ? STATUS_BY_ERROR_TYPE[type] : undefined) ?? 500;
}

export function anthropicErrorFromResponse(status: number, body: unknown, headers: Headers): ProviderError {
  const parsed = anthropicErrorBodySchema.safeParse(body);
  const error = parsed.success ? parsed.data.error : undefined;
  return new ProviderError({
    status,
    type: error?.type ?? errorTypeForStatus(status),
    message: error?.message ?? (typeof body === 'string' && body !== '' ? body : `upstream answered ${status}`),
    retryAfterSeconds: retryAfterSecondsFromHeaders(headers, Date.now()),
    body,
  });
}
