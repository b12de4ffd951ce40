// The fault knobs (forced errors, cut streams, missing usage, latency), authentication,
// pacing and backpressure.
import { request as httpRequest } from 'node:http';
import OpenAI from 'openai';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RunningSimulator } from '../../src/simulator/index.ts';
import { startSimulator } from '../../src/simulator/index.ts';
import { parseServerSentEvents, postJson } from './wire-shape.ts';

const API_KEY = 'openai-test-key';
let simulator: RunningSimulator;
let client: OpenAI;

test.before(async () => {
  simulator = await startSimulator({ apiKey: API_KEY });
  client = new OpenAI({ apiKey: API_KEY, baseURL: `${simulator.url}/v1`, maxRetries: 0 });
});
test.after(() => simulator.close());

const chatBody = { model: 'sim-gpt-small', messages: [{ role: 'user', content: 'Hello' }] };

// Reads a body until the server ends or kills it, keeping what arrived before a cut.
async function readUntilEnd(response: Response): Promise<{ text: string; cut: boolean }> {
  const reader = response.body?.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const { done, value } = (await reader?.read()) ?? { done: true, value: undefined };
      if (done) return { text, cut: false };
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    return { text, cut: true };
  }
}

test('given a sim-error model or x-sim-status, when called through the SDK, then the matching error class is raised', async () => {
  try {
    await client.chat.completions.create({ ...chatBody, model: 'sim-error-429' } as never);
    assert.unreachable('should have failed');
  } catch (error) {
    assert.instance(error, OpenAI.RateLimitError);
    const rateLimit = error as InstanceType<typeof OpenAI.RateLimitError>;
    assert.is(rateLimit.headers.get('retry-after'), '1');
    assert.is(rateLimit.code, 'rate_limit_exceeded');
  }
  try {
    await client.chat.completions.create(chatBody as never, { headers: { 'x-sim-status': '503', 'x-sim-retry-after': '7' } });
    assert.unreachable('should have failed');
  } catch (error) {
    assert.instance(error, OpenAI.InternalServerError);
    assert.is((error as InstanceType<typeof OpenAI.InternalServerError>).status, 503);
    assert.is((error as InstanceType<typeof OpenAI.InternalServerError>).headers.get('retry-after'), '7');
  }
});

test('given a wrong key, a bad body or an unknown path, then OpenAI-shaped 401, 400 and 404 come back', async () => {
  const stranger = new OpenAI({ apiKey: 'wrong', baseURL: `${simulator.url}/v1`, maxRetries: 0 });
  await stranger.chat.completions.create(chatBody as never).then(
    () => assert.unreachable('should have failed'),
    (error: unknown) => assert.instance(error, OpenAI.AuthenticationError),
  );
  await client.chat.completions.create({ model: 'sim-gpt-small', messages: [] }).then(
    () => assert.unreachable('should have failed'),
    (error: unknown) => {
      assert.instance(error, OpenAI.BadRequestError);
      assert.is((error as InstanceType<typeof OpenAI.BadRequestError>).param, 'messages');
    },
  );
  const unknown = await postJson(`${simulator.url}/v1/unknown`, {}, { authorization: `Bearer ${API_KEY}` });
  assert.is(unknown.status, 404);
  assert.is(((await unknown.json()) as { error: { type: string } }).error.type, 'invalid_request_error');
  const notJson = await fetch(`${simulator.url}/v1/chat/completions`, {
    method: 'POST', headers: { authorization: `Bearer ${API_KEY}` }, body: '{oops',
  });
  assert.is(notJson.status, 400);
});

test('given x-sim-cut-after, when streaming, then exactly that many events arrive before the socket dies', async () => {
  const response = await postJson(`${simulator.url}/v1/chat/completions`, { ...chatBody, stream: true }, {
    authorization: `Bearer ${API_KEY}`, 'x-sim-cut-after': '3',
  });
  const { text, cut } = await readUntilEnd(response);
  assert.ok(cut, 'the body should end in an error, not cleanly');
  assert.is(parseServerSentEvents(text).length, 3);
  const stream = await client.chat.completions.create({
    model: 'sim-cut-after-4', messages: [{ role: 'user', content: 'Hello' }], stream: true,
  });
  let chunks = 0;
  await (async () => {
    for await (const _chunk of stream) chunks += 1;
  })().then(
    () => assert.unreachable('the SDK should see the broken stream'),
    (error: unknown) => assert.instance(error, Error),
  );
  assert.is(chunks, 4);
});

test('given x-sim-omit-usage, when streaming with include_usage, then no usage chunk is sent', async () => {
  const response = await postJson(`${simulator.url}/v1/chat/completions`, {
    ...chatBody, stream: true, stream_options: { include_usage: true },
  }, { authorization: `Bearer ${API_KEY}`, 'x-sim-omit-usage': '1' });
  const events = parseServerSentEvents(await response.text());
  assert.is(events[events.length - 1]?.data, '[DONE]');
  assert.ok(events.slice(0, -1).every((event) => !('usage' in (JSON.parse(event.data) as object))));
  const anthropic = await postJson(`${simulator.url}/v1/messages`, {
    model: 'sim-no-usage', max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'Hi' }],
  }, { 'x-api-key': API_KEY });
  const delta = parseServerSentEvents(await anthropic.text()).find((event) => event.event === 'message_delta');
  assert.not.ok('usage' in (JSON.parse(delta?.data ?? '{}') as object));
});

test('given latency and pacing, when a paced simulator streams, then the text is unchanged', async () => {
  const paced = await startSimulator({ latencyMs: 5, tokensPerSecond: 2000 });
  try {
    const body = { ...chatBody, stream: false };
    const fast = (await (await postJson(`${simulator.url}/v1/chat/completions`, body, { authorization: `Bearer ${API_KEY}` })).json()) as {
      choices: { message: { content: string } }[];
    };
    const response = await postJson(`${paced.url}/v1/chat/completions`, { ...chatBody, stream: true }, { 'x-sim-latency-ms': '5' });
    const text = parseServerSentEvents(await response.text())
      .filter((event) => event.data !== '[DONE]')
      .map((event) => (JSON.parse(event.data) as { choices: { delta: { content?: string } }[] }).choices[0]?.delta.content ?? '')
      .join('');
    assert.is(text, fast.choices[0]?.message.content);
    assert.is(paced.requestCount(), 1);
  } finally {
    await paced.close();
  }
});

test('given a long stream and a reader that pauses, when read to the end, then every token arrives', async () => {
  const outputTokens = 20_000;
  const payload = JSON.stringify({ ...chatBody, stream: true, stream_options: { include_usage: true } });
  const received = await new Promise<string>((resolve, reject) => {
    const request = httpRequest(`${simulator.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}`, 'x-sim-output-tokens': String(outputTokens) },
    }, (response) => {
      const chunks: Buffer[] = [];
      // Pausing fills the socket buffers, so the server has to wait for 'drain' to go on.
      response.pause();
      setTimeout(() => response.resume(), 50);
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(payload);
  });
  const events = parseServerSentEvents(received);
  const usage = JSON.parse(events[events.length - 2]?.data ?? '{}') as { usage: { completion_tokens: number } };
  assert.is(usage.usage.completion_tokens, outputTokens);
  assert.is(events.length, outputTokens + 4);
});

test.run();
