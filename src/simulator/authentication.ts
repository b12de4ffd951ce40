// API keys, checked the way each real provider checks them: OpenAI wants
// `Authorization: Bearer <key>`, Anthropic `x-api-key: <key>` (or a Bearer token), Gemini
// `x-goog-api-key: <key>` or `?key=<key>`.
import type { ProviderFamily } from './protocol.ts';

type HeaderLookup = (name: string) => string | undefined;

function bearerToken(header: HeaderLookup): string | undefined {
  const authorization = header('authorization');
  const match = authorization === undefined ? null : /^Bearer\s+(.+)$/i.exec(authorization.trim());
  return match?.[1];
}

function presentedKey(family: ProviderFamily, header: HeaderLookup, query: URLSearchParams): string | undefined {
  switch (family) {
    case 'openai': return bearerToken(header);
    case 'anthropic': return header('x-api-key') ?? bearerToken(header);
    case 'gemini': return header('x-goog-api-key') ?? query.get('key') ?? undefined;
    default: {
      const exhausted: never = family;
      throw new Error(`unhandled provider family ${String(exhausted)}`);
    }
  }
}

export function isAuthorized(family: ProviderFamily, header: HeaderLookup, query: URLSearchParams, apiKey: string): boolean {
  return presentedKey(family, header, query) === apiKey;
}

// The status and message the real provider answers with when the key is missing or wrong.
export function unauthorizedMessage(
  family: ProviderFamily,
  header: HeaderLookup,
  query: URLSearchParams,
): { status: number; message: string } {
  const presented = presentedKey(family, header, query);
  switch (family) {
    case 'openai':
      return presented === undefined
        ? { status: 401, message: "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)." }
        : { status: 401, message: 'Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.' };
    case 'anthropic':
      return { status: 401, message: presented === undefined ? 'x-api-key header is required' : 'invalid x-api-key' };
    case 'gemini':
      return presented === undefined
        ? { status: 403, message: "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API." }
        : { status: 400, message: 'API key not valid. Please pass a valid API key.' };
    default: {
      const exhausted: never = family;
      throw new Error(`unhandled provider family ${String(exhausted)}`);
    }
  }
}
