import { test } from 'uvu';
import * as assert from 'uvu/assert';
import OpenAI from 'openai';
import { canonicalToCompletions, CompletionsStreamEncoder } from '../../src/protocols/canonical-to-completions.ts';
import { parseCompletionsRequest } from '../../src/protocols/completions-schema.ts';
import { completionAsChat, completionsToCanonical } from '../../src/protocols/completions-to-canonical.ts';
import { OPENAI_DONE_FRAME, sseFrame } from '../../src/protocols/sse-frames.ts';
import { TranslationError } from '../../src/protocols/translation-error.ts';
import { OpenAIStreamDecoder } from '../../src/providers/openai/stream-decoder.ts';
import { frameAsSse, replay } from '../providers/replay.ts';
import { readProtocolFixture, recordedEvents, withServedBytes } from './served-bytes.ts';

const translate = (body: unknown) => completionsToCanonical(parseCompletionsRequest(body));

function refusedParam(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof TranslationError) return error.param;
    throw error;
  }
  assert.unreachable('expected a TranslationError');
  return undefined;
}

test('given a completions request without max_tokens, when translated, then OpenAI\'s default of 16 applies and completions-only fields travel in extra', () => {
  const call = translate({ model: 'instruct', prompt: 'Once upon', stop: 'END', temperature: 0.5, echo: true, suffix: '.', logit_bias: { '50256': -100 }, stream: true, stream_options: { include_usage: true } });
  assert.is(call.model, 'instruct');
  assert.is(call.stream, true);
  assert.is(call.includeUsage, true);
  assert.equal(call.completion, {
    prompt: 'Once upon',
    request: {
      messages: [],
      sampling: { temperature: 0.5, maxOutputTokens: 16, stopSequences: ['END'] },
      extra: { origin: 'openai-completions', fields: { echo: true, suffix: '.', logit_bias: { '50256': -100 } } },
    },
  });
});

test('given a prompt array of one string, when translated, then that string is the prompt; batches, token arrays and logprobs are refused', () => {
  assert.is(translate({ model: 'm', prompt: ['Only one'] }).completion.prompt, 'Only one');
  assert.is(refusedParam(() => translate({ model: 'm', prompt: ['one', 'two'] })), 'prompt');
  assert.is(refusedParam(() => translate({ model: 'm', prompt: [1212, 318] })), 'prompt');
  assert.is(refusedParam(() => translate({ model: 'm', prompt: [[1212, 318]] })), 'prompt');
  assert.is(refusedParam(() => translate({ model: 'm' })), 'prompt');
  assert.is(refusedParam(() => translate({ model: 'm', prompt: 'x', logprobs: 2 })), 'logprobs');
});

test('given a completion for a chat-only upstream, when made a chat request, then the prompt is one user message and completions-only fields are refused or dropped', () => {
  const chat = completionAsChat(translate({ model: 'm', prompt: 'Say hi', max_tokens: 5, echo: false, logit_bias: { '1': 2 } }).completion);
  assert.equal(chat, {
    messages: [{ role: 'user', content: [{ type: 'text', text: 'Say hi' }] }],
    sampling: { maxOutputTokens: 5 },
    extra: { origin: 'openai-completions', fields: { logit_bias: { '1': 2 } } },
  });
  assert.is(refusedParam(() => completionAsChat(translate({ model: 'm', prompt: 'x', echo: true }).completion)), 'echo');
  assert.is(refusedParam(() => completionAsChat(translate({ model: 'm', prompt: 'x', suffix: 'end' }).completion)), 'suffix');
  assert.is(refusedParam(() => completionAsChat(translate({ model: 'm', prompt: 'x', best_of: 3 }).completion)), 'best_of');
});

test('given the recorded completion\'s text, when rendered, then the body equals the one OpenAI sent', () => {
  const recorded = JSON.parse(readProtocolFixture('openai-completion-text.json')) as { id: string; created: number; model: string; choices: Array<{ text: string }> };
  const result = {
    id: 'up',
    model: 'x',
    content: [{ type: 'text' as const, text: recorded.choices[0]?.text ?? '' }],
    finish: { reason: 'length' as const, rawReason: 'length' },
    usage: { inputTokens: 14, outputTokens: 16, cachedInputTokens: 0, cacheCreationInputTokens: 0, reasoningTokens: 0 },
  };
  assert.equal(canonicalToCompletions(result, { id: recorded.id, model: recorded.model, createdSeconds: recorded.created }), recorded);
});

const identity = { id: 'cmpl-lumen1', model: 'instruct', createdSeconds: 1770000000 };

test('given the recorded completions stream decoded to canonical, when re-encoded with include_usage, then text, chunk shape and the usage chunk match OpenAI\'s', async () => {
  const parts = await replay(frameAsSse('openai-completion-text.chunks.txt', 'openai'), new OpenAIStreamDecoder('instruct'));
  const encoder = new CompletionsStreamEncoder(identity, { includeUsage: true });
  const chunks = parts.flatMap((part) => encoder.encode(part)) as Array<Record<string, any>>;
  const recorded = recordedEvents('openai-completion-text.chunks.txt') as Array<Record<string, any>>;
  const textOf = (list: Array<Record<string, any>>) => list.map((chunk) => chunk.choices[0]?.text ?? '').join('');
  assert.is(textOf(chunks), textOf(recorded));
  const keys = (chunk: Record<string, any>) => [Object.keys(chunk).sort(), Object.keys(chunk.choices[0] ?? {}).sort()];
  assert.equal(keys(chunks[0] ?? {}), keys(recorded[0] ?? {}));
  assert.equal(chunks.at(-2)?.choices, [{ text: '', index: 0, logprobs: null, finish_reason: 'length' }]);
  assert.equal({ ...chunks.at(-1), id: 0, created: 0, model: 0 }, { ...recorded.at(-1), id: 0, created: 0, model: 0 });
});

test('given an encoded completions stream, when read by the OpenAI SDK, then it yields the text and the usage', async () => {
  const encoder = new CompletionsStreamEncoder(identity, { includeUsage: true });
  const chunks = [
    { type: 'text-delta' as const, text: 'Hello' },
    { type: 'text-delta' as const, text: ' world' },
    { type: 'usage' as const, usage: { inputTokens: 3, outputTokens: 2, cachedInputTokens: 0, cacheCreationInputTokens: 0, reasoningTokens: 0 } },
    { type: 'finish' as const, finish: { reason: 'stop' as const, rawReason: 'stop' } },
  ].flatMap((part) => encoder.encode(part));
  const sse = chunks.map((chunk) => sseFrame(chunk)).join('') + OPENAI_DONE_FRAME;
  const read = await withServedBytes(sse, 'text/event-stream', async (baseURL) => {
    const stream = await new OpenAI({ baseURL, apiKey: 'test-key', maxRetries: 0 }).completions.create({ model: 'instruct', prompt: 'Say', stream: true, stream_options: { include_usage: true } });
    let text = '';
    let finish: string | null = null;
    let totalTokens: number | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.text ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      totalTokens = chunk.usage?.total_tokens ?? totalTokens;
    }
    return { text, finish, totalTokens };
  });
  assert.equal(read, { text: 'Hello world', finish: 'stop', totalTokens: 5 });
});

test('given a tool-call finish, when mapped for legacy completions, then it reads as a stop', () => {
  const result = { id: 'x', model: 'm', content: [], finish: { reason: 'tool_calls' as const, rawReason: 'tool_use' } };
  assert.is(canonicalToCompletions(result, identity).choices[0]?.finish_reason, 'stop');
});

test.run();
