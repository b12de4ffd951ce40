import { test } from 'uvu';
import * as assert from 'uvu/assert';
import OpenAI, { APIError } from 'openai';
import type { CanonicalStreamPart } from '../../src/protocols/canonical.ts';
import { ResponsesStreamEncoder, responsesSseFrame, type ResponsesStreamEvent } from '../../src/protocols/canonical-to-responses-stream.ts';
import { parseResponsesRequest } from '../../src/protocols/responses-schema.ts';
import { responsesToCanonical } from '../../src/protocols/responses-to-canonical.ts';
import { anthropicMessagesBody } from '../../src/providers/anthropic/request.ts';
import { AnthropicStreamDecoder } from '../../src/providers/anthropic/stream-decoder.ts';
import { frameAsSse, reasoningOf, replay, textOf } from '../providers/replay.ts';
import { recordedEvents, withServedBytes } from './served-bytes.ts';

const identity = { id: 'resp_lumen1', model: 'fast', createdSeconds: 1770000000 };
const echo = responsesToCanonical(parseResponsesRequest({ model: 'fast', input: 'hi' })).echo;
const usage = { inputTokens: 50, outputTokens: 20, cachedInputTokens: 10, cacheCreationInputTokens: 0, reasoningTokens: 0 };

function encodeAll(parts: CanonicalStreamPart[]): ResponsesStreamEvent[] {
  const encoder = new ResponsesStreamEncoder(identity, echo);
  return parts.flatMap((part) => encoder.encode(part));
}

const sseOf = (events: ResponsesStreamEvent[]) => events.map(responsesSseFrame).join('');
const client = (baseURL: string) => new OpenAI({ baseURL, apiKey: 'test-key', maxRetries: 0 });

const textParts: CanonicalStreamPart[] = [
  { type: 'response-metadata', id: 'up-1', model: 'claude' },
  { type: 'text-delta', text: 'Hel' },
  { type: 'text-delta', text: 'lo' },
  { type: 'usage', usage },
  { type: 'finish', finish: { reason: 'stop', rawReason: 'end_turn' } },
];

const toolParts: CanonicalStreamPart[] = [
  { type: 'reasoning-delta', text: 'Use the' },
  { type: 'reasoning-delta', text: ' tool.' },
  { type: 'reasoning-delta', text: '', signature: 'sig-1' },
  { type: 'text-delta', text: 'Checking.' },
  { type: 'tool-call-start', index: 0, id: 'toolu_1', name: 'weather' },
  { type: 'tool-call-delta', index: 0, argumentsDelta: '{"city":' },
  { type: 'tool-call-delta', index: 0, argumentsDelta: '"Rome"}' },
  { type: 'tool-call-end', index: 0 },
  { type: 'usage', usage },
  { type: 'finish', finish: { reason: 'tool_calls', rawReason: 'tool_use' } },
];

test('given canonical text parts, when encoded, then the events follow OpenAI exactly with sequence numbers from 0', () => {
  const events = encodeAll(textParts);
  assert.equal(events.map((event) => event.type), [
    'response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added',
    'response.output_text.delta', 'response.output_text.delta', 'response.output_text.done', 'response.content_part.done',
    'response.output_item.done', 'response.completed',
  ]);
  assert.equal(events.map((event) => event.sequence_number), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const location = { item_id: 'msg_lumen1_0', output_index: 0, content_index: 0 };
  assert.equal(events[2], { type: 'response.output_item.added', output_index: 0, sequence_number: 2, item: { id: 'msg_lumen1_0', type: 'message', status: 'in_progress', role: 'assistant', content: [] } });
  assert.equal(events[3], { type: 'response.content_part.added', ...location, sequence_number: 3, part: { type: 'output_text', annotations: [], logprobs: [], text: '' } });
  assert.equal(events[4], { type: 'response.output_text.delta', ...location, delta: 'Hel', logprobs: [], sequence_number: 4 });
  assert.equal(events[6], { type: 'response.output_text.done', ...location, text: 'Hello', logprobs: [], sequence_number: 6 });
  const completed = events[9];
  assert.ok(completed?.type === 'response.completed');
  assert.is(completed.response.status, 'completed');
  assert.equal(completed.response.output, [
    { id: 'msg_lumen1_0', type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', annotations: [], logprobs: [], text: 'Hello' }] },
  ]);
  assert.is(completed.response.usage?.total_tokens, 70);
  const created = events[0];
  assert.ok(created?.type === 'response.created' && created.response.status === 'in_progress' && created.response.output.length === 0);
});

test('given reasoning, text and a tool call, when encoded, then each item opens, streams and closes in order', () => {
  const events = encodeAll(toolParts);
  assert.equal(events.slice(2).map((event) => event.type), [
    'response.output_item.added', 'response.reasoning_summary_part.added', 'response.reasoning_summary_text.delta',
    'response.reasoning_summary_text.delta', 'response.reasoning_summary_text.done', 'response.reasoning_summary_part.done',
    'response.output_item.done',
    'response.output_item.added', 'response.content_part.added', 'response.output_text.delta', 'response.output_text.done',
    'response.content_part.done', 'response.output_item.done',
    'response.output_item.added', 'response.function_call_arguments.delta', 'response.function_call_arguments.delta',
    'response.function_call_arguments.done', 'response.output_item.done',
    'response.completed',
  ]);
  assert.equal(events[8], {
    type: 'response.output_item.done',
    output_index: 0,
    sequence_number: 8,
    item: { id: 'rs_lumen1_0', type: 'reasoning', summary: [{ type: 'summary_text', text: 'Use the tool.' }], encrypted_content: 'lumen-signature-v1:sig-1' },
  });
  assert.equal(events[18], { type: 'response.function_call_arguments.done', item_id: 'fc_lumen1_2', output_index: 2, name: 'weather', arguments: '{"city":"Rome"}', sequence_number: 18 });
  assert.equal(events[19], {
    type: 'response.output_item.done',
    output_index: 2,
    sequence_number: 19,
    item: { id: 'fc_lumen1_2', type: 'function_call', status: 'completed', arguments: '{"city":"Rome"}', call_id: 'toolu_1', name: 'weather' },
  });
});

test('given the encoded tool-call stream, when read by client.responses.stream, then finalResponse rebuilds every item and the deltas carry snapshots', async () => {
  const sse = sseOf(encodeAll(toolParts));
  const { final, snapshots } = await withServedBytes(sse, 'text/event-stream', async (baseURL) => {
    const stream = client(baseURL).responses.stream({ model: 'fast', input: 'Weather in Rome?' });
    const seen: string[] = [];
    stream.on('response.function_call_arguments.delta', (event) => seen.push(event.snapshot));
    return { final: await stream.finalResponse(), snapshots: seen };
  });
  assert.equal(snapshots, ['{"city":', '{"city":"Rome"}']);
  assert.is(final.output_text, 'Checking.');
  assert.equal(final.output.map((item) => item.type), ['reasoning', 'message', 'function_call']);
  // `parsed_arguments` is the SDK's own addition for tools it knows how to parse.
  assert.equal(final.output[2], { id: 'fc_lumen1_2', type: 'function_call', status: 'completed', arguments: '{"city":"Rome"}', call_id: 'toolu_1', name: 'weather', parsed_arguments: null });
  assert.is(final.usage?.input_tokens, 50);
});

test('given the encoded text stream, when iterated with responses.create({stream:true}), then the SDK yields every event in order', async () => {
  const events = encodeAll(textParts);
  const seen = await withServedBytes(sseOf(events), 'text/event-stream', async (baseURL) => {
    const types: string[] = [];
    for await (const event of await client(baseURL).responses.create({ model: 'fast', input: 'hi', stream: true })) types.push(event.type);
    return types;
  });
  assert.equal(seen, events.map((event) => event.type));
});

test('given a truncated stream, when encoded, then it ends in response.incomplete and the SDK reports the reason', async () => {
  const events = encodeAll([{ type: 'text-delta', text: 'Once upon' }, { type: 'finish', finish: { reason: 'length', rawReason: 'max_tokens' } }]);
  const final = await withServedBytes(sseOf(events), 'text/event-stream', (baseURL) => client(baseURL).responses.stream({ model: 'fast', input: 'hi' }).finalResponse());
  assert.is(events.at(-1)?.type, 'response.incomplete');
  assert.is(final.status, 'incomplete');
  assert.equal(final.incomplete_details, { reason: 'max_output_tokens' });
  assert.is(final.output_text, 'Once upon');
});

test('given a refusal, when encoded, then it streams as a refusal content part', () => {
  const events = encodeAll([{ type: 'refusal-delta', text: 'No.' }, { type: 'finish', finish: { reason: 'refusal', rawReason: 'refusal' } }]);
  assert.equal(events.map((event) => event.type).slice(3, 7), ['response.content_part.added', 'response.refusal.delta', 'response.refusal.done', 'response.content_part.done']);
  const done = events.find((event) => event.type === 'response.output_item.done');
  assert.ok(done?.type === 'response.output_item.done' && done.item.type === 'message');
  assert.equal(done.item.content, [{ type: 'refusal', refusal: 'No.' }]);
});

test('given an error part mid-stream, when read by the SDK, then it throws an APIError and the raw stream ends in response.failed', async () => {
  const events = encodeAll([{ type: 'text-delta', text: 'Hi' }, { type: 'error', error: { status: 502, type: 'provider_unreachable', message: 'upstream gone' } }]);
  assert.equal(events.slice(-2).map((event) => event.type), ['error', 'response.failed']);
  const failed = events.at(-1);
  assert.ok(failed?.type === 'response.failed');
  assert.equal(failed.response.error, { code: 'server_error', message: 'upstream gone' });
  assert.equal(failed.response.output[0], { id: 'msg_lumen1_0', type: 'message', status: 'incomplete', role: 'assistant', content: [{ type: 'output_text', annotations: [], logprobs: [], text: 'Hi' }] });
  const thrown = await withServedBytes(sseOf(events), 'text/event-stream', async (baseURL) => {
    try {
      for await (const _event of await client(baseURL).responses.create({ model: 'fast', input: 'hi', stream: true })) {
        // drain
      }
      return undefined;
    } catch (error) {
      return error;
    }
  });
  assert.instance(thrown, APIError);
  assert.match(String((thrown as Error).message), 'upstream gone');
});

test('given a finished stream, when more parts arrive, then nothing more is encoded', () => {
  const encoder = new ResponsesStreamEncoder(identity, echo);
  for (const part of textParts) encoder.encode(part);
  assert.equal(encoder.encode({ type: 'text-delta', text: 'late' }), []);
});

const keysOf = (value: unknown) => Object.keys(value as object).sort();

test('given the recorded OpenAI Responses stream, when compared with Lumen\'s events of the same types, then Lumen sends every field OpenAI sends and no response field OpenAI lacks', () => {
  const recorded = recordedEvents('openai-reasoning-encrypted-content.1.chunks.txt');
  const ours = encodeAll(toolParts);
  let compared = 0;
  for (const event of ours) {
    const reference = recorded.find((candidate) => candidate.type === event.type);
    if (reference === undefined) continue;
    compared += 1;
    const missing = keysOf(reference).filter((key) => key !== 'obfuscation' && !keysOf(event).includes(key));
    assert.equal(missing, [], `${event.type} lacks ${missing.join(', ')}`);
    if ('response' in event) {
      const invented = keysOf(event.response).filter((key) => !keysOf(reference.response).includes(key));
      assert.equal(invented, [], `${event.type}.response invents ${invented.join(', ')}`);
    }
    if ('item' in event && event.item.type !== 'reasoning') {
      const referenceItem = recorded.find((candidate) => candidate.type === event.type && (candidate.item as { type: string }).type === event.item.type);
      if (referenceItem !== undefined) assert.equal(keysOf(event.item), keysOf(referenceItem.item), `${event.type} ${event.item.type} item keys`);
    }
  }
  assert.ok(compared >= 14, `compared only ${compared} events`);
});

test('given the recorded Anthropic thinking stream, when served as Responses and the output echoed back, then Claude gets its signed thinking again', async () => {
  const parts = await replay(frameAsSse('anthropic-clear-thinking.1.chunks.txt', 'anthropic'), new AnthropicStreamDecoder());
  const final = await withServedBytes(sseOf(encodeAll(parts)), 'text/event-stream', (baseURL) => client(baseURL).responses.stream({ model: 'fast', input: 'hi' }).finalResponse());
  assert.is(final.output_text, textOf(parts));
  const reasoning = final.output[0];
  assert.ok(reasoning?.type === 'reasoning');
  assert.is(reasoning.summary[0]?.text, reasoningOf(parts));

  const next = responsesToCanonical(parseResponsesRequest({ model: 'fast', input: [{ role: 'user', content: 'hi' }, ...final.output, { role: 'user', content: 'Thanks' }] }));
  const body = anthropicMessagesBody(next.request, 'claude-sonnet-4-5', false, { defaultMaxOutputTokens: 1024 });
  const assistant = (body.messages as Array<{ role: string; content: Array<Record<string, unknown>> }>)[1];
  const signature = parts.find((part) => part.type === 'reasoning-delta' && part.signature !== undefined);
  assert.equal(assistant?.content, [
    { type: 'thinking', thinking: reasoningOf(parts), signature: signature?.type === 'reasoning-delta' ? signature.signature : 'missing' },
    { type: 'text', text: textOf(parts) },
  ]);
});

test.run();
