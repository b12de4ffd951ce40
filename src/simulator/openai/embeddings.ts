// POST /v1/embeddings: float or base64 vectors, `dimensions` honoured, usage counted with the
// simulator's token rule (a pre-tokenized input counts one token per array element).
import { z } from 'zod';
import { EMBEDDING_DIMENSIONS_MAX, embeddingBase64, embeddingVector } from '../embedding-vectors.ts';
import { defaultEmbeddingDimensions } from '../models.ts';
import type { EndpointReply, EndpointRequest } from '../protocol.ts';
import { jsonReply } from '../protocol.ts';
import { parseRequestBody } from '../request-validation.ts';
import { countSimulatedTokens } from '../tokens.ts';

const INPUTS_MAX = 2048;

const embeddingRequestSchema = z.looseObject({
  model: z.string().min(1),
  input: z.union([
    z.string(),
    z.array(z.string()).min(1).max(INPUTS_MAX),
    z.array(z.number().int()).min(1),
    z.array(z.array(z.number().int()).min(1)).min(1).max(INPUTS_MAX),
  ]),
  encoding_format: z.enum(['float', 'base64']).nullish(),
  dimensions: z.number().int().min(1).max(EMBEDDING_DIMENSIONS_MAX).nullish(),
});

type EmbeddingInput = z.infer<typeof embeddingRequestSchema>['input'];

interface PreparedInput {
  seedText: string;
  tokens: number;
}

function preparedInputs(input: EmbeddingInput): PreparedInput[] {
  if (typeof input === 'string') return [{ seedText: input, tokens: countSimulatedTokens(input) }];
  if (input.every((entry) => typeof entry === 'number')) {
    return [{ seedText: JSON.stringify(input), tokens: input.length }];
  }
  return input.map((entry) =>
    typeof entry === 'string'
      ? { seedText: entry, tokens: countSimulatedTokens(entry) }
      : { seedText: JSON.stringify(entry), tokens: entry.length },
  );
}

export function embeddingsEndpoint(request: EndpointRequest): EndpointReply {
  const embeddingRequest = parseRequestBody(embeddingRequestSchema, request.body);
  const dimensions = embeddingRequest.dimensions ?? defaultEmbeddingDimensions(embeddingRequest.model);
  const inputs = preparedInputs(embeddingRequest.input);
  const asBase64 = embeddingRequest.encoding_format === 'base64';
  const promptTokens = inputs.reduce((sum, input) => sum + input.tokens, 0);
  return jsonReply({
    object: 'list',
    data: inputs.map((input, index) => {
      const vector = embeddingVector(input.seedText, dimensions);
      return { object: 'embedding', index, embedding: asBase64 ? embeddingBase64(vector) : vector };
    }),
    model: embeddingRequest.model,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  });
}
