import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openAIChatToCanonical } from '../../src/protocols/openai-chat-to-canonical.ts';
import { parseOpenAIChatRequest } from '../../src/protocols/openai-chat-schema.ts';
import { anthropicMessagesBody } from '../../src/providers/anthropic/request.ts';
import { createAnthropicAdapter } from '../../src/providers/anthropic/adapter.ts';
import { DEFAULT_PROVIDER_LIMITS } from '../../src/providers/provider.ts';
import type { CanonicalStreamPart } from '../../src/protocols/canonical.ts';
import { frameAsSse, textOf } from './replay.ts';

const options = { defaultMaxOutputTokens: 4096 };

test('given an OpenAI chat request with tools and tool results, when mapped for Claude, then the Messages body is exact', () => {
  const call = openAIChatToCanonical(
    parseOpenAIChatRequest({
      model: 'claude',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: 'Use tools.' },
        { role: 'user', content: 'Weather in Rome and Paris?' },
        {
          role: 'assistant',
          content: 'Checking.',
          tool_calls: [
            { id: 'toolu_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Rome"}' } },
            { id: 'toolu_2', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'toolu_1', content: 'sunny' },
        { role: 'tool', tool_call_id: 'toolu_2', content: 'rain' },
        { role: 'user', content: 'Thanks, and tomorrow?' },
      ],
      tools: [{ type: 'function', function: { name: 'weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
      tool_choice: 'required',
      parallel_tool_calls: false,
      temperature: 0.5,
      stop: ['END'],
      seed: 7,
      user: 'user-42',
      logit_bias: { '50256': -100 },
    }),
  );
  assert.equal(anthropicMessagesBody(call.request, 'claude-sonnet-4-5', true, options), {
    model: 'claude-sonnet-4-5',
    system: [
      { type: 'text', text: 'Be brief.' },
      { type: 'text', text: 'Use tools.' },
    ],
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'Weather in Rome and Paris?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Checking.' },
          { type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Rome' } },
          { type: 'tool_use', id: 'toolu_2', name: 'weather', input: { city: 'Paris' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'sunny' }] },
          { type: 'tool_result', tool_use_id: 'toolu_2', content: [{ type: 'text', text: 'rain' }] },
          { type: 'text', text: 'Thanks, and tomorrow?' },
        ],
      },
    ],
    max_tokens: 4096,
    temperature: 0.5,
    stop_sequences: ['END'],
    tools: [{ name: 'weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }],
    tool_choice: { type: 'any', disable_parallel_tool_use: true },
    metadata: { user_id: 'user-42' },
    stream: true,
  });
});

test('given a reasoning effort, when mapped for Claude, then thinking gets a budget and temperature is dropped', () => {
  const call = openAIChatToCanonical(
    parseOpenAIChatRequest({ model: 'c', messages: [{ role: 'user', content: 'hi' }], reasoning_effort: 'medium', temperature: 0.3, max_completion_tokens: 1000 }),
  );
  const body = anthropicMessagesBody(call.request, 'claude', false, options);
  assert.equal(body.thinking, { type: 'enabled', budget_tokens: 8192 });
  assert.is(body.max_tokens, 8192 + 1024);
  assert.not.ok('temperature' in body);
});

test('given an OpenAI-protocol request reaching Claude over HTTP, when streamed, then headers are Anthropic and text arrives', async () => {
  const seen: { headers?: Record<string, unknown>; url?: string } = {};
  const server = createServer((request, response) => {
    seen.headers = request.headers;
    seen.url = request.url;
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.end(frameAsSse('anthropic-text.chunks.txt', 'anthropic'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const adapter = createAnthropicAdapter({
      id: 'claude',
      baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      apiKey: 'sk-ant-test',
      limits: DEFAULT_PROVIDER_LIMITS,
    });
    const call = openAIChatToCanonical(parseOpenAIChatRequest({ model: 'c', messages: [{ role: 'user', content: 'Hello' }] }));
    const parts: CanonicalStreamPart[] = [];
    for await (const part of adapter.streamChat(call.request, { upstreamModel: 'claude-sonnet-4-5', signal: new AbortController().signal })) parts.push(part);
    assert.ok(textOf(parts).startsWith('Hello! I'));
    assert.is(seen.url, '/v1/messages');
    assert.is(seen.headers?.['x-api-key'], 'sk-ant-test');
    assert.is(seen.headers?.['anthropic-version'], '2023-06-01');
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

test.run();
