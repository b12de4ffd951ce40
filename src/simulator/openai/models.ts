// GET /v1/models and GET /v1/models/{model}, in OpenAI's list shape.
import { SIMULATED_MODELS } from '../models.ts';
import type { EndpointReply, EndpointRequest } from '../protocol.ts';
import { jsonReply } from '../protocol.ts';

// A fixed date: the listing must not change between runs.
const CREATED_SECONDS = 1_735_689_600;

function modelObject(id: string): Record<string, unknown> {
  return { id, object: 'model', created: CREATED_SECONDS, owned_by: 'lumen-simulator' };
}

export function modelsEndpoint(request: EndpointRequest): EndpointReply {
  const requested = request.pathParameters['model'];
  // Like the rest of the simulator, any model id is served, listed or not.
  if (requested !== undefined) return jsonReply(modelObject(requested));
  return jsonReply({ object: 'list', data: SIMULATED_MODELS.openai.map((model) => modelObject(model.id)) });
}
