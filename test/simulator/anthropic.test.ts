// Anthropic Messages, through the official `@anthropic-ai/sdk` client, compared with recorded
// real streams.
import Anthropic from '@anthropic-ai/sdk';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RunningSimulator } from '../../src/simulator/index.ts';
import { countSimulatedTokens, naturalReplyTokenCount, SIMULATED_MODELS, simulatedReplyText, startSimulator } from '../../src/simulator/index.ts';
import { fixtureChunks, fixtureJson, missingShape, parseServerSentEvents, postJson } from './wire-shape.ts';

let simulator: RunningSimulator;
let client: Anthropic;

test.before(async () => {
  simulator = await startSimulator({ apiKey: 'anthropic-test-key' });
  client = new Anthropic({ apiKey: 'anthropic-test-key', baseURL: simulator.url, maxRetries: 0 });
});
test.after(() => simulator.close());

const weatherTool = {
  name: 'get_weather',
  description: 'Weather for a city',
  input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] },
};

const EVENT_TYPES_WITHOUT_DELTAS = ['message_start', 'content_block_start', 'ping', 'content_block_stop', 'message_delta', 'message_stop'];

test('given a user message, when created, then the predicted text comes back in the recorded shape', async () => {
  const message = await client.messages.create({
    model: 'sim-claude-sonnet',
    max_tokens: 1024,
    system: 'Be brief.',
    messages: [{ role: 'user', content: 'How are you?' }],
  });
  const expectedTokens = naturalReplyTokenCount('How are you?');
  assert.equal(message.content, [{ type: 'text', text: simulatedReplyText('How are you?', expectedTokens, true) }]);
  assert.is(message.stop_reason, 'end_turn');
  assert.equal([message.usage.input_tokens, message.usage.output_tokens], [3 + 4, expectedTokens]);
  assert.equal(missingShape(fixtureJson('anthropic-text.json'), message, ['$.usage.inference_geo']), []);
});

test('given a stream, when framed, then named events follow the recorded sequence and shapes', async () => {
  const response = await postJson(
    `${simulator.url}/v1/messages`,
    { model: 'sim-claude-haiku', max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'Hello' }] },
    { 'x-api-key': 'anthropic-test-key', 'anthropic-version': '2023-06-01' },
  );
  const events = parseServerSentEvents(await response.text());
  const payloads = events.map((event) => JSON.parse(event.data) as Record<string, unknown>);
  assert.ok(events.every((event, index) => event.event === payloads[index]?.['type']));
  const recorded = fixtureChunks('anthropic-text.chunks.txt');
  const sequence = (chunks: Record<string, unknown>[]): unknown[] =>
    chunks.map((chunk) => chunk['type']).filter((type) => type !== 'content_block_delta');
  assert.equal(sequence(payloads), sequence(recorded));
  assert.equal(sequence(payloads), EVENT_TYPES_WITHOUT_DELTAS);
  for (const type of ['message_start', 'content_block_start', 'content_block_delta', 'message_delta']) {
    const ours = payloads.find((payload) => payload['type'] === type);
    const theirs = recorded.find((payload) => payload['type'] === type);
    assert.equal(missingShape(theirs, ours, ['$.message.usage.inference_geo']), [], type);
  }
});

test('given a stream read by the SDK, when finalized, then it equals the plain reply', async () => {
  const request = { model: 'sim-claude-haiku', max_tokens: 8, messages: [{ role: 'user' as const, content: 'Count to three' }] };
  const plain = await client.messages.create(request);
  const final = await client.messages.stream(request).finalMessage();
  assert.equal(final.content, plain.content);
  assert.is(final.stop_reason, 'max_tokens');
  assert.equal(final.usage.output_tokens, 8);
});

test('given tools, when created and streamed, then a tool_use block carries schema-built input', async () => {
  const request = { model: 'sim-claude-opus', max_tokens: 256, tools: [weatherTool], messages: [{ role: 'user' as const, content: 'Weather in Rome?' }] };
  const plain = await client.messages.create(request);
  const block = plain.content[0];
  assert.is(plain.stop_reason, 'tool_use');
  assert.equal(block?.type === 'tool_use' ? [block.name, block.input] : [], ['get_weather', { city: 'sample city' }]);
  const stream = client.messages.stream(request);
  let jsonDeltas = 0;
  stream.on('inputJson', () => (jsonDeltas += 1));
  const final = await stream.finalMessage();
  const streamedBlock = final.content[0];
  assert.ok(jsonDeltas > 0);
  assert.equal(streamedBlock?.type === 'tool_use' ? streamedBlock.input : undefined, { city: 'sample city' });
  const recordedStart = fixtureChunks('anthropic-json-tool.1.chunks.txt').find((chunk) => chunk['type'] === 'content_block_start');
  const response = await postJson(`${simulator.url}/v1/messages`, { ...request, stream: true }, { 'x-api-key': 'anthropic-test-key' });
  const ourStart = parseServerSentEvents(await response.text()).find((event) => event.event === 'content_block_start');
  assert.equal(missingShape(recordedStart, JSON.parse(ourStart?.data ?? '{}')), []);
});

test('given a tool_result as last message, when created, then the model answers with text', async () => {
  const message = await client.messages.create({
    model: 'sim-claude-opus',
    max_tokens: 256,
    tools: [weatherTool],
    messages: [
      { role: 'user', content: 'Weather in Rome?' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Rome' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'Sunny' }] },
    ],
  });
  assert.is(message.stop_reason, 'end_turn');
  assert.is(message.content[0]?.type, 'text');
});

test('given thinking enabled, when streamed, then a thinking block with signature precedes the text', async () => {
  const stream = client.messages.stream({
    model: 'sim-claude-sonnet',
    max_tokens: 2048,
    thinking: { type: 'enabled', budget_tokens: 1024 },
    messages: [{ role: 'user', content: 'What is 925 / 5?' }],
  });
  const deltaTypes = new Set<string>();
  stream.on('streamEvent', (event) => {
    if (event.type === 'content_block_delta') deltaTypes.add(event.delta.type);
  });
  const final = await stream.finalMessage();
  assert.equal([...deltaTypes].sort(), ['signature_delta', 'text_delta', 'thinking_delta']);
  assert.equal(final.content.map((block) => block.type), ['thinking', 'text']);
  const thinking = final.content[0];
  assert.ok(thinking?.type === 'thinking' && thinking.signature.length > 0 && thinking.thinking.length > 0);
  const recordedStart = fixtureChunks('anthropic-clear-thinking.1.chunks.txt').find((chunk) => chunk['type'] === 'content_block_start');
  assert.equal(recordedStart?.['content_block'], { type: 'thinking', thinking: '', signature: '' });
});

test('given messages, when tokens are counted, then the count equals the input usage of a real call', async () => {
  const request = { model: 'sim-claude-haiku', system: 'You are terse.', messages: [{ role: 'user' as const, content: 'Summarize: a, b and c.' }] };
  const counted = await client.messages.countTokens(request);
  const created = await client.messages.create({ ...request, max_tokens: 5 });
  assert.is(counted.input_tokens, countSimulatedTokens('You are terse.') + countSimulatedTokens('Summarize: a, b and c.'));
  assert.is(created.usage.input_tokens, counted.input_tokens);
});

test('given the models endpoint with anthropic-version, when listed, then the Anthropic models come back', async () => {
  const ids: string[] = [];
  for await (const model of client.models.list()) ids.push(model.id);
  assert.equal(ids, SIMULATED_MODELS.anthropic.map((model) => model.id));
});

test('given a missing max_tokens or a wrong key, when sent, then the SDK raises the matching error classes', async () => {
  try {
    await client.messages.create({ model: 'x', messages: [{ role: 'user', content: 'hi' }] } as never);
    assert.unreachable('should have failed');
  } catch (error) {
    assert.instance(error, Anthropic.BadRequestError);
    assert.match(String((error as InstanceType<typeof Anthropic.BadRequestError>).message), 'max_tokens');
  }
  const stranger = new Anthropic({ apiKey: 'wrong', baseURL: simulator.url, maxRetries: 0 });
  try {
    await stranger.messages.create({ model: 'x', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] });
    assert.unreachable('should have failed');
  } catch (error) {
    assert.instance(error, Anthropic.AuthenticationError);
    assert.equal((error as InstanceType<typeof Anthropic.AuthenticationError>).error, {
      type: 'error',
      error: { type: 'authentication_error', message: 'invalid x-api-key' },
      request_id: (error as InstanceType<typeof Anthropic.AuthenticationError>).requestID,
    });
  }
});

test.run();
