// The one small interface every upstream provider adapter implements. The gateway's handlers
// only ever talk to this interface, so behaviour that differs per provider lives on the adapter
// and never as an `if (provider === ...)` in a shared handler.

import type { CanonicalChatRequest, CanonicalChatResult, CanonicalStreamPart, CanonicalUsage } from '../protocols/canonical.ts';

export type ProviderKind = 'openai' | 'anthropic' | 'gemini';

export interface CallContext {
  /** The provider's own model name, after routing resolved the client's alias. */
  upstreamModel: string;
  /** Aborted when the client disconnects; the upstream call is aborted with it. */
  signal: AbortSignal;
  /** Extra request headers for this call only (e.g. `anthropic-beta`). */
  headers?: Record<string, string>;
}

export interface EmbeddingRequest {
  input: string[];
  dimensions?: number;
  user?: string;
}

export interface EmbeddingResult {
  model: string;
  embeddings: number[][];
  /** Absent when the provider reports none (Gemini's batchEmbedContents); the gateway counts. */
  usage?: CanonicalUsage;
}

/** A plain-prompt completion (OpenAI legacy Completions); only OpenAI-family servers offer it. */
export interface CompletionRequest {
  prompt: string;
  request: CanonicalChatRequest;
}

/** An image generation request in OpenAI's JSON shape; the adapter sets its own model name. */
export interface ImageGenerationRequest {
  body: Record<string, unknown>;
}

export interface ImageGenerationResult {
  /** The provider's answer in OpenAI's shape (`created`, `data`, optional `usage`). */
  body: Record<string, unknown>;
  /** Images generated: what a per-image price bills. */
  imageCount: number;
  /** Token usage, when the provider reports one (gpt-image models do). */
  usage?: CanonicalUsage;
}

/** A multipart/form-data upload, bytes as the client sent them. */
export interface TranscriptionRequest {
  form: Buffer;
  contentType: string;
}

export interface TranscriptionResult {
  /** The answer as the provider sent it: JSON, or text for response_format text/srt/vtt. */
  body: { kind: 'json'; value: Record<string, unknown> } | { kind: 'text'; text: string; contentType: string };
  /** The audio's length as the provider reported it; undefined when the answer does not say. */
  audioSeconds: number | undefined;
}

export interface ProviderAdapter {
  readonly id: string;
  readonly kind: ProviderKind;
  chat(request: CanonicalChatRequest, context: CallContext): Promise<CanonicalChatResult>;
  /**
   * Throws a ProviderError only before the first part (so the caller can still fall back or
   * answer with a plain HTTP error); any failure after that arrives as an `error` part.
   * Always asks the upstream for usage.
   */
  streamChat(request: CanonicalChatRequest, context: CallContext): AsyncIterable<CanonicalStreamPart>;
  embed?(request: EmbeddingRequest, context: CallContext): Promise<EmbeddingResult>;
  complete?(request: CompletionRequest, context: CallContext): Promise<CanonicalChatResult>;
  streamComplete?(request: CompletionRequest, context: CallContext): AsyncIterable<CanonicalStreamPart>;
  generateImage?(request: ImageGenerationRequest, context: CallContext): Promise<ImageGenerationResult>;
  transcribe?(request: TranscriptionRequest, context: CallContext): Promise<TranscriptionResult>;
}

export interface ProviderErrorInit {
  status: number;
  type: string;
  message: string;
  code?: string;
  retryAfterSeconds?: number;
  body?: unknown;
}

/**
 * An upstream failure as an operating error. `body` is the provider's own error body, passed
 * through to clients of the same protocol family; the status and type are what Lumen decides on
 * (retry, fall back, bill nothing).
 */
export class ProviderError extends Error {
  readonly status: number;
  readonly type: string;
  readonly code: string | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly body: unknown;

  constructor(init: ProviderErrorInit) {
    super(init.message);
    this.name = 'ProviderError';
    this.status = init.status;
    this.type = init.type;
    this.code = init.code;
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.body = init.body;
  }
}

/** Limits on every upstream call; they come from Lumen's one validated config. */
export interface ProviderLimits {
  /** Until the response headers arrive (stream) or the whole body is read (non-stream). */
  requestTimeoutMs: number;
  /** Longest silence tolerated between two chunks of a stream. */
  streamIdleTimeoutMs: number;
  responseBodyBytesMax: number;
  sseLineBytesMax: number;
  sseEventBytesMax: number;
}

export const DEFAULT_PROVIDER_LIMITS: ProviderLimits = {
  requestTimeoutMs: 600_000,
  streamIdleTimeoutMs: 120_000,
  responseBodyBytesMax: 16_777_216,
  sseLineBytesMax: 1_048_576,
  sseEventBytesMax: 4_194_304,
};
