// Routing through a real gateway process with the official SDKs: "auto", tier names and an
// omitted model are routed by the live router version; quality_floor, max_cost_usd, brand_pref
// and provider steer the choice; a provider failing before it answers falls back to the next
// model, each attempt on the ledger and only the served one billed; every decision is a
// RoutingDecided entry whose payload the owner can read through the audit API.
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { newSignerKey } from '../../src/audit/log/signing-key.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';

let gateway: TestGateway;
const routable = ['nano-test', 'gpt-test', 'mid-test', 'high-test', 'gemini-test'];

test.before(async () => {
  gateway = await startTestGateway({ LUMEN_AUDIT_CHECKPOINT_INTERVAL_MS: '1000',
    ...(process.env.DATABASE_URL ? { LUMEN_AUDIT_KEY: newSignerKey('lumen.e2e/routing') } : {}) });
});
test.after(async () => { await gateway.stop(); });

const post = (path: string, key: string, body: unknown) => gateway.request('POST', path, { key, body });
const ask = (content: string) => [{ role: 'user', content }];

/** Streams a chat through the official client (Lumen's own fields ride along); every chunk, in order. */
async function streamedChunks(key: string, body: object): Promise<any[]> {
  const client = new OpenAI({ apiKey: key, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
  const stream = await client.chat.completions.create({ ...body, stream: true } as any) as unknown as AsyncIterable<any>;
  const chunks: any[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

/** The payload of a ledger entry, once a checkpoint covers it (the owner sees it). */
async function ledgerEntry(hash: string, key: string): Promise<any> {
  for (let attempt = 0; attempt < 60; attempt += 1) {
    const answer = await gateway.request('GET', `/v1/audit/${hash}`, { key });
    if (answer.status === 200) {
      assert.ok(answer.body.payload_visible, 'the owner sees the payload');
      return { type: answer.body.entry.type, ...JSON.parse(answer.body.entry.canonical) };
    }
    assert.is(answer.status, 202, JSON.stringify(answer.body));
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`entry ${hash} was never covered by a checkpoint`);
}

test('given model "auto", the router picks a model, says why, and records the decision with its candidates', async () => {
  const { key } = await gateway.newKey({ creditsUsd: 5, allowedModels: routable });
  const client = new OpenAI({ apiKey: key, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
  const answer = await client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'What is the capital of France?' }] });
  const lumen = (answer as any).lumen;
  assert.ok(routable.includes(lumen.model), lumen.model);
  assert.is(answer.model, lumen.model, 'the response names the model that answered');
  assert.ok(lumen.difficulty_score >= 0 && lumen.difficulty_score <= 1);
  assert.match(lumen.router_version, /^bootstrap-[0-9a-f]{12}$/);
  assert.is(lumen.routing.attempts, 1);
  const decision = await ledgerEntry(lumen.routing.decision_hash, key);
  assert.is(decision.type, 'RoutingDecided');
  assert.is(decision.data.requestedModel, 'auto');
  assert.is(decision.data.chosenModel, lumen.model);
  assert.is(decision.data.servedRequestId, lumen.request_id);
  assert.equal(decision.data.candidates.map((candidate: any) => candidate.model).sort(), [...routable].sort());
  for (const candidate of decision.data.candidates) {
    assert.ok(candidate.predictedQuality >= 0 && candidate.predictedQuality <= 1);
    assert.ok(candidate.estimatedCostMicros > 0);
  }
  assert.is(decision.data.candidates.filter((candidate: any) => candidate.verdict === 'chosen').length, 1);
});

test('given the same prompt twice, the decision is the same; an omitted model on the chat route is routed too', async () => {
  const { key } = await gateway.newKey({ creditsUsd: 5, allowedModels: routable });
  const first = await post('/v1/chat/completions', key, { messages: ask('Explain why the sky is blue.') });
  const second = await post('/v1/chat/completions', key, { model: 'auto', messages: ask('Explain why the sky is blue.') });
  assert.is(first.status, 200, JSON.stringify(first.body));
  assert.is(first.body.lumen.model, second.body.lumen.model);
  assert.is(first.body.lumen.difficulty_score, second.body.lumen.difficulty_score);
  assert.is(first.body.lumen.routing.reason, second.body.lumen.routing.reason);
});

test('given quality floors, a floor of 0 takes the cheapest model and a floor of 1 the best predicted one', async () => {
  const { key } = await gateway.newKey({ creditsUsd: 5, allowedModels: routable });
  const cheapest = await post('/v1/chat/completions', key, { model: 'auto', quality_floor: 0, messages: ask('hello') });
  assert.is(cheapest.body.lumen.model, 'nano-test');
  assert.is(cheapest.body.lumen.routing.reason, 'cheapest_above_floor');
  const best = await post('/v1/chat/completions', key, { model: 'auto', quality_floor: 1, messages: ask('hello') });
  assert.is(best.body.lumen.routing.reason, 'best_quality_below_floor');
  // The bootstrap router knows the nano and mid tiers; high borrows mid's profile, so the
  // cheaper of equals, mid-test, wins.
  assert.is(best.body.lumen.model, 'mid-test');
  const invalid = await post('/v1/chat/completions', key, { model: 'auto', quality_floor: 2, messages: ask('hello') });
  assert.is(invalid.status, 400);
  assert.is(invalid.body.error.param, 'quality_floor');
});

test('given a tier name, provider or brand preference, the choice stays within it; plans without brand_pref are refused', async () => {
  const { key } = await gateway.newKey({ creditsUsd: 5, allowedModels: routable, plan: 'pro' });
  const high = await post('/v1/chat/completions', key, { model: 'high', messages: ask('hello') });
  assert.is(high.body.lumen.model, 'high-test');
  assert.is(high.body.lumen.tier, 'high');
  const gemini = await post('/v1/chat/completions', key, { model: 'auto', provider: 'sim-gemini', messages: ask('hello') });
  assert.is(gemini.body.lumen.model, 'gemini-test');
  const branded = await post('/v1/chat/completions', key, { model: 'auto', quality_floor: 0, brand_pref: 'sim-anthropic', messages: ask('hello') });
  assert.is(branded.body.lumen.model, 'mid-test');
  const starter = await gateway.newKey({ creditsUsd: 5, allowedModels: routable, plan: 'starter' });
  const refused = await post('/v1/chat/completions', starter.key, { model: 'auto', brand_pref: 'sim-anthropic', messages: ask('hello') });
  assert.is(refused.status, 403);
  assert.is(refused.body.error.code, 'feature_not_in_plan');
  const nowhere = await post('/v1/chat/completions', key, { model: 'auto', provider: 'no-such-provider', messages: ask('hello') });
  assert.is(nowhere.status, 422);
  assert.is(nowhere.body.error.code, 'no_candidate');
});

test('given max_cost_usd, candidates that would cost more are passed over', async () => {
  const { key } = await gateway.newKey({ creditsUsd: 5, allowedModels: ['nano-test', 'high-test'] });
  const capped = await post('/v1/chat/completions', key, { model: 'auto', quality_floor: 1, max_tokens: 100, max_cost_usd: 0.0001,
    messages: ask('hello') });
  assert.is(capped.status, 200, JSON.stringify(capped.body));
  assert.is(capped.body.lumen.model, 'nano-test');
});

test('given a model whose provider fails, the fallbacks are tried in order, each attempt recorded, only the answer billed', async () => {
  const { key } = await gateway.newKey({ creditsUsd: 5 });
  const before = await gateway.request('GET', '/v1/balance', { key });
  const answer = await post('/v1/chat/completions', key, { model: 'upstream-broken', fallbacks: ['rate-limited', 'gpt-test'],
    messages: ask('hello') });
  assert.is(answer.status, 200, JSON.stringify(answer.body));
  assert.is(answer.body.model, 'gpt-test');
  assert.is(answer.body.lumen.routing.attempts, 3);
  const decision = await ledgerEntry(answer.body.lumen.routing.decision_hash, key);
  assert.equal(decision.data.attempts.map((attempt: any) => [attempt.model, attempt.status]),
    [['upstream-broken', 500], ['rate-limited', 429], ['gpt-test', 200]]);
  assert.is(decision.data.servedRequestId, answer.body.lumen.request_id);
  const after = await gateway.request('GET', '/v1/balance', { key });
  assert.is(before.body.balance_micros - after.body.balance_micros, Math.round(answer.body.lumen.cost_usd * 1_000_000),
    'charged once, for the answer');
  assert.is(after.body.open_holds, 0);
});

test('given "auto" whose first choice fails before answering, a stream falls back to the next candidate', async () => {
  const { key } = await gateway.newKey({ creditsUsd: 5, allowedModels: ['broken-nano', 'nano-test'] });
  const chunks = await streamedChunks(key, { model: 'auto', quality_floor: 0, messages: ask('hello') });
  let text = '';
  for (const chunk of chunks) {
    text += chunk.choices[0]?.delta?.content ?? '';
    assert.is(chunk.model, 'nano-test', 'every chunk names the model that answered');
  }
  const last = chunks.at(-1);
  assert.ok(text.length > 0);
  assert.equal([last.lumen.model, last.lumen.routing.attempts], ['nano-test', 2]);
});

test('given a stream that fails before its first event, the next model answers and the failed attempt costs nothing', async () => {
  const { key } = await gateway.newKey({ creditsUsd: 5 });
  const last = (await streamedChunks(key, { model: 'cut-at-once', messages: ask('hello'), fallbacks: ['gpt-test'] })).at(-1);
  assert.equal([last.lumen.model, last.lumen.routing.attempts], ['gpt-test', 2]);
  const decision = await ledgerEntry(last.lumen.routing.decision_hash, key);
  assert.equal(decision.data.attempts.map((attempt: any) => attempt.model), ['cut-at-once', 'gpt-test']);
  const balance = await gateway.request('GET', '/v1/balance', { key });
  assert.is(5_000_000 - balance.body.balance_micros, Math.round(last.lumen.cost_usd * 1_000_000), 'only the answer is charged');
});

test('given Anthropic overloaded right after opening its stream, the next model answers; without fallbacks the client gets the error', async () => {
  const { key } = await gateway.newKey({ creditsUsd: 5 });
  const last = (await streamedChunks(key, { model: 'overloaded-claude', messages: ask('hi'), fallbacks: ['gpt-test'] })).at(-1);
  assert.equal([last.lumen.model, last.lumen.routing.attempts], ['gpt-test', 2]);
  const alone = await post('/v1/chat/completions', key, { model: 'overloaded-claude', stream: true, messages: ask('hi') });
  assert.is(alone.status, 529, JSON.stringify(alone.body));
  const balance = await gateway.request('GET', '/v1/balance', { key });
  assert.equal([balance.body.open_holds, 5_000_000 - balance.body.balance_micros], [0, Math.round(last.lumen.cost_usd * 1_000_000)]);
});

test('given routing fields longer than the ledger records, or a completion routed by its prompt, the edges hold', async () => {
  const { key } = await gateway.newKey({ creditsUsd: 5, allowedModels: routable });
  const long = await post('/v1/chat/completions', key, { model: 'auto', brand_pref: 'x'.repeat(150), messages: ask('hello'), stream: true });
  assert.is(long.status, 400);
  assert.is(long.body.error.param, 'brand_pref');
  const easy = await post('/v1/completions', key, { model: 'auto', prompt: 'Say hi.', max_tokens: 5 });
  const hard = await post('/v1/completions', key, { model: 'auto', max_tokens: 5,
    prompt: 'Let $f(x)=\\frac{x^3-3x}{x^2+1}$. Find all real $x$ such that $f(f(x))=x$, and prove there are no others.' });
  assert.is(easy.status, 200, JSON.stringify(easy.body));
  assert.ok(easy.body.lumen.difficulty_score !== hard.body.lumen.difficulty_score, 'the prompt, not an empty message list, is assessed');
});

test('given a streamed request the upstream cannot take, it is refused in the route\'s shape and leaves no hold open', async () => {
  const { key } = await gateway.newKey({ creditsUsd: 5 });
  const refused = await post('/v1/responses', key, { model: 'claude-test', stream: true, input: 'search the web for news',
    tools: [{ type: 'web_search' }] });
  assert.is(refused.status, 400, JSON.stringify(refused.body));
  const balance = await gateway.request('GET', '/v1/balance', { key });
  assert.equal([balance.body.open_holds, balance.body.balance_micros], [0, 5_000_000]);
});

test('given fallbacks that all fail, the last error is returned and nothing is charged; plans without fallbacks are refused', async () => {
  const { key } = await gateway.newKey({ creditsUsd: 5 });
  const failed = await post('/v1/chat/completions', key, { model: 'upstream-broken', fallbacks: ['rate-limited'], messages: ask('hi') });
  assert.is(failed.status, 429);
  const balance = await gateway.request('GET', '/v1/balance', { key });
  assert.is(balance.body.balance_micros, 5_000_000);
  const starter = await gateway.newKey({ creditsUsd: 5, plan: 'starter' });
  const refused = await post('/v1/chat/completions', starter.key, { model: 'gpt-test', fallbacks: ['claude-test'], messages: ask('hi') });
  assert.is(refused.status, 403);
  assert.is(refused.body.error.code, 'feature_not_in_plan');
});

test('given model "auto" on the Messages and Responses routes, they are routed the same way', async () => {
  const { key } = await gateway.newKey({ creditsUsd: 5, allowedModels: routable });
  const anthropic = new Anthropic({ apiKey: key, baseURL: gateway.url, maxRetries: 0 });
  const message = await anthropic.messages.create({ model: 'auto', max_tokens: 100, messages: [{ role: 'user', content: 'hello' }],
    // @ts-expect-error Lumen's own field
    quality_floor: 0 });
  assert.is(message.model, 'nano-test');
  assert.is((message as any).lumen.routing.reason, 'cheapest_above_floor');
  const openai = new OpenAI({ apiKey: key, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
  const response = await openai.responses.create({ model: 'mid', input: 'hello' });
  assert.is(response.model, 'mid-test');
});

test('given POST /v1/router, it decides only or runs the call, with restrictions and a cost weight', async () => {
  const { key } = await gateway.newKey({ creditsUsd: 5, allowedModels: routable });
  const decision = await post('/v1/router', key, { messages: ask('Prove that there are infinitely many primes.'), execute: false,
    models: ['nano-test', 'high-test'], cost_weight: 0 });
  assert.is(decision.status, 200, JSON.stringify(decision.body));
  assert.is(decision.body.object, 'router.decision');
  assert.is(decision.body.model, 'high-test', 'cost weight 0 takes the best predicted quality');
  assert.equal(decision.body.candidates.map((candidate: any) => candidate.model).sort(), ['high-test', 'nano-test']);
  const recorded = await ledgerEntry(decision.body.audit_hash, key);
  assert.is(recorded.data.executed, false);
  assert.is(recorded.data.costWeight, 0);
  const executed = await post('/v1/router', key, { messages: ask('hello'), models: ['nano-test', 'gpt-test'], quality_floor: 0, max_tokens: 20 });
  assert.is(executed.status, 200);
  assert.is(executed.body.object, 'chat.completion');
  assert.is(executed.body.lumen.model, 'nano-test');
  const one = await post('/v1/router', key, { messages: ask('hello'), models: ['nano-test'] });
  assert.is(one.status, 400);
  assert.is(one.body.error.param, 'models');
  const scale = await gateway.newKey({ creditsUsd: 5, plan: 'pro' });
  assert.is((await post('/v1/router', scale.key, { messages: ask('hello') })).status, 403, 'the Pro plan has no router API');
});

test('given GET /v1/router/profiles and /v1/providers, a key sees the routing profiles and who serves a model', async () => {
  const { key } = await gateway.newKey({ creditsUsd: 1 });
  const profiles = await gateway.request('GET', '/v1/router/profiles', { key });
  assert.is(profiles.status, 200);
  const nano = profiles.body.data.find((entry: any) => entry.model === 'nano-test');
  assert.equal([nano.profile, nano.own_profile], ['tier:nano', false]);
  assert.ok(nano.ratings > 1000);
  const providers = await gateway.request('GET', '/v1/providers?model=claude-sonnet-4-6', { key });
  assert.is(providers.status, 200);
  assert.ok(providers.body.data.some((entry: any) => entry.provider === 'sim-anthropic'));
  assert.is((await gateway.request('GET', '/v1/providers?model=no-such-model', { key })).status, 404);
  assert.is((await gateway.request('GET', '/v1/providers', { key })).status, 400);
  const client = new OpenAI({ apiKey: key, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
  const listed = (await client.models.list()).data.map((model) => model.id);
  assert.ok(['auto', 'nano', 'small', 'mid', 'high'].every((id) => listed.includes(id)), 'routed names are listed like models');
  const auto = await client.models.retrieve('auto') as any;
  assert.equal([auto.id, auto.lumen.routed], ['auto', true]);
  assert.ok(auto.lumen.candidates.includes('nano-test'));
  const versions = await gateway.admin('GET', '/v1/admin/router/versions');
  assert.is(versions.body.data.length, 1, 'a new gateway publishes the bootstrap version');
  assert.equal([versions.body.data[0].source, versions.body.data[0].version], ['bootstrap', versions.body.live_version]);
  assert.match(versions.body.data[0].parameters_sha256, /^[0-9a-f]{64}$/);
});

test('given feedback, only the account that made a request may rate it, a later rating supersedes, and bad ratings are refused', async () => {
  const alice = await gateway.newKey({ creditsUsd: 5 });
  const bob = await gateway.newKey({ creditsUsd: 5 });
  const answer = await post('/v1/chat/completions', alice.key, { model: 'gpt-test', messages: ask('rate me') });
  const auditHash = answer.body.lumen.audit_hash;
  const first = await post('/v1/feedback', alice.key, { audit_hash: auditHash, rating: 2, notes: 'too short' });
  assert.is(first.status, 201, JSON.stringify(first.body));
  assert.is(first.body.supersedes, null);
  const second = await post('/v1/feedback', alice.key, { audit_hash: auditHash, rating: 5 });
  assert.is(second.body.supersedes, first.body.id);
  const rated = await ledgerEntry(second.body.feedback_hash, alice.key);
  assert.equal([rated.type, rated.data.rating, rated.data.model, rated.data.supersedesRatingId], ['ResponseRated', 5, 'gpt-test', first.body.id]);
  for (let rating = 3; rating < 21; rating += 1) {
    assert.is((await post('/v1/feedback', alice.key, { audit_hash: auditHash, rating: 5 })).status, 201);
  }
  const tooMany = await post('/v1/feedback', alice.key, { audit_hash: auditHash, rating: 5 });
  assert.equal([tooMany.status, tooMany.body.error.code], [409, 'rating_limit'], 'twenty ratings per request at most');
  const stranger = await post('/v1/feedback', bob.key, { audit_hash: auditHash, rating: 1 });
  assert.is(stranger.status, 404, 'another account cannot rate, or learn that the request exists');
  for (const rating of [0, 6, 3.5, '5']) {
    const refused = await post('/v1/feedback', alice.key, { audit_hash: auditHash, rating });
    assert.is(refused.status, 400, `rating ${String(rating)}`);
  }
  const failed = await post('/v1/chat/completions', alice.key, { model: 'upstream-broken', messages: ask('x') });
  assert.is(failed.status, 500);
  const decisionHash = (await post('/v1/chat/completions', alice.key, { model: 'auto', messages: ask('x') })).body.lumen.routing.decision_hash;
  assert.is((await post('/v1/feedback', alice.key, { audit_hash: decisionHash, rating: 3 })).body.error.code, 'not_a_request');
  assert.is((await post('/v1/feedback', alice.key, { audit_hash: 'ab'.repeat(32), rating: 3 })).status, 404);
  // The operator sees the ratings that count, per model and prompt kind: the later rating, once.
  let quality: any[] = [];
  for (let attempt = 0; attempt < 40 && !quality.some((entry) => entry.model === 'gpt-test'); attempt += 1) {
    quality = (await gateway.admin('GET', '/v1/admin/router/quality')).body.data;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const gpt = quality.find((entry) => entry.model === 'gpt-test');
  assert.equal([gpt.ratings, gpt.mean_rating], [1, 5]);
});

test.run();
