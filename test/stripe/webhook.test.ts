import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ConfirmedPayment, WebhookOutcome } from '../../src/stripe/billing-types.ts';
import type { StripeBilling } from '../../src/stripe/stripe-billing.ts';
import { StripeStandIn, type StripeEventJson } from '../support/stripe-stand-in.ts';
import { billingFor, signed, signText } from './fixtures.ts';

let standIn: StripeStandIn;
let billing: StripeBilling;

test.before(async () => {
  standIn = await StripeStandIn.start();
  billing = billingFor(standIn);
});

test.after(async () => {
  await standIn.close();
});

/** Delivers an event the way Stripe does: signed now, parsed from the raw bytes. */
function deliver(event: StripeEventJson): WebhookOutcome {
  const delivery = signed(event);
  return billing.parseWebhook(Buffer.from(delivery.body, 'utf8'), delivery.signature);
}

function paymentOf(outcome: WebhookOutcome): ConfirmedPayment {
  if (outcome.kind !== 'payment') throw new Error(`expected a payment, got ${JSON.stringify(outcome)}`);
  return outcome.payment;
}

async function paidTopUp(accountId: string, amountCents: number): Promise<StripeEventJson> {
  const { sessionId } = await billing.createTopUpCheckout({ accountId, amountCents });
  return standIn.completeSession(sessionId, { payment: 'card' });
}

test('given a top-up paid by card, when checkout.session.completed arrives, then it is a payment keyed by the session', async () => {
  const event = await paidTopUp('acct_card', 2500);
  const session = event.data.object;

  const payment = paymentOf(deliver(event));
  assert.equal(payment, {
    paymentKey: `checkout:${session.id as string}`,
    stripeEventId: event.id,
    sessionId: session.id,
    paymentIntentId: session.payment_intent,
    subscriptionId: null,
    invoiceId: null,
    customerId: session.customer,
    accountId: 'acct_card',
    purpose: 'top_up',
    plan: null,
    amountPaidCents: 2500,
    currency: 'usd',
    amountMicros: 25_000_000,
  });
  assert.match(payment.paymentIntentId ?? '', /^pi_/);
  assert.match(payment.customerId ?? '', /^cus_/);
});

test('given a correctly signed body as a string, when parsed, then it is accepted like a Buffer', async () => {
  const delivery = signed(await paidTopUp('acct_string', 1000));
  assert.is(billing.parseWebhook(delivery.body, delivery.signature).kind, 'payment');
});

test('given a body signed with another secret, when parsed, then the signature is refused', async () => {
  const delivery = signed(await paidTopUp('acct_forged', 1000), { secret: 'whsec_someone_else' });
  const outcome = billing.parseWebhook(delivery.body, delivery.signature);
  assert.is(outcome.kind, 'invalid_signature');
});

test('given one changed byte in a signed body, when parsed, then the signature is refused', async () => {
  const delivery = signed(await paidTopUp('acct_tamper', 1000));
  const bytes = Buffer.from(delivery.body, 'utf8');
  const position = delivery.body.indexOf('"amount_total": 1000') + '"amount_total": '.length;
  assert.ok(position > '"amount_total": '.length, 'the signed body shows the amount');
  bytes[position] = '9'.charCodeAt(0);
  assert.is(billing.parseWebhook(bytes, delivery.signature).kind, 'invalid_signature');
  // Re-serialized JSON is not the signed body either, even with the same content.
  assert.is(billing.parseWebhook(JSON.stringify(JSON.parse(delivery.body)), delivery.signature).kind, 'invalid_signature');
});

test('given a delivery signed longer ago than the tolerance, when parsed, then it is refused as stale; inside the tolerance it passes', async () => {
  const event = await paidTopUp('acct_stale', 1000);
  const signedAtSeconds = 1_800_000_000;
  const delivery = signed(event, { timestampSeconds: signedAtSeconds });

  const stale = billing.parseWebhook(delivery.body, delivery.signature, new Date((signedAtSeconds + 301) * 1000));
  assert.is(stale.kind, 'invalid_signature');
  assert.match((stale as { message: string }).message, /tolerance/);
  assert.is(billing.parseWebhook(delivery.body, delivery.signature, new Date((signedAtSeconds + 299) * 1000)).kind, 'payment');
  assert.is(billingFor(standIn, { webhookToleranceSeconds: 60 })
    .parseWebhook(delivery.body, delivery.signature, new Date((signedAtSeconds + 61) * 1000)).kind, 'invalid_signature');
});

test('given no or a malformed Stripe-Signature header, when parsed, then the signature is refused', async () => {
  const delivery = signed(await paidTopUp('acct_header', 1000));
  for (const header of [undefined, '', 'garbage', `t=${Math.floor(Date.now() / 1000)}`]) {
    assert.is(billing.parseWebhook(delivery.body, header).kind, 'invalid_signature', `header ${String(header)}`);
  }
});

test('given a delayed payment method, when completed arrives unpaid, then it is ignored; when async success follows, then it is the payment', async () => {
  const { sessionId } = await billing.createTopUpCheckout({ accountId: 'acct_bank', amountCents: 5000 });
  const completed = standIn.completeSession(sessionId, { payment: 'delayed' });
  assert.is(completed.data.object.payment_status, 'unpaid');
  assert.equal(deliver(completed), { kind: 'ignored', stripeEventId: completed.id, eventType: 'checkout.session.completed', reason: 'payment_pending' });

  const succeeded = standIn.settleDelayedPayment(sessionId, 'succeeded');
  assert.is(succeeded.type, 'checkout.session.async_payment_succeeded');
  const payment = paymentOf(deliver(succeeded));
  assert.is(payment.paymentKey, `checkout:${sessionId}`);
  assert.is(payment.stripeEventId, succeeded.id);
  assert.is(payment.amountMicros, 50_000_000);
  assert.is(payment.accountId, 'acct_bank');
});

test('given a delayed payment that fails, when async_payment_failed arrives, then it is ignored', async () => {
  const { sessionId } = await billing.createTopUpCheckout({ accountId: 'acct_bounce', amountCents: 5000 });
  standIn.completeSession(sessionId, { payment: 'delayed' });
  const failed = standIn.settleDelayedPayment(sessionId, 'failed');
  assert.equal(deliver(failed), { kind: 'ignored', stripeEventId: failed.id, eventType: 'checkout.session.async_payment_failed', reason: 'payment_failed' });
});

test('given completed and async_payment_succeeded both reporting one paid session, and a resend, then every payment key is the same', async () => {
  const { sessionId } = await billing.createTopUpCheckout({ accountId: 'acct_twice', amountCents: 1500 });
  standIn.completeSession(sessionId, { payment: 'delayed' });
  const succeeded = standIn.settleDelayedPayment(sessionId, 'succeeded');
  // Stripe promises neither exactly-once nor ordered delivery: model a completed event that
  // already shows the session paid, and a resend of the same event.
  const completedPaid: StripeEventJson = { ...structuredClone(succeeded), id: 'evt_completed_copy', type: 'checkout.session.completed' };

  const keys = [succeeded, completedPaid, succeeded].map((event) => paymentOf(deliver(event)).paymentKey);
  assert.equal(keys, [`checkout:${sessionId}`, `checkout:${sessionId}`, `checkout:${sessionId}`]);
  assert.is.not(paymentOf(deliver(completedPaid)).stripeEventId, paymentOf(deliver(succeeded)).stripeEventId);
});

test('given a plan paid by card, when its events arrive, then the session is the payment and the first invoice is not counted again', async () => {
  const { sessionId } = await billing.createPlanCheckout({ accountId: 'acct_pro', plan: 'pro', priceCents: 2000 });
  const completed = standIn.completeSession(sessionId);
  const firstInvoice = standIn.events.find((event) => event.type === 'invoice.paid' && event.data.object.id === completed.data.object.invoice)!;

  const payment = paymentOf(deliver(completed));
  assert.is(payment.purpose, 'plan');
  assert.is(payment.plan, 'pro');
  assert.is(payment.paymentKey, `checkout:${sessionId}`);
  assert.match(payment.subscriptionId ?? '', /^sub_/);
  assert.is(payment.invoiceId, firstInvoice.data.object.id);
  assert.is(payment.paymentIntentId, null);
  assert.is(payment.amountPaidCents, 2000);
  assert.is(payment.amountMicros, 20_000_000);
  assert.equal(deliver(firstInvoice), { kind: 'ignored', stripeEventId: firstInvoice.id, eventType: 'invoice.paid', reason: 'first_invoice_paid_through_checkout' });
});

test('given a subscription renews, when invoice.paid arrives, then it is a plan payment keyed by the invoice', async () => {
  const { sessionId } = await billing.createPlanCheckout({ accountId: 'acct_renew', plan: 'team', priceCents: 9900 });
  const subscriptionId = standIn.completeSession(sessionId).data.object.subscription as string;
  const renewal = standIn.renewSubscription(subscriptionId);

  const payment = paymentOf(deliver(renewal));
  assert.equal(payment, {
    paymentKey: `invoice:${renewal.data.object.id as string}`,
    stripeEventId: renewal.id,
    sessionId: null,
    paymentIntentId: null,
    subscriptionId,
    invoiceId: renewal.data.object.id,
    customerId: renewal.data.object.customer,
    accountId: 'acct_renew',
    purpose: 'plan',
    plan: 'team',
    amountPaidCents: 9900,
    currency: 'usd',
    amountMicros: 99_000_000,
  });
});

test('given authentic events Lumen has no business with, when parsed, then they are ignored with a reason', async () => {
  const foreign = standIn.completeSession((await billing.createTopUpCheckout({ accountId: 'acct_foreign', amountCents: 1000 })).sessionId);
  foreign.data.object.metadata = {};
  assert.is((deliver(foreign) as { reason?: string }).reason, 'missing_metadata');

  const other: StripeEventJson = { ...structuredClone(foreign), id: 'evt_other', type: 'customer.created', data: { object: { id: 'cus_1', object: 'customer' } } };
  assert.equal(deliver(other), { kind: 'ignored', stripeEventId: 'evt_other', eventType: 'customer.created', reason: 'unhandled_event_type' });
});

test('given a paid top-up whose metadata promises more than was charged, when parsed, then it is unprocessable, never credited', async () => {
  const event = await paidTopUp('acct_greedy', 1000);
  (event.data.object.metadata as Record<string, string>).amount_micros = '999000000';
  const outcome = deliver(event);
  assert.is(outcome.kind, 'unprocessable');
  assert.is((outcome as { code: string }).code, 'amount_mismatch');

  const euros = await paidTopUp('acct_euro', 1000);
  euros.data.object.currency = 'eur';
  assert.is((deliver(euros) as { code?: string }).code, 'unsupported_currency');

  const broken = await paidTopUp('acct_broken', 1000);
  (broken.data.object.metadata as Record<string, string>).kind = 'gift';
  assert.is((deliver(broken) as { code?: string }).code, 'invalid_metadata');
});

test('given a correctly signed body that is not a snapshot event, when parsed, then it is unprocessable rather than ignored', () => {
  for (const body of ['not json at all', JSON.stringify({ id: 'evt_1', object: 'charge' }), JSON.stringify({ id: 'evt_2', object: 'v2.core.event', type: 'v1.billing.meter.no_meter_found' })]) {
    const outcome = billing.parseWebhook(body, signText(body));
    assert.is(outcome.kind, 'unprocessable', body);
    assert.is((outcome as { code: string }).code, 'unreadable_event');
  }
});

test.run();
