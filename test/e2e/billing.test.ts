// Billing through a real gateway process: holds before the provider (402 in each protocol's
// shape), max_cost_usd, streams settled when cut off or disconnected, a stream that outruns its
// hold cut off cleanly, and the balance endpoint with its open holds.
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';

let gateway: TestGateway;
test.before(async () => { gateway = await startTestGateway(); });
test.after(async () => { await gateway.stop(); });

const get = (path: string, key: string) => gateway.request('GET', path, { key });
const post = (path: string, key: string, body: unknown) => gateway.request('POST', path, { key, body });

test('given an account that cannot cover the most a request may cost, it gets 402 in each protocol before any provider call', async () => {
  const { key, accountId } = await gateway.newKey({ creditsUsd: 0.001 });
  // 16,384 output tokens at $0.60 per million may cost about $0.0098: more than $0.001.
  const openai = await post('/v1/chat/completions', key, { model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] });
  assert.is(openai.status, 402);
  assert.is(openai.body.error.type, 'insufficient_quota');
  assert.is(openai.body.error.code, 'insufficient_credits');
  const anthropic = await post('/v1/messages', key, { model: 'claude-test', max_tokens: 16_000, messages: [{ role: 'user', content: 'hi' }] });
  assert.is(anthropic.status, 402);
  assert.equal(anthropic.body.type, 'error');
  assert.is(anthropic.body.error.type, 'billing_error');
  // Nothing was called, held or charged; a request small enough to fit still runs.
  const balance = await get('/v1/balance', key);
  assert.is(balance.body.open_holds, 0);
  assert.is(balance.body.balance_micros, 1_000);
  const small = await post('/v1/chat/completions', key, { model: 'gpt-test', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] });
  assert.is(small.status, 200);
  const after = await gateway.admin('GET', `/v1/admin/accounts/${accountId}`);
  assert.is(after.body.requests, 1, 'the refused requests left no record of a provider call');
});

test('given max_cost_usd, the output limit sent upstream is what the cap pays for, and a cap below the minimum is a 400', async () => {
  const { key } = await gateway.newKey({ creditsUsd: 5 });
  const client = new OpenAI({ apiKey: key, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
  // $0.00003 buys about 40 output tokens beside a short prompt at $0.60 per million.
  const capped = await client.chat.completions.create({ model: 'long-answer', messages: [{ role: 'user', content: 'write at length' }],
    // @ts-expect-error Lumen's own field
    max_cost_usd: 0.00003 });
  assert.ok(capped.usage!.completion_tokens < 50, `capped at ${capped.usage!.completion_tokens} tokens`);
  assert.is(capped.choices[0]!.finish_reason, 'length');
  assert.ok((capped as any).lumen.cost_usd <= 0.00003);
  const tooLow = await post('/v1/chat/completions', key, { model: 'gpt-test', max_cost_usd: 0.000001,
    messages: [{ role: 'user', content: 'x'.repeat(3000) }] });
  assert.is(tooLow.status, 400);
  assert.is(tooLow.body.error.code, 'max_cost_too_low');
  assert.is(tooLow.body.error.param, 'max_cost_usd');
});

test('given an upstream that ignores max_tokens, the stream is cut off cleanly when it outruns its hold, and billed no more than held', async () => {
  const { key } = await gateway.newKey({ creditsUsd: 5 });
  const client = new OpenAI({ apiKey: key, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
  const stream = await client.chat.completions.create({ model: 'ignores-limit', max_tokens: 40, stream: true,
    stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'talk' }] });
  let text = '';
  let finish: string | null = null;
  let last: any;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta?.content ?? '';
    finish = chunk.choices[0]?.finish_reason ?? finish;
    last = chunk;
  }
  assert.is(finish, 'length');
  assert.ok(text.length > 0);
  assert.ok(last.usage.completion_tokens < 400, `stopped early, at ${last.usage.completion_tokens} tokens`);
  const balance = await get('/v1/balance', key);
  assert.is(balance.body.open_holds, 0);
  assert.ok(balance.body.charged_usd + balance.body.written_off_usd > 0);
});

test('given streams the provider cuts or the client leaves, usage is settled, holds close and the balance moves by the recorded cost', async () => {
  const { key, accountId } = await gateway.newKey({ creditsUsd: 5 });
  const client = new OpenAI({ apiKey: key, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
  const cut = await client.chat.completions.create({ model: 'cut-stream', stream: true, messages: [{ role: 'user', content: 'go' }] });
  await (async () => { for await (const _chunk of cut) { /* read to the cut */ } })().catch(() => undefined);
  const controller = new AbortController();
  const long = await client.chat.completions.create({ model: 'long-answer', stream: true, messages: [{ role: 'user', content: 'go' }] },
    { signal: controller.signal });
  let chunks = 0;
  await (async () => { for await (const _chunk of long) { chunks += 1; if (chunks === 5) controller.abort(); } })().catch(() => undefined);
  // Settlement follows the record; the balance read waits for this process's settlements.
  let balance = await get('/v1/balance', key);
  for (let attempt = 0; attempt < 50 && balance.body.open_holds > 0; attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    balance = await get('/v1/balance', key);
  }
  assert.is(balance.body.open_holds, 0);
  assert.is(balance.body.held_micros, 0);
  const account = await gateway.admin('GET', `/v1/admin/accounts/${accountId}`);
  assert.is(account.body.requests, 2);
  assert.ok(balance.body.balance_micros < 5_000_000, 'what was generated was charged');
  assert.is(balance.body.balance_micros, 5_000_000 - Math.round(balance.body.charged_usd * 1_000_000));
});

test('given the balance endpoint, it reports balance, open holds and the low-balance alert', async () => {
  const { key } = await gateway.newKey({ creditsUsd: 0.5 });
  const balance = await get('/v1/balance', key);
  assert.is(balance.status, 200);
  assert.is(balance.body.object, 'balance');
  assert.is(balance.body.balance_usd, 0.5);
  assert.is(balance.body.available_usd, 0.5);
  assert.is(balance.body.low_balance_threshold_usd, 1);
  assert.is(balance.body.low_balance, true);
  assert.is((await get('/v1/balance', 'sk-lumen-nope')).status, 401);
});

test('given the Anthropic SDK, a refused request surfaces as its billing error', async () => {
  const { key } = await gateway.newKey({ creditsUsd: 0.0001 });
  const client = new Anthropic({ apiKey: key, baseURL: gateway.url, maxRetries: 0 });
  try {
    await client.messages.create({ model: 'claude-test', max_tokens: 10_000, messages: [{ role: 'user', content: 'hi' }] });
    assert.unreachable('should have been refused');
  } catch (error) {
    assert.is((error as { status?: number }).status, 402);
  }
});

test.run();
