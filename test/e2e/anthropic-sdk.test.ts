// The official @anthropic-ai/sdk against a real Lumen process, the simulator upstream: Anthropic
// clients reach every catalog model, in Anthropic's own wire format, with Lumen's extras.
import Anthropic from '@anthropic-ai/sdk';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';

let gateway: TestGateway;
let client: Anthropic;
let key: string;

test.before(async () => {
  gateway = await startTestGateway();
  ({ key } = await gateway.newKey({ creditsUsd: 5 }));
  client = new Anthropic({ apiKey: key, baseURL: gateway.url, maxRetries: 0 });
});
test.after(async () => { await gateway.stop(); });

const weather: Anthropic.Tool = {
  name: 'get_weather', description: 'Weather for a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

type WithLumen = { lumen: Record<string, unknown>; usage: Record<string, unknown> };

test('given a plain message, the answer is an Anthropic message with lumen extras and a committed audit hash', async () => {
  const message = await client.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 256, system: 'Be brief.',
    messages: [{ role: 'user', content: 'Hello' }] });
  assert.is(message.type, 'message');
  assert.is(message.role, 'assistant');
  assert.is(message.stop_reason, 'end_turn');
  const text = message.content[0]!;
  assert.ok(text.type === 'text' && text.text.length > 0);
  assert.ok(message.usage.input_tokens > 0 && message.usage.output_tokens > 0);
  const extras = message as unknown as WithLumen;
  assert.match(String(extras.lumen.audit_hash), /^[0-9a-f]{64}$/);
  assert.is(extras.lumen.model, 'claude-test');
  assert.is(extras.lumen.provider, 'sim-anthropic');
  assert.is(extras.usage.total_cost_usd, extras.lumen.cost_usd);
});

test('given a streamed message, named events arrive in order and finalMessage() equals a plain answer, extras on message_delta', async () => {
  const stream = client.messages.stream({ model: 'claude-sonnet-4-6', max_tokens: 256, messages: [{ role: 'user', content: 'Tell me something' }] });
  const kinds: string[] = [];
  let delta: any;
  stream.on('streamEvent', (event) => {
    kinds.push(event.type);
    if (event.type === 'message_delta') delta = event;
  });
  const message = await stream.finalMessage();
  assert.is(kinds[0], 'message_start');
  assert.is(kinds.at(-1), 'message_stop');
  assert.is(kinds.at(-2), 'message_delta');
  assert.ok(kinds.includes('content_block_start') && kinds.includes('content_block_delta') && kinds.includes('content_block_stop'));
  const text = message.content[0]!;
  assert.ok(text.type === 'text' && text.text.length > 0);
  assert.is(message.stop_reason, 'end_turn');
  assert.ok(message.usage.output_tokens > 0);
  assert.match(String(delta.lumen.audit_hash), /^[0-9a-f]{64}$/);
  assert.ok(delta.lumen.cost_usd > 0);
});

test('given the raw stream, every frame is a named SSE event whose name matches its data type', async () => {
  const response = await fetch(`${gateway.url}/v1/messages`, { method: 'POST',
    headers: { 'x-api-key': key, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'claude-test', max_tokens: 64, stream: true, messages: [{ role: 'user', content: 'Hi' }] }) });
  assert.is(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
  const frames = (await response.text()).trim().split('\n\n');
  for (const frame of frames) {
    const [eventLine, dataLine] = frame.split('\n');
    const name = eventLine!.replace(/^event: /, '');
    assert.is(JSON.parse(dataLine!.replace(/^data: /, '')).type, name);
  }
  assert.equal(frames.slice(0, 2).map((frame) => frame.split('\n')[0]), ['event: message_start', 'event: ping']);
});

test('given tools, a tool_use → tool_result → text round trip works', async () => {
  const question: Anthropic.MessageParam = { role: 'user', content: 'Weather in Paris?' };
  const first = await client.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 256, tools: [weather], messages: [question] });
  assert.is(first.stop_reason, 'tool_use');
  const call = first.content.find((block) => block.type === 'tool_use')!;
  assert.ok(call.type === 'tool_use');
  assert.is(call.name, 'get_weather');
  assert.type((call.input as { city: unknown }).city, 'string');
  const second = await client.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 256, tools: [weather], messages: [
    question, { role: 'assistant', content: first.content },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: '{"temperature": 21}' }] }] });
  assert.is(second.stop_reason, 'end_turn');
  const text = second.content[0]!;
  assert.ok(text.type === 'text' && text.text.length > 0);
});

test('given a streamed tool call on every provider, input_json_delta fragments reassemble into the tool input', async () => {
  for (const model of ['claude-test', 'gpt-test', 'gemini-test']) {
    const stream = client.messages.stream({ model, max_tokens: 256, tools: [weather], messages: [{ role: 'user', content: 'Weather in Oslo?' }] });
    let fragments = '';
    stream.on('inputJson', (partial) => { fragments += partial; });
    const message = await stream.finalMessage();
    const call = message.content.find((block) => block.type === 'tool_use');
    assert.ok(call !== undefined && call.type === 'tool_use', model);
    assert.is(call.name, 'get_weather', model);
    assert.type((call.input as { city: unknown }).city, 'string', model);
    assert.equal(JSON.parse(fragments), call.input, model);
    assert.is(message.stop_reason, 'tool_use', model);
  }
});

test('given an Anthropic client naming OpenAI and Gemini models, it gets Anthropic messages from them', async () => {
  for (const [model, provider] of [['gpt-test', 'sim-openai'], ['gpt-4o-mini', 'sim-openai'], ['gemini-test', 'sim-gemini']] as const) {
    const message = await client.messages.create({ model, max_tokens: 128, messages: [{ role: 'user', content: 'Hello there' }] });
    assert.is(message.type, 'message', model);
    const text = message.content[0]!;
    assert.ok(text.type === 'text' && text.text.length > 0, model);
    assert.is((message as unknown as WithLumen).lumen.provider, provider, model);
    const streamed = await client.messages.stream({ model, max_tokens: 128, messages: [{ role: 'user', content: 'Hello there' }] }).finalMessage();
    assert.ok(streamed.content[0]!.type === 'text', model);
    assert.ok(streamed.usage.output_tokens > 0, model);
  }
});

test('given count_tokens, the input tokens of the request are counted for any model, and unknown models are 404', async () => {
  const small = await client.messages.countTokens({ model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: 'Hi' }] });
  const larger = await client.messages.countTokens({ model: 'gpt-test', system: 'You are a careful assistant.', tools: [weather],
    messages: [{ role: 'user', content: 'What is the weather like in Paris today, and should I take an umbrella?' }] });
  assert.ok(small.input_tokens > 0);
  assert.ok(larger.input_tokens > small.input_tokens);
  try {
    await client.messages.countTokens({ model: 'no-such-model', messages: [{ role: 'user', content: 'Hi' }] });
    assert.unreachable('an unknown model must be refused');
  } catch (error) {
    assert.instance(error, Anthropic.NotFoundError);
  }
});

test('given the beta client, /v1/messages?beta=true with anthropic-beta works', async () => {
  const message = await client.beta.messages.create({ model: 'claude-test', max_tokens: 64, betas: ['token-efficient-tools-2025-02-19'],
    messages: [{ role: 'user', content: 'Hello' }] });
  assert.is(message.type, 'message');
  assert.ok(message.content.length > 0);
});

test('given a bad key, the SDK raises AuthenticationError from an Anthropic-shaped 401', async () => {
  const stranger = new Anthropic({ apiKey: 'lumen-not-a-key', baseURL: gateway.url, maxRetries: 0 });
  try {
    await stranger.messages.create({ model: 'claude-test', max_tokens: 64, messages: [{ role: 'user', content: 'Hi' }] });
    assert.unreachable('a bad key must be refused');
  } catch (error) {
    assert.instance(error, Anthropic.AuthenticationError);
    const body = (error as InstanceType<typeof Anthropic.AuthenticationError>).error as any;
    assert.is(body.type, 'error');
    assert.is(body.error.type, 'authentication_error');
  }
});

test('given an unknown model, plain or streamed, the SDK raises NotFoundError', async () => {
  for (const stream of [false, true]) {
    try {
      await client.messages.create({ model: 'no-such-model', max_tokens: 64, stream, messages: [{ role: 'user', content: 'Hi' }] });
      assert.unreachable('an unknown model must be refused');
    } catch (error) {
      assert.instance(error, Anthropic.NotFoundError, `stream: ${stream}`);
      assert.is(((error as any).error).error.type, 'not_found_error');
    }
  }
});

test('given an invalid request or a failing upstream, errors keep Anthropic\'s shape and status, also mid-stream', async () => {
  try {
    await client.messages.create({ model: 'claude-test', max_tokens: 0, messages: [{ role: 'user', content: 'Hi' }] });
    assert.unreachable('max_tokens 0 must be refused');
  } catch (error) {
    assert.instance(error, Anthropic.BadRequestError);
    assert.is(((error as any).error).error.type, 'invalid_request_error');
  }
  try {
    await client.messages.create({ model: 'rate-limited', max_tokens: 64, messages: [{ role: 'user', content: 'Hi' }] });
    assert.unreachable('the upstream 429 must reach the client');
  } catch (error) {
    assert.instance(error, Anthropic.RateLimitError);
    assert.is(((error as any).error).error.type, 'rate_limit_error');
  }
  const cut = client.messages.stream({ model: 'cut-stream', max_tokens: 64, messages: [{ role: 'user', content: 'Hi' }] });
  const failure = await cut.finalMessage().then(() => undefined, (error: unknown) => error);
  assert.instance(failure, Anthropic.APIError, 'a stream cut mid-way ends with an error event the SDK raises');
});

test('given anthropic-version and anthropic-beta, they are forwarded to an Anthropic upstream', async () => {
  const seen: IncomingHttpHeaders[] = [];
  const upstream = createServer((request, response) => {
    seen.push(request.headers);
    request.resume();
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ id: 'msg_upstream', type: 'message', role: 'assistant', model: 'claude-recorded',
      content: [{ type: 'text', text: 'Recorded.' }], stop_reason: 'end_turn', stop_sequence: null,
      usage: { input_tokens: 3, output_tokens: 2 } }));
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const configPath = join(mkdtempSync(join(tmpdir(), 'lumen-recorded-')), 'lumen.json');
  writeFileSync(configPath, JSON.stringify({
    providers: [{ id: 'recorded', kind: 'anthropic', baseUrl: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`, apiKey: 'k' }],
    models: [{ id: 'recorded-claude', provider: 'recorded', upstream: 'claude-recorded', tier: 'small', capabilities: ['chat'],
      prices: { input_per_million_usd: '3', output_per_million_usd: '15' }, context_window: 200000, max_output_tokens: 8192,
      modalities: { input: ['text'], output: ['text'] }, price_version: '2026-11-23' }],
  }));
  const recorded = await startTestGateway({ LUMEN_CONFIG: configPath });
  try {
    const { key: recordedKey } = await recorded.newKey();
    const beta = new Anthropic({ apiKey: recordedKey, baseURL: recorded.url, maxRetries: 0,
      defaultHeaders: { 'anthropic-version': '2023-06-01' } });
    const message = await beta.beta.messages.create({ model: 'recorded-claude', max_tokens: 32, betas: ['context-1m-2025-08-07'],
      messages: [{ role: 'user', content: 'Hi' }] });
    assert.is((message.content[0] as { text: string }).text, 'Recorded.');
    assert.is(seen.length, 1);
    assert.is(seen[0]!['anthropic-beta'], 'context-1m-2025-08-07');
    assert.is(seen[0]!['anthropic-version'], '2023-06-01');
    assert.is(seen[0]!['x-api-key'], 'k', 'the upstream gets the provider key, never the client key');
  } finally {
    await recorded.stop();
    upstream.close();
  }
});

test.run();
