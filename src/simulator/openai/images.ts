// POST /v1/images/generations: a tiny valid PNG, as `b64_json` or as a `url` the simulator
// itself serves (GET /sim/images/{id}.png). Like the real API, DALL·E models default to URLs and
// the others to base64.
import { z } from 'zod';
import type { EndpointReply, EndpointRequest } from '../protocol.ts';
import { jsonReply } from '../protocol.ts';
import { parseRequestBody } from '../request-validation.ts';
import { countSimulatedTokens } from '../tokens.ts';

// A 1x1 PNG.
export const TINY_PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

const imageRequestSchema = z.looseObject({
  prompt: z.string().min(1),
  model: z.string().nullish(),
  n: z.number().int().min(1).max(10).nullish(),
  response_format: z.enum(['url', 'b64_json']).nullish(),
});

export function imagesEndpoint(request: EndpointRequest): EndpointReply {
  const imageRequest = parseRequestBody(imageRequestSchema, request.body);
  const model = imageRequest.model ?? 'dall-e-2';
  const format = imageRequest.response_format ?? (model.startsWith('dall-e') ? 'url' : 'b64_json');
  const data = Array.from({ length: imageRequest.n ?? 1 }, () =>
    format === 'url'
      ? { url: `${request.context.baseUrl}/sim/images/${request.context.newId('img-')}.png`, revised_prompt: imageRequest.prompt }
      : { b64_json: TINY_PNG_BASE64, revised_prompt: imageRequest.prompt },
  );
  const body: Record<string, unknown> = { created: request.context.nowSeconds, data };
  if (!model.startsWith('dall-e')) {
    const inputTokens = countSimulatedTokens(imageRequest.prompt);
    const outputTokens = 16 * data.length;
    body['usage'] = {
      input_tokens: inputTokens,
      input_tokens_details: { text_tokens: inputTokens, image_tokens: 0 },
      output_tokens: outputTokens,
      total_tokens: inputTokens + outputTokens,
    };
  }
  return jsonReply(body);
}

export function imageFileEndpoint(): EndpointReply {
  return { kind: 'bytes', status: 200, bytes: Buffer.from(TINY_PNG_BASE64, 'base64'), contentType: 'image/png' };
}
