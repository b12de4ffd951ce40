// Lumen's canonical chat model: the one shape every client protocol (OpenAI Chat, legacy
// Completions, Anthropic Messages, Responses) is translated into, and every upstream provider
// adapter is translated from. It is a superset of the three families, so a request keeps its
// meaning when a client speaking one protocol reaches a provider speaking another.
//
// Conventions that every translation relies on:
// - Tool-call arguments are JSON *text*, exactly as the model produced them (OpenAI streams them
//   as text and a partial object has no other faithful representation).
// - Tool results live in messages with role `tool`; Anthropic's user-side tool_result blocks
//   are split out on the way in and merged back on the way out.
// - Usage follows OpenAI's accounting: input includes cached input, output includes reasoning.

/** The protocols Lumen speaks to clients; `extra` fields are tagged with the one they came in. */
export type ProtocolName = 'openai-chat' | 'openai-completions' | 'anthropic-messages' | 'openai-responses';

export type CanonicalRole = 'system' | 'developer' | 'user' | 'assistant' | 'tool';

/** Anthropic prompt-caching hint; other providers ignore it. */
export interface CacheControl {
  type: 'ephemeral';
  ttl?: '5m' | '1h';
}

export type ImageSource =
  | { kind: 'url'; url: string; detail?: 'auto' | 'low' | 'high' }
  | { kind: 'base64'; mediaType: string; data: string };

export interface TextPart {
  type: 'text';
  text: string;
  cacheControl?: CacheControl;
}

export interface ImagePart {
  type: 'image';
  source: ImageSource;
  cacheControl?: CacheControl;
}

export interface ToolCallPart {
  type: 'tool-call';
  id: string;
  name: string;
  /** JSON text of the arguments, as produced by the model. */
  arguments: string;
  /** Opaque reasoning signature some providers (Gemini 3) attach to a call and require back. */
  signature?: string;
}

export interface ToolResultPart {
  type: 'tool-result';
  toolCallId: string;
  content: Array<TextPart | ImagePart>;
  isError?: boolean;
  cacheControl?: CacheControl;
}

export interface ReasoningPart {
  type: 'reasoning';
  text: string;
  /** Anthropic thinking signature / Gemini thought signature, echoed back on the next turn. */
  signature?: string;
  /** Anthropic redacted_thinking data or Responses encrypted_content; `text` is empty then. */
  redactedData?: string;
}

export interface RefusalPart {
  type: 'refusal';
  text: string;
}

export type CanonicalContentPart = TextPart | ImagePart | ToolCallPart | ToolResultPart | ReasoningPart | RefusalPart;

export interface CanonicalMessage {
  role: CanonicalRole;
  content: CanonicalContentPart[];
  /** OpenAI's optional participant name. */
  name?: string;
}

export type JsonSchema = Record<string, unknown>;

export interface FunctionTool {
  type: 'function';
  name: string;
  description?: string;
  parameters: JsonSchema;
  strict?: boolean;
  cacheControl?: CacheControl;
}

/**
 * A tool the provider runs itself (web_search, file_search, code_interpreter, computer_use...).
 * Carried so that the adapter can refuse it clearly instead of silently dropping it.
 */
export interface HostedTool {
  type: 'hosted';
  name: string;
  options: Record<string, unknown>;
}

export type CanonicalTool = FunctionTool | HostedTool;

export type ToolChoice = 'auto' | 'none' | 'required' | { type: 'tool'; name: string };

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; name: string; schema: JsonSchema; description?: string; strict?: boolean };

export type ReasoningEffort = 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh';

export interface ReasoningRequest {
  effort?: ReasoningEffort;
  /** Anthropic / Gemini thinking budget; takes precedence over `effort` where supported. */
  budgetTokens?: number;
  /** Responses API `reasoning.summary`; carried for protocols that can use it. */
  summary?: 'auto' | 'concise' | 'detailed';
}

export interface SamplingParameters {
  temperature?: number;
  topP?: number;
  topK?: number;
  maxOutputTokens?: number;
  stopSequences?: string[];
  seed?: number;
  /** OpenAI `n`. Adapters refuse values above 1: the canonical result carries one choice. */
  choiceCount?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
}

export interface CanonicalChatRequest {
  messages: CanonicalMessage[];
  tools?: CanonicalTool[];
  toolChoice?: ToolChoice;
  parallelToolCalls?: boolean;
  sampling: SamplingParameters;
  responseFormat?: ResponseFormat;
  reasoning?: ReasoningRequest;
  metadata?: Record<string, string>;
  /** End-user identifier (OpenAI `user`, Anthropic `metadata.user_id`). */
  user?: string;
  /**
   * Fields the client sent that Lumen does not model (vLLM's `repetition_penalty`, a new
   * provider flag...). Adapters pass them through only when `origin` is their own wire family,
   * so an OpenAI-only field never reaches Anthropic.
   */
  extra?: { origin: ProtocolName; fields: Record<string, unknown> };
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'refusal' | 'error';

export interface Finish {
  reason: FinishReason;
  /** The provider's own word for it (`end_turn`, `MAX_TOKENS`...), null when it gave none. */
  rawReason: string | null;
}

export interface CanonicalUsage {
  /** All input tokens, cached ones included. */
  inputTokens: number;
  /** All output tokens, reasoning ones included. */
  outputTokens: number;
  /** Input tokens served from the provider's prompt cache (a subset of inputTokens). */
  cachedInputTokens: number;
  /** Input tokens written to the prompt cache (Anthropic), a subset of inputTokens. */
  cacheCreationInputTokens: number;
  /** Output tokens spent on reasoning (a subset of outputTokens). */
  reasoningTokens: number;
}

export interface CanonicalChatResult {
  id: string;
  /** The model the upstream says answered (may differ from the one asked for). */
  model: string;
  content: CanonicalContentPart[];
  finish: Finish;
  /** Absent only when an OpenAI-compatible server reports none; the gateway then estimates. */
  usage?: CanonicalUsage;
}

/**
 * The canonical stream. Adapters emit, in order: at most one `response-metadata`, any number of
 * deltas, at most one `usage` (the totals, never increments), then exactly one `finish` or one
 * `error`, and nothing after it. Tool-call `index` counts tool calls within the response
 * (0, 1, ...), whatever the provider numbers its blocks.
 */
export type CanonicalStreamPart =
  | { type: 'response-metadata'; id: string; model: string }
  | { type: 'text-delta'; text: string }
  | { type: 'reasoning-delta'; text: string; signature?: string; redactedData?: string }
  | { type: 'refusal-delta'; text: string }
  | { type: 'tool-call-start'; index: number; id: string; name: string; signature?: string }
  | { type: 'tool-call-delta'; index: number; argumentsDelta: string }
  | { type: 'tool-call-end'; index: number }
  | { type: 'usage'; usage: CanonicalUsage }
  | { type: 'finish'; finish: Finish }
  | { type: 'error'; error: StreamError };

export interface StreamError {
  status: number;
  /** Stable snake_case type, the provider's own when it gave one. */
  type: string;
  message: string;
  code?: string;
}

export function emptyUsage(): CanonicalUsage {
  return { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, cacheCreationInputTokens: 0, reasoningTokens: 0 };
}

/** Loud failure for a `switch` that forgot a member of a union. */
export function assertNever(value: never): never {
  throw new Error(`unhandled variant: ${JSON.stringify(value)}`);
}

/** What a client protocol's request translates into: the call, plus how to answer it. */
export interface CanonicalCall {
  /** The model name as the client wrote it; routing resolves it to a provider and upstream model. */
  model: string;
  stream: boolean;
  /** OpenAI `stream_options.include_usage`: whether the client wants the usage chunk. */
  includeUsage: boolean;
  request: CanonicalChatRequest;
}
