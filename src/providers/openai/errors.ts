// OpenAI-family error bodies into ProviderError. The body is kept whole: an OpenAI-protocol
// client reaching an OpenAI upstream gets the provider's own error back.

import { errorTypeForStatus, retryAfterSecondsFromHeaders } from '../http-errors.ts';
import { ProviderError } from '../provider.ts';
import { openAIErrorBodySchema } from './wire.ts';

export function openAIErrorFromResponse(status: number, body: unknown, headers: Headers): ProviderError {
  const parsed = openAIErrorBodySchema.safeParse(body);
  const wire = parsed.success ? parsed.data : undefined;
  const errorObject = typeof wire?.error === 'object' && wire.error !== null ? wire.error : undefined;
  const message =
    errorObject?.message ??
    (typeof wire?.error === 'string' ? wire.error : undefined) ??
    wire?.message ??
    (wire?.detail !== undefined ? JSON.stringify(wire.detail) : undefined) ??
    (typeof body === 'string' && body !== '' ? body : `upstream answered ${status}`);
  const code = errorObject?.code;
  return new ProviderError({
    status,
    type: errorObject?.type ?? errorTypeForStatus(status),
    message,
    code: code === null || code === undefined ? undefined : String(code),
    retryAfterSeconds: retryAfterSecondsFromHeaders(headers, Date.now()),
    body,
  });
}
