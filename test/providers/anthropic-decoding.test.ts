import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AnthropicStreamDecoder } from '../../src/providers/anthropic/stream-decoder.ts';
import { chatResultFromAnthropic } from '../../src/providers/anthropic/response.ts';
import { anthropicErrorFromResponse } from '../../src/providers/anthropic/errors.ts';
import { frameAsSse, partTypes, readJsonFixture, reasoningOf, replay, textOf, toolArguments } from './replay.ts';

const decode = (file: string) => replay(frameAsSse(file, 'anthropic'), new AnthropicStreamDecoder());

test('given the recorded text stream, when replayed, then text, merged usage and end_turn come out', async () => {
  const parts = await decode('anthropic-text.chunks.txt');
  assert.equal(parts[0], { type: 'response-metadata', id: 'msg_01QC4g3HwBThD4BaNtBckFDJ', model: 'claude-sonnet-4-5-20250929' });
  assert.is(textOf(parts), "Hello! I'm doing well, thank you for asking. How are you doing today? Is there anything I can help you with?");
  assert.equal(parts.slice(-2), [
    { type: 'usage', usage: { inputTokens: 12, outputTokens: 30, cachedInputTokens: 0, cacheCreationInputTokens: 0, reasoningTokens: 0 } },
    { type: 'finish', finish: { reason: 'stop', rawReason: 'end_turn' } },
  ]);
});

test('given the recorded thinking stream, when replayed, then reasoning text and its signature precede the answer', async () => {
  const parts = await decode('anthropic-clear-thinking.1.chunks.txt');
  assert.is(reasoningOf(parts), 'The previous result was 925. Now I need to divide that by 5.\n\n925 ÷ 5 = 185');
  const signature = parts.find((part) => part.type === 'reasoning-delta' && part.signature !== undefined);
  assert.ok(signature?.type === 'reasoning-delta' && signature.signature?.startsWith('EvQBCkYICxgC'));
  assert.is(textOf(parts), '925 ÷ 5 = 185');
  const usage = parts.at(-2);
  assert.is(usage?.type === 'usage' && usage.usage.outputTokens, 53);
});

test('given the recorded JSON tool stream, when replayed, then one tool call carries the whole arguments text', async () => {
  const parts = await decode('anthropic-json-tool.1.chunks.txt');
  assert.equal(partTypes(parts), ['response-metadata', 'tool-call-start', 'tool-call-delta', 'tool-call-delta', 'tool-call-end', 'usage', 'finish']);
  assert.equal(parts[1], { type: 'tool-call-start', index: 0, id: 'toolu_01KFbKqPYSuAKujiL6mTfzYA', name: 'json' });
  assert.equal(JSON.parse(toolArguments(parts, 0)), { elements: [{ location: 'San Francisco', temperature: 58, condition: 'sunny' }] });
  assert.equal(parts.at(-1), { type: 'finish', finish: { reason: 'tool_calls', rawReason: 'tool_use' } });
});

test('given a tool call streamed at block 1 without arguments, when replayed, then it is tool 0 with "{}"', async () => {
  const parts = await decode('anthropic-tool-no-args.chunks.txt');
  assert.is(textOf(parts), "I'll update the issue list for you.");
  assert.equal(parts.find((part) => part.type === 'tool-call-start'), { type: 'tool-call-start', index: 0, id: 'toolu_01QE1WLsSVp5hy5Q3GmGTmjP', name: 'updateIssueList' });
  assert.is(toolArguments(parts, 0), '{}');
});

test('given a stream whose message_delta revises input tokens, when replayed, then the later count wins', async () => {
  const parts = await decode('anthropic-message-delta-input-tokens.chunks.txt');
  assert.is(textOf(parts), 'pong');
  const usage = parts.find((part) => part.type === 'usage');
  assert.equal(usage, { type: 'usage', usage: { inputTokens: 61, outputTokens: 2, cachedInputTokens: 0, cacheCreationInputTokens: 0, reasoningTokens: 0 } });
});

test('given the recorded refusal stream, when replayed, then the explanation arrives as refusal and the finish is a refusal', async () => {
  const parts = await decode('anthropic-refusal.chunks.txt');
  assert.equal(partTypes(parts), ['response-metadata', 'refusal-delta', 'usage', 'finish']);
  assert.equal(parts.at(-1), { type: 'finish', finish: { reason: 'refusal', rawReason: 'refusal' } });
});

test('given the recorded fallback stream, when replayed, then the fallback marker is skipped and the text kept', async () => {
  const parts = await decode('anthropic-fallback.chunks.txt');
  assert.is(textOf(parts), 'The printing press was invented by Johannes Gutenberg around 1440.');
  assert.is(parts.at(-1)?.type, 'finish');
});

for (const file of ['duplicate-message-start.chunks.txt', 'spliced-message-start.chunks.txt']) {
  test(`given the malformed stream ${file}, when replayed, then it ends in a typed error part and never finishes`, async () => {
    const parts = await decode(file);
    const last = parts.at(-1);
    assert.ok(last?.type === 'error', 'the stream must end in an error part');
    assert.equal(last.type === 'error' && { type: last.error.type, code: last.error.code, status: last.error.status }, {
      type: 'provider_invalid_response',
      code: 'duplicate_message_start',
      status: 502,
    });
    assert.not.ok(parts.some((part) => part.type === 'finish'));
  });
}

test('given an overloaded error event mid-stream, when replayed, then it becomes a 529 error part', async () => {
  const sse = 'event: message_start\ndata: {"type":"message_start","message":{"id":"m","model":"c","content":[],"usage":{"input_tokens":1}}}\n\n' +
    'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n';
  const parts = await replay(sse, new AnthropicStreamDecoder());
  assert.equal(parts.at(-1), { type: 'error', error: { status: 529, type: 'overloaded_error', message: 'Overloaded' } });
});

test('given the recorded thinking body, when mapped, then reasoning with signature, text and cache-aware usage come out', () => {
  const result = chatResultFromAnthropic(readJsonFixture('anthropic-clear-thinking.1.json'), 'anthropic', 'claude');
  assert.is(result.content[0]?.type, 'reasoning');
  assert.ok(result.content[0]?.type === 'reasoning' && result.content[0].signature?.startsWith('Er4BCkYI'));
  assert.equal(result.content[1], { type: 'text', text: '925 ÷ 5 = 185' });
  assert.is(result.usage?.outputTokens, 33);
});

test('given the recorded tool body, when mapped, then the input object becomes arguments text', () => {
  const result = chatResultFromAnthropic(readJsonFixture('anthropic-json-tool.1.json'), 'anthropic', 'claude');
  const call = result.content[0];
  assert.ok(call?.type === 'tool-call');
  assert.is(JSON.parse(call.type === 'tool-call' ? call.arguments : '').elements.length, 4);
  assert.equal(result.finish, { reason: 'tool_calls', rawReason: 'tool_use' });
});

test('given the recorded refusal bodies, when mapped, then the explanation becomes refusal text only when present', () => {
  const withDetails = chatResultFromAnthropic(readJsonFixture('anthropic-refusal.json'), 'anthropic', 'claude');
  assert.is(withDetails.content[0]?.type, 'refusal');
  const withoutDetails = chatResultFromAnthropic(readJsonFixture('anthropic-refusal-no-details.json'), 'anthropic', 'claude');
  assert.equal(withoutDetails.content, []);
  assert.is(withoutDetails.finish.reason, 'refusal');
});

test('given cache reads and writes, when usage is mapped, then input counts them all and the details keep them apart', () => {
  const result = chatResultFromAnthropic(
    { id: 'm', model: 'c', content: [], stop_reason: 'end_turn', usage: { input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 900, cache_creation_input_tokens: 100 } },
    'anthropic',
    'c',
  );
  assert.equal(result.usage, { inputTokens: 1010, outputTokens: 5, cachedInputTokens: 900, cacheCreationInputTokens: 100, reasoningTokens: 0 });
});

test('given a 529 overloaded body with retry-after, when mapped, then type, status and retry are kept', () => {
  const body = { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } };
  const error = anthropicErrorFromResponse(529, body, new Headers({ 'retry-after': '3' }));
  assert.equal([error.status, error.type, error.message, error.retryAfterSeconds, error.body], [529, 'overloaded_error', 'Overloaded', 3, body]);
});

test.run();
