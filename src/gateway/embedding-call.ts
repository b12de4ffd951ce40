// An embeddings call: like a chat call it is resolved, sent and recorded as one RequestCompleted.
import type { CatalogModel } from '../catalog/model.ts';
import type { EmbeddingsCall } from '../protocols/embeddings-protocol.ts';
import type { EmbeddingResult } from '../providers/provider.ts';
import { badRequest } from '../http/errors.ts';
import type { KeyRecord } from './key-index.ts';
import { adapterFor, newRequestId, record, recordFailure, type ModelCallServices, type PreparedCall } from './model-call.ts';
import type { LumenExtras } from './request-record.ts';
import { countTokens } from './token-counter.ts';
import type { CanonicalUsage } from '../protocols/canonical.ts';
import { embeddingHoldMicros, inputTokensMax } from '../catalog/hold-estimate.ts';
import { admit } from './admission.ts';

export interface EmbeddingCallInput {
  model: CatalogModel;
  call: EmbeddingsCall;
  principal: KeyRecord;
  appId: string | null;
  bodySha256: string;
  signal: AbortSignal;
  setHeaders?: (headers: Record<string, string>) => void;
}

export async function runEmbedding(services: ModelCallServices, input: EmbeddingCallInput):
  Promise<{ result: EmbeddingResult & { usage: CanonicalUsage }; extras: LumenExtras }> {
  const adapter = adapterFor(services, input.model);
  if (adapter.embed === undefined) throw badRequest(`the provider of "${input.model.id}" does not serve embeddings`, 'model_capability', 'model');
  const prepared: PreparedCall = {
    call: { protocol: 'openai-embeddings', requestedModel: input.call.model, stream: false, request: { messages: [], sampling: {} },
      principal: input.principal, appId: input.appId, bodySha256: input.bodySha256, signal: input.signal },
    model: input.model, adapter, requestId: newRequestId(), startedAt: performance.now(),
  };
  const texts = input.call.request.input;
  const size = { textBytes: texts.reduce((sum, text) => sum + Buffer.byteLength(text), 0), messages: texts.length, images: 0 };
  prepared.admitted = await admit(services, { principal: input.principal, requestId: prepared.requestId,
    demand: { amountMicros: embeddingHoldMicros(size, input.model), tokens: inputTokensMax(size) }, setHeaders: input.setHeaders });
  let result: EmbeddingResult;
  try {
    result = await adapter.embed(input.call.request, { upstreamModel: input.model.upstream, signal: input.signal });
  } catch (error) {
    await recordFailure(services, prepared, error);
    throw error;
  }
  const usage = result.usage ?? { inputTokens: await countTokens(input.call.request.input.join('\n')), outputTokens: 0,
    cachedInputTokens: 0, cacheCreationInputTokens: 0, reasoningTokens: 0 };
  const extras = await record(services, prepared, { status: 200, errorCode: null, finishReason: null, ttftMs: null,
    usage, usageSource: result.usage === undefined ? 'tokenizer' : 'provider' });
  return { result: { ...result, usage }, extras };
}
