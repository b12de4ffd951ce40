// POST /v1beta/models/{model}:embedContent and :batchEmbedContents, and GET /v1beta/models.
import { z } from 'zod';
import { EMBEDDING_DIMENSIONS_MAX, embeddingVector } from '../embedding-vectors.ts';
import { defaultEmbeddingDimensions, SIMULATED_MODELS } from '../models.ts';
import type { EndpointReply, EndpointRequest } from '../protocol.ts';
import { jsonReply } from '../protocol.ts';
import { parseRequestBody } from '../request-validation.ts';

const BATCH_MAX = 100;

const embedRequestSchema = z.looseObject({
  model: z.string().optional(),
  content: z.looseObject({ parts: z.array(z.looseObject({ text: z.string().optional() })).min(1) }),
  outputDimensionality: z.number().int().min(1).max(EMBEDDING_DIMENSIONS_MAX).optional(),
});

const batchRequestSchema = z.looseObject({ requests: z.array(embedRequestSchema).min(1).max(BATCH_MAX) });

function valuesFor(request: z.infer<typeof embedRequestSchema>, pathModel: string): number[] {
  const text = request.content.parts.map((part) => part.text ?? '').join('\n');
  const model = (request.model ?? pathModel).replace(/^models\//, '');
  return embeddingVector(text, request.outputDimensionality ?? defaultEmbeddingDimensions(model));
}

export function embedContentEndpoint(request: EndpointRequest): EndpointReply {
  const embedRequest = parseRequestBody(embedRequestSchema, request.body);
  return jsonReply({ embedding: { values: valuesFor(embedRequest, request.pathParameters['model'] ?? '') } });
}

export function batchEmbedContentsEndpoint(request: EndpointRequest): EndpointReply {
  const batchRequest = parseRequestBody(batchRequestSchema, request.body);
  const pathModel = request.pathParameters['model'] ?? '';
  return jsonReply({ embeddings: batchRequest.requests.map((entry) => ({ values: valuesFor(entry, pathModel) })) });
}

export function geminiModelsEndpoint(): EndpointReply {
  return jsonReply({
    models: SIMULATED_MODELS.gemini.map((model) => ({
      name: `models/${model.id}`,
      version: '001',
      displayName: model.id,
      inputTokenLimit: model.contextWindowTokens,
      outputTokenLimit: model.capability === 'embedding' ? 1 : 65_536,
      supportedGenerationMethods:
        model.capability === 'embedding' ? ['embedContent', 'batchEmbedContents'] : ['generateContent', 'streamGenerateContent', 'countTokens'],
    })),
  });
}
