// The official openai client against a real Lumen process, the simulator upstream.
import OpenAI from 'openai';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';

let gateway: TestGateway;
let client: OpenAI;
let accountId: string;

test.before(async () => {
  gateway = await startTestGateway();
  const issued = await gateway.newKey({ creditsUsd: 5 });
  accountId = issued.accountId;
  client = new OpenAI({ apiKey: issued.key, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
});
test.after(async () => { await gateway.stop(); });

const weather = {
  type: 'function' as const,
  function: { name: 'get_weather', description: 'Weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
};

test('given a plain chat request, the answer carries the standard body plus lumen extras with a committed audit hash', async () => {
  const completion = await client.chat.completions.create({ model: 'gpt-4o-mini',
    messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hello' }, { role: 'assistant', content: 'Hi!' },
      { role: 'user', content: 'How are you?' }] });
  assert.is(completion.object, 'chat.completion');
  assert.ok((completion.choices[0]!.message.content ?? '').length > 0);
  assert.ok(completion.usage!.prompt_tokens > 0);
  const extras = completion as unknown as { lumen: Record<string, unknown>; usage: Record<string, number> };
  assert.match(String(extras.lumen.audit_hash), /^[0-9a-f]{64}$/);
  assert.is(extras.lumen.model, 'gpt-test');
  assert.is(extras.lumen.provider, 'sim-openai');
  assert.is(extras.lumen.tier, 'small');
  assert.ok(Number(extras.lumen.cost_usd) > 0);
  assert.is(extras.usage.total_cost_usd, extras.lumen.cost_usd);
});

test('given a streamed chat request with include_usage, chunks arrive and the usage chunk carries the extras', async () => {
  const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', stream: true, stream_options: { include_usage: true },
    messages: [{ role: 'user', content: 'Tell me something' }] });
  let text = '';
  const chunks: any[] = [];
  for await (const chunk of stream) {
    chunks.push(chunk);
    text += chunk.choices[0]?.delta?.content ?? '';
  }
  assert.ok(text.length > 0);
  const last = chunks.at(-1);
  assert.equal(last.choices, []);
  assert.ok(last.usage.completion_tokens > 0);
  assert.match(last.lumen.audit_hash, /^[0-9a-f]{64}$/);
  assert.ok(last.usage.total_cost_usd > 0);
});

test('given a streamed chat request without include_usage, no usage chunk reaches the client but the final chunk has lumen', async () => {
  const stream = await client.chat.completions.create({ model: 'claude-sonnet-4-6', stream: true,
    messages: [{ role: 'user', content: 'Stream through Claude' }] });
  const chunks: any[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  assert.ok(chunks.every((chunk) => chunk.usage === undefined || chunk.usage === null));
  const last = chunks.at(-1);
  assert.ok(last.choices[0].finish_reason !== null);
  assert.is(last.lumen.model, 'claude-test');
  assert.ok(last.lumen.cost_usd > 0, 'usage was captured for billing although the client did not ask for it');
});

test('given tools, a tool call round trip works, and streamed tool calls reassemble into valid JSON', async () => {
  const first = await client.chat.completions.create({ model: 'gpt-4o-mini', tools: [weather],
    messages: [{ role: 'user', content: 'Weather in Paris?' }] });
  const call = first.choices[0]!.message.tool_calls![0]! as { id: string; function: { name: string; arguments: string } };
  assert.is(call.function.name, 'get_weather');
  assert.type(JSON.parse(call.function.arguments).city, 'string');
  const second = await client.chat.completions.create({ model: 'gpt-4o-mini', tools: [weather], messages: [
    { role: 'user', content: 'Weather in Paris?' }, first.choices[0]!.message,
    { role: 'tool', tool_call_id: call.id, content: '{"temperature": 21}' }] });
  assert.is(second.choices[0]!.finish_reason, 'stop');
  assert.ok((second.choices[0]!.message.content ?? '').length > 0);

  for (const model of ['gpt-4o-mini', 'claude-sonnet-4-6', 'gemini-test']) {
    const runner = client.chat.completions.stream({ model, tools: [weather], messages: [{ role: 'user', content: 'Weather in Oslo?' }] });
    const final = await runner.finalChatCompletion();
    const streamed = final.choices[0]!.message.tool_calls![0]! as { function: { name: string; arguments: string } };
    assert.is(streamed.function.name, 'get_weather', model);
    assert.type(JSON.parse(streamed.function.arguments), 'object', model);
  }
});

test('given response_format json_object, the answer is JSON', async () => {
  const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', response_format: { type: 'json_object' },
    messages: [{ role: 'user', content: 'Give me JSON' }] });
  assert.type(JSON.parse(completion.choices[0]!.message.content!), 'object');
});

test('given the legacy completions API, plain and streamed completions work', async () => {
  const completion = await client.completions.create({ model: 'gpt-4o-mini', prompt: 'Once upon a time', max_tokens: 8 });
  assert.is(completion.object, 'text_completion');
  assert.ok(completion.choices[0]!.text.length > 0);
  const stream = await client.completions.create({ model: 'gpt-4o-mini', prompt: 'Once upon a time', max_tokens: 8, stream: true });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
  assert.ok(text.length > 0);
});

test('given embeddings requests, float and base64 encodings both decode to the same vectors', async () => {
  const floats = await client.embeddings.create({ model: 'embed-test', input: ['alpha', 'beta'], encoding_format: 'float' });
  const decoded = await client.embeddings.create({ model: 'embed-test', input: ['alpha', 'beta'] });
  assert.is(floats.data.length, 2);
  assert.is(decoded.data[1]!.embedding.length, floats.data[1]!.embedding.length);
  floats.data[0]!.embedding.forEach((value, index) => assert.ok(Math.abs(value - decoded.data[0]!.embedding[index]!) < 1e-6));
  assert.match((floats as any).lumen.audit_hash, /^[0-9a-f]{64}$/);
});

test('given a Gemini embedding model, the openai client gets embeddings and usage Lumen counted itself', async () => {
  const result = await client.embeddings.create({ model: 'gemini-embed-test', input: ['alpha', 'beta', 'gamma'], dimensions: 8 });
  assert.is(result.data.length, 3);
  assert.is(result.data[2]!.embedding.length, 8);
  assert.ok(result.usage.prompt_tokens >= 3, 'Gemini reports no usage: Lumen counts the input');
  assert.ok((result as any).lumen.cost_usd >= 0);
});

test('given the model list, it is enriched and filterable, and single models resolve by id or alias', async () => {
  const list = await client.models.list();
  const ids = list.data.map((model) => model.id);
  assert.ok(ids.includes('gpt-test') && ids.includes('embed-test'));
  const gpt = list.data.find((model) => model.id === 'gpt-test') as any;
  assert.is(gpt.lumen.tier, 'small');
  assert.is(gpt.lumen.prices_usd_per_million.input, 0.15);
  const imageInput = await fetch(`${gateway.url}/v1/models?input=text,image&output=text`, { headers: { authorization: `Bearer ${client.apiKey}` } });
  const filtered = (await imageInput.json() as { data: Array<{ id: string }> }).data.map((model) => model.id);
  assert.ok(filtered.includes('gpt-test'));
  assert.not.ok(filtered.includes('embed-test'));
  assert.is((await client.models.retrieve('gpt-4o-mini')).id, 'gpt-test');
});

test('given all these calls, the account was charged exactly the sum the responses reported', async () => {
  const account = await gateway.admin('GET', `/v1/admin/accounts/${accountId}`);
  assert.is(account.status, 200);
  assert.ok(account.body.requests >= 12, `requests ${account.body.requests}`);
  assert.ok(account.body.balance_usd < 5);
});

test.run();
