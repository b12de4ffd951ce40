// POST /v1/completions (the legacy text completion API), plain and streamed, shaped as recorded
// from the real API (test/fixtures/simulator/openai-completion-text.chunks.txt). Like the real
// API, max_tokens defaults to 16.
import { z } from 'zod';
import type { EndpointReply, EndpointRequest, StreamFrame } from '../protocol.ts';
import { dataFrame, jsonReply } from '../protocol.ts';
import { parseRequestBody } from '../request-validation.ts';
import type { SimulatedPrompt, TextTurn } from '../turn.ts';
import { countInputTokens, planTurn, textOfTurn } from '../turn.ts';
import { legacyCompletionUsage } from './usage.ts';

const LEGACY_DEFAULT_MAX_TOKENS = 16;

const completionRequestSchema = z.looseObject({
  model: z.string().min(1),
  prompt: z.union([z.string(), z.array(z.string()).min(1), z.array(z.number()), z.array(z.array(z.number()))]),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  n: z.number().int().min(1).max(128).nullish(),
  max_tokens: z.number().int().min(0).nullish(),
  echo: z.boolean().nullish(),
});

type CompletionRequest = z.infer<typeof completionRequestSchema>;

function promptTexts(prompt: CompletionRequest['prompt']): string[] {
  if (typeof prompt === 'string') return [prompt];
  return prompt.map((entry) => (typeof entry === 'string' ? entry : JSON.stringify(entry)));
}

function promptOf(request: CompletionRequest, forcedOutputTokens: number | undefined): SimulatedPrompt {
  const texts = promptTexts(request.prompt);
  return {
    inputTexts: texts,
    lastMessageText: texts.join('\n'),
    lastMessageIsFromUser: true,
    tools: [],
    toolChoice: { kind: 'none' },
    responseFormat: { kind: 'text' },
    maxOutputTokens: request.max_tokens ?? LEGACY_DEFAULT_MAX_TOKENS,
    forcedOutputTokens,
  };
}

export function completionsEndpoint(request: EndpointRequest): EndpointReply {
  const completionRequest = parseRequestBody(completionRequestSchema, request.body);
  const prompt = promptOf(completionRequest, request.knobs.forcedOutputTokens);
  // Without tools the planner always answers with text.
  const turns = Array.from({ length: completionRequest.n ?? 1 }, (_, index) => planTurn(prompt, index) as TextTurn);
  const promptTokens = countInputTokens(prompt);
  const completionTokens = turns.reduce((sum, turn) => sum + turn.outputTokens, 0);
  const head = { id: request.context.newId('cmpl-'), object: 'text_completion', created: request.context.nowSeconds };
  const model = completionRequest.model;
  if (completionRequest.stream === true) {
    const includeUsage = completionRequest.stream_options?.include_usage === true && !request.knobs.omitUsage;
    const usage = includeUsage ? legacyCompletionUsage(promptTokens, completionTokens) : undefined;
    return { kind: 'stream', frames: completionFrames(head, model, turns, usage) };
  }
  return jsonReply({
    ...head,
    model,
    choices: turns.map((turn, index) => ({ text: textOfTurn(turn), index, logprobs: null, finish_reason: turn.finishReason })),
    usage: legacyCompletionUsage(promptTokens, completionTokens),
  });
}

function* completionFrames(
  head: Record<string, unknown>,
  model: string,
  turns: TextTurn[],
  usage: Record<string, unknown> | undefined,
): Generator<StreamFrame> {
  const usageField = usage === undefined ? {} : { usage: null };
  for (const [index, turn] of turns.entries()) {
    const frame = (text: string, finishReason: string | null, tokens: number): StreamFrame =>
      dataFrame({ ...head, choices: [{ text, index, logprobs: null, finish_reason: finishReason }], model, ...usageField }, tokens);
    // One piece of lookahead, because the real API puts the finish reason on the chunk with the
    // last piece of text, and the pieces are generated lazily.
    let previous: string | undefined;
    for (const piece of turn.pieces()) {
      if (previous !== undefined) yield frame(previous, null, 1);
      previous = piece;
    }
    yield previous === undefined ? frame('', turn.finishReason, 0) : frame(previous, turn.finishReason, 1);
  }
  if (usage !== undefined) yield dataFrame({ ...head, model, usage, choices: [] });
  yield { wire: 'data: [DONE]\n\n', tokens: 0 };
}
