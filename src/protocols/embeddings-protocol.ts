// The OpenAI Embeddings client protocol, both directions: the request as the adapter's embedding
// call, and the provider's vectors as OpenAI's `list` body, in floats or in base64.

import type { CanonicalUsage } from './canonical.ts';
import type { EmbeddingsRequest } from './embeddings-schema.ts';
import { TranslationError } from './translation-error.ts';

/** Limits on one embeddings request; they come from Lumen's one validated config. */
export interface EmbeddingsLimits {
  inputsMax: number;
  inputCharactersMax: number;
  totalCharactersMax: number;
}

/** OpenAI takes 2048 inputs of 8192 tokens, 300k tokens in all; about four characters a token. */
export const DEFAULT_EMBEDDINGS_LIMITS: EmbeddingsLimits = {
  inputsMax: 2048,
  inputCharactersMax: 32_768,
  totalCharactersMax: 1_200_000,
};

export type EmbeddingEncoding = 'float' | 'base64';

/** The same shape as the provider interface's EmbeddingRequest, which this layer may not import. */
export interface EmbeddingInput {
  input: string[];
  dimensions?: number;
  user?: string;
}

export interface EmbeddingsCall {
  model: string;
  encodingFormat: EmbeddingEncoding;
  request: EmbeddingInput;
}

/**
 * Token ids only mean something to the tokenizer of the model that made them, and Lumen may send
 * the input to another provider's model, so token arrays are refused rather than guessed at.
 */
function inputTexts(input: EmbeddingsRequest['input']): string[] {
  if (typeof input === 'string') return [input];
  if (input.some((item) => typeof item !== 'string')) {
    throw new TranslationError('unsupported_content', 'token-array inputs are not supported; send the input as text', 'input');
  }
  return input as string[];
}

/** `sentAsString` names the field `input` rather than `input[0]` in errors, as the client wrote it. */
function checkLimits(texts: readonly string[], limits: EmbeddingsLimits, sentAsString: boolean): void {
  if (texts.length === 0) throw new TranslationError('invalid_request', 'input must not be empty', 'input');
  if (texts.length > limits.inputsMax) {
    throw new TranslationError('invalid_request', `at most ${limits.inputsMax} inputs are accepted per request, got ${texts.length}`, 'input');
  }
  let totalCharacters = 0;
  for (const [index, text] of texts.entries()) {
    const param = sentAsString ? 'input' : `input[${index}]`;
    if (text === '') throw new TranslationError('invalid_request', 'an input must not be an empty string', param);
    if (text.length > limits.inputCharactersMax) {
      throw new TranslationError('invalid_request', `an input may have at most ${limits.inputCharactersMax} characters, got ${text.length}`, param);
    }
    totalCharacters += text.length;
  }
  if (totalCharacters > limits.totalCharactersMax) {
    throw new TranslationError('invalid_request', `the inputs may have at most ${limits.totalCharactersMax} characters in all, got ${totalCharacters}`, 'input');
  }
}

export function embeddingsToCanonical(request: EmbeddingsRequest, limits: EmbeddingsLimits): EmbeddingsCall {
  const texts = inputTexts(request.input);
  checkLimits(texts, limits, typeof request.input === 'string');
  return {
    model: request.model,
    encodingFormat: request.encoding_format ?? 'float',
    request: {
      input: texts,
      ...(request.dimensions !== null && request.dimensions !== undefined ? { dimensions: request.dimensions } : {}),
      ...(request.user !== undefined ? { user: request.user } : {}),
    },
  };
}

export interface EmbeddingsResponseBody {
  object: 'list';
  data: Array<{ object: 'embedding'; index: number; embedding: number[] | string }>;
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}

/** The vector as little-endian float32 bytes in base64, which is what OpenAI sends and its SDK decodes. */
export function embeddingToBase64(values: readonly number[]): string {
  const bytes = new Uint8Array(values.length * Float32Array.BYTES_PER_ELEMENT);
  const view = new DataView(bytes.buffer);
  values.forEach((value, index) => view.setFloat32(index * Float32Array.BYTES_PER_ELEMENT, value, true));
  return Buffer.from(bytes).toString('base64');
}

/** `model` is the name the client asked for, as in every other Lumen response. */
export function canonicalToEmbeddings(
  result: { embeddings: readonly number[][]; usage: CanonicalUsage },
  model: string,
  encodingFormat: EmbeddingEncoding,
): EmbeddingsResponseBody {
  return {
    object: 'list',
    data: result.embeddings.map((embedding, index) => ({
      object: 'embedding',
      index,
      embedding: encodingFormat === 'base64' ? embeddingToBase64(embedding) : [...embedding],
    })),
    model,
    usage: { prompt_tokens: result.usage.inputTokens, total_tokens: result.usage.inputTokens },
  };
}
