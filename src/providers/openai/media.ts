// OpenAI's image generation and audio transcription endpoints. The client's request travels as
// sent, with the model name swapped for the upstream's; the answer comes back as sent, and the
// adapter reads from it only what billing needs (images generated, audio seconds, tokens).
import { z } from 'zod';
import { withFormText } from '../../protocols/multipart-form.ts';
import { invalidResponseError } from '../http-errors.ts';
import { RawBody } from '../http-transport.ts';
import type {
  CallContext, ImageGenerationRequest, ImageGenerationResult, TranscriptionRequest, TranscriptionResult,
} from '../provider.ts';

const imageResponseSchema = z.looseObject({
  created: z.number().nullish(),
  data: z.array(z.looseObject({})),
  usage: z.looseObject({ input_tokens: z.number().int().nonnegative(), output_tokens: z.number().int().nonnegative() }).nullish(),
});

// Current models report `usage: {type: "duration", seconds}`; verbose_json also has `duration`.
const transcriptionResponseSchema = z.looseObject({
  usage: z.looseObject({ type: z.string(), seconds: z.number().nonnegative().optional() }).nullish(),
  duration: z.number().nonnegative().nullish(),
});

export type SendJson = (path: string, body: unknown, context: CallContext) => Promise<unknown>;
export type SendForText = (path: string, body: unknown, context: CallContext) => Promise<{ text: string; contentType: string }>;

export async function generateOpenAIImage(
  send: SendJson, providerId: string, request: ImageGenerationRequest, context: CallContext,
): Promise<ImageGenerationResult> {
  const answer = await send('/images/generations', { ...request.body, model: context.upstreamModel }, context);
  const parsed = imageResponseSchema.safeParse(answer);
  if (!parsed.success) throw invalidResponseError(providerId, parsed.error.message);
  const usage = parsed.data.usage;
  return {
    body: parsed.data,
    imageCount: parsed.data.data.length,
    ...(usage ? { usage: { inputTokens: usage.input_tokens, outputTokens: usage.output_tokens, cachedInputTokens: 0,
      cacheCreationInputTokens: 0, reasoningTokens: 0 } } : {}),
  };
}

export async function transcribeWithOpenAI(
  send: SendForText, providerId: string, request: TranscriptionRequest, context: CallContext,
): Promise<TranscriptionResult> {
  const form = withFormText(request.form, request.contentType, 'model', context.upstreamModel);
  const answer = await send('/audio/transcriptions', new RawBody(form, request.contentType), context);
  if (!answer.contentType.includes('json')) {
    return { body: { kind: 'text', text: answer.text, contentType: answer.contentType }, audioSeconds: undefined };
  }
  let value: unknown;
  try {
    value = JSON.parse(answer.text);
  } catch {
    throw invalidResponseError(providerId, 'transcription body is not JSON');
  }
  const parsed = transcriptionResponseSchema.safeParse(value);
  if (!parsed.success) throw invalidResponseError(providerId, parsed.error.message);
  const seconds = parsed.data.usage?.type === 'duration' ? parsed.data.usage.seconds : undefined;
  return { body: { kind: 'json', value: parsed.data }, audioSeconds: seconds ?? parsed.data.duration ?? undefined };
}
