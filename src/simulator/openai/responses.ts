// POST /v1/responses, plain and streamed. The stream follows the real event sequence, each event
// named and numbered with an increasing `sequence_number`:
//   response.created, response.in_progress, response.output_item.added,
//   text:  response.content_part.added, response.output_text.delta..., response.output_text.done,
//          response.content_part.done
//   tool:  response.function_call_arguments.delta..., response.function_call_arguments.done
//   response.output_item.done, then response.completed (or response.incomplete at the token limit).
import type { EndpointReply, EndpointRequest, StreamFrame } from '../protocol.ts';
import { jsonReply, namedFrame } from '../protocol.ts';
import { parseRequestBody } from '../request-validation.ts';
import { groupPieces, splitIntoTokenPieces } from '../tokens.ts';
import type { SimulatedTurn, ToolCallTurn } from '../turn.ts';
import { countInputTokens, planTurn, textOfTurn } from '../turn.ts';
import type { ResponsesRequest } from './responses-request.ts';
import { responsesPrompt, responsesRequestSchema } from './responses-request.ts';
import { responsesUsage } from './usage.ts';

const ARGUMENT_PIECES_PER_EVENT = 3;

interface ResponseFacts {
  id: string;
  createdAt: number;
  request: ResponsesRequest;
  itemId: string;
  callId: string;
  inputTokens: number;
  omitUsage: boolean;
}

function isIncomplete(turn: SimulatedTurn): boolean {
  return turn.kind === 'text' && turn.finishReason === 'length';
}

function responseObject(facts: ResponseFacts, turn: SimulatedTurn, output: unknown[] | undefined): Record<string, unknown> {
  const request = facts.request;
  const finished = output !== undefined;
  const incomplete = finished && isIncomplete(turn);
  const status = !finished ? 'in_progress' : incomplete ? 'incomplete' : 'completed';
  return {
    id: facts.id, object: 'response', created_at: facts.createdAt, status, background: false, error: null,
    incomplete_details: incomplete ? { reason: 'max_output_tokens' } : null,
    instructions: request.instructions ?? null, max_output_tokens: request.max_output_tokens ?? null, max_tool_calls: null,
    model: request.model, output: output ?? [], parallel_tool_calls: request.parallel_tool_calls ?? true,
    previous_response_id: request.previous_response_id ?? null, prompt_cache_key: null,
    reasoning: { effort: null, summary: null }, safety_identifier: null, service_tier: 'default',
    store: request.store ?? true, temperature: request.temperature ?? 1,
    text: { format: request.text?.format ?? { type: 'text' }, verbosity: 'medium' },
    tool_choice: request.tool_choice ?? 'auto', tools: request.tools ?? [], top_logprobs: 0, top_p: request.top_p ?? 1,
    truncation: 'disabled',
    usage: finished && !facts.omitUsage ? responsesUsage(facts.inputTokens, turn.outputTokens) : null,
    user: request.user ?? null, metadata: request.metadata ?? {},
  };
}

function outputText(text: string): Record<string, unknown> {
  return { type: 'output_text', annotations: [], logprobs: [], text };
}

function messageItem(facts: ResponseFacts, status: string, content: unknown[]): Record<string, unknown> {
  return { id: facts.itemId, type: 'message', status, content, role: 'assistant' };
}

function functionCallItem(facts: ResponseFacts, turn: ToolCallTurn, status: string, argumentsJson: string): Record<string, unknown> {
  return { id: facts.itemId, type: 'function_call', status, arguments: argumentsJson, call_id: facts.callId, name: turn.toolName };
}

function finishedItem(facts: ResponseFacts, turn: SimulatedTurn, text: string): Record<string, unknown> {
  if (turn.kind === 'tool_call') return functionCallItem(facts, turn, 'completed', turn.argumentsJson);
  return messageItem(facts, isIncomplete(turn) ? 'incomplete' : 'completed', [outputText(text)]);
}

export function responsesEndpoint(request: EndpointRequest): EndpointReply {
  const responsesRequest = parseRequestBody(responsesRequestSchema, request.body);
  const prompt = responsesPrompt(responsesRequest, request.knobs);
  const turn = planTurn(prompt);
  const newId = request.context.newId;
  const facts: ResponseFacts = {
    id: newId('resp_'), createdAt: request.context.nowSeconds, request: responsesRequest,
    itemId: newId(turn.kind === 'tool_call' ? 'fc_' : 'msg_'), callId: newId('call_'),
    inputTokens: countInputTokens(prompt), omitUsage: false,
  };
  if (responsesRequest.stream === true) {
    return { kind: 'stream', frames: responseEvents({ ...facts, omitUsage: request.knobs.omitUsage }, turn) };
  }
  const text = turn.kind === 'text' ? textOfTurn(turn) : '';
  return jsonReply(responseObject(facts, turn, [finishedItem(facts, turn, text)]));
}

function* responseEvents(facts: ResponseFacts, turn: SimulatedTurn): Generator<StreamFrame> {
  let sequenceNumber = 0;
  const event = (type: string, fields: Record<string, unknown>, tokens = 0): StreamFrame =>
    namedFrame(type, { type, sequence_number: sequenceNumber++, ...fields }, tokens);
  yield event('response.created', { response: responseObject(facts, turn, undefined) });
  yield event('response.in_progress', { response: responseObject(facts, turn, undefined) });
  const opening = turn.kind === 'tool_call' ? functionCallItem(facts, turn, 'in_progress', '') : messageItem(facts, 'in_progress', []);
  yield event('response.output_item.added', { output_index: 0, item: opening });
  let text = '';
  if (turn.kind === 'tool_call') {
    yield* functionCallEvents(facts, turn, event);
  } else {
    const where = { item_id: facts.itemId, output_index: 0, content_index: 0 };
    yield event('response.content_part.added', { ...where, part: outputText('') });
    for (const piece of turn.pieces()) {
      // The done events repeat the whole text, so it has to be kept; the stream itself is not.
      text += piece;
      yield event('response.output_text.delta', { ...where, delta: piece, logprobs: [] }, 1);
    }
    yield event('response.output_text.done', { ...where, text, logprobs: [] });
    yield event('response.content_part.done', { ...where, part: outputText(text) });
  }
  const item = finishedItem(facts, turn, text);
  yield event('response.output_item.done', { output_index: 0, item });
  const finalType = isIncomplete(turn) ? 'response.incomplete' : 'response.completed';
  yield event(finalType, { response: responseObject(facts, turn, [item]) });
}

type EventMaker = (type: string, fields: Record<string, unknown>, tokens?: number) => StreamFrame;

function* functionCallEvents(facts: ResponseFacts, turn: ToolCallTurn, event: EventMaker): Generator<StreamFrame> {
  const where = { item_id: facts.itemId, output_index: 0 };
  for (const fragment of groupPieces(splitIntoTokenPieces(turn.argumentsJson), ARGUMENT_PIECES_PER_EVENT)) {
    yield event('response.function_call_arguments.delta', { ...where, delta: fragment }, ARGUMENT_PIECES_PER_EVENT);
  }
  yield event('response.function_call_arguments.done', { ...where, name: turn.toolName, arguments: turn.argumentsJson });
}
