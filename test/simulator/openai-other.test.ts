// OpenAI Responses, embeddings, models, images and transcriptions, through the official SDK.
import OpenAI, { toFile } from 'openai';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RunningSimulator } from '../../src/simulator/index.ts';
import { embeddingVector, naturalReplyTokenCount, SIMULATED_MODELS, simulatedReplyText, startSimulator } from '../../src/simulator/index.ts';
import { fixtureChunks, fixtureJson, missingShape, parseServerSentEvents, postJson } from './wire-shape.ts';

let simulator: RunningSimulator;
let client: OpenAI;

test.before(async () => {
  simulator = await startSimulator();
  client = new OpenAI({ apiKey: 'test-key', baseURL: `${simulator.url}/v1`, maxRetries: 0 });
});
test.after(() => simulator.close());

test('given texts, when embedded as floats, then vectors are deterministic, unit length and sized by dimensions', async () => {
  const result = await client.embeddings.create({
    model: 'sim-embedding-small',
    input: ['alpha beta', 'gamma'],
    encoding_format: 'float',
    dimensions: 64,
  });
  assert.equal(missingShape(fixtureJson('openai-embedding.json'), result), []);
  const [first, second] = result.data.map((entry) => entry.embedding);
  assert.is(first?.length, 64);
  assert.equal(first, embeddingVector('alpha beta', 64));
  assert.is.not(first?.[0], second?.[0]);
  const length = Math.sqrt((first ?? []).reduce((sum, value) => sum + value * value, 0));
  assert.ok(Math.abs(length - 1) < 1e-5);
  assert.is(result.usage.prompt_tokens, 3);
});

test('given base64 encoding, when embedded, then the little-endian float32 bytes decode to the float vector', async () => {
  const response = await postJson(`${simulator.url}/v1/embeddings`, { model: 'sim-embedding-large', input: 'alpha beta', encoding_format: 'base64' });
  const body = (await response.json()) as { data: { embedding: string }[] };
  const bytes = Buffer.from(body.data[0]?.embedding ?? '', 'base64');
  const decoded = Array.from({ length: bytes.length / 4 }, (_, index) => bytes.readFloatLE(index * 4));
  assert.is(decoded.length, 3072);
  assert.equal(decoded, embeddingVector('alpha beta', 3072));
  // The SDK asks for base64 by default and decodes it itself.
  const viaSdk = await client.embeddings.create({ model: 'sim-embedding-large', input: 'alpha beta' });
  assert.equal(viaSdk.data[0]?.embedding, decoded);
});

test('given the models endpoint, when listed, then the advertised OpenAI models come back', async () => {
  const ids: string[] = [];
  for await (const model of client.models.list()) ids.push(model.id);
  assert.equal(ids, SIMULATED_MODELS.openai.map((model) => model.id));
  assert.is((await client.models.retrieve('gpt-4o')).id, 'gpt-4o');
});

test('given a Responses request, when created, then output_text is the predicted reply with usage', async () => {
  const response = await client.responses.create({ model: 'sim-gpt-mid', instructions: 'Be kind.', input: 'Explain the ledger' });
  assert.is(response.status, 'completed');
  assert.is(response.output_text, simulatedReplyText('Explain the ledger', naturalReplyTokenCount('Explain the ledger'), true));
  assert.equal([response.usage?.input_tokens, response.usage?.output_tokens], [6, naturalReplyTokenCount('Explain the ledger')]);
});

test('given a streamed Responses request, when read with the SDK helper, then events are ordered and numbered', async () => {
  const stream = client.responses.stream({ model: 'sim-gpt-mid', input: 'Explain the ledger' });
  const types: string[] = [];
  const sequenceNumbers: number[] = [];
  for await (const event of stream) {
    types.push(event.type);
    sequenceNumbers.push(event.sequence_number);
  }
  const final = await stream.finalResponse();
  assert.is(final.output_text, simulatedReplyText('Explain the ledger', naturalReplyTokenCount('Explain the ledger'), true));
  const deltas = types.filter((type) => type === 'response.output_text.delta').length;
  assert.is(deltas, naturalReplyTokenCount('Explain the ledger'));
  assert.equal(types.filter((type) => type !== 'response.output_text.delta'), [
    'response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added',
    'response.output_text.done', 'response.content_part.done', 'response.output_item.done', 'response.completed',
  ]);
  assert.equal(sequenceNumbers, sequenceNumbers.map((_, index) => index));
});

test('given a streamed Responses request, when framed, then events are named and match the recorded response shape', async () => {
  const response = await postJson(`${simulator.url}/v1/responses`, { model: 'sim-gpt-mid', input: 'Hi', stream: true });
  const events = parseServerSentEvents(await response.text());
  assert.ok(events.every((event) => event.event === (JSON.parse(event.data) as { type: string }).type));
  const recordedCreated = fixtureChunks('openai-error.1.chunks.txt')[0];
  // A reasoning model was recorded; the simulated models do not reason, so effort is null.
  const ignored = ['$.response.prompt_cache_retention', '$.response.reasoning.effort'];
  assert.equal(missingShape(recordedCreated, JSON.parse(events[0]?.data ?? '{}'), ignored), []);
});

test('given function tools, when streamed, then a function_call item arrives with argument deltas', async () => {
  const tools = [{ type: 'function' as const, name: 'lookup', strict: false, parameters: { type: 'object', properties: { id: { type: 'integer' } } } }];
  const stream = client.responses.stream({ model: 'sim-gpt-mid', input: 'Look up order 7', tools });
  const types = new Set<string>();
  for await (const event of stream) types.add(event.type);
  const final = await stream.finalResponse();
  const item = final.output[0];
  assert.ok(types.has('response.function_call_arguments.delta') && types.has('response.function_call_arguments.done'));
  assert.is(item?.type, 'function_call');
  assert.equal(item?.type === 'function_call' ? [item.name, JSON.parse(item.arguments)] : [], ['lookup', { id: 42 }]);
  const followUp = await client.responses.create({
    model: 'sim-gpt-mid',
    tools,
    input: [
      { role: 'user', content: 'Look up order 7' },
      { type: 'function_call', call_id: 'call_1', name: 'lookup', arguments: '{"id":7}' },
      { type: 'function_call_output', call_id: 'call_1', output: 'shipped' },
    ],
  });
  assert.is(followUp.output_text, simulatedReplyText('shipped', naturalReplyTokenCount('shipped'), true));
});

test('given a max_output_tokens cut, when streamed, then the response ends incomplete', async () => {
  const stream = client.responses.stream({ model: 'sim-gpt-mid', input: 'Long please', max_output_tokens: 3 });
  const types: string[] = [];
  for await (const event of stream) types.push(event.type);
  assert.is(types[types.length - 1], 'response.incomplete');
});

test('given an image prompt, when generated, then a valid PNG comes back as base64 or as a served URL', async () => {
  const asBase64 = await client.images.generate({ model: 'sim-image', prompt: 'an otter' });
  const png = Buffer.from(asBase64.data?.[0]?.b64_json ?? '', 'base64');
  assert.equal([...png.subarray(1, 4)], [...Buffer.from('PNG')]);
  const asUrl = await client.images.generate({ model: 'dall-e-3', prompt: 'an otter', response_format: 'url' });
  const fetched = await fetch(asUrl.data?.[0]?.url ?? '');
  assert.is(fetched.headers.get('content-type'), 'image/png');
  assert.equal(Buffer.from(await fetched.arrayBuffer()), png);
});

test('given an audio upload, when transcribed, then text and a duration usage come back', async () => {
  const audio = Buffer.alloc(40_000, 7);
  const transcription = await client.audio.transcriptions.create({
    model: 'sim-whisper',
    file: await toFile(audio, 'speech.wav', { type: 'audio/wav' }),
  });
  assert.type(transcription.text, 'string');
  assert.ok(transcription.text.length > 0);
  assert.equal(transcription.usage, { type: 'duration', seconds: 3 });
  const recorded = fixtureJson('openai-transcription.json') as { usage: unknown };
  assert.equal(missingShape(recorded.usage, transcription.usage), []);
});

test.run();
