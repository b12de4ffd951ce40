// The provider simulator: one local HTTP server that speaks the OpenAI, Anthropic and Gemini
// wire formats, for Lumen's tests, benchmarks and for trying Lumen without provider keys.
//
// Endpoints (paths exactly as the real APIs):
//   OpenAI     POST /v1/chat/completions, /v1/completions, /v1/embeddings, /v1/responses,
//              /v1/images/generations, /v1/audio/transcriptions; GET /v1/models[/{id}]
//   Anthropic  POST /v1/messages, /v1/messages/count_tokens; GET /v1/models with anthropic-version
//   Gemini     POST /v1beta/models/{model}:generateContent, :streamGenerateContent[?alt=sse],
//              :countTokens, :embedContent, :batchEmbedContents; GET /v1beta/models
//
// Determinism (so tests can predict replies):
//   - Tokens: a token is a run of letters/digits or one other non-space character
//     (`countSimulatedTokens`). Input usage counts every text of the prompt (system, messages,
//     tool results, tool-call arguments; not tool definitions); output usage counts the reply.
//   - The reply is seeded by the text of the LAST message only: `simulatedReplyText(text, n, true)`
//     with n = `naturalReplyTokenCount(text)` (20..60) unless capped by max_tokens /
//     max_completion_tokens / max_output_tokens / maxOutputTokens, in which case the reply is the
//     first `max` pieces, without the closing full stop, and the finish reason says "length".
//     The legacy /v1/completions defaults max_tokens to 16 like the real API.
//   - Tools: when the request has tools and the last message is from the user (not a tool result),
//     the model calls the first tool, or the one tool_choice names, with arguments built from its
//     JSON schema (`jsonValueFromSchema`); otherwise it answers with text. json_schema response
//     formats return `jsonValueFromSchema(schema)`; json_object returns {"answer": <reply text>}.
//   - Directives (`directives.ts`) let a prompt steer the turn, so agents such as Claude Code
//     and Codex can be driven through a sensible round trip:
//       [[sim:tool NAME {"json":"args"}]] in a user message -> a call to the tool NAME with exactly
//         these arguments, if the request offers that tool; if it does not, the reply is text
//         (never a call to another tool). Ignored in tool results, so agent loops still end.
//       [[sim:say TEXT]] in the last message, including a tool result -> the reply text is exactly
//         TEXT (still cut by the max-token limit), even when the request has tools. A tool
//         directive that applies wins over it.
//     Both work in every wire format (OpenAI chat, Responses, Anthropic, Gemini).
//   - Any model id is accepted and echoed back; SIMULATED_MODELS lists the advertised ones.
//
// Test knobs, as request headers or as markers inside the model id (headers win):
//   x-sim-status: 503          | model contains sim-error-503   -> that status, provider error body
//   x-sim-retry-after: 7       |                                -> retry-after on 429/503/529 (default 1)
//   x-sim-cut-after: 5         | model contains sim-cut-after-5 -> socket destroyed after 5 stream events
//   x-sim-overloaded-after: 1  | model contains sim-overloaded-after-1 -> after 1 stream event, the
//                              |   provider's in-band "overloaded" error event, then the stream ends
//   x-sim-omit-usage: 1        | model contains sim-no-usage    -> streams carry no usage (OpenAI: no
//                                  usage chunk; Anthropic: message_delta without usage, which the
//                                  official SDK cannot accumulate; Gemini: no usageMetadata;
//                                  Responses: usage null)
//   x-sim-latency-ms: 250      | model contains sim-slow-250    -> extra delay before the first byte
//   x-sim-output-tokens: 5000  | model contains sim-tokens-5000 -> reply length (still capped by max)
//   x-sim-ignore-max-tokens: 1 | model contains sim-ignore-max  -> OpenAI chat ignores max_tokens
//
// Server options: latencyMs (before the first byte), tokensPerSecond (0/Infinity = unpaced),
// apiKey (required as Bearer for OpenAI, x-api-key for Anthropic, x-goog-api-key or ?key= for Gemini).
export type { RunningSimulator, SimulatorOptions } from './server.ts';
export { startSimulator } from './server.ts';
export { parseSimulateArguments, runSimulateCommand } from './cli.ts';
export type { SimulatedCapability, SimulatedModel, SimulatedTier } from './models.ts';
export { SIMULATED_MODELS } from './models.ts';
export { countSimulatedTokens, splitIntoTokenPieces } from './tokens.ts';
export { naturalReplyTokenCount, simulatedReplyText } from './reply-text.ts';
export { jsonTextFromSchema, jsonValueFromSchema } from './json-from-schema.ts';
export { embeddingVector } from './embedding-vectors.ts';
