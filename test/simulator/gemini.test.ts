// Gemini generateContent / streamGenerateContent / embedContent via plain fetch, compared with
// recorded real responses.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RunningSimulator } from '../../src/simulator/index.ts';
import { embeddingVector, naturalReplyTokenCount, simulatedReplyText, startSimulator } from '../../src/simulator/index.ts';
import { fixtureChunks, fixtureJson, missingShape, parseServerSentEvents, postJson } from './wire-shape.ts';

const API_KEY = 'gemini-test-key';
let simulator: RunningSimulator;

test.before(async () => {
  simulator = await startSimulator({ apiKey: API_KEY });
});
test.after(() => simulator.close());

// Fields only thinking models send; the simulated Gemini models do not think.
const THINKING_FIELDS = ['$.usageMetadata.thoughtsTokenCount', '$.candidates[].content.parts[].thoughtSignature', '$.candidates[].finishMessage'];

function url(model: string, method: string, query = ''): string {
  return `${simulator.url}/v1beta/models/${model}:${method}${query}`;
}

const weatherTools = [{ functionDeclarations: [{ name: 'weather', parameters: { type: 'OBJECT', properties: { location: { type: 'STRING' } } } }] }];

test('given contents, when generated, then the predicted text comes back in the recorded shape', async () => {
  const response = await postJson(url('sim-gemini-flash', 'generateContent'), {
    systemInstruction: { parts: [{ text: 'Be brief.' }] },
    contents: [{ role: 'user', parts: [{ text: 'How many r in strawberry?' }] }],
  }, { 'x-goog-api-key': API_KEY });
  const body = (await response.json()) as { candidates: { content: { parts: { text: string }[] } }[]; usageMetadata: Record<string, number> };
  const question = 'How many r in strawberry?';
  assert.is(body.candidates[0]?.content.parts[0]?.text, simulatedReplyText(question, naturalReplyTokenCount(question), true));
  assert.is(body.usageMetadata['promptTokenCount'], 3 + 6);
  assert.equal(missingShape(fixtureJson('google-text.json'), body, THINKING_FIELDS), []);
});

test('given alt=sse, when streamed, then CRLF-framed data events rebuild the plain text and end with a finishReason', async () => {
  const request = { contents: [{ parts: [{ text: 'How many r in strawberry?' }] }] };
  const plain = (await (await postJson(url('sim-gemini-pro', 'generateContent', `?key=${API_KEY}`), request)).json()) as {
    candidates: { content: { parts: { text: string }[] } }[];
  };
  const response = await postJson(url('sim-gemini-pro', 'streamGenerateContent', `?alt=sse&key=${API_KEY}`), request);
  assert.is(response.headers.get('content-type'), 'text/event-stream; charset=utf-8');
  const raw = await response.text();
  assert.ok(raw.startsWith('data: {') && raw.endsWith('}\r\n\r\n'));
  const chunks = parseServerSentEvents(raw).map((event) => JSON.parse(event.data) as {
    candidates: { content: { parts: { text?: string }[] }; finishReason?: string }[];
    usageMetadata: { candidatesTokenCount: number };
  });
  const text = chunks.map((chunk) => chunk.candidates[0]?.content.parts.map((part) => part.text ?? '').join('')).join('');
  assert.is(text, plain.candidates[0]?.content.parts[0]?.text);
  assert.is(chunks[chunks.length - 1]?.candidates[0]?.finishReason, 'STOP');
  assert.ok(chunks.slice(0, -1).every((chunk) => chunk.candidates[0]?.finishReason === undefined));
  assert.is(chunks[chunks.length - 1]?.usageMetadata.candidatesTokenCount, naturalReplyTokenCount('How many r in strawberry?'));
  const recorded = fixtureChunks('google-text.chunks.txt');
  assert.equal(missingShape(recorded[0], chunks[0], THINKING_FIELDS), []);
});

test('given no alt parameter, when streamed, then one JSON array of the same chunks comes back', async () => {
  const response = await postJson(url('sim-gemini-pro', 'streamGenerateContent'), { contents: [{ parts: [{ text: 'Hi' }] }] }, { 'x-goog-api-key': API_KEY });
  const chunks = (await response.json()) as { candidates: { finishReason?: string }[] }[];
  assert.ok(Array.isArray(chunks) && chunks.length > 1);
  assert.is(chunks[chunks.length - 1]?.candidates[0]?.finishReason, 'STOP');
});

test('given function declarations, when generated and streamed, then a functionCall part comes back', async () => {
  const request = { contents: [{ role: 'user', parts: [{ text: 'Weather in SF?' }] }], tools: weatherTools };
  const response = await postJson(url('sim-gemini-flash', 'generateContent'), request, { 'x-goog-api-key': API_KEY });
  const body = await response.json();
  assert.equal(missingShape(fixtureJson('google-tool-call.json'), body, THINKING_FIELDS), []);
  const part = (body as { candidates: { content: { parts: { functionCall?: unknown }[] } }[] }).candidates[0]?.content.parts[0];
  assert.equal(part?.functionCall, { name: 'weather', args: { location: 'sample location' } });
  const streamed = await postJson(url('sim-gemini-flash', 'streamGenerateContent', '?alt=sse'), request, { 'x-goog-api-key': API_KEY });
  const chunks = parseServerSentEvents(await streamed.text()).map((event) => JSON.parse(event.data));
  const recorded = fixtureChunks('google-tool-call.chunks.txt');
  assert.is(chunks.length, recorded.length);
  chunks.forEach((chunk, index) => assert.equal(missingShape(recorded[index], chunk, THINKING_FIELDS), [], `chunk ${index}`));
});

test('given a functionResponse as last part, when generated, then the model answers with text', async () => {
  const response = await postJson(url('sim-gemini-flash', 'generateContent'), {
    tools: weatherTools,
    contents: [
      { role: 'user', parts: [{ text: 'Weather in SF?' }] },
      { role: 'model', parts: [{ functionCall: { name: 'weather', args: { location: 'SF' } } }] },
      { role: 'user', parts: [{ functionResponse: { name: 'weather', response: { sky: 'foggy' } } }] },
    ],
  }, { 'x-goog-api-key': API_KEY });
  const body = (await response.json()) as { candidates: { content: { parts: { text?: string }[] } }[] };
  assert.type(body.candidates[0]?.content.parts[0]?.text, 'string');
});

test('given texts, when embedded singly and in batch, then deterministic vectors of the asked size come back', async () => {
  const single = await postJson(url('sim-gemini-embedding', 'embedContent'), { content: { parts: [{ text: 'alpha' }] }, outputDimensionality: 16 }, { 'x-goog-api-key': API_KEY });
  const singleBody = (await single.json()) as { embedding: { values: number[] } };
  assert.equal(singleBody.embedding.values, embeddingVector('alpha', 16));
  const batch = await postJson(url('sim-gemini-embedding', 'batchEmbedContents'), {
    requests: [{ model: 'models/sim-gemini-embedding', content: { parts: [{ text: 'alpha' }] } }, { content: { parts: [{ text: 'beta' }] }, outputDimensionality: 8 }],
  }, { 'x-goog-api-key': API_KEY });
  const batchBody = (await batch.json()) as { embeddings: { values: number[] }[] };
  assert.equal(batchBody.embeddings.map((entry) => entry.values.length), [3072, 8]);
});

test('given a missing or wrong key and a forced 429, when sent, then Google-shaped errors come back', async () => {
  const request = { contents: [{ parts: [{ text: 'Hi' }] }] };
  const missing = await postJson(url('sim-gemini-flash', 'generateContent'), request);
  assert.is(missing.status, 403);
  const wrong = await postJson(url('sim-gemini-flash', 'generateContent'), request, { 'x-goog-api-key': 'nope' });
  assert.equal(((await wrong.json()) as { error: { status: string } }).error.status, 'INVALID_ARGUMENT');
  const limited = await postJson(url('sim-error-429', 'generateContent'), request, { 'x-goog-api-key': API_KEY });
  assert.is(limited.status, 429);
  assert.equal(missingShape(fixtureJson('google-429-retry-info.json'), await limited.json(), ['$.error.details[].violations']), []);
});

test.run();
