// Operating errors the HTTP layer answers with, and how each client protocol spells them.
// One error middleware (error-handler.ts) renders whatever was thrown in the route's protocol.
import { TranslationError } from '../protocols/translation-error.ts';
import { ProviderError } from '../providers/provider.ts';
import { StoreError } from '../ledger/event-store.ts';

export type ClientProtocol = 'openai' | 'anthropic';

export class GatewayError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly code: string,
    message: string,
    readonly param: string | null = null,
    readonly headers: Record<string, string> = {},
    /** A provider's own error body, passed through unchanged to clients of its protocol. */
    readonly passthroughBody?: unknown,
    /** Fields Lumen adds inside the error object, e.g. `retry_after` on a 429. */
    readonly extraFields: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'GatewayError';
  }
}

export const badRequest = (message: string, code = 'invalid_request', param: string | null = null) =>
  new GatewayError(400, 'invalid_request_error', code, message, param);
export const unauthorized = (message: string, code = 'invalid_api_key') =>
  new GatewayError(401, 'authentication_error', code, message);
export const forbidden = (message: string, code = 'model_not_allowed') =>
  new GatewayError(403, 'permission_error', code, message);
export const notFound = (message: string, code = 'not_found', param: string | null = null) =>
  new GatewayError(404, 'not_found_error', code, message, param);

/** Anthropic's error type names, by HTTP status. */
const ANTHROPIC_TYPES: Record<number, string> = {
  400: 'invalid_request_error', 401: 'authentication_error', 402: 'billing_error', 403: 'permission_error',
  404: 'not_found_error', 413: 'request_too_large', 429: 'rate_limit_error', 500: 'api_error', 502: 'api_error',
  503: 'overloaded_error', 504: 'api_error', 529: 'overloaded_error',
};

/** OpenAI's error type names, by HTTP status, for errors Lumen raises itself. */
const OPENAI_TYPES: Record<number, string> = {
  400: 'invalid_request_error', 401: 'invalid_request_error', 402: 'insufficient_quota', 403: 'invalid_request_error',
  404: 'invalid_request_error', 413: 'invalid_request_error', 429: 'rate_limit_exceeded', 500: 'server_error',
  502: 'server_error', 503: 'server_error', 504: 'server_error',
};

/** Turns anything thrown into a GatewayError; unknown errors become an opaque 500. */
export function toGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  if (error instanceof TranslationError) return badRequest(error.message, error.code, error.param ?? null);
  if (error instanceof ProviderError) {
    const headers: Record<string, string> = error.retryAfterSeconds === undefined ? {}
      : { 'retry-after': String(Math.ceil(error.retryAfterSeconds)) };
    return new GatewayError(error.status, error.type, error.code ?? error.type, error.message, null, headers, error.body);
  }
  if (error instanceof StoreError && error.code === 'store_unavailable') {
    return new GatewayError(503, 'server_error', 'ledger_unavailable', 'the ledger is unavailable; nothing was charged');
  }
  return new GatewayError(500, 'server_error', 'internal_error', 'internal error');
}

export function errorBody(error: GatewayError, protocol: ClientProtocol, providerKind?: string): unknown {
  if (error.passthroughBody !== undefined && providerKind !== undefined && sameFamily(protocol, providerKind)) {
    return error.passthroughBody;
  }
  if (protocol === 'anthropic') {
    return { type: 'error', error: { type: ANTHROPIC_TYPES[error.status] ?? 'api_error', message: error.message, ...error.extraFields } };
  }
  const type = error.passthroughBody !== undefined ? error.type : (OPENAI_TYPES[error.status] ?? error.type);
  return { error: { message: error.message, type, param: error.param, code: error.code, ...error.extraFields } };
}

function sameFamily(protocol: ClientProtocol, providerKind: string): boolean {
  return (protocol === 'openai' && providerKind === 'openai') || (protocol === 'anthropic' && providerKind === 'anthropic');
}
