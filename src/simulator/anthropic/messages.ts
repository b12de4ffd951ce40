// POST /v1/messages (plain and streamed) and POST /v1/messages/count_tokens. The stream follows
// the recorded sequence (test/fixtures/simulator/anthropic-*.chunks.txt): message_start,
// per block content_block_start / content_block_delta... / content_block_stop (a ping after the
// first block start), message_delta with the stop reason and usage, message_stop.
import { opaqueToken } from '../deterministic-random.ts';
import type { EndpointReply, EndpointRequest, StreamFrame } from '../protocol.ts';
import { jsonReply, namedFrame } from '../protocol.ts';
import { parseRequestBody } from '../request-validation.ts';
import { groupPieces, splitIntoTokenPieces } from '../tokens.ts';
import type { SimulatedTurn, TextTurn } from '../turn.ts';
import { countInputTokens, planThinking, planTurn, textOfTurn } from '../turn.ts';
import type { MessagesRequest } from './messages-request.ts';
import { countTokensRequestSchema, messagesPrompt, messagesRequestSchema } from './messages-request.ts';

const ARGUMENT_PIECES_PER_DELTA = 3;
const DEFAULT_THINKING_BUDGET = 1024;

interface MessagePlan {
  id: string;
  model: string;
  inputTokens: number;
  thinking: { turn: TextTurn; signature: string } | undefined;
  turn: SimulatedTurn;
  toolUseId: string;
  omitUsage: boolean;
}

function stopReasonOf(turn: SimulatedTurn): 'end_turn' | 'max_tokens' | 'tool_use' {
  if (turn.kind === 'tool_call') return 'tool_use';
  return turn.finishReason === 'length' ? 'max_tokens' : 'end_turn';
}

function outputTokensOf(plan: MessagePlan): number {
  return (plan.thinking?.turn.outputTokens ?? 0) + plan.turn.outputTokens;
}

function usageOf(inputTokens: number, outputTokens: number): Record<string, unknown> {
  return {
    input_tokens: inputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
    output_tokens: outputTokens,
    service_tier: 'standard',
  };
}

function planMessage(messagesRequest: MessagesRequest, request: EndpointRequest): MessagePlan {
  const thinkingEnabled = messagesRequest.thinking?.type === 'enabled';
  const basePrompt = messagesPrompt(messagesRequest, messagesRequest.max_tokens, request.knobs);
  const thinkingTurn = thinkingEnabled ? planThinking(basePrompt, messagesRequest.thinking?.budget_tokens ?? DEFAULT_THINKING_BUDGET) : undefined;
  // Thinking tokens count against max_tokens, as with the real API.
  const remaining = Math.max(1, messagesRequest.max_tokens - (thinkingTurn?.outputTokens ?? 0));
  return {
    id: request.context.newId('msg_'),
    model: messagesRequest.model,
    inputTokens: countInputTokens(basePrompt),
    thinking: thinkingTurn === undefined ? undefined : { turn: thinkingTurn, signature: opaqueToken(`signature:${basePrompt.lastMessageText}`, 96) },
    turn: planTurn({ ...basePrompt, maxOutputTokens: remaining }),
    toolUseId: request.context.newId('toolu_'),
    omitUsage: request.knobs.omitUsage,
  };
}

function contentOf(plan: MessagePlan): Record<string, unknown>[] {
  const blocks: Record<string, unknown>[] = [];
  if (plan.thinking !== undefined) {
    blocks.push({ type: 'thinking', thinking: textOfTurn(plan.thinking.turn), signature: plan.thinking.signature });
  }
  const turn = plan.turn;
  if (turn.kind === 'tool_call') {
    blocks.push({ type: 'tool_use', id: plan.toolUseId, name: turn.toolName, input: JSON.parse(turn.argumentsJson) });
  } else {
    blocks.push({ type: 'text', text: textOfTurn(turn) });
  }
  return blocks;
}

export function messagesEndpoint(request: EndpointRequest): EndpointReply {
  const messagesRequest = parseRequestBody(messagesRequestSchema, request.body);
  const plan = planMessage(messagesRequest, request);
  if (messagesRequest.stream === true) return { kind: 'stream', frames: messageEvents(plan) };
  return jsonReply({
    model: plan.model, id: plan.id, type: 'message', role: 'assistant', content: contentOf(plan),
    stop_reason: stopReasonOf(plan.turn), stop_sequence: null, usage: usageOf(plan.inputTokens, outputTokensOf(plan)),
  });
}

export function countTokensEndpoint(request: EndpointRequest): EndpointReply {
  const countRequest = parseRequestBody(countTokensRequestSchema, request.body);
  return jsonReply({ input_tokens: countInputTokens(messagesPrompt(countRequest, undefined, request.knobs)) });
}

function* blockEvents(plan: MessagePlan, index: number): Generator<StreamFrame> {
  const delta = (payload: Record<string, unknown>, tokens: number): StreamFrame =>
    namedFrame('content_block_delta', { type: 'content_block_delta', index, delta: payload }, tokens);
  const turn = plan.turn;
  if (turn.kind === 'tool_call') {
    const block = { type: 'tool_use', id: plan.toolUseId, name: turn.toolName, input: {} };
    yield namedFrame('content_block_start', { type: 'content_block_start', index, content_block: block });
    if (index === 0) yield namedFrame('ping', { type: 'ping' });
    yield delta({ type: 'input_json_delta', partial_json: '' }, 0);
    for (const fragment of groupPieces(splitIntoTokenPieces(turn.argumentsJson), ARGUMENT_PIECES_PER_DELTA)) {
      yield delta({ type: 'input_json_delta', partial_json: fragment }, ARGUMENT_PIECES_PER_DELTA);
    }
  } else {
    yield namedFrame('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
    if (index === 0) yield namedFrame('ping', { type: 'ping' });
    for (const piece of turn.pieces()) yield delta({ type: 'text_delta', text: piece }, 1);
  }
  yield namedFrame('content_block_stop', { type: 'content_block_stop', index });
}

function* thinkingEvents(thinking: NonNullable<MessagePlan['thinking']>): Generator<StreamFrame> {
  const delta = (payload: Record<string, unknown>, tokens: number): StreamFrame =>
    namedFrame('content_block_delta', { type: 'content_block_delta', index: 0, delta: payload }, tokens);
  const block = { type: 'thinking', thinking: '', signature: '' };
  yield namedFrame('content_block_start', { type: 'content_block_start', index: 0, content_block: block });
  yield namedFrame('ping', { type: 'ping' });
  for (const piece of thinking.turn.pieces()) yield delta({ type: 'thinking_delta', thinking: piece }, 1);
  yield delta({ type: 'signature_delta', signature: thinking.signature }, 0);
  yield namedFrame('content_block_stop', { type: 'content_block_stop', index: 0 });
}

function* messageEvents(plan: MessagePlan): Generator<StreamFrame> {
  const message = {
    model: plan.model, id: plan.id, type: 'message', role: 'assistant', content: [],
    stop_reason: null, stop_sequence: null, usage: usageOf(plan.inputTokens, 1),
  };
  yield namedFrame('message_start', { type: 'message_start', message });
  let index = 0;
  if (plan.thinking !== undefined) {
    yield* thinkingEvents(plan.thinking);
    index = 1;
  }
  yield* blockEvents(plan, index);
  const usage = { input_tokens: plan.inputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: outputTokensOf(plan) };
  const finalDelta = { type: 'message_delta', delta: { stop_reason: stopReasonOf(plan.turn), stop_sequence: null } };
  yield namedFrame('message_delta', plan.omitUsage ? finalDelta : { ...finalDelta, usage });
  yield namedFrame('message_stop', { type: 'message_stop' });
}
