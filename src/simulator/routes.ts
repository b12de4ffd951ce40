// The endpoint table: every path exactly as the real APIs spell it.
import { anthropicModelsEndpoint } from './anthropic/models.ts';
import { countTokensEndpoint, messagesEndpoint } from './anthropic/messages.ts';
import { batchEmbedContentsEndpoint, embedContentEndpoint, geminiModelsEndpoint } from './gemini/embed-content.ts';
import { generateContentEndpoint, geminiCountTokensEndpoint, streamGenerateContentEndpoint } from './gemini/generate-content.ts';
import { chatCompletionsEndpoint } from './openai/chat-completions.ts';
import { completionsEndpoint } from './openai/completions.ts';
import { embeddingsEndpoint } from './openai/embeddings.ts';
import { imageFileEndpoint, imagesEndpoint } from './openai/images.ts';
import { modelsEndpoint } from './openai/models.ts';
import { responsesEndpoint } from './openai/responses.ts';
import { transcriptionsEndpoint } from './openai/transcriptions.ts';
import type { Endpoint, ProviderFamily } from './protocol.ts';

export interface Route {
  method: 'GET' | 'POST';
  pattern: RegExp;
  parameterNames: string[];
  family: ProviderFamily;
  endpoint: Endpoint;
  // Extra condition for paths two providers share (GET /v1/models).
  accepts?: (header: (name: string) => string | undefined) => boolean;
  // The body is not JSON (multipart uploads).
  rawBody?: boolean;
}

const isAnthropicCaller = (header: (name: string) => string | undefined): boolean =>
  header('anthropic-version') !== undefined;

export const ROUTES: readonly Route[] = [
  { method: 'POST', pattern: /^\/v1\/chat\/completions$/, parameterNames: [], family: 'openai', endpoint: chatCompletionsEndpoint },
  { method: 'POST', pattern: /^\/v1\/completions$/, parameterNames: [], family: 'openai', endpoint: completionsEndpoint },
  { method: 'POST', pattern: /^\/v1\/embeddings$/, parameterNames: [], family: 'openai', endpoint: embeddingsEndpoint },
  { method: 'POST', pattern: /^\/v1\/responses$/, parameterNames: [], family: 'openai', endpoint: responsesEndpoint },
  { method: 'POST', pattern: /^\/v1\/images\/generations$/, parameterNames: [], family: 'openai', endpoint: imagesEndpoint },
  { method: 'GET', pattern: /^\/sim\/images\/([\w-]+)\.png$/, parameterNames: ['image'], family: 'openai', endpoint: imageFileEndpoint },
  {
    method: 'POST', pattern: /^\/v1\/audio\/transcriptions$/, parameterNames: [], family: 'openai',
    endpoint: transcriptionsEndpoint, rawBody: true,
  },
  { method: 'POST', pattern: /^\/v1\/messages$/, parameterNames: [], family: 'anthropic', endpoint: messagesEndpoint },
  { method: 'POST', pattern: /^\/v1\/messages\/count_tokens$/, parameterNames: [], family: 'anthropic', endpoint: countTokensEndpoint },
  {
    method: 'GET', pattern: /^\/v1\/models(?:\/([^/]+))?$/, parameterNames: ['model'], family: 'anthropic',
    endpoint: anthropicModelsEndpoint, accepts: isAnthropicCaller,
  },
  { method: 'GET', pattern: /^\/v1\/models(?:\/([^/]+))?$/, parameterNames: ['model'], family: 'openai', endpoint: modelsEndpoint },
  {
    method: 'POST', pattern: /^\/v1beta\/models\/([^/:]+):generateContent$/, parameterNames: ['model'], family: 'gemini',
    endpoint: generateContentEndpoint,
  },
  {
    method: 'POST', pattern: /^\/v1beta\/models\/([^/:]+):streamGenerateContent$/, parameterNames: ['model'], family: 'gemini',
    endpoint: streamGenerateContentEndpoint,
  },
  {
    method: 'POST', pattern: /^\/v1beta\/models\/([^/:]+):countTokens$/, parameterNames: ['model'], family: 'gemini',
    endpoint: geminiCountTokensEndpoint,
  },
  {
    method: 'POST', pattern: /^\/v1beta\/models\/([^/:]+):embedContent$/, parameterNames: ['model'], family: 'gemini',
    endpoint: embedContentEndpoint,
  },
  {
    method: 'POST', pattern: /^\/v1beta\/models\/([^/:]+):batchEmbedContents$/, parameterNames: ['model'], family: 'gemini',
    endpoint: batchEmbedContentsEndpoint,
  },
  { method: 'GET', pattern: /^\/v1beta\/models$/, parameterNames: [], family: 'gemini', endpoint: geminiModelsEndpoint },
];

export interface MatchedRoute {
  route: Route;
  pathParameters: Record<string, string>;
}

export function matchRoute(
  method: string,
  path: string,
  header: (name: string) => string | undefined,
): MatchedRoute | undefined {
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(path);
    if (match === null) continue;
    if (route.accepts !== undefined && !route.accepts(header)) continue;
    const pathParameters: Record<string, string> = {};
    route.parameterNames.forEach((name, index) => {
      const value = match[index + 1];
      if (value !== undefined) pathParameters[name] = decodeURIComponent(value);
    });
    return { route, pathParameters };
  }
  return undefined;
}

// The family whose error shape a request to an unknown path gets.
export function familyOfPath(path: string): ProviderFamily {
  if (path.startsWith('/v1beta/')) return 'gemini';
  if (path.startsWith('/v1/messages')) return 'anthropic';
  return 'openai';
}
