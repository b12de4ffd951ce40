// The inbound OpenAI media requests as Lumen accepts them: image generation (JSON) and audio
// transcription (multipart/form-data). Lenient on unknown fields, which travel on unchanged;
// strict on what routing and billing read.
import { z } from 'zod';
import { formText, parseMultipartForm } from './multipart-form.ts';
import { schemaError, TranslationError } from './translation-error.ts';

/** OpenAI's own bound on images per request; it also bounds what one request can cost. */
export const IMAGES_PER_REQUEST_MAX = 10;

export const imageGenerationRequestSchema = z.looseObject({
  model: z.string().min(1),
  prompt: z.string().min(1),
  n: z.number().int().min(1).max(IMAGES_PER_REQUEST_MAX).nullish(),
});
export type ImageGenerationRequestBody = z.infer<typeof imageGenerationRequestSchema>;

export function parseImageGenerationRequest(body: unknown): ImageGenerationRequestBody {
  const parsed = imageGenerationRequestSchema.safeParse(body);
  if (!parsed.success) throw schemaError(parsed.error);
  return parsed.data;
}

export interface TranscriptionUpload {
  model: string;
  /** The uploaded audio file's bytes. */
  audio: Buffer;
}

/** The fields of a transcription form that Lumen reads; the form itself is forwarded as sent. */
export function parseTranscriptionUpload(form: Buffer, contentType: string): TranscriptionUpload {
  const parts = parseMultipartForm(form, contentType);
  const model = formText(form, parts, 'model');
  if (model === undefined || model.trim() === '') throw new TranslationError('invalid_request', 'model: a model is required', 'model');
  const file = parts.find((part) => part.name === 'file' && part.fileName !== undefined);
  if (file === undefined) throw new TranslationError('invalid_request', 'file: an audio file is required', 'file');
  return { model: model.trim(), audio: form.subarray(file.dataStart, file.dataEnd) };
}
