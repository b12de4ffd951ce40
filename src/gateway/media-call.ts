// Image generation and audio transcription calls: like a chat call each is resolved, sent and
// recorded as exactly one RequestCompleted, a failure included. They are billed per unit from
// the catalog (per image, per started audio second) on top of any tokens the provider reports.
import { estimateCostMicros, unitCostMicros } from '../catalog/model-cost.ts';
import { inputTokensMax } from '../catalog/hold-estimate.ts';
import { admit } from './admission.ts';
import type { CatalogModel } from '../catalog/model.ts';
import { badRequest, GatewayError } from '../http/errors.ts';
import { emptyUsage } from '../protocols/canonical.ts';
import type {
  ImageGenerationRequest, ImageGenerationResult, ProviderAdapter, TranscriptionRequest, TranscriptionResult,
} from '../providers/provider.ts';
import type { KeyRecord } from './key-index.ts';
import { adapterFor, newRequestId, record, recordFailure, type ModelCallServices, type PreparedCall } from './model-call.ts';
import type { LumenExtras, RequestProtocol } from './request-record.ts';

export interface MediaCallInput {
  model: CatalogModel;
  requestedModel: string;
  principal: KeyRecord;
  appId: string | null;
  bodySha256: string;
  signal: AbortSignal;
  setHeaders?: (headers: Record<string, string>) => void;
}

/** Audio is held as if it ran one second per kilobyte (generous for any codec), at most four hours. */
const AUDIO_SECONDS_HOLD_MAX = 4 * 3600;
const IMAGE_OUTPUT_TOKENS_HOLD = 8_192;

async function admitMedia(services: ModelCallServices, prepared: PreparedCall, input: MediaCallInput, amountMicros: number,
  tokens: number): Promise<void> {
  prepared.admitted = await admit(services, { principal: input.principal, requestId: prepared.requestId,
    demand: { amountMicros, tokens }, setHeaders: input.setHeaders });
}

function prepareMediaCall(services: ModelCallServices, input: MediaCallInput, protocol: RequestProtocol): PreparedCall {
  const adapter = adapterFor(services, input.model);
  return {
    call: { protocol, requestedModel: input.requestedModel, stream: false, request: { messages: [], sampling: {} },
      principal: input.principal, appId: input.appId, bodySha256: input.bodySha256, signal: input.signal },
    model: input.model, adapter, requestId: newRequestId(), startedAt: performance.now(),
  };
}

/** Sends the call; a failure is recorded (nothing billed) before it is thrown on. */
async function send<Result>(services: ModelCallServices, prepared: PreparedCall, call: () => Promise<Result>): Promise<Result> {
  try {
    return await call();
  } catch (error) {
    await recordFailure(services, prepared, error);
    throw error;
  }
}

function missingMethod(model: CatalogModel, what: string): GatewayError {
  return badRequest(`the provider of "${model.id}" does not serve ${what}`, 'model_capability', 'model');
}

export async function runImageGeneration(
  services: ModelCallServices, input: MediaCallInput, request: ImageGenerationRequest,
): Promise<{ result: ImageGenerationResult; extras: LumenExtras }> {
  const prepared = prepareMediaCall(services, input, 'openai-images');
  const adapter: ProviderAdapter = prepared.adapter;
  if (adapter.generateImage === undefined) throw missingMethod(input.model, 'image generation');
  const generateImage = adapter.generateImage.bind(adapter);
  const images = typeof request.body.n === 'number' && Number.isSafeInteger(request.body.n) && request.body.n > 0 ? request.body.n : 1;
  const promptTokens = inputTokensMax({ textBytes: Buffer.byteLength(String(request.body.prompt ?? '')), messages: 1, images: 0 });
  const outputTokens = images * Math.min(input.model.maxOutputTokens, IMAGE_OUTPUT_TOKENS_HOLD);
  await admitMedia(services, prepared, input, unitCostMicros({ images }, input.model)
    + estimateCostMicros({ inputTokens: promptTokens, outputTokens }, input.model), promptTokens);
  const context = { upstreamModel: input.model.upstream, signal: input.signal };
  const result = await send(services, prepared, () => generateImage(request, context));
  const extras = await record(services, prepared, { status: 200, errorCode: null, finishReason: null, ttftMs: null,
    usage: result.usage ?? emptyUsage(), usageSource: 'provider', unitCostMicros: unitCostMicros({ images: result.imageCount }, input.model) });
  return { result, extras };
}

/**
 * `measuredSeconds` is Lumen's own reading of the upload's length (a WAV header), used when the
 * provider's answer does not report one; with neither, the call is recorded with no usage.
 */
export async function runTranscription(
  services: ModelCallServices, input: MediaCallInput, request: TranscriptionRequest, measuredSeconds: number | undefined,
): Promise<{ result: TranscriptionResult; extras: LumenExtras }> {
  const prepared = prepareMediaCall(services, input, 'openai-audio');
  const adapter: ProviderAdapter = prepared.adapter;
  if (adapter.transcribe === undefined) throw missingMethod(input.model, 'audio transcription');
  const transcribe = adapter.transcribe.bind(adapter);
  // The provider bills by its own reading of the length, which a header need not match.
  const heldSeconds = Math.min(AUDIO_SECONDS_HOLD_MAX, Math.ceil(Math.max(measuredSeconds ?? 0, request.form.length / 1000)));
  await admitMedia(services, prepared, input, unitCostMicros({ audioSeconds: heldSeconds }, input.model), 0);
  const context = { upstreamModel: input.model.upstream, signal: input.signal };
  const result = await send(services, prepared, () => transcribe(request, context));
  const audioSeconds = result.audioSeconds ?? measuredSeconds;
  const usageSource = result.audioSeconds !== undefined ? 'provider' : measuredSeconds !== undefined ? 'tokenizer' : 'none';
  const extras = await record(services, prepared, { status: 200, errorCode: null, finishReason: null, ttftMs: null,
    usage: emptyUsage(), usageSource, unitCostMicros: unitCostMicros({ audioSeconds: audioSeconds ?? 0 }, input.model) });
  return { result, extras };
}
