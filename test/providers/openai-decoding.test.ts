import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { OpenAIStreamDecoder } from '../../src/providers/openai/stream-decoder.ts';
import { chatResultFromOpenAI, completionResultFromOpenAI } from '../../src/providers/openai/response.ts';
import { openAIErrorFromResponse } from '../../src/providers/openai/errors.ts';
import { ProviderError } from '../../src/providers/provider.ts';
import { frameAsSse, partTypes, readFixture, readJsonFixture, replay, textOf, toolArguments } from './replay.ts';

function fixtureText(file: string, pick: (choice: Record<string, any>) => string | undefined): string {
  return readFixture(file)
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => (JSON.parse(line).choices ?? []).map((choice: Record<string, any>) => pick(choice) ?? '').join(''))
    .join('');
}

test('given the recorded OpenAI text stream, when replayed, then text, usage and finish come out in canonical order', async () => {
  const parts = await replay(frameAsSse('openai-text.chunks.txt', 'openai'), new OpenAIStreamDecoder('gpt-4.1-nano'));
  assert.equal(parts[0], { type: 'response-metadata', id: 'chatcmpl-D8Z5oo6uDh67AD85p73ksdT1KxhE0', model: 'gpt-4.1-nano-2025-04-14' });
  assert.is(textOf(parts), fixtureText('openai-text.chunks.txt', (choice) => choice.delta?.content));
  assert.ok(textOf(parts).startsWith('**Holiday'));
  assert.equal(partTypes(parts), ['response-metadata', 'usage', 'finish']);
  assert.equal(parts.at(-2), {
    type: 'usage',
    usage: { inputTokens: 16, outputTokens: 300, cachedInputTokens: 0, cacheCreationInputTokens: 0, reasoningTokens: 0 },
  });
  assert.equal(parts.at(-1), { type: 'finish', finish: { reason: 'stop', rawReason: 'stop' } });
});

test('given the recorded legacy completion stream, when replayed, then the text and a length finish come out', async () => {
  const parts = await replay(frameAsSse('openai-completion-text.chunks.txt', 'openai'), new OpenAIStreamDecoder('gpt-3.5-turbo-instruct'));
  assert.is(textOf(parts), fixtureText('openai-completion-text.chunks.txt', (choice) => choice.text));
  assert.equal(parts.at(-1), { type: 'finish', finish: { reason: 'length', rawReason: 'length' } });
  const usage = parts.find((part) => part.type === 'usage');
  assert.equal(usage, { type: 'usage', usage: { inputTokens: 14, outputTokens: 16, cachedInputTokens: 0, cacheCreationInputTokens: 0, reasoningTokens: 0 } });
});

const toolCallStream = [
  { id: 'c1', model: 'gpt-5', choices: [{ index: 0, delta: { role: 'assistant', content: null }, finish_reason: null }], usage: null },
  { id: 'c1', model: 'gpt-5', choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'weather', arguments: '' } }] } }] },
  { id: 'c1', model: 'gpt-5', choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] } }] },
  { id: 'c1', model: 'gpt-5', choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '"Rome"}' } }] } }] },
  { id: 'c1', model: 'gpt-5', choices: [{ index: 0, delta: { tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'time', arguments: '{}' } }] } }] },
  { id: 'c1', model: 'gpt-5', choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] },
  {
    id: 'c1',
    model: 'gpt-5',
    choices: [],
    usage: { prompt_tokens: 1200, completion_tokens: 90, total_tokens: 1290, prompt_tokens_details: { cached_tokens: 1024 }, completion_tokens_details: { reasoning_tokens: 64 } },
  },
];
const toolCallSse = toolCallStream.map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`).join('') + 'data: [DONE]\n\n';

test('given a streamed parallel tool call, when replayed, then each call starts, accumulates its arguments and ends', async () => {
  const parts = await replay(toolCallSse, new OpenAIStreamDecoder('gpt-5'), 5);
  assert.equal(partTypes(parts), [
    'response-metadata',
    'tool-call-start',
    'tool-call-delta',
    'tool-call-delta',
    'tool-call-start',
    'tool-call-delta',
    'tool-call-end',
    'tool-call-end',
    'usage',
    'finish',
  ]);
  assert.equal(parts[1], { type: 'tool-call-start', index: 0, id: 'call_a', name: 'weather' });
  assert.is(toolArguments(parts, 0), '{"city":"Rome"}');
  assert.is(toolArguments(parts, 1), '{}');
  assert.equal(parts.at(-2), {
    type: 'usage',
    usage: { inputTokens: 1200, outputTokens: 90, cachedInputTokens: 1024, cacheCreationInputTokens: 0, reasoningTokens: 64 },
  });
  assert.equal(parts.at(-1), { type: 'finish', finish: { reason: 'tool_calls', rawReason: 'tool_calls' } });
});

test('given a stream cut before any finish reason, when replayed, then it ends with a typed truncation error', async () => {
  const cut = toolCallStream.slice(0, 3).map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`).join('');
  const parts = await replay(cut, new OpenAIStreamDecoder('gpt-5'));
  const last = parts.at(-1);
  assert.is(last?.type, 'error');
  assert.is(last?.type === 'error' && last.error.type, 'provider_stream_truncated');
});

test('given a stream event that is not JSON, when replayed, then an error part ends the stream instead of a crash', async () => {
  const parts = await replay('data: {"id":"x","choices":[]}\n\ndata: {oops\n\ndata: [DONE]\n\n', new OpenAIStreamDecoder('m'));
  assert.equal(partTypes(parts), ['response-metadata', 'error']);
});

test('given the recorded non-stream body, when mapped, then the result carries text, finish and usage', () => {
  const result = chatResultFromOpenAI(readJsonFixture('openai-text.json'), 'openai', 'gpt-4.1-nano');
  assert.is(result.id, 'chatcmpl-D8Z5f52zQqikDBEKQMQoYcWMcWPeU');
  assert.is(result.model, 'gpt-4.1-nano-2025-04-14');
  assert.is(result.content.length, 1);
  assert.ok(result.content[0]?.type === 'text' && result.content[0].text.startsWith('**Holiday Name:** Galaxy Day'));
  assert.equal(result.finish, { reason: 'stop', rawReason: 'stop' });
  assert.is(result.usage?.outputTokens, 363);
});

test('given the recorded completion body, when mapped, then the text and length finish come out', () => {
  const result = completionResultFromOpenAI(readJsonFixture('openai-completion-text.json'), 'openai', 'gpt-3.5-turbo-instruct');
  assert.equal(result.content, [{ type: 'text', text: 'The new holiday is called "Gratitude Day" and it celebrates the importance of' }]);
  assert.is(result.finish.reason, 'length');
});

test('given the recorded 400 error body, when mapped, then status, type, code and the original body are kept', () => {
  const body = readJsonFixture('reasoning-model-legacy-parameter-error.json');
  const error = openAIErrorFromResponse(400, body, new Headers());
  assert.instance(error, ProviderError);
  assert.is(error.status, 400);
  assert.is(error.type, 'invalid_request_error');
  assert.is(error.code, 'unsupported_parameter');
  assert.is(error.body, body);
});

test('given a 429 with retry-after and an Ollama-style string error, when mapped, then retryAfterSeconds and the message are read', () => {
  const error = openAIErrorFromResponse(429, { error: 'too many requests' }, new Headers({ 'retry-after': '12' }));
  assert.is(error.type, 'rate_limit_error');
  assert.is(error.message, 'too many requests');
  assert.is(error.retryAfterSeconds, 12);
});

test.run();
