// The CLI's side of the admin API: one fetch per call, with the gateway's error envelope turned
// into a typed error so commands can tell an API refusal (exit 1) from a bug.

/** An admin call that takes longer than this is abandoned: the operator sees an error, not a hang. */
export const ADMIN_REQUEST_TIMEOUT_MS = 30_000;
/** How much of a non-JSON error body is quoted back, so a proxy's HTML page cannot flood the terminal. */
const QUOTED_BODY_CHARACTERS_MAX = 200;

export interface AdminConnection {
  baseUrl: string;
  adminKey: string;
}

/** The gateway answered with an error (or could not be reached); `code` is its stable snake_case code. */
export class AdminApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
    /** The HTTP status, or undefined when no answer arrived at all. */
    readonly status: number | undefined,
  ) {
    super(message);
    this.name = 'AdminApiError';
  }
}

/** The gateway's address: LUMEN_URL, else the loopback port `lumen serve` would use. */
export function gatewayUrl(environment: NodeJS.ProcessEnv): string {
  const configured = environment.LUMEN_URL?.trim();
  if (configured) return configured.replace(/\/+$/, '');
  return `http://127.0.0.1:${environment.PORT?.trim() || '8080'}`;
}

export async function callAdminApi(connection: AdminConnection, method: string, path: string, body?: unknown): Promise<unknown> {
  const url = `${connection.baseUrl}${path}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${connection.adminKey}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(ADMIN_REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    throw unreachable(url, error);
  }
  const text = await response.text();
  const parsed = parseJson(text);
  if (response.ok && parsed !== undefined) return parsed;
  throw errorFromResponse(response.status, parsed, text);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Reads the `{"error":{"message","type","param","code"}}` envelope, tolerating anything else. */
function errorFromResponse(status: number, parsed: unknown, text: string): AdminApiError {
  const envelope = (parsed as { error?: { message?: unknown; code?: unknown } } | undefined)?.error;
  if (envelope !== undefined && typeof envelope.message === 'string') {
    return new AdminApiError(envelope.message, typeof envelope.code === 'string' ? envelope.code : `http_${status}`, status);
  }
  // A success status with an unreadable body lands here too: the gateway promised JSON.
  const quoted = text.trim().slice(0, QUOTED_BODY_CHARACTERS_MAX) || '(empty body)';
  return new AdminApiError(`unexpected answer from the gateway: ${quoted}`, `http_${status}`, status);
}

function unreachable(url: string, error: unknown): AdminApiError {
  if (error instanceof DOMException && error.name === 'TimeoutError') {
    return new AdminApiError(`no answer from ${url} within ${ADMIN_REQUEST_TIMEOUT_MS} ms`, 'gateway_timeout', undefined);
  }
  // fetch reports refused connections as "fetch failed" with the system error as its cause.
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  const reason = typeof cause?.code === 'string' ? cause.code
    : typeof cause?.message === 'string' ? cause.message : (error as Error).message;
  return new AdminApiError(`cannot reach the gateway at ${url} (${reason}); is LUMEN_URL right?`, 'gateway_unreachable', undefined);
}
