// Lumen's own words for what the Stripe adapter does. Nothing here names a Stripe type: the
// adapter translates Stripe's sessions, invoices, events and errors into these at the boundary,
// so the HTTP layer and the ledger never depend on the `stripe` package.
import type { Micros } from '../domain/money.ts';

export type PaymentPurpose = 'top_up' | 'plan';

export interface TopUpCheckoutRequest {
  accountId: string;
  /** What the customer pays, in US cents; the credits bought are the same amount in micros. */
  amountCents: number;
  /** A Stripe customer Lumen already knows for this account, so cards and receipts stay together. */
  customerId?: string;
}

export interface PlanCheckoutRequest {
  accountId: string;
  plan: string;
  /** The monthly price, in US cents. */
  priceCents: number;
  customerId?: string;
}

export interface PortalRequest {
  customerId: string;
  /** Where the portal's back link leads; the configured `portalReturnUrl` when absent. */
  returnUrl?: string;
}

/** Where to send the customer to pay: a hosted Checkout page. */
export interface CheckoutLink {
  sessionId: string;
  url: string;
}

/** A hosted billing portal page where a customer manages cards, invoices and subscriptions. */
export interface PortalLink {
  url: string;
}

/**
 * A payment Stripe has confirmed as received, ready to become exactly one ledger event.
 * `paymentKey` names the payment, not the webhook: Stripe sends `checkout.session.completed`
 * and later `checkout.session.async_payment_succeeded` for the same session, and resends
 * events after failures, so only the session (or renewal invoice) identifies one payment.
 */
export interface ConfirmedPayment {
  /** `checkout:<session id>` for a Checkout payment, `invoice:<invoice id>` for a renewal. */
  paymentKey: string;
  /** The event that reported it; several events may report one payment. */
  stripeEventId: string;
  /** Null for plan renewals, which are paid by invoice without a Checkout Session. */
  sessionId: string | null;
  paymentIntentId: string | null;
  subscriptionId: string | null;
  invoiceId: string | null;
  customerId: string | null;
  accountId: string;
  purpose: PaymentPurpose;
  /** The plan's name for plan payments, null for top-ups. */
  plan: string | null;
  amountPaidCents: number;
  /** Lower-case ISO code; always `usd` because Lumen bills in US dollars only. */
  currency: string;
  /**
   * For a top-up, the credits to grant (1 USD = 1,000,000 micros), checked against the amount
   * Stripe charged before tax. For a plan, the amount paid in micros: what a plan grants is the
   * domain's decision, not the payment's.
   */
  amountMicros: Micros;
}

/** Why an authentic event leads to no payment; acknowledging it (2xx) is right for all of them. */
export type IgnoredReason =
  /** Paid later by a delayed method (bank debit); `async_payment_succeeded` will follow. */
  | 'payment_pending'
  | 'payment_failed'
  | 'no_payment_required'
  | 'unhandled_event_type'
  /** Not created by Lumen (a payment link, another integration on the same Stripe account). */
  | 'missing_metadata'
  /** A subscription's first invoice: its money is reported by the Checkout Session instead. */
  | 'first_invoice_paid_through_checkout'
  | 'unhandled_billing_reason'
  | 'nothing_paid';

/**
 * Why an authentic event that looks like Lumen's money cannot be read. Answering these with an
 * error (5xx) makes Stripe retry and flag the endpoint, which is the alarm a lost payment needs.
 */
export type UnprocessableCode = 'unreadable_event' | 'invalid_metadata' | 'amount_mismatch' | 'unsupported_currency';

export type WebhookOutcome =
  | { kind: 'payment'; payment: ConfirmedPayment }
  | { kind: 'ignored'; stripeEventId: string; eventType: string; reason: IgnoredReason }
  | { kind: 'unprocessable'; stripeEventId: string | null; eventType: string | null; code: UnprocessableCode; message: string }
  /** The body was not signed with the endpoint's secret, was changed, or is too old to trust. */
  | { kind: 'invalid_signature'; message: string };

export type BillingErrorCode =
  | 'invalid_amount'
  | 'invalid_plan'
  | 'stripe_customer_not_found'
  /** Stripe understood and refused the request: a key, permission or parameter problem on Lumen's side. */
  | 'stripe_request_refused'
  /** Stripe could not be reached or failed; retrying later may succeed. */
  | 'stripe_unavailable';

/** Operating errors of the Stripe adapter: a stable code and the HTTP status to answer with. */
export class BillingError extends Error {
  constructor(
    readonly code: BillingErrorCode,
    readonly status: number,
    message: string,
    /** Stripe's request id, for finding the call in Stripe's dashboard logs. */
    readonly stripeRequestId: string | null = null,
  ) {
    super(message);
    this.name = 'BillingError';
  }
}
