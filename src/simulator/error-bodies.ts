// Each provider's own error body, so a client sees exactly what the real API would send.
// OpenAI:    {"error":{"message","type","param","code"}}
// Anthropic: {"type":"error","error":{"type","message"},"request_id"}
// Gemini:    {"error":{"code","message","status"[,"details"]}}
import type { ProviderFamily } from './protocol.ts';

export interface ErrorReply {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

const OPENAI_TYPES: Record<number, { type: string; code: string | null }> = {
  400: { type: 'invalid_request_error', code: null },
  401: { type: 'invalid_request_error', code: 'invalid_api_key' },
  403: { type: 'invalid_request_error', code: 'unsupported_country_region_territory' },
  404: { type: 'invalid_request_error', code: 'model_not_found' },
  409: { type: 'invalid_request_error', code: null },
  422: { type: 'invalid_request_error', code: null },
  429: { type: 'requests', code: 'rate_limit_exceeded' },
};

const ANTHROPIC_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

const GEMINI_STATUSES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'NOT_IMPLEMENTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

function openAiBody(status: number, message: string, parameter: string | null): unknown {
  const known = OPENAI_TYPES[status] ?? { type: status >= 500 ? 'server_error' : 'invalid_request_error', code: null };
  return { error: { message, type: known.type, param: parameter, code: known.code } };
}

function anthropicBody(status: number, message: string, requestId: string): unknown {
  const type = ANTHROPIC_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
  return { type: 'error', error: { type, message }, request_id: requestId };
}

function geminiBody(status: number, message: string, retryAfterSeconds: number): unknown {
  const statusName = GEMINI_STATUSES[status] ?? (status >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION');
  const error: Record<string, unknown> = { code: status, message, status: statusName };
  if (status === 429) {
    error['details'] = [
      { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${retryAfterSeconds}s` },
    ];
  }
  return { error };
}

export interface ErrorDetails {
  family: ProviderFamily;
  status: number;
  message: string;
  parameter?: string | null;
  retryAfterSeconds?: number;
  requestId: string;
}

export function providerErrorReply(details: ErrorDetails): ErrorReply {
  const headers: Record<string, string> = {};
  const retryAfter = details.retryAfterSeconds;
  if (retryAfter !== undefined && (details.status === 429 || details.status === 503 || details.status === 529)) {
    headers['retry-after'] = String(retryAfter);
  }
  switch (details.family) {
    case 'openai':
      headers['x-request-id'] = details.requestId;
      return { status: details.status, headers, body: openAiBody(details.status, details.message, details.parameter ?? null) };
    case 'anthropic':
      headers['request-id'] = details.requestId;
      return { status: details.status, headers, body: anthropicBody(details.status, details.message, details.requestId) };
    case 'gemini':
      return { status: details.status, headers, body: geminiBody(details.status, details.message, retryAfter ?? 1) };
    default: {
      const exhausted: never = details.family;
      throw new Error(`unhandled provider family ${String(exhausted)}`);
    }
  }
}

export function forcedErrorMessage(status: number): string {
  if (status === 429) return 'Rate limit reached for requests (simulated). Please try again later.';
  if (status >= 500) return `The server had an error while processing your request (simulated ${status}).`;
  return `Simulated error with status ${status}.`;
}
