// The official openai client's Responses API against a real Lumen process, the simulator
// upstream: every Responses call runs through a chat provider via the canonical call.
import OpenAI from 'openai';
import type { FunctionTool, ResponseFunctionToolCall, ResponseStreamEvent } from 'openai/resources/responses/responses';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';

let gateway: TestGateway;
let client: OpenAI;

test.before(async () => {
  gateway = await startTestGateway();
  const { key } = await gateway.newKey({ creditsUsd: 5 });
  client = new OpenAI({ apiKey: key, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
});
test.after(async () => { await gateway.stop(); });

const weather: FunctionTool = {
  type: 'function', name: 'get_weather', description: 'Weather for a city', strict: null,
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

type WithLumen = { lumen: Record<string, unknown>; usage: Record<string, unknown> };

async function refusedWith(status: number, run: () => Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  let caught: unknown;
  try {
    await run();
  } catch (error) {
    caught = error;
  }
  assert.instance(caught, OpenAI.APIError, `expected an APIError with status ${status}`);
  const error = caught as InstanceType<typeof OpenAI.APIError>;
  assert.is(error.status, status);
  return error;
}

test('given a plain response request with instructions, the answer is a completed response with lumen extras', async () => {
  const response = await client.responses.create({ model: 'gpt-4o-mini', instructions: 'Be brief.', input: 'Hello' });
  assert.is(response.object, 'response');
  assert.is(response.status, 'completed');
  assert.match(response.id, /^resp_/);
  assert.is(response.instructions, 'Be brief.');
  assert.ok(response.output_text.length > 0);
  assert.ok(response.usage!.input_tokens > 0 && response.usage!.output_tokens > 0);
  const extras = response as unknown as WithLumen;
  assert.match(String(extras.lumen.audit_hash), /^[0-9a-f]{64}$/);
  assert.is(extras.lumen.model, 'gpt-test');
  assert.is(extras.usage.total_cost_usd, extras.lumen.cost_usd);
});

test('given developer and earlier assistant turns in input, they are accepted', async () => {
  const response = await client.responses.create({ model: 'gpt-test', input: [
    { role: 'developer', content: 'Answer in one sentence.' }, { role: 'user', content: 'Hi' },
    { role: 'assistant', content: 'Hello!' }, { role: 'user', content: 'How are you?' }] });
  assert.is(response.status, 'completed');
  assert.ok(response.output_text.length > 0);
});

test('given a streamed response, the full event sequence arrives with increasing sequence numbers and finalResponse() has the extras', async () => {
  const stream = client.responses.stream({ model: 'gpt-test', input: 'Tell me something' });
  const events: ResponseStreamEvent[] = [];
  stream.on('event', (event) => events.push(event));
  const response = await stream.finalResponse();
  assert.equal(events.map((event) => event.sequence_number), events.map((_, index) => index));
  const types = events.map((event) => event.type);
  assert.equal(types.slice(0, 4), ['response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added']);
  assert.equal(types.slice(-4), ['response.output_text.done', 'response.content_part.done', 'response.output_item.done', 'response.completed']);
  assert.ok(types.includes('response.output_text.delta'));
  assert.is(response.status, 'completed');
  assert.ok(response.output_text.length > 0);
  assert.match(String((response as unknown as WithLumen).lumen.audit_hash), /^[0-9a-f]{64}$/);
});

test('given a stream cut short by max_output_tokens, it ends with response.incomplete', async () => {
  const stream = client.responses.stream({ model: 'gpt-test', input: 'Tell me a long story', max_output_tokens: 3 });
  const types: string[] = [];
  stream.on('event', (event) => types.push(event.type));
  await stream.done().catch(() => undefined);
  assert.is(types.at(-1), 'response.incomplete');
  const plain = await client.responses.create({ model: 'gpt-test', input: 'Tell me a long story', max_output_tokens: 3 });
  assert.is(plain.status, 'incomplete');
  assert.equal(plain.incomplete_details, { reason: 'max_output_tokens' });
});

test('given a function tool, a function_call item round trips through function_call_output to a text answer', async () => {
  const first = await client.responses.create({ model: 'gpt-test', tools: [weather], input: 'Weather in Paris?' });
  const call = first.output.find((item): item is ResponseFunctionToolCall => item.type === 'function_call')!;
  assert.is(call.name, 'get_weather');
  assert.type(JSON.parse(call.arguments).city, 'string');
  const second = await client.responses.create({ model: 'gpt-test', tools: [weather], input: [
    { role: 'user', content: 'Weather in Paris?' }, call,
    { type: 'function_call_output', call_id: call.call_id, output: '{"temperature": 21}' }] });
  assert.is(second.status, 'completed');
  assert.ok(second.output_text.length > 0);

  const streamed = await client.responses.stream({ model: 'claude-test', tools: [weather], input: 'Weather in Oslo?' }).finalResponse();
  const streamedCall = streamed.output.find((item) => item.type === 'function_call')!;
  assert.type(JSON.parse((streamedCall as ResponseFunctionToolCall).arguments).city, 'string');
});

test('given store, the response can be retrieved by id and deleted, but not by another account, and not when store is false', async () => {
  const created = await client.responses.create({ model: 'gpt-test', input: 'Remember this', store: true });
  const retrieved = await client.responses.retrieve(created.id);
  assert.is(retrieved.id, created.id);
  assert.is(retrieved.output_text, created.output_text);
  const streamed = await client.responses.stream({ model: 'gpt-test', input: 'Remember this too' }).finalResponse();
  assert.is((await client.responses.retrieve(streamed.id)).output_text, streamed.output_text);

  const unstored = await client.responses.create({ model: 'gpt-test', input: 'Forget this', store: false });
  assert.is((unstored as unknown as { store: boolean }).store, false);
  await refusedWith(404, () => client.responses.retrieve(unstored.id));

  const { key } = await gateway.newKey();
  const stranger = new OpenAI({ apiKey: key, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
  const refused = await refusedWith(404, () => stranger.responses.retrieve(created.id));
  assert.is(refused.code, 'response_not_found');
  await refusedWith(404, () => stranger.responses.create({ model: 'gpt-test', input: 'Go on', previous_response_id: created.id }));
  await refusedWith(404, () => stranger.responses.delete(created.id));

  await client.responses.delete(created.id);
  await refusedWith(404, () => client.responses.retrieve(created.id));
  await refusedWith(404, () => client.responses.create({ model: 'gpt-test', input: 'Go on', previous_response_id: created.id }));
});

test('given previous_response_id, the conversation continues from the stored turns', async () => {
  const first = await client.responses.create({ model: 'gpt-test', instructions: 'Be brief.', input: 'My name is Ada.' });
  const second = await client.responses.create({ model: 'gpt-test', input: 'What is my name?', previous_response_id: first.id });
  assert.is(second.previous_response_id, first.id);
  // The simulator counts every prompt text as input: the earlier turns arrive with the new one.
  const alone = await client.responses.create({ model: 'gpt-test', input: 'What is my name?' });
  assert.ok(second.usage!.input_tokens > alone.usage!.input_tokens + first.usage!.output_tokens - 1,
    `${second.usage!.input_tokens} should include the first exchange`);
  const third = await client.responses.stream({ model: 'claude-test', input: 'And again?', previous_response_id: second.id }).finalResponse();
  assert.is(third.status, 'completed');
  assert.ok(third.usage!.input_tokens > second.usage!.input_tokens);
  const missing = await refusedWith(404, () => client.responses.create({ model: 'gpt-test', input: 'Hi', previous_response_id: 'resp_nothing' }));
  assert.is(missing.param, 'previous_response_id');
});

test('given a hosted tool, the request is refused with a 400 naming the tool', async () => {
  const refused = await refusedWith(400, () => client.responses.create({ model: 'gpt-test', input: 'Search the news',
    tools: [{ type: 'web_search_preview' }] }));
  assert.is(refused.code, 'unsupported_hosted_tool');
  assert.is(refused.param, 'tools[0]');
  assert.match(refused.message, /web_search_preview/);
});

test('given a Responses client naming Claude or Gemini, it gets responses from them', async () => {
  for (const [model, provider] of [['claude-test', 'sim-anthropic'], ['claude-sonnet-4-6', 'sim-anthropic'], ['gemini-test', 'sim-gemini']] as const) {
    const response = await client.responses.create({ model, instructions: 'Be brief.', input: 'Hello there' });
    assert.is(response.status, 'completed', model);
    assert.ok(response.output_text.length > 0, model);
    assert.is((response as unknown as WithLumen).lumen.provider, provider, model);
    const streamed = await client.responses.stream({ model, input: 'Hello there' }).finalResponse();
    assert.ok(streamed.output_text.length > 0, model);
    assert.ok(streamed.usage!.output_tokens > 0, model);
  }
});

test('given an unknown model, a bad key or an upstream 429 before a stream starts, errors are OpenAI-shaped', async () => {
  const missing = await refusedWith(404, () => client.responses.create({ model: 'no-such-model', input: 'Hi' }));
  assert.is(missing.code, 'model_not_found');
  const stranger = new OpenAI({ apiKey: 'lumen-not-a-key', baseURL: `${gateway.url}/v1`, maxRetries: 0 });
  await refusedWith(401, () => stranger.responses.create({ model: 'gpt-test', input: 'Hi' }));
  const limited = await refusedWith(429, () => client.responses.stream({ model: 'rate-limited', input: 'Hi' }).finalResponse());
  assert.instance(limited, OpenAI.RateLimitError);
});

test.run();
