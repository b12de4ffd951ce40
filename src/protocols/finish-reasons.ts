// Stop-reason tables between the canonical finish reasons and each wire vocabulary. They are data
// so that a new provider reason is one line, and so the tables can be read side by side.

import { assertNever, type Finish, type FinishReason } from './canonical.ts';

const OPENAI_TO_CANONICAL: Record<string, FinishReason> = {
  stop: 'stop',
  length: 'length',
  tool_calls: 'tool_calls',
  function_call: 'tool_calls',
  content_filter: 'content_filter',
};

const ANTHROPIC_TO_CANONICAL: Record<string, FinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  refusal: 'refusal',
};

const GEMINI_TO_CANONICAL: Record<string, FinishReason> = {
  STOP: 'stop',
  FINISH_REASON_UNSPECIFIED: 'stop',
  OTHER: 'stop',
  MAX_TOKENS: 'length',
  SAFETY: 'content_filter',
  RECITATION: 'content_filter',
  LANGUAGE: 'content_filter',
  BLOCKLIST: 'content_filter',
  PROHIBITED_CONTENT: 'content_filter',
  SPII: 'content_filter',
  IMAGE_SAFETY: 'content_filter',
  MALFORMED_FUNCTION_CALL: 'error',
  UNEXPECTED_TOOL_CALL: 'error',
};

export type OpenAIFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call';

/** OpenAI has no refusal or error finish; a refusal reads best to its clients as a filter. */
const CANONICAL_TO_OPENAI: Record<FinishReason, OpenAIFinishReason> = {
  stop: 'stop',
  length: 'length',
  tool_calls: 'tool_calls',
  content_filter: 'content_filter',
  refusal: 'content_filter',
  error: 'stop',
};

export type AnthropicStopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'pause_turn' | 'refusal' | 'model_context_window_exceeded';

const CANONICAL_TO_ANTHROPIC: Record<FinishReason, AnthropicStopReason> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  content_filter: 'refusal',
  refusal: 'refusal',
  error: 'end_turn',
};

/** Unknown reasons (vLLM's `abort`, a new provider value) count as a stop; the raw one is kept. */
function fromTable(table: Record<string, FinishReason>, raw: string | null | undefined): Finish {
  if (raw === null || raw === undefined) return { reason: 'stop', rawReason: null };
  return { reason: table[raw] ?? 'stop', rawReason: raw };
}

export function finishFromOpenAI(raw: string | null | undefined): Finish {
  return fromTable(OPENAI_TO_CANONICAL, raw);
}

export function finishFromAnthropic(raw: string | null | undefined): Finish {
  return fromTable(ANTHROPIC_TO_CANONICAL, raw);
}

/** Gemini says STOP after a function call; only the presence of calls tells them apart. */
export function finishFromGemini(raw: string | null | undefined, hasToolCalls: boolean): Finish {
  const finish = fromTable(GEMINI_TO_CANONICAL, raw);
  return finish.reason === 'stop' && hasToolCalls ? { ...finish, reason: 'tool_calls' } : finish;
}

/**
 * Prefers the provider's raw reason when it belongs to the target vocabulary and means the same,
 * so an Anthropic `stop_sequence` survives an Anthropic-to-Anthropic pass unchanged.
 */
function toTable<Reason extends string>(
  canonicalTable: Record<FinishReason, Reason>,
  reverseTable: Record<string, FinishReason>,
  finish: Finish,
): Reason {
  const raw = finish.rawReason;
  if (raw !== null && reverseTable[raw] === finish.reason) return raw as Reason;
  return canonicalTable[finish.reason];
}

export function finishToOpenAI(finish: Finish): OpenAIFinishReason {
  return toTable(CANONICAL_TO_OPENAI, OPENAI_TO_CANONICAL, finish);
}

export function finishToAnthropic(finish: Finish): AnthropicStopReason {
  return toTable(CANONICAL_TO_ANTHROPIC, ANTHROPIC_TO_CANONICAL, finish);
}

/** The Responses API has a status instead of a reason; only truncations are "incomplete". */
export function finishToResponses(
  finish: Finish,
): { status: 'completed' } | { status: 'incomplete'; reason: 'max_output_tokens' | 'content_filter' } {
  switch (finish.reason) {
    case 'length':
      return { status: 'incomplete', reason: 'max_output_tokens' };
    case 'content_filter':
      return { status: 'incomplete', reason: 'content_filter' };
    case 'stop':
    case 'tool_calls':
    case 'refusal':
    case 'error':
      return { status: 'completed' };
    default:
      return assertNever(finish.reason);
  }
}

