// Every error status in OpenAI's shape, and bad input of every kind: each gets a 4xx, and the
// process and the ledger stay sound afterwards.
import { spawnSync } from 'node:child_process';
import OpenAI from 'openai';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';

let gateway: TestGateway;
let key: string;
let accountId: string;

test.before(async () => {
  gateway = await startTestGateway();
  ({ key, accountId } = await gateway.newKey());
});
test.after(async () => { await gateway.stop(); });

async function post(path: string, body: string | object, headers: Record<string, string> = {}) {
  const response = await fetch(`${gateway.url}${path}`, { method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await response.text();
  let json: any;
  try { json = JSON.parse(text); } catch { json = text; }
  return { status: response.status, headers: response.headers, body: json };
}

function assertOpenAIError(response: { status: number; body: any }, status: number, label: string) {
  assert.is(response.status, status, `${label}: ${JSON.stringify(response.body)}`);
  assert.type(response.body?.error?.message, 'string', label);
  assert.type(response.body.error.type, 'string', label);
  assert.ok('param' in response.body.error && 'code' in response.body.error, label);
}

const chat = (overrides: object = {}) => ({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], ...overrides });

test('given missing, invalid or revoked keys, the answer is 401 in OpenAI shape and the SDK raises AuthenticationError', async () => {
  assertOpenAIError(await post('/v1/chat/completions', chat(), { authorization: '' }), 401, 'missing');
  assertOpenAIError(await post('/v1/chat/completions', chat(), { authorization: 'Bearer sk-lumen-nope' }), 401, 'invalid');
  const { key: doomed, keyId: doomedId, accountId: doomedAccount } = await gateway.newKey();
  assert.is((await post('/v1/chat/completions', chat(), { authorization: `Bearer ${doomed}` })).status, 200);
  assert.is((await gateway.admin('DELETE', `/v1/admin/accounts/${doomedAccount}/keys/${doomedId}`)).status, 200);
  assertOpenAIError(await post('/v1/chat/completions', chat(), { authorization: `Bearer ${doomed}` }), 401, 'revoked');
  const client = new OpenAI({ apiKey: 'sk-lumen-wrong', baseURL: `${gateway.url}/v1`, maxRetries: 0 });
  await client.models.list().then(() => assert.unreachable('accepted'), (error) => assert.instance(error, OpenAI.AuthenticationError));
  // The x-api-key header is accepted as well as Bearer.
  assert.is((await post('/v1/chat/completions', chat(), { authorization: '', 'x-api-key': key })).status, 200);
});

test('given a key limited to some models, other models get 403; unknown models get 404', async () => {
  const limited = await gateway.newKey({ allowedModels: ['claude-test'] });
  assertOpenAIError(await post('/v1/chat/completions', chat(), { authorization: `Bearer ${limited.key}` }), 403, 'not allowed');
  assert.is((await post('/v1/chat/completions', chat({ model: 'claude-test' }), { authorization: `Bearer ${limited.key}` })).status, 200);
  const unknown = await post('/v1/chat/completions', chat({ model: 'no-such-model' }));
  assertOpenAIError(unknown, 404, 'unknown model');
  assert.is(unknown.body.error.code, 'model_not_found');
});

test('given bad bodies of every kind, each is a 400 naming the problem', async () => {
  const cases: Array<[string, string | object]> = [
    ['invalid JSON', '{"model": '],
    ['empty body', ''],
    ['a JSON array', '[1,2]'],
    ['a JSON string', '"hello"'],
    ['model not a string', { model: 42, messages: [{ role: 'user', content: 'x' }] }],
    ['no messages', { model: 'gpt-4o-mini' }],
    ['empty messages', chat({ messages: [] })],
    ['messages not an array', chat({ messages: 'hello' })],
    ['unknown role', chat({ messages: [{ role: 'wizard', content: 'x' }] })],
    ['wrong type for temperature', chat({ temperature: 'hot' })],
    ['wrong type for stream', chat({ stream: 'yes' })],
    ['wrong type for max_tokens', chat({ max_tokens: -5 })],
    ['tools not an array', chat({ tools: { type: 'function' } })],
  ];
  for (const [label, body] of cases) assertOpenAIError(await post('/v1/chat/completions', body), 400, label);
  assertOpenAIError(await post('/v1/embeddings', { model: 'embed-test', input: [] }), 400, 'empty embeddings input');
  assertOpenAIError(await post('/v1/completions', { model: 'gpt-4o-mini' }), 400, 'completion without prompt');
  // Lumen's chat route routes a request that names no model; the Messages route requires one.
  assert.is((await post('/v1/chat/completions', { messages: [{ role: 'user', content: 'x' }] })).status, 200);
  assertOpenAIError(await post('/v1/embeddings', { model: 'gpt-4o-mini', input: 'x' }), 400, 'chat model asked for embeddings');
});

test('given a body over the limit, the answer is 413', async () => {
  const huge = JSON.stringify(chat({ messages: [{ role: 'user', content: 'x'.repeat(9 * 1024 * 1024) }] }));
  assertOpenAIError(await post('/v1/chat/completions', huge), 413, 'huge body');
});

test('given provider failures, their status and message come through; an unreachable provider is 502', async () => {
  const limited = await post('/v1/chat/completions', chat({ model: 'rate-limited' }));
  assertOpenAIError(limited, 429, 'provider 429');
  assert.ok(Number(limited.headers.get('retry-after')) >= 1, 'Retry-After passed through');
  assertOpenAIError(await post('/v1/chat/completions', chat({ model: 'upstream-broken' })), 500, 'provider 500');
  const unreachable = await post('/v1/chat/completions', chat({ model: 'unreachable' }));
  assertOpenAIError(unreachable, 502, 'unreachable');
  const client = new OpenAI({ apiKey: key, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
  await client.chat.completions.create(chat({ model: 'rate-limited' }) as any)
    .then(() => assert.unreachable('accepted'), (error) => assert.instance(error, OpenAI.RateLimitError));
});

test('given a stream the provider cuts, the client gets an error and the call is still recorded with counted usage', async () => {
  const before = (await gateway.admin('GET', `/v1/admin/accounts/${accountId}`)).body;
  const response = await post('/v1/chat/completions', chat({ model: 'cut-stream', stream: true }));
  assert.is(response.status, 200);
  assert.match(String(response.body), /"error"/);
  const noUsage = await post('/v1/chat/completions', chat({ model: 'no-usage', stream: true }));
  assert.match(String(noUsage.body), /\[DONE\]/);
  const lastChunk = String(noUsage.body).split('\n').filter((line) => line.startsWith('data: {')).at(-1)!;
  assert.ok(JSON.parse(lastChunk.slice(6)).lumen.cost_usd > 0, 'usage counted locally when the provider reported none');
  const after = (await gateway.admin('GET', `/v1/admin/accounts/${accountId}`)).body;
  assert.is(after.requests, before.requests + 2);
});

test('given a client that disconnects mid-stream, the upstream call is aborted and only what was generated is billed', async () => {
  const before = (await gateway.admin('GET', `/v1/admin/accounts/${accountId}`)).body;
  const controller = new AbortController();
  const response = await fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', signal: controller.signal,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(chat({ model: 'long-answer', stream: true, max_tokens: 50000 })) });
  const reader = response.body!.getReader();
  await reader.read();
  controller.abort();
  // The call is recorded once the gateway notices the disconnect.
  let after = before;
  for (let attempt = 0; attempt < 100 && after.requests === before.requests; attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    after = (await gateway.admin('GET', `/v1/admin/accounts/${accountId}`)).body;
  }
  assert.is(after.requests, before.requests + 1);
  const charged = after.spent_usd - before.spent_usd;
  const fullAnswer = 50000 * 0.6 / 1_000_000;
  assert.ok(charged > 0, 'what was generated is billed');
  assert.ok(charged < fullAnswer / 2, `charged ${charged} of ${fullAnswer}: the upstream kept generating after the client left`);
});

test('given all of the above, the process is healthy, unknown routes are 404, and the ledger verifies', async () => {
  assert.is((await fetch(`${gateway.url}/healthz`)).status, 200);
  const unknownRoute = await post('/v1/nothing-here', {});
  assertOpenAIError(unknownRoute, 404, 'unknown route');
  // The embedded store serves one process at a time: stop the gateway before verifying it.
  if (gateway.dataDir !== undefined) await gateway.stop();
  const run = spawnSync(process.execPath, ['bin/lumen.mjs', 'verify'], { encoding: 'utf8',
    env: { ...process.env, LUMEN_DB_SCHEMA: gateway.schema, LUMEN_DATA_DIR: gateway.dataDir ?? '' } });
  assert.is(run.status, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /^ok: \d+ events/);
});

test.run();
