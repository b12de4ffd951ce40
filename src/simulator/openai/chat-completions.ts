// POST /v1/chat/completions, plain and streamed, shaped as recorded from the real API
// (test/fixtures/simulator/openai-chat-text.chunks.txt): a first chunk with the role, one chunk
// per content or tool-argument fragment, a chunk with the finish reason and an empty delta, and,
// with stream_options.include_usage, a last chunk with `choices: []` and the usage; then [DONE].
import type { EndpointRequest, EndpointReply, StreamFrame } from '../protocol.ts';
import { dataFrame, jsonReply } from '../protocol.ts';
import { parseRequestBody } from '../request-validation.ts';
import { groupPieces, splitIntoTokenPieces } from '../tokens.ts';
import type { SimulatedTurn } from '../turn.ts';
import { countInputTokens, planTurn, textOfTurn } from '../turn.ts';
import { chatPrompt, chatRequestSchema } from './chat-request.ts';
import { openAiUsage } from './usage.ts';

const SYSTEM_FINGERPRINT = 'fp_simulator';
const ARGUMENT_PIECES_PER_CHUNK = 3;

type ChatFinishReason = 'stop' | 'length' | 'tool_calls';

function finishReasonOf(turn: SimulatedTurn): ChatFinishReason {
  return turn.kind === 'tool_call' ? 'tool_calls' : turn.finishReason;
}

function messageOf(turn: SimulatedTurn, callId: string): Record<string, unknown> {
  if (turn.kind === 'tool_call') {
    return {
      role: 'assistant',
      content: null,
      tool_calls: [{ id: callId, type: 'function', function: { name: turn.toolName, arguments: turn.argumentsJson } }],
      refusal: null,
      annotations: [],
    };
  }
  return { role: 'assistant', content: textOfTurn(turn), refusal: null, annotations: [] };
}

export function chatCompletionsEndpoint(request: EndpointRequest): EndpointReply {
  const chatRequest = parseRequestBody(chatRequestSchema, request.body);
  const prompt = chatPrompt(chatRequest, request.knobs);
  const choiceCount = chatRequest.n ?? 1;
  const turns = Array.from({ length: choiceCount }, (_, index) => planTurn(prompt, index));
  const promptTokens = countInputTokens(prompt);
  const context = request.context;
  const head = { id: context.newId('chatcmpl-'), created: context.nowSeconds, model: chatRequest.model };
  if (chatRequest.stream === true) {
    const includeUsage = chatRequest.stream_options?.include_usage === true && !request.knobs.omitUsage;
    return { kind: 'stream', frames: chatStreamFrames({ head, turns, promptTokens, includeUsage, newId: context.newId }) };
  }
  const completionTokens = turns.reduce((sum, turn) => sum + turn.outputTokens, 0);
  return jsonReply({
    id: head.id,
    object: 'chat.completion',
    created: head.created,
    model: head.model,
    choices: turns.map((turn, index) => ({
      index,
      message: messageOf(turn, context.newId('call_')),
      logprobs: null,
      finish_reason: finishReasonOf(turn),
    })),
    usage: openAiUsage(promptTokens, completionTokens),
    service_tier: 'default',
    system_fingerprint: SYSTEM_FINGERPRINT,
  });
}

interface ChatStreamPlan {
  head: { id: string; created: number; model: string };
  turns: SimulatedTurn[];
  promptTokens: number;
  includeUsage: boolean;
  newId: (prefix: string) => string;
}

function* choiceDeltas(turn: SimulatedTurn, callId: string): Generator<{ delta: Record<string, unknown>; tokens: number }> {
  if (turn.kind === 'tool_call') {
    const opening = { index: 0, id: callId, type: 'function', function: { name: turn.toolName, arguments: '' } };
    yield { delta: { role: 'assistant', content: null, tool_calls: [opening], refusal: null }, tokens: 0 };
    const fragments = groupPieces(splitIntoTokenPieces(turn.argumentsJson), ARGUMENT_PIECES_PER_CHUNK);
    for (const fragment of fragments) {
      yield { delta: { tool_calls: [{ index: 0, function: { arguments: fragment } }] }, tokens: ARGUMENT_PIECES_PER_CHUNK };
    }
    return;
  }
  yield { delta: { role: 'assistant', content: '', refusal: null }, tokens: 0 };
  for (const piece of turn.pieces()) yield { delta: { content: piece }, tokens: 1 };
}

function* chatStreamFrames(plan: ChatStreamPlan): Generator<StreamFrame> {
  const { head, includeUsage } = plan;
  const usageField = includeUsage ? { usage: null } : {};
  const chunk = (choices: unknown[], extra: Record<string, unknown>): Record<string, unknown> => ({
    id: head.id,
    object: 'chat.completion.chunk',
    created: head.created,
    model: head.model,
    service_tier: 'default',
    system_fingerprint: SYSTEM_FINGERPRINT,
    choices,
    ...extra,
  });
  for (const [index, turn] of plan.turns.entries()) {
    for (const { delta, tokens } of choiceDeltas(turn, plan.newId('call_'))) {
      yield dataFrame(chunk([{ index, delta, logprobs: null, finish_reason: null }], usageField), tokens);
    }
    yield dataFrame(chunk([{ index, delta: {}, logprobs: null, finish_reason: finishReasonOf(turn) }], usageField));
  }
  if (includeUsage) {
    const completionTokens = plan.turns.reduce((sum, turn) => sum + turn.outputTokens, 0);
    yield dataFrame(chunk([], { usage: openAiUsage(plan.promptTokens, completionTokens) }));
  }
  yield { wire: 'data: [DONE]\n\n', tokens: 0 };
}
