// Plans, key groups, rate limits, self-service and Stripe payments through a real gateway
// process, with a local stand-in for Stripe's API and webhooks signed by the stripe library.
import OpenAI from 'openai';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { StripeStandIn } from '../support/stripe-stand-in.ts';
import { SECRET_KEY, WEBHOOK_SECRET, signed, signText } from '../stripe/fixtures.ts';
import { eventBody } from '../support/stripe-stand-in.ts';

let gateway: TestGateway;
let stripe: StripeStandIn;
test.before(async () => {
  stripe = await StripeStandIn.start();
  gateway = await startTestGateway({ STRIPE_SECRET_KEY: SECRET_KEY, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    STRIPE_API_BASE: `http://127.0.0.1:${stripe.apiHost.port}` });
});
test.after(async () => { await gateway.stop(); await stripe.close(); });

const call = (method: string, path: string, key: string | undefined, body?: unknown, headers: Record<string, string> = {}) =>
  gateway.request(method, path, { key, body, headers });

const chat = (key: string, model = 'gpt-test', headers: Record<string, string> = {}) =>
  call('POST', '/v1/chat/completions', key, { model, max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] }, headers);

test('given the public plan list, it shows five plans with prices, credits, limits, caps, tiers and features', async () => {
  const plans = await call('GET', '/v1/plans', undefined);
  assert.is(plans.status, 200);
  assert.equal(plans.body.data.map((plan: any) => plan.id), ['free', 'starter', 'pro', 'scale', 'enterprise']);
  const pro = plans.body.data[2];
  assert.is(pro.price_usd_monthly, 100);
  assert.ok(pro.features.includes('brand_pref'));
  assert.not.ok(plans.body.data[1].features.includes('brand_pref'), 'brand_pref from Pro up');
  for (const plan of plans.body.data) {
    for (const field of ['included_credits_usd', 'requests_per_minute', 'tokens_per_minute', 'monthly_spend_cap_usd', 'allowed_tiers']) {
      assert.ok(field in plan, `${plan.id} has ${field}`);
    }
  }
});

test('given the Free plan, high-tier models are refused with 403 until the admin moves the account to Pro', async () => {
  const { key, accountId } = await gateway.newKey({ plan: 'free', creditsUsd: 2 });
  const refused = await chat(key, 'high-test');
  assert.is(refused.status, 403);
  assert.is(refused.body.error.code, 'tier_not_allowed');
  const changed = await gateway.admin('PUT', `/v1/admin/accounts/${accountId}/plan`, { plan: 'pro' });
  assert.is(changed.body.plan, 'pro');
  assert.is((await chat(key, 'high-test')).status, 200);
  assert.is((await gateway.admin('PUT', `/v1/admin/accounts/${accountId}/plan`, { plan: 'gold' })).status, 400);
  assert.is((await gateway.admin('POST', '/v1/admin/accounts', { name: 'x', plan: 'gold' })).status, 400);
});

test('given the Free plan (20 requests a minute), the 21st request is a 429 with Retry-After, retry_after and x-ratelimit headers', async () => {
  const { key } = await gateway.newKey({ plan: 'free', creditsUsd: 2 });
  const first = await chat(key);
  assert.is(first.status, 200);
  assert.is(first.headers.get('x-ratelimit-limit-requests'), '20');
  assert.is(first.headers.get('x-ratelimit-remaining-requests'), '19');
  assert.is(first.headers.get('x-ratelimit-limit-tokens'), '40000');
  assert.match(first.headers.get('x-ratelimit-reset-requests') ?? '', /^\d+(\.\d+)?(ms|s)$|m/);
  for (let index = 1; index < 20; index += 1) assert.is((await chat(key)).status, 200);
  const limited = await chat(key);
  assert.is(limited.status, 429);
  assert.is(limited.body.error.code, 'rate_limit_exceeded');
  assert.ok(Number(limited.headers.get('retry-after')) >= 1);
  assert.is(limited.body.error.retry_after, Number(limited.headers.get('retry-after')));
  const anthropic = await call('POST', '/v1/messages', key, { model: 'claude-test', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] });
  assert.is(anthropic.status, 429);
  assert.is(anthropic.body.error.type, 'rate_limit_error');
});

test('given a key group for Claude Code and one model, other clients get 403 and other models 404, also in the model list', async () => {
  const { accountId } = await gateway.newKey();
  const group = await gateway.admin('POST', `/v1/admin/accounts/${accountId}/groups`, { name: 'Claude Code only',
    models: ['claude-test'], clients: ['claude-code'] });
  assert.is(group.status, 201);
  const issued = await gateway.admin('POST', `/v1/admin/accounts/${accountId}/keys`, { name: 'cc', group_id: group.body.id });
  assert.is(issued.body.group_id, group.body.id);
  const key = issued.body.key as string;
  const asClaudeCode = { 'user-agent': 'claude-cli/2.1.330 (external, cli)' };
  const wrongClient = await call('POST', '/v1/messages', key, { model: 'claude-test', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] },
    { 'user-agent': 'OpenAI/JS 6.0.0' });
  assert.is(wrongClient.status, 403);
  assert.is(wrongClient.body.error.type, 'permission_error');
  const outside = await call('POST', '/v1/messages', key, { model: 'gpt-test', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] }, asClaudeCode);
  assert.is(outside.status, 404);
  const inside = await call('POST', '/v1/messages', key, { model: 'claude-test', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] }, asClaudeCode);
  assert.is(inside.status, 200);
  const models = await call('GET', '/v1/models', key, undefined, asClaudeCode);
  // The group's one model, and the routed names that can only reach it.
  assert.equal(models.body.data.map((model: any) => model.id), ['claude-test', 'auto', 'small']);
  assert.is((await gateway.admin('POST', `/v1/admin/accounts/${accountId}/keys`, { group_id: 'grp_missing' })).status, 404);
});

test('given self-service, a key sees its account, makes and revokes keys, and never touches another account', async () => {
  const mine = await gateway.newKey({ creditsUsd: 3 });
  const theirs = await gateway.newKey({ creditsUsd: 3 });
  assert.is((await chat(mine.key)).status, 200);
  const me = await call('GET', '/v1/me', mine.key);
  assert.is(me.body.id, mine.accountId);
  assert.is(me.body.plan.id, 'enterprise');
  assert.is(me.body.keys.length, 1);
  const created = await call('POST', '/v1/me/keys', mine.key, { name: 'second' });
  assert.is(created.status, 201);
  assert.match(created.body.key, /^sk-lumen-/);
  assert.is((await chat(created.body.key)).status, 200);
  assert.is((await call('DELETE', `/v1/me/keys/${theirs.keyId}`, mine.key)).status, 404, "another account's key is not there");
  assert.is((await call('DELETE', `/v1/me/keys/${created.body.id}`, mine.key)).status, 200);
  assert.is((await chat(created.body.key)).status, 401);
  const usage = await call('GET', '/v1/usage?days=30', mine.key, undefined, {});
  assert.is(usage.status, 200);
  assert.is(usage.body.requests, 2);
  assert.equal(Object.keys(usage.body.data[0]).sort(), ['app_id', 'cost_micros', 'cost_usd', 'day', 'input_tokens', 'model', 'output_tokens',
    'requests', 'tier']);
  assert.is(usage.body.data[0].tier, 'small');
  const monthly = await call('GET', '/v1/me/usage', mine.key);
  assert.is(monthly.body.requests, 2);
  assert.is((await call('GET', '/v1/usage?days=0', mine.key)).status, 400);
  assert.is((await call('GET', '/v1/usage?days=30', theirs.key)).body.requests, 0);
});

test('given Stripe, a top-up checkout paid once credits once, whatever the webhook duplicates, order and replays', async () => {
  const { key, accountId } = await gateway.newKey({ creditsUsd: 1 });
  const checkout = await call('POST', '/v1/me/checkout', key, { kind: 'top_up', amount_usd: 25 });
  assert.is(checkout.status, 201);
  assert.match(checkout.body.id, /^cs_test_/);
  const session = stripe.requestsTo('POST', '/v1/checkout/sessions').at(-1)!;
  assert.ok(JSON.stringify(session).includes(accountId));
  const deliver = async (event: ReturnType<typeof stripe.completeSession>, secret?: string) => {
    const delivery = signed(event, secret === undefined ? {} : { secret });
    return call('POST', '/v1/stripe/webhook', undefined, delivery.body, { 'stripe-signature': delivery.signature });
  };
  // A delayed payment: completed (unpaid), then succeeded, then both again, in another order.
  const completed = stripe.completeSession(checkout.body.id, { payment: 'delayed' });
  const succeeded = stripe.settleDelayedPayment(checkout.body.id, 'succeeded');
  assert.is((await deliver(completed)).body.credited, false);
  assert.is((await deliver(succeeded)).body.credited, true);
  assert.is((await deliver(succeeded)).body.credited, false);
  assert.is((await deliver(completed)).body.credited, false);
  const forged = await deliver(succeeded, 'whsec_not_the_secret');
  assert.is(forged.status, 400);
  assert.is(forged.body.error.code, 'invalid_signature');
  const balance = await call('GET', '/v1/balance', key);
  assert.is(balance.body.topped_up_usd, 25);
  assert.is(balance.body.balance_usd, 26);
  const portal = await call('POST', '/v1/me/portal', key, {});
  assert.is(portal.status, 200);
  assert.match(portal.body.url, /^https?:\/\//);
});

test('given the raw body, a signature over other bytes is refused even when the JSON is the same', async () => {
  const { key } = await gateway.newKey({ creditsUsd: 1 });
  const checkout = await call('POST', '/v1/me/checkout', key, { kind: 'top_up', amount_usd: 10 });
  const event = stripe.completeSession(checkout.body.id);
  const body = eventBody(event);
  const reformatted = `${JSON.stringify(JSON.parse(body))}\n`;
  assert.is.not(reformatted, body);
  const response = await fetch(`${gateway.url}/v1/stripe/webhook`, { method: 'POST', body: reformatted,
    headers: { 'content-type': 'application/json', 'stripe-signature': signText(body) } });
  assert.is(response.status, 400, JSON.stringify(await response.json()));
  assert.is((await call('GET', '/v1/balance', key)).body.balance_usd, 1);
});

test('given a plan checkout by the admin, the paid session moves the account to the plan and grants its credits once', async () => {
  const { key, accountId } = await gateway.newKey({ plan: 'free', creditsUsd: 0 });
  const checkout = await gateway.admin('POST', '/v1/checkout/session', { account_id: accountId, kind: 'plan', plan: 'pro' });
  assert.is(checkout.status, 201);
  const event = stripe.completeSession(checkout.body.id);
  for (let delivery = 0; delivery < 3; delivery += 1) {
    const signedEvent = signed(event);
    const response = await call('POST', '/v1/stripe/webhook', undefined, signedEvent.body, { 'stripe-signature': signedEvent.signature });
    assert.is(response.body.credited, delivery === 0, JSON.stringify(response.body));
  }
  const me = await call('GET', '/v1/me', key);
  assert.is(me.body.plan.id, 'pro');
  assert.is(me.body.balance.balance_usd, 100);
  assert.is((await gateway.admin('POST', '/v1/checkout/session', { account_id: 'acct_none', kind: 'top_up', amount_usd: 5 })).status, 404);
});

test.run();
