// A payment Stripe confirmed, as ledger events on the paying account: credits for a top-up, or
// the plan (and its included credits) for a plan payment; the Stripe customer is remembered for
// later checkouts and the billing portal. Each payment credits once, keyed by its payment key,
// whatever Stripe resends or reorders.
import { planNamed, isPlanName } from '../domain/plans.ts';
import type { RecordedEvent } from '../ledger/event-store.ts';
import type { ConfirmedPayment } from '../stripe/billing-types.ts';
import type { AccountWriter } from './account-writer.ts';

export async function creditPayment(writer: AccountWriter, payment: ConfirmedPayment): Promise<RecordedEvent[]> {
  const recorded: RecordedEvent[] = [];
  const accountId = payment.accountId;
  if (payment.customerId !== null) {
    recorded.push(...(await writer.execute(accountId, { type: 'LinkStripeCustomer', customerId: payment.customerId })).events);
  }
  let amountMicros = payment.amountMicros;
  if (payment.purpose === 'plan') {
    if (payment.plan === null || !isPlanName(payment.plan)) throw new Error(`payment ${payment.paymentKey} names no known plan`);
    recorded.push(...(await writer.execute(accountId, { type: 'ChangePlan', changeId: payment.paymentKey, plan: payment.plan })).events);
    amountMicros = planNamed(payment.plan).includedCreditsMicros;
  }
  if (amountMicros > 0) {
    recorded.push(...(await writer.execute(accountId, { type: 'TopUpCredits', payment: { paymentKey: payment.paymentKey, amountMicros,
      stripeEventId: payment.stripeEventId, stripeSessionId: payment.sessionId, stripePaymentIntentId: payment.paymentIntentId,
      stripeInvoiceId: payment.invoiceId, amountPaidCents: payment.amountPaidCents, currency: payment.currency } })).events);
  }
  return recorded;
}
