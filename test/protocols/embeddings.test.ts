import { test } from 'uvu';
import * as assert from 'uvu/assert';
import OpenAI from 'openai';
import { canonicalToEmbeddings, DEFAULT_EMBEDDINGS_LIMITS, embeddingsToCanonical, type EmbeddingsLimits } from '../../src/protocols/embeddings-protocol.ts';
import { parseEmbeddingsRequest } from '../../src/protocols/embeddings-schema.ts';
import { TranslationError } from '../../src/protocols/translation-error.ts';
import { readProtocolFixture, withServedBytes } from './served-bytes.ts';

const translate = (body: unknown, limits: EmbeddingsLimits = DEFAULT_EMBEDDINGS_LIMITS) => embeddingsToCanonical(parseEmbeddingsRequest(body), limits);

function refusal(run: () => unknown): TranslationError {
  try {
    run();
  } catch (error) {
    if (error instanceof TranslationError) return error;
    throw error;
  }
  assert.unreachable('expected a TranslationError');
  throw new Error('unreachable');
}

const usage = { inputTokens: 12, outputTokens: 0, cachedInputTokens: 0, cacheCreationInputTokens: 0, reasoningTokens: 0 };

test('given an embeddings request, when translated, then the inputs, dimensions, user and encoding reach the call', () => {
  assert.equal(translate({ model: 'embed', input: ['a', 'b'], dimensions: 256, user: 'u-1', encoding_format: 'base64' }), {
    model: 'embed',
    encodingFormat: 'base64',
    request: { input: ['a', 'b'], dimensions: 256, user: 'u-1' },
  });
  assert.equal(translate({ model: 'embed', input: 'one' }), { model: 'embed', encodingFormat: 'float', request: { input: ['one'] } });
});

test('given inputs beyond the limits, token arrays or empty text, when translated, then each is refused naming the input', () => {
  const limits = { inputsMax: 2, inputCharactersMax: 5, totalCharactersMax: 8 };
  assert.is(refusal(() => translate({ model: 'e', input: ['a', 'b', 'c'] }, limits)).param, 'input');
  assert.is(refusal(() => translate({ model: 'e', input: ['ok', 'too long'] }, limits)).param, 'input[1]');
  assert.is(refusal(() => translate({ model: 'e', input: 'too long' }, limits)).param, 'input');
  assert.is(refusal(() => translate({ model: 'e', input: ['12345', '1234'] }, limits)).param, 'input');
  assert.is(refusal(() => translate({ model: 'e', input: [] }, limits)).param, 'input');
  assert.is(refusal(() => translate({ model: 'e', input: ['a', ''] }, limits)).param, 'input[1]');
  const tokens = refusal(() => translate({ model: 'e', input: [[1, 2, 3]] }));
  assert.is(tokens.code, 'unsupported_content');
  assert.is(refusal(() => translate({ model: 'e', input: [1, 2, 3] })).param, 'input');
});

test('given the recorded vectors, when rendered as floats, then the body equals the one OpenAI sent', () => {
  const recorded = JSON.parse(readProtocolFixture('openai-embedding.json')) as { model: string; data: Array<{ embedding: number[] }> };
  const body = canonicalToEmbeddings({ embeddings: recorded.data.map((item) => item.embedding), usage }, recorded.model, 'float');
  assert.equal(body, recorded);
});

const vectors = [[0.1, -2.5, 3.75], [1e-8, 0, -0.333]];

test('given base64 vectors, when the OpenAI SDK reads them without choosing a format, then it decodes the same float32 values', async () => {
  const body = JSON.stringify(canonicalToEmbeddings({ embeddings: vectors, usage }, 'embed', 'base64'));
  const { response, sentFormat } = await withServedBytes(body, 'application/json', async (baseURL, requests) => {
    const created = await new OpenAI({ baseURL, apiKey: 'test-key', maxRetries: 0 }).embeddings.create({ model: 'embed', input: ['a', 'b'] });
    return { response: created, sentFormat: (requests[0]?.body as { encoding_format?: string }).encoding_format };
  });
  // The SDK asks for base64 by default, so this is the path most clients take.
  assert.is(sentFormat, 'base64');
  assert.equal(response.data.map((item) => Array.from(item.embedding)), vectors.map((vector) => vector.map(Math.fround)));
  assert.equal(response.usage, { prompt_tokens: 12, total_tokens: 12 });
});

test('given a base64 vector, when encoded, then the bytes are little-endian float32', () => {
  const body = canonicalToEmbeddings({ embeddings: [[1]], usage }, 'embed', 'base64');
  assert.equal([...Buffer.from(body.data[0]?.embedding as string, 'base64')], [0x00, 0x00, 0x80, 0x3f]);
});

test.run();
