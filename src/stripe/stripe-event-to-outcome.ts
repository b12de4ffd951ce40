// A verified Stripe event to Lumen's webhook outcome (pure). Only money Stripe reports as
// received becomes a payment: a Checkout Session whose payment_status is `paid` (at completion
// for cards, at `async_payment_succeeded` for delayed methods) and a paid renewal invoice.
import type { ConfirmedPayment, IgnoredReason, UnprocessableCode, WebhookOutcome } from './billing-types.ts';
import { centsToMicros, readPaymentMetadata, type PaymentMetadata } from './payment-metadata.ts';
import { checkoutSessionSchema, invoiceSchema, stripeEventSchema, type StripeEventWire } from './stripe-wire.ts';

export function stripeEventToOutcome(payload: unknown): WebhookOutcome {
  const parsed = stripeEventSchema.safeParse(payload);
  if (!parsed.success) {
    return unprocessable(null, 'unreadable_event', `the event does not have Stripe's event shape: ${parsed.error.issues[0]?.message ?? ''}`);
  }
  const event = parsed.data;
  switch (event.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded':
      return fromCheckoutSession(event);
    case 'checkout.session.async_payment_failed':
      return ignored(event, 'payment_failed');
    case 'invoice.paid':
      return fromInvoice(event);
    default:
      return ignored(event, 'unhandled_event_type');
  }
}

function fromCheckoutSession(event: StripeEventWire): WebhookOutcome {
  const parsed = checkoutSessionSchema.safeParse(event.data.object);
  if (!parsed.success) return unreadable(event, 'checkout session', parsed.error.issues[0]?.message);
  const session = parsed.data;
  if (session.payment_status === 'unpaid') return ignored(event, 'payment_pending');
  // Lumen never offers discounts or trials, so a session that needed no payment buys nothing.
  if (session.payment_status === 'no_payment_required') return ignored(event, 'no_payment_required');

  const reading = readPaymentMetadata(session.metadata);
  if (reading.kind === 'foreign') return ignored(event, 'missing_metadata');
  if (reading.kind === 'invalid') return unprocessable(event, 'invalid_metadata', reading.message);
  const metadata = reading.metadata;
  const expectedMode = metadata.purpose === 'top_up' ? 'payment' : 'subscription';
  if (session.mode !== expectedMode) {
    return unprocessable(event, 'invalid_metadata', `a ${metadata.purpose} session must be in ${expectedMode} mode, not ${session.mode}`);
  }
  if (session.currency !== 'usd') return unprocessable(event, 'unsupported_currency', `the session was paid in ${session.currency ?? 'no currency'}`);
  if (session.amount_total === null || session.amount_subtotal === null) return unreadable(event, 'checkout session', 'a paid session without amounts');

  const amountMicros = creditedMicros(metadata, session.amount_subtotal, session.amount_total);
  if (amountMicros === null) {
    return unprocessable(event, 'amount_mismatch',
      `the metadata promises ${metadata.amountMicros} micros but the session charged ${session.amount_subtotal} cents before tax`);
  }
  return payment({
    paymentKey: `checkout:${session.id}`,
    stripeEventId: event.id,
    sessionId: session.id,
    paymentIntentId: session.payment_intent,
    subscriptionId: session.subscription,
    invoiceId: session.invoice,
    customerId: session.customer,
    accountId: metadata.accountId,
    purpose: metadata.purpose,
    plan: metadata.plan,
    amountPaidCents: session.amount_total,
    currency: session.currency,
    amountMicros,
  });
}

/**
 * A top-up grants what its metadata promised, and only if Stripe charged exactly that before
 * tax (the subtotal): tax, when enabled, is paid on top and buys no credits.
 */
function creditedMicros(metadata: PaymentMetadata, subtotalCents: number, totalCents: number): number | null {
  if (metadata.purpose === 'plan') return centsToMicros(totalCents);
  return metadata.amountMicros === centsToMicros(subtotalCents) ? metadata.amountMicros : null;
}

function fromInvoice(event: StripeEventWire): WebhookOutcome {
  const parsed = invoiceSchema.safeParse(event.data.object);
  if (!parsed.success) return unreadable(event, 'invoice', parsed.error.issues[0]?.message);
  const invoice = parsed.data;
  const details = invoice.parent?.subscription_details ?? null;
  const reading = readPaymentMetadata(details?.metadata);
  if (reading.kind === 'foreign') return ignored(event, 'missing_metadata');
  if (reading.kind === 'invalid') return unprocessable(event, 'invalid_metadata', reading.message);
  if (reading.metadata.purpose !== 'plan') return unprocessable(event, 'invalid_metadata', 'an invoice paid for something other than a plan');
  // The first invoice of a subscription is the Checkout Session's own payment, reported (and
  // keyed) by the session; counting it here as well would pay for the first month twice.
  if (invoice.billing_reason === 'subscription_create') return ignored(event, 'first_invoice_paid_through_checkout');
  if (invoice.billing_reason !== 'subscription_cycle') return ignored(event, 'unhandled_billing_reason');
  if (invoice.amount_paid === 0) return ignored(event, 'nothing_paid');
  if (invoice.currency !== 'usd') return unprocessable(event, 'unsupported_currency', `the invoice was paid in ${invoice.currency}`);

  return payment({
    paymentKey: `invoice:${invoice.id}`,
    stripeEventId: event.id,
    sessionId: null,
    // Since API version 2025-03-31 an invoice names its payments only in `payments`, which a
    // webhook does not expand; the invoice id is the reference for a renewal.
    paymentIntentId: null,
    subscriptionId: details?.subscription ?? null,
    invoiceId: invoice.id,
    customerId: invoice.customer,
    accountId: reading.metadata.accountId,
    purpose: 'plan',
    plan: reading.metadata.plan,
    amountPaidCents: invoice.amount_paid,
    currency: invoice.currency,
    amountMicros: centsToMicros(invoice.amount_paid),
  });
}

function payment(confirmed: ConfirmedPayment): WebhookOutcome {
  return { kind: 'payment', payment: confirmed };
}

function ignored(event: StripeEventWire, reason: IgnoredReason): WebhookOutcome {
  return { kind: 'ignored', stripeEventId: event.id, eventType: event.type, reason };
}

function unreadable(event: StripeEventWire, what: string, detail: string | undefined): WebhookOutcome {
  return unprocessable(event, 'unreadable_event', `the ${what} in ${event.type} cannot be read: ${detail ?? 'invalid'}`);
}

function unprocessable(event: StripeEventWire | null, code: UnprocessableCode, message: string): WebhookOutcome {
  return { kind: 'unprocessable', stripeEventId: event?.id ?? null, eventType: event?.type ?? null, code, message };
}
