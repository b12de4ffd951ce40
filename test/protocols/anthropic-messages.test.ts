import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Stream } from '@anthropic-ai/sdk/core/streaming';
import { MessageStream } from '@anthropic-ai/sdk/lib/MessageStream';
import type { CanonicalStreamPart } from '../../src/protocols/canonical.ts';
import { parseAnthropicRequest } from '../../src/protocols/anthropic-schema.ts';
import { anthropicToCanonical } from '../../src/protocols/anthropic-to-canonical.ts';
import { AnthropicStreamEncoder, canonicalToAnthropic } from '../../src/protocols/canonical-to-anthropic.ts';
import { sseFrame } from '../../src/protocols/sse-frames.ts';
import { TranslationError } from '../../src/protocols/translation-error.ts';
import { anthropicMessagesBody } from '../../src/providers/anthropic/request.ts';
import { AnthropicStreamDecoder } from '../../src/providers/anthropic/stream-decoder.ts';
import { openAIChatBody } from '../../src/providers/openai/request.ts';
import { OpenAIStreamDecoder } from '../../src/providers/openai/stream-decoder.ts';
import { frameAsSse, replay, textOf } from '../providers/replay.ts';

const clientRequest = {
  model: 'claude-alias',
  max_tokens: 1024,
  system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
  messages: [
    { role: 'user', content: 'Weather in Rome?' },
    {
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: 'Use the tool.', signature: 'sig-1' },
        { type: 'text', text: 'Checking.', citations: null },
        { type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Rome' } },
      ],
    },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'sunny' }, { type: 'text', text: 'And Paris?' }] },
  ],
  tools: [{ name: 'weather', input_schema: { type: 'object' } }],
  tool_choice: { type: 'auto' },
  thinking: { type: 'enabled', budget_tokens: 2048 },
  metadata: { user_id: 'u-1' },
  stream: true,
};

test('given an Anthropic request, when translated to canonical and back to Anthropic, then the body survives with cache control and thinking', () => {
  const call = anthropicToCanonical(parseAnthropicRequest(clientRequest));
  assert.equal(call.request.messages.map((message) => message.role), ['system', 'user', 'assistant', 'tool', 'user']);
  assert.equal(anthropicMessagesBody(call.request, 'claude-sonnet-4-5', true, { defaultMaxOutputTokens: 4096 }), {
    model: 'claude-sonnet-4-5',
    system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'Weather in Rome?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'Use the tool.', signature: 'sig-1' },
          { type: 'text', text: 'Checking.' },
          { type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Rome' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'sunny' }] },
          { type: 'text', text: 'And Paris?' },
        ],
      },
    ],
    max_tokens: 3072,
    thinking: { type: 'enabled', budget_tokens: 2048 },
    tools: [{ name: 'weather', input_schema: { type: 'object' } }],
    tool_choice: { type: 'auto' },
    metadata: { user_id: 'u-1' },
    stream: true,
  });
});

test('given an Anthropic request, when mapped for an OpenAI upstream, then tool results become tool messages and thinking is dropped', () => {
  const call = anthropicToCanonical(parseAnthropicRequest(clientRequest));
  const body = openAIChatBody(call.request, 'gpt-5', false, { maxTokensField: 'max_completion_tokens' });
  assert.equal(body.messages, [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Weather in Rome?' },
    { role: 'assistant', content: 'Checking.', tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Rome"}' } }] },
    { role: 'tool', tool_call_id: 'toolu_1', content: 'sunny' },
    { role: 'user', content: 'And Paris?' },
  ]);
  assert.is(body.max_completion_tokens, 1024);
});

test('given a mid-conversation system message, when translated, then it stays in place in canonical and joins system for Anthropic', () => {
  const call = anthropicToCanonical(parseAnthropicRequest({
    model: 'claude-alias', max_tokens: 64, system: 'Be brief.',
    messages: [{ role: 'user', content: 'Hello' }, { role: 'system', content: [{ type: 'text', text: 'Working directory: /tmp' }] }],
  }));
  assert.equal(call.request.messages.map((message) => message.role), ['system', 'user', 'system']);
  const body = anthropicMessagesBody(call.request, 'claude-sonnet-4-5', false, { defaultMaxOutputTokens: 4096 });
  assert.equal([body.system, body.messages], [
    [{ type: 'text', text: 'Be brief.' }, { type: 'text', text: 'Working directory: /tmp' }],
    [{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }],
  ]);
});

test('given an Anthropic hosted web_search tool, when mapped for an OpenAI upstream, then a TranslationError is raised', () => {
  const call = anthropicToCanonical(
    parseAnthropicRequest({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }], tools: [{ type: 'web_search_20250305', name: 'web_search' }] }),
  );
  assert.throws(() => openAIChatBody(call.request, 'gpt', false, { maxTokensField: 'max_tokens' }), (error: unknown) => error instanceof TranslationError && error.code === 'unsupported_hosted_tool');
});

const identity = { id: 'msg_lumen_1', model: 'claude-alias', createdSeconds: 1770000000 };

async function finalMessageFromSdk(parts: CanonicalStreamPart[]) {
  const encoder = new AnthropicStreamEncoder(identity);
  const sse = parts.flatMap((part) => encoder.encode(part)).map((event) => sseFrame(event.data, event.event)).join('');
  const stream = Stream.fromSSEResponse(new Response(sse), new AbortController());
  return MessageStream.fromReadableStream(stream.toReadableStream()).finalMessage();
}

for (const file of ['anthropic-clear-thinking.1.chunks.txt', 'anthropic-json-tool.1.chunks.txt', 'anthropic-tool-no-args.chunks.txt']) {
  test(`given ${file} decoded to canonical, when re-encoded as Anthropic SSE, then the Anthropic SDK rebuilds the same message`, async () => {
    const parts = await replay(frameAsSse(file, 'anthropic'), new AnthropicStreamDecoder());
    const message = await finalMessageFromSdk(parts);
    assert.is(message.id, 'msg_lumen_1');
    const usage = parts.find((part) => part.type === 'usage');
    assert.is(message.usage.output_tokens, usage?.type === 'usage' ? usage.usage.outputTokens : -1);
    if (file.includes('thinking')) {
      assert.equal(message.content.map((block) => block.type), ['thinking', 'text']);
      assert.ok(message.content[0]?.type === 'thinking' && message.content[0].signature.startsWith('EvQBCkYICxgC'));
      assert.ok(message.content[1]?.type === 'text' && message.content[1].text === '925 ÷ 5 = 185');
      assert.equal(message.stop_reason, 'end_turn');
    } else {
      assert.is(message.stop_reason, 'tool_use');
      const toolUse = message.content.find((block) => block.type === 'tool_use');
      const expectedInput = file.includes('json') ? { elements: [{ location: 'San Francisco', temperature: 58, condition: 'sunny' }] } : {};
      assert.equal(toolUse?.type === 'tool_use' && toolUse.input, expectedInput);
    }
  });
}

test('given the recorded OpenAI stream, when encoded for an Anthropic client, then the SDK sees the text and end_turn', async () => {
  const parts = await replay(frameAsSse('openai-text.chunks.txt', 'openai'), new OpenAIStreamDecoder('gpt'));
  const message = await finalMessageFromSdk(parts);
  assert.is(message.content[0]?.type === 'text' && message.content[0].text, textOf(parts));
  assert.is(message.stop_reason, 'end_turn');
  assert.is(message.usage.input_tokens, 16);
});

test('given tool-call parts, when encoded, then the exact Anthropic event sequence is produced', () => {
  const encoder = new AnthropicStreamEncoder(identity);
  const parts: CanonicalStreamPart[] = [
    { type: 'text-delta', text: 'Hi' },
    { type: 'tool-call-start', index: 0, id: 'call_1', name: 'f' },
    { type: 'tool-call-delta', index: 0, argumentsDelta: '{}' },
    { type: 'tool-call-end', index: 0 },
    { type: 'usage', usage: { inputTokens: 100, outputTokens: 5, cachedInputTokens: 80, cacheCreationInputTokens: 0, reasoningTokens: 0 } },
    { type: 'finish', finish: { reason: 'tool_calls', rawReason: 'tool_calls' } },
  ];
  const events = parts.flatMap((part) => encoder.encode(part));
  assert.equal(events.map((event) => `${event.event}${'index' in event.data ? `#${event.data.index}` : ''}`), [
    'message_start', 'ping', 'content_block_start#0', 'content_block_delta#0', 'content_block_stop#0', 'content_block_start#1',
    'content_block_delta#1', 'content_block_stop#1', 'message_delta', 'message_stop',
  ]);
  assert.equal(events.at(-2)?.data, {
    type: 'message_delta',
    delta: { stop_reason: 'tool_use', stop_sequence: null },
    usage: { input_tokens: 20, output_tokens: 5, cache_creation_input_tokens: 0, cache_read_input_tokens: 80 },
  });
});

test('given a stream error from another provider, when encoded for an Anthropic client, then the error type is one of Anthropic\'s', () => {
  const encode = (status: number, type: string) => {
    const encoder = new AnthropicStreamEncoder({ id: 'msg_1', model: 'm', createdSeconds: 0 });
    const events = encoder.encode({ type: 'error', error: { status, type, message: 'upstream went away' } });
    return (events.at(-1)!.data as { error: { type: string } }).error.type;
  };
  assert.is(encode(502, 'provider_unreachable'), 'api_error');
  assert.is(encode(429, 'rate_limit_exceeded'), 'rate_limit_error');
  assert.is(encode(504, 'provider_timeout'), 'timeout_error');
  assert.is(encode(529, 'overloaded_error'), 'overloaded_error');
});

test('given a canonical refusal result, when rendered as an Anthropic body, then stop_reason is refusal', () => {
  const body = canonicalToAnthropic({ id: 'x', model: 'm', content: [], finish: { reason: 'refusal', rawReason: 'refusal' } }, identity);
  assert.is(body.stop_reason, 'refusal');
  assert.equal(body.content, []);
});

test.run();
