// GET /v1/models for Anthropic callers (told apart by their `anthropic-version` header).
import { SIMULATED_MODELS } from '../models.ts';
import type { EndpointReply, EndpointRequest } from '../protocol.ts';
import { jsonReply } from '../protocol.ts';

function modelObject(id: string): Record<string, unknown> {
  return { type: 'model', id, display_name: id, created_at: '2025-01-01T00:00:00Z' };
}

export function anthropicModelsEndpoint(request: EndpointRequest): EndpointReply {
  const requested = request.pathParameters['model'];
  if (requested !== undefined) return jsonReply(modelObject(requested));
  const ids = SIMULATED_MODELS.anthropic.map((model) => model.id);
  return jsonReply({ data: ids.map(modelObject), has_more: false, first_id: ids[0] ?? null, last_id: ids[ids.length - 1] ?? null });
}
