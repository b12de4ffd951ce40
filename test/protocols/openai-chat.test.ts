import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Stream } from 'openai/core/streaming';
import { ChatCompletionStream } from 'openai/lib/ChatCompletionStream';
import type { CanonicalStreamPart } from '../../src/protocols/canonical.ts';
import { openAIChatToCanonical } from '../../src/protocols/openai-chat-to-canonical.ts';
import { parseOpenAIChatRequest } from '../../src/protocols/openai-chat-schema.ts';
import { canonicalToOpenAIChat } from '../../src/protocols/canonical-to-openai-chat.ts';
import { OpenAIChatStreamEncoder } from '../../src/protocols/canonical-to-openai-chat-stream.ts';
import { OPENAI_DONE_FRAME, sseFrame } from '../../src/protocols/sse-frames.ts';
import { TranslationError } from '../../src/protocols/translation-error.ts';
import { openAIChatBody } from '../../src/providers/openai/request.ts';
import { OpenAIStreamDecoder } from '../../src/providers/openai/stream-decoder.ts';
import { frameAsSse, replay } from '../providers/replay.ts';

const clientRequest = {
  model: 'fast',
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: [{ type: 'text', text: 'What is here?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0K' } }] },
    { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Rome"}' } }] },
    { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
  ],
  tools: [{ type: 'function', function: { name: 'weather', description: 'Weather by city', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
  tool_choice: { type: 'function', function: { name: 'weather' } },
  response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object' }, strict: true } },
  max_tokens: 100,
  stop: 'END',
  temperature: 0.2,
  stream: true,
  stream_options: { include_usage: true },
  repetition_penalty: 1.1,
};

test('given an OpenAI chat request, when translated to canonical and back to an upstream body, then every field is preserved', () => {
  const call = openAIChatToCanonical(parseOpenAIChatRequest(clientRequest));
  assert.is(call.model, 'fast');
  assert.is(call.stream, true);
  assert.is(call.includeUsage, true);
  assert.equal(call.request.messages[1]?.content[1], { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBORw0K' } });
  assert.equal(call.request.extra, { origin: 'openai-chat', fields: { repetition_penalty: 1.1 } });

  const body = openAIChatBody(call.request, 'gpt-4.1-nano', true, { maxTokensField: 'max_completion_tokens' });
  assert.equal(body, {
    repetition_penalty: 1.1,
    model: 'gpt-4.1-nano',
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: [{ type: 'text', text: 'What is here?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0K' } }] },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Rome"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
    ],
    temperature: 0.2,
    stop: ['END'],
    max_completion_tokens: 100,
    tools: [{ type: 'function', function: { name: 'weather', description: 'Weather by city', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
    tool_choice: { type: 'function', function: { name: 'weather' } },
    response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object' }, strict: true } },
    stream: true,
    stream_options: { include_usage: true },
  });
});

test('given web_search_options, when mapped for a chat upstream, then a TranslationError names the hosted tool', () => {
  const call = openAIChatToCanonical(parseOpenAIChatRequest({ model: 'm', messages: [{ role: 'user', content: 'news?' }], web_search_options: {} }));
  try {
    openAIChatBody(call.request, 'gpt-4.1', false, { maxTokensField: 'max_completion_tokens' });
    assert.unreachable('expected a TranslationError');
  } catch (error) {
    assert.instance(error, TranslationError);
    assert.is((error as TranslationError).code, 'unsupported_hosted_tool');
    assert.is((error as TranslationError).status, 400);
  }
});

test('given a request body missing messages, when parsed, then a TranslationError names the field', () => {
  assert.throws(() => parseOpenAIChatRequest({ model: 'm' }), (error: unknown) => error instanceof TranslationError && error.param === 'messages');
});

const identity = { id: 'chatcmpl-lumen1', model: 'fast', createdSeconds: 1770000000 };

function encodeAll(parts: CanonicalStreamPart[], includeUsage: boolean) {
  const encoder = new OpenAIChatStreamEncoder(identity, { includeUsage });
  return parts.flatMap((part) => encoder.encode(part));
}

async function accumulateWithOpenAISdk(chunks: unknown[]) {
  const sse = chunks.map((chunk) => sseFrame(chunk)).join('') + OPENAI_DONE_FRAME;
  const stream = Stream.fromSSEResponse(new Response(sse), new AbortController());
  return ChatCompletionStream.fromReadableStream(stream.toReadableStream()).finalChatCompletion();
}

const toolCallParts: CanonicalStreamPart[] = [
  { type: 'response-metadata', id: 'upstream-id', model: 'claude' },
  { type: 'text-delta', text: 'Checking.' },
  { type: 'tool-call-start', index: 0, id: 'toolu_1', name: 'weather' },
  { type: 'tool-call-delta', index: 0, argumentsDelta: '{"city":' },
  { type: 'tool-call-delta', index: 0, argumentsDelta: '"Rome"}' },
  { type: 'tool-call-end', index: 0 },
  { type: 'usage', usage: { inputTokens: 50, outputTokens: 20, cachedInputTokens: 10, cacheCreationInputTokens: 0, reasoningTokens: 0 } },
  { type: 'finish', finish: { reason: 'tool_calls', rawReason: 'tool_use' } },
];

test('given canonical tool-call parts, when encoded, then the chunks follow OpenAI exactly', () => {
  const chunks = encodeAll(toolCallParts, true) as Array<Record<string, any>>;
  assert.equal(
    chunks.map((chunk) => [chunk.choices[0]?.delta ?? null, chunk.choices[0]?.finish_reason ?? null, chunk.usage]),
    [
      [{ role: 'assistant', content: '', refusal: null }, null, null],
      [{ content: 'Checking.' }, null, null],
      [{ tool_calls: [{ index: 0, id: 'toolu_1', type: 'function', function: { name: 'weather', arguments: '' } }] }, null, null],
      [{ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }, null, null],
      [{ tool_calls: [{ index: 0, function: { arguments: '"Rome"}' } }] }, null, null],
      [{}, 'tool_calls', null],
      [null, null, { prompt_tokens: 50, completion_tokens: 20, total_tokens: 70, prompt_tokens_details: { cached_tokens: 10 }, completion_tokens_details: { reasoning_tokens: 0 } }],
    ],
  );
  assert.ok(chunks.every((chunk) => chunk.object === 'chat.completion.chunk' && chunk.id === 'chatcmpl-lumen1' && chunk.model === 'fast'));
});

test('given the encoded tool-call stream, when the OpenAI SDK accumulates it, then it sees the call, finish and usage', async () => {
  const completion = await accumulateWithOpenAISdk(encodeAll(toolCallParts, true));
  const choice = completion.choices[0];
  assert.is(choice?.message.content, 'Checking.');
  assert.equal(choice?.message.tool_calls, [{ id: 'toolu_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Rome"}' } }]);
  assert.is(choice?.finish_reason, 'tool_calls');
  assert.is(completion.usage?.total_tokens, 70);
});

test('given the recorded OpenAI stream decoded to canonical, when re-encoded without include_usage, then the SDK rebuilds the same text and no usage chunk is sent', async () => {
  const parts = await replay(frameAsSse('openai-text.chunks.txt', 'openai'), new OpenAIStreamDecoder('gpt-4.1-nano'));
  const chunks = encodeAll(parts, false) as Array<Record<string, any>>;
  assert.ok(chunks.every((chunk) => !('usage' in chunk) && chunk.choices.length === 1));
  const completion = await accumulateWithOpenAISdk(chunks);
  const original = parts.map((part) => (part.type === 'text-delta' ? part.text : '')).join('');
  assert.is(completion.choices[0]?.message.content, original);
  assert.is(completion.choices[0]?.finish_reason, 'stop');
});

test('given an error part, when encoded and read by the OpenAI SDK, then the client sees an APIError with the message', async () => {
  const chunks = encodeAll([{ type: 'text-delta', text: 'Hi' }, { type: 'error', error: { status: 502, type: 'provider_unreachable', message: 'upstream gone' } }], false);
  const sse = chunks.map((chunk) => sseFrame(chunk)).join('');
  const stream = Stream.fromSSEResponse(new Response(sse), new AbortController());
  try {
    for await (const _chunk of stream) {
      // drain
    }
    assert.unreachable('expected the SDK to throw');
  } catch (error) {
    assert.match(String((error as Error).message), 'upstream gone');
  }
});

test('given a canonical result with text, reasoning and a tool call, when rendered, then the body is an OpenAI chat.completion', () => {
  const body = canonicalToOpenAIChat(
    {
      id: 'upstream',
      model: 'claude-x',
      content: [
        { type: 'reasoning', text: 'think', signature: 'sig' },
        { type: 'text', text: 'Hello' },
        { type: 'tool-call', id: 'call_9', name: 'f', arguments: '{}' },
      ],
      finish: { reason: 'tool_calls', rawReason: 'tool_use' },
      usage: { inputTokens: 3, outputTokens: 4, cachedInputTokens: 0, cacheCreationInputTokens: 0, reasoningTokens: 1 },
    },
    identity,
  );
  assert.equal(body, {
    id: 'chatcmpl-lumen1',
    object: 'chat.completion',
    created: 1770000000,
    model: 'fast',
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: 'Hello',
          refusal: null,
          reasoning_content: 'think',
          tool_calls: [{ id: 'call_9', type: 'function', function: { name: 'f', arguments: '{}' } }],
          annotations: [],
        },
        logprobs: null,
        finish_reason: 'tool_calls',
      },
    ],
    usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 1 } },
  });
});

test.run();
