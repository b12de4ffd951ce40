// POST /v1beta/models/{model}:generateContent, :streamGenerateContent and :countTokens, shaped as recorded from
// the real API (test/fixtures/simulator/google-*.json / .chunks.txt). With `?alt=sse` the stream
// is Server-Sent Events framed `data: <json>\r\n\r\n` as Google's servers send it; without it,
// Google streams one JSON array, which the simulator reproduces too. Each chunk carries a few
// tokens and the running usageMetadata; a last chunk with an empty text part carries the
// finishReason (as in the recorded tool-call stream). Streams ignore candidateCount.
import type { EndpointReply, EndpointRequest, StreamFrame } from '../protocol.ts';
import { jsonReply } from '../protocol.ts';
import { parseRequestBody } from '../request-validation.ts';
import type { SimulatedTurn } from '../turn.ts';
import { countInputTokens, planTurn, textOfTurn } from '../turn.ts';
import { generatePrompt, generateRequestSchema } from './generate-request.ts';

const PIECES_PER_CHUNK = 8;

interface GenerationPlan {
  model: string;
  responseId: string;
  promptTokens: number;
  omitUsage: boolean;
}

function usageMetadata(promptTokens: number, candidatesTokens: number): Record<string, unknown> {
  return {
    promptTokenCount: promptTokens,
    candidatesTokenCount: candidatesTokens,
    totalTokenCount: promptTokens + candidatesTokens,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: promptTokens }],
  };
}

function finishReasonOf(turn: SimulatedTurn): 'STOP' | 'MAX_TOKENS' {
  return turn.kind === 'text' && turn.finishReason === 'length' ? 'MAX_TOKENS' : 'STOP';
}

function partOf(turn: SimulatedTurn): Record<string, unknown> {
  if (turn.kind === 'tool_call') return { functionCall: { name: turn.toolName, args: JSON.parse(turn.argumentsJson) } };
  return { text: textOfTurn(turn) };
}

function chunkOf(plan: GenerationPlan, candidate: Record<string, unknown>, candidatesTokens: number): Record<string, unknown> {
  const usage = plan.omitUsage ? {} : { usageMetadata: usageMetadata(plan.promptTokens, candidatesTokens) };
  return { candidates: [candidate], ...usage, modelVersion: plan.model, responseId: plan.responseId };
}

function prepare(request: EndpointRequest): { plan: GenerationPlan; turns: (variant: number) => SimulatedTurn; candidateCount: number } {
  const generateRequest = parseRequestBody(generateRequestSchema, request.body);
  const prompt = generatePrompt(generateRequest, request.knobs);
  const plan: GenerationPlan = {
    model: request.pathParameters['model'] ?? '',
    responseId: request.context.newId(''),
    promptTokens: countInputTokens(prompt),
    omitUsage: request.knobs.omitUsage,
  };
  return { plan, turns: (variant) => planTurn(prompt, variant), candidateCount: generateRequest.generationConfig?.candidateCount ?? 1 };
}

export function generateContentEndpoint(request: EndpointRequest): EndpointReply {
  const { plan, turns, candidateCount } = prepare(request);
  const planned = Array.from({ length: candidateCount }, (_, index) => turns(index));
  const candidates = planned.map((turn, index) => ({
    content: { parts: [partOf(turn)], role: 'model' },
    finishReason: finishReasonOf(turn),
    index,
  }));
  const candidatesTokens = planned.reduce((sum, turn) => sum + turn.outputTokens, 0);
  return jsonReply({
    candidates,
    usageMetadata: usageMetadata(plan.promptTokens, candidatesTokens),
    modelVersion: plan.model,
    responseId: plan.responseId,
  });
}

export function geminiCountTokensEndpoint(request: EndpointRequest): EndpointReply {
  const { plan } = prepare(request);
  return jsonReply({ totalTokens: plan.promptTokens, promptTokensDetails: [{ modality: 'TEXT', tokenCount: plan.promptTokens }] });
}

export function streamGenerateContentEndpoint(request: EndpointRequest): EndpointReply {
  const { plan, turns } = prepare(request);
  const asServerSentEvents = request.query.get('alt') === 'sse';
  const chunks = generationChunks(plan, turns(0));
  return asServerSentEvents
    ? { kind: 'stream', frames: serverSentEvents(chunks) }
    : { kind: 'stream', frames: jsonArrayFrames(chunks), contentType: 'application/json; charset=UTF-8' };
}

interface GenerationChunk {
  payload: Record<string, unknown>;
  tokens: number;
}

function* generationChunks(plan: GenerationPlan, turn: SimulatedTurn): Generator<GenerationChunk> {
  const candidate = (parts: unknown[], finishReason?: string): Record<string, unknown> => ({
    content: { parts, role: 'model' },
    ...(finishReason === undefined ? {} : { finishReason }),
    index: 0,
  });
  let emittedTokens = 0;
  if (turn.kind === 'tool_call') {
    emittedTokens = turn.outputTokens;
    yield { payload: chunkOf(plan, candidate([partOf(turn)]), emittedTokens), tokens: emittedTokens };
  } else {
    let group = '';
    let groupTokens = 0;
    for (const piece of turn.pieces()) {
      group += piece;
      groupTokens += 1;
      if (groupTokens === PIECES_PER_CHUNK) {
        emittedTokens += groupTokens;
        yield { payload: chunkOf(plan, candidate([{ text: group }]), emittedTokens), tokens: groupTokens };
        group = '';
        groupTokens = 0;
      }
    }
    if (groupTokens > 0) {
      emittedTokens += groupTokens;
      yield { payload: chunkOf(plan, candidate([{ text: group }]), emittedTokens), tokens: groupTokens };
    }
  }
  yield { payload: chunkOf(plan, candidate([{ text: '' }], finishReasonOf(turn)), emittedTokens), tokens: 0 };
}

function* serverSentEvents(chunks: Iterable<GenerationChunk>): Generator<StreamFrame> {
  for (const chunk of chunks) yield { wire: `data: ${JSON.stringify(chunk.payload)}\r\n\r\n`, tokens: chunk.tokens };
}

function* jsonArrayFrames(chunks: Iterable<GenerationChunk>): Generator<StreamFrame> {
  let separator = '[';
  for (const chunk of chunks) {
    yield { wire: `${separator}${JSON.stringify(chunk.payload)}`, tokens: chunk.tokens };
    separator = ',\r\n';
  }
  yield { wire: separator === '[' ? '[]' : ']', tokens: 0 };
}
