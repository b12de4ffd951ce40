import { createServer } from 'node:net';
import Stripe from 'stripe';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BillingError } from '../../src/stripe/billing-types.ts';
import { decodeStripeForm, StripeStandIn } from '../support/stripe-stand-in.ts';
import { billingFor } from './fixtures.ts';

let standIn: StripeStandIn;

test.before(async () => {
  standIn = await StripeStandIn.start();
});

test.after(async () => {
  await standIn.close();
});

async function billingError(promise: Promise<unknown>): Promise<BillingError> {
  try {
    await promise;
  } catch (error) {
    assert.instance(error, BillingError);
    return error as BillingError;
  }
  throw new Error('expected a BillingError');
}

test('given nested form keys, when the stand-in decodes them, then arrays and objects come back as Stripe reads them', () => {
  const form = decodeStripeForm('mode=payment&line_items[0][price_data][unit_amount]=2500&line_items[0][quantity]=1'
    + '&metadata[account_id]=acct%201&metadata[kind]=top_up&success_url=https%3A%2F%2Fx.test%2F%7BCHECKOUT_SESSION_ID%7D');
  assert.equal(form, {
    mode: 'payment',
    line_items: [{ price_data: { unit_amount: '2500' }, quantity: '1' }],
    metadata: { account_id: 'acct 1', kind: 'top_up' },
    success_url: 'https://x.test/{CHECKOUT_SESSION_ID}',
  });
});

test('given a top-up of $25, when a checkout is created, then Stripe receives a one-off USD payment tagged with the account', async () => {
  const link = await billingFor(standIn).createTopUpCheckout({ accountId: 'acct_topup', amountCents: 2500 });

  assert.match(link.sessionId, /^cs_test_/);
  assert.is(link.url, `https://checkout.stripe.com/c/pay/${link.sessionId}`);
  const [received] = standIn.requestsTo('POST', '/v1/checkout/sessions').slice(-1);
  assert.ok(received);
  assert.is(received.headers.contentType, 'application/x-www-form-urlencoded');
  assert.is(received.headers.authorization, 'Bearer sk_test_lumen0123456789');
  assert.ok(received.headers.idempotencyKey, 'the library sends an idempotency key with every create');
  const form = received.form;
  assert.is(form.mode, 'payment');
  assert.is(form.client_reference_id, 'acct_topup');
  assert.is(form.customer_creation, 'always');
  assert.is(form.customer, undefined);
  assert.equal(form.line_items, [{
    quantity: '1',
    price_data: { currency: 'usd', unit_amount: '2500', product_data: { name: 'Lumen credits', description: 'Prepaid credits for the Lumen API' } },
  }]);
  const metadata = { account_id: 'acct_topup', kind: 'top_up', amount_micros: '25000000' };
  assert.equal(form.metadata, metadata);
  assert.equal(form.payment_intent_data, { metadata });
  assert.is(form.success_url, 'https://lumen.test/billing/done?session={CHECKOUT_SESSION_ID}');
  assert.is(form.cancel_url, 'https://lumen.test/billing');

  const session = standIn.sessions.get(link.sessionId)!;
  assert.is(session.amount_total, 2500);
  assert.is(session.payment_status, 'unpaid');
  assert.is(session.status, 'open');
});

test('given a plan, when a checkout is created, then Stripe receives a monthly subscription whose subscription carries the metadata too', async () => {
  const customerId = standIn.createCustomer();
  const link = await billingFor(standIn).createPlanCheckout({ accountId: 'acct_plan', plan: 'pro', priceCents: 2000, customerId });

  const form = standIn.requestsTo('POST', '/v1/checkout/sessions').at(-1)!.form;
  assert.is(form.mode, 'subscription');
  assert.is(form.customer, customerId);
  assert.is(form.customer_creation, undefined, 'Stripe refuses customer_creation in subscription mode');
  assert.equal(form.line_items, [{
    quantity: '1',
    price_data: { currency: 'usd', unit_amount: '2000', recurring: { interval: 'month', interval_count: '1' }, product_data: { name: 'Lumen pro plan' } },
  }]);
  const metadata = { account_id: 'acct_plan', kind: 'plan', plan: 'pro' };
  assert.equal(form.metadata, metadata);
  assert.equal(form.subscription_data, { metadata });
  assert.is(standIn.sessions.get(link.sessionId)?.mode, 'subscription');
});

test('given an amount outside the configured range or a fraction of a cent, when a top-up is asked for, then it is refused before calling Stripe', async () => {
  const before = standIn.requests.length;
  const billing = billingFor(standIn, { topUpCentsMin: 500, topUpCentsMax: 10_000 });
  for (const amountCents of [499, 10_001, 12.5, Number.NaN]) {
    const error = await billingError(billing.createTopUpCheckout({ accountId: 'acct_x', amountCents }));
    assert.is(error.code, 'invalid_amount');
    assert.is(error.status, 400);
  }
  assert.is((await billingError(billing.createPlanCheckout({ accountId: 'acct_x', plan: 'pro\n', priceCents: 2000 }))).code, 'invalid_plan');
  assert.is(standIn.requests.length, before);
});

test('given a customer Stripe does not know, when a checkout is created, then the error says so with a 404', async () => {
  const error = await billingError(billingFor(standIn).createTopUpCheckout({ accountId: 'acct_x', amountCents: 1000, customerId: 'cus_missing' }));
  assert.is(error.code, 'stripe_customer_not_found');
  assert.is(error.status, 404);
  assert.ok(error.stripeRequestId?.startsWith('req_'));
});

test('given Stripe fails once, when a checkout is created with retries, then the retry reuses the idempotency key and succeeds', async () => {
  standIn.failNext(500);
  const before = standIn.requestsTo('POST', '/v1/checkout/sessions').length;
  const link = await billingFor(standIn, { maxNetworkRetries: 1 }).createTopUpCheckout({ accountId: 'acct_retry', amountCents: 1000 });

  const attempts = standIn.requestsTo('POST', '/v1/checkout/sessions').slice(before);
  assert.is(attempts.length, 2);
  assert.is(attempts[0]!.headers.idempotencyKey, attempts[1]!.headers.idempotencyKey);
  assert.ok(standIn.sessions.has(link.sessionId));
});

test('given Stripe keeps failing or cannot be reached, when a checkout is created, then the error is stripe_unavailable', async () => {
  standIn.failNext(500, 500);
  const failing = await billingError(billingFor(standIn, { maxNetworkRetries: 1 }).createTopUpCheckout({ accountId: 'acct_x', amountCents: 1000 }));
  assert.is(failing.code, 'stripe_unavailable');
  assert.is(failing.status, 503);

  const closedPort = await new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
  const unreachable = billingFor(standIn, { apiHost: { host: '127.0.0.1', port: closedPort, protocol: 'http' } });
  assert.is((await billingError(unreachable.createTopUpCheckout({ accountId: 'acct_x', amountCents: 1000 }))).code, 'stripe_unavailable');
});

test('given a key Stripe refuses, when a checkout is created, then the error is stripe_request_refused', async () => {
  const billing = billingFor(standIn, { secretKey: 'sk_live_not_for_the_stand_in' });
  const error = await billingError(billing.createTopUpCheckout({ accountId: 'acct_x', amountCents: 1000 }));
  assert.is(error.code, 'stripe_request_refused');
  assert.is(error.status, 502);
});

test('given a customer, when a portal session is created, then it returns the hosted url and sends the return url', async () => {
  const customerId = standIn.createCustomer();
  const billing = billingFor(standIn);

  const portal = await billing.createPortalSession({ customerId });
  assert.match(portal.url, /^https:\/\/billing\.stripe\.com\/p\/session\/test_/);
  assert.equal(standIn.requestsTo('POST', '/v1/billing_portal/sessions').at(-1)!.form, { customer: customerId, return_url: 'https://lumen.test/account' });

  await billing.createPortalSession({ customerId, returnUrl: 'https://lumen.test/elsewhere' });
  assert.is(standIn.requestsTo('POST', '/v1/billing_portal/sessions').at(-1)!.form.return_url, 'https://lumen.test/elsewhere');

  assert.is((await billingError(billing.createPortalSession({ customerId: 'cus_missing' }))).code, 'stripe_customer_not_found');
});

test('given a created session, when it is read back through the real client, then the stand-in serves it by id', async () => {
  const link = await billingFor(standIn).createTopUpCheckout({ accountId: 'acct_read', amountCents: 700 });
  const client = new Stripe('sk_test_reader', { ...standIn.apiHost, maxNetworkRetries: 0 });
  const session = await client.checkout.sessions.retrieve(link.sessionId);
  assert.is(session.id, link.sessionId);
  assert.is(session.client_reference_id, 'acct_read');
  assert.equal(session.metadata, { account_id: 'acct_read', kind: 'top_up', amount_micros: '7000000' });
});

test.run();
