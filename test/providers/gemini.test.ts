import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GeminiStreamDecoder } from '../../src/providers/gemini/stream-decoder.ts';
import { geminiErrorFromResponse } from '../../src/providers/gemini/errors.ts';
import { geminiRequestBody } from '../../src/providers/gemini/request.ts';
import { createGeminiAdapter } from '../../src/providers/gemini/adapter.ts';
import { DEFAULT_PROVIDER_LIMITS, ProviderError } from '../../src/providers/provider.ts';
import { openAIChatToCanonical } from '../../src/protocols/openai-chat-to-canonical.ts';
import { parseOpenAIChatRequest } from '../../src/protocols/openai-chat-schema.ts';
import { frameAsSse, partTypes, readFixture, readJsonFixture, replay, textOf, toolArguments } from './replay.ts';

const decode = (file: string) => replay(frameAsSse(file, 'gemini'), new GeminiStreamDecoder('call_test'));

test('given the recorded Gemini text stream, when replayed, then text, thought-inclusive usage and stop come out', async () => {
  const parts = await decode('google-text.chunks.txt');
  assert.equal(parts[0], { type: 'response-metadata', id: 'bH6LaZW8Fp_3nsEPqtaSwQ4', model: 'gemini-3-pro-preview' });
  assert.ok(textOf(parts).startsWith('There are **3** "r"s in strawberry.'));
  const usage = parts.find((part) => part.type === 'usage');
  assert.equal(usage?.type === 'usage' && usage.usage, { inputTokens: 9, outputTokens: 23 + 185, cachedInputTokens: 0, cacheCreationInputTokens: 0, reasoningTokens: 185 });
  assert.equal(parts.at(-1), { type: 'finish', finish: { reason: 'stop', rawReason: 'STOP' } });
});

test('given the recorded reasoning stream, when replayed, then thoughts count as reasoning tokens inside output', async () => {
  const parts = await decode('google-reasoning.chunks.txt');
  const lastLine = readFixture('google-reasoning.chunks.txt').trim().split('\n').at(-1) ?? '{}';
  const recorded = JSON.parse(lastLine).usageMetadata;
  const usage = parts.find((part) => part.type === 'usage');
  assert.equal(usage?.type === 'usage' && usage.usage, {
    inputTokens: recorded.promptTokenCount,
    outputTokens: recorded.candidatesTokenCount + recorded.thoughtsTokenCount,
    cachedInputTokens: 0,
    cacheCreationInputTokens: 0,
    reasoningTokens: recorded.thoughtsTokenCount,
  });
  assert.ok(parts.some((part) => part.type === 'reasoning-delta' && part.signature !== undefined));
});

test('given the recorded tool-call stream, when replayed, then one call with an id, arguments and a tool_calls finish', async () => {
  const parts = await decode('google-tool-call.chunks.txt');
  assert.equal(partTypes(parts), ['response-metadata', 'tool-call-start', 'tool-call-delta', 'tool-call-end', 'usage', 'finish']);
  const start = parts[1];
  assert.ok(start?.type === 'tool-call-start' && start.id === 'call_test_0' && start.name === 'weather' && start.signature?.startsWith('EqUC'));
  assert.equal(JSON.parse(toolArguments(parts, 0)), { location: 'San Francisco' });
  assert.equal(parts.at(-1), { type: 'finish', finish: { reason: 'tool_calls', rawReason: 'STOP' } });
});

test('given the recorded streamed-arguments tool calls, when replayed, then both calls get their assembled arguments', async () => {
  const parts = await decode('google-stream-tool-call-arguments.chunks.txt');
  const starts = parts.filter((part) => part.type === 'tool-call-start');
  assert.is(starts.length, 2);
  assert.equal(JSON.parse(toolArguments(parts, 0)), { location: 'Boston' });
  assert.equal(JSON.parse(toolArguments(parts, 1)), { location: 'San Francisco' });
  const usage = parts.find((part) => part.type === 'usage');
  assert.equal(usage?.type === 'usage' && usage.usage, { inputTokens: 26, outputTokens: 155, cachedInputTokens: 0, cacheCreationInputTokens: 0, reasoningTokens: 132 });
  assert.is(parts.at(-1)?.type === 'finish' && parts.at(-1)?.type, 'finish');
});

test('given the recorded 429 with RetryInfo, when mapped, then retryAfterSeconds comes from retryDelay', () => {
  const body = readJsonFixture('google-429-retry-info.json');
  const error = geminiErrorFromResponse(429, body, new Headers());
  assert.equal([error.status, error.type, error.code, error.retryAfterSeconds], [429, 'rate_limit_error', 'RESOURCE_EXHAUSTED', 34.4]);
  assert.is(error.body, body);
});

test('given an OpenAI chat request with a tool round trip, when mapped for Gemini, then names, roles and config are Gemini-shaped', () => {
  const call = openAIChatToCanonical(
    parseOpenAIChatRequest({
      model: 'g',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_x_0', type: 'function', function: { name: 'weather', arguments: '{"city":"Rome"}' } }] },
        { role: 'tool', tool_call_id: 'call_x_0', content: 'sunny' },
      ],
      tools: [{ type: 'function', function: { name: 'weather', parameters: { type: 'object' } } }],
      tool_choice: 'required',
      max_tokens: 200,
      response_format: { type: 'json_object' },
    }),
  );
  assert.equal(geminiRequestBody(call.request), {
    contents: [
      { role: 'user', parts: [{ text: 'Weather?' }] },
      { role: 'model', parts: [{ functionCall: { name: 'weather', args: { city: 'Rome' } } }] },
      { role: 'user', parts: [{ functionResponse: { name: 'weather', response: { content: 'sunny' } } }] },
    ],
    systemInstruction: { parts: [{ text: 'Be brief.' }] },
    tools: [{ functionDeclarations: [{ name: 'weather', parametersJsonSchema: { type: 'object' } }] }],
    toolConfig: { functionCallingConfig: { mode: 'ANY' } },
    generationConfig: { maxOutputTokens: 200, responseMimeType: 'application/json' },
  });
});

test('given a Gemini server answering 429 and then JSON, when chat runs, then the error and the body are mapped over HTTP', async () => {
  const answers = [
    { status: 429, body: readFixture('google-429-retry-info.json') },
    { status: 200, body: readFixture('google-tool-call.json') },
  ];
  const urls: string[] = [];
  const server = createServer((request, response) => {
    urls.push(`${request.url} ${request.headers['x-goog-api-key']}`);
    request.resume();
    const answer = answers.shift() ?? { status: 500, body: '{}' };
    request.on('end', () => {
      response.writeHead(answer.status, { 'content-type': 'application/json' });
      response.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const adapter = createGeminiAdapter({ id: 'gemini', baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, apiKey: 'g-key', limits: DEFAULT_PROVIDER_LIMITS });
    const request = { messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'Weather?' }] }], sampling: {} };
    const context = { upstreamModel: 'gemini-3-pro-preview', signal: new AbortController().signal };
    try {
      await adapter.chat(request, context);
      assert.unreachable('expected a 429');
    } catch (error) {
      assert.instance(error, ProviderError);
      assert.is((error as ProviderError).retryAfterSeconds, 34.4);
    }
    const result = await adapter.chat(request, context);
    assert.is(result.content[0]?.type, 'tool-call');
    assert.ok(result.content[0]?.type === 'tool-call' && JSON.parse(result.content[0].arguments).location === 'San Francisco');
    assert.equal(result.finish, { reason: 'tool_calls', rawReason: 'STOP' });
    assert.is(result.usage?.reasoningTokens, 893);
    assert.is(urls[0], '/v1beta/models/gemini-3-pro-preview:generateContent g-key');
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

test.run();
