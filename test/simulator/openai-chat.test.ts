// OpenAI Chat Completions and legacy Completions, driven through the official `openai` SDK and
// compared with recorded real responses.
import OpenAI from 'openai';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RunningSimulator } from '../../src/simulator/index.ts';
import { countSimulatedTokens, naturalReplyTokenCount, simulatedReplyText, startSimulator } from '../../src/simulator/index.ts';
import { fixtureChunks, fixtureJson, missingShape, parseServerSentEvents, postJson } from './wire-shape.ts';

let simulator: RunningSimulator;
let client: OpenAI;

test.before(async () => {
  simulator = await startSimulator();
  client = new OpenAI({ apiKey: 'test-key', baseURL: `${simulator.url}/v1`, maxRetries: 0 });
});
test.after(() => simulator.close());

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    parameters: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } }, required: ['city'] },
  },
};

test('given a user question, when completed, then the reply is the predicted text with consistent usage', async () => {
  const question = 'What does the ledger record?';
  const completion = await client.chat.completions.create({
    model: 'sim-gpt-small',
    messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: question }],
  });
  const expectedTokens = naturalReplyTokenCount(question);
  assert.is(completion.choices[0]?.message.content, simulatedReplyText(question, expectedTokens, true));
  assert.is(completion.choices[0]?.finish_reason, 'stop');
  assert.equal(
    [completion.usage?.prompt_tokens, completion.usage?.completion_tokens, completion.usage?.total_tokens],
    [countSimulatedTokens('Be brief.') + countSimulatedTokens(question), expectedTokens, 3 + 6 + expectedTokens],
  );
  const missing = missingShape(fixtureJson('openai-chat-text.json'), completion);
  assert.equal(missing, []);
});

test('given n=2 and max_tokens=4, when completed, then two distinct cut choices are billed together', async () => {
  const completion = await client.chat.completions.create({
    model: 'sim-gpt-nano',
    n: 2,
    max_tokens: 4,
    messages: [{ role: 'user', content: 'Tell me a story' }],
  });
  assert.equal(completion.choices.map((choice) => choice.finish_reason), ['length', 'length']);
  assert.is.not(completion.choices[0]?.message.content, completion.choices[1]?.message.content);
  assert.is(completion.usage?.completion_tokens, 8);
});

test('given include_usage, when streamed, then chunks match the recorded shape and end with a usage chunk and [DONE]', async () => {
  const response = await postJson(`${simulator.url}/v1/chat/completions`, {
    model: 'sim-gpt-small',
    stream: true,
    stream_options: { include_usage: true },
    messages: [{ role: 'user', content: 'Stream please' }],
  });
  const events = parseServerSentEvents(await response.text());
  assert.is(events[events.length - 1]?.data, '[DONE]');
  const chunks = events.slice(0, -1).map((event) => JSON.parse(event.data) as Record<string, unknown>);
  const recorded = fixtureChunks('openai-chat-text.chunks.txt');
  const ignored = ['$.obfuscation'];
  assert.equal(missingShape(recorded[0], chunks[0], ignored), [], 'role chunk');
  assert.equal(missingShape(recorded[1], chunks[1], ignored), [], 'content chunk');
  assert.equal(missingShape(recorded[recorded.length - 2], chunks[chunks.length - 2], ignored), [], 'finish chunk');
  assert.equal(missingShape(recorded[recorded.length - 1], chunks[chunks.length - 1], ignored), [], 'usage chunk');
  const usageChunk = chunks[chunks.length - 1] as { choices: unknown[]; usage: { completion_tokens: number } };
  assert.equal(usageChunk.choices, []);
  assert.is(usageChunk.usage.completion_tokens, naturalReplyTokenCount('Stream please'));
});

test('given a stream through the SDK, when accumulated, then it equals the non-streamed reply', async () => {
  const messages = [{ role: 'user' as const, content: 'Same answer twice?' }];
  const plain = await client.chat.completions.create({ model: 'sim-gpt-mid', messages });
  const stream = await client.chat.completions.create({ model: 'sim-gpt-mid', messages, stream: true });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
  assert.is(text, plain.choices[0]?.message.content);
});

test('given tools and a user message, when completed, then the first tool is called with schema-built arguments', async () => {
  const completion = await client.chat.completions.create({
    model: 'sim-gpt-small',
    messages: [{ role: 'user', content: 'Weather in Paris?' }],
    tools: [weatherTool],
  });
  const call = completion.choices[0]?.message.tool_calls?.[0];
  assert.is(completion.choices[0]?.finish_reason, 'tool_calls');
  assert.is(call?.type === 'function' ? call.function.name : undefined, 'get_weather');
  assert.equal(call?.type === 'function' ? JSON.parse(call.function.arguments) : undefined, { city: 'sample city', days: 42 });
  assert.ok(call?.id.startsWith('call_'));
});

test('given tools, when streamed with the SDK helper, then tool-call fragments accumulate into the same call', async () => {
  const stream = client.chat.completions.stream({
    model: 'sim-gpt-small',
    messages: [{ role: 'user', content: 'Weather in Paris?' }],
    tools: [weatherTool],
  });
  let fragments = 0;
  stream.on('tool_calls.function.arguments.delta', () => (fragments += 1));
  const final = await stream.finalChatCompletion();
  const call = final.choices[0]?.message.tool_calls?.[0];
  assert.ok(fragments > 1);
  assert.is(final.choices[0]?.finish_reason, 'tool_calls');
  assert.equal(call?.type === 'function' ? JSON.parse(call.function.arguments) : undefined, { city: 'sample city', days: 42 });
});

test('given a tool result as last message, when completed, then the model answers with text', async () => {
  const completion = await client.chat.completions.create({
    model: 'sim-gpt-small',
    tools: [weatherTool],
    messages: [
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: 'Sunny, 21 C' },
    ],
  });
  assert.is(completion.choices[0]?.finish_reason, 'stop');
  assert.is(completion.choices[0]?.message.content, simulatedReplyText('Sunny, 21 C', naturalReplyTokenCount('Sunny, 21 C'), true));
});

test('given json_schema and json_object formats, when completed, then the content is valid JSON of that shape', async () => {
  const schema = { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' } } };
  const structured = await client.chat.completions.create({
    model: 'sim-gpt-small',
    messages: [{ role: 'user', content: 'Describe a person' }],
    response_format: { type: 'json_schema', json_schema: { name: 'person', schema } },
  });
  assert.equal(JSON.parse(structured.choices[0]?.message.content ?? ''), { name: 'sample name', age: 42 });
  const loose = await client.chat.completions.create({
    model: 'sim-gpt-small',
    messages: [{ role: 'user', content: 'Describe a person' }],
    response_format: { type: 'json_object' },
  });
  assert.type((JSON.parse(loose.choices[0]?.message.content ?? '{}') as { answer: unknown }).answer, 'string');
});

test('given a legacy completion, when created plain and streamed, then it defaults to 16 tokens like the real API', async () => {
  const plain = await client.completions.create({ model: 'sim-gpt-small', prompt: 'Once upon a time' });
  assert.is(plain.choices[0]?.finish_reason, 'length');
  assert.is(plain.usage?.completion_tokens, 16);
  assert.equal(missingShape(fixtureJson('openai-completion-text.json'), plain), []);
  const stream = await client.completions.create({
    model: 'sim-gpt-small',
    prompt: 'Once upon a time',
    stream: true,
    stream_options: { include_usage: true },
  });
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  const recorded = fixtureChunks('openai-completion-text.chunks.txt');
  assert.equal(missingShape(recorded[0], chunks[0]), []);
  assert.equal(missingShape(recorded[recorded.length - 1], chunks[chunks.length - 1]), []);
  assert.is(chunks.map((chunk) => chunk.choices[0]?.text ?? '').join(''), plain.choices[0]?.text);
  assert.is(chunks[chunks.length - 2]?.choices[0]?.finish_reason, 'length');
});

test.run();
