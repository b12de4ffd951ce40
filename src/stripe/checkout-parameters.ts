// Lumen's checkout requests to Stripe's Checkout Session parameters (pure). Prices are inline
// (`price_data`), so no Product or Price has to be set up in the Stripe dashboard first.
import type Stripe from 'stripe';
import type { PlanCheckoutRequest, TopUpCheckoutRequest } from './billing-types.ts';
import { centsToMicros, planMetadata, topUpMetadata } from './payment-metadata.ts';

export interface CheckoutUrls {
  successUrl: string;
  cancelUrl: string;
}

export function topUpSessionParameters(request: TopUpCheckoutRequest, urls: CheckoutUrls): Stripe.Checkout.SessionCreateParams {
  const metadata = topUpMetadata(request.accountId, centsToMicros(request.amountCents));
  return {
    mode: 'payment',
    client_reference_id: request.accountId,
    line_items: [{
      quantity: 1,
      price_data: {
        currency: 'usd',
        unit_amount: request.amountCents,
        product_data: { name: 'Lumen credits', description: 'Prepaid credits for the Lumen API' },
      },
    }],
    metadata,
    // The PaymentIntent carries the same metadata, so refunds and disputes, which Stripe reports
    // on charges, can be traced back to the account.
    payment_intent_data: { metadata },
    // Without a customer, Checkout makes a guest; a real customer lets the portal show receipts.
    ...customerParameters(request.customerId, 'payment'),
    success_url: urls.successUrl,
    cancel_url: urls.cancelUrl,
  };
}

export function planSessionParameters(request: PlanCheckoutRequest, urls: CheckoutUrls): Stripe.Checkout.SessionCreateParams {
  const metadata = planMetadata(request.accountId, request.plan);
  return {
    mode: 'subscription',
    client_reference_id: request.accountId,
    line_items: [{
      quantity: 1,
      price_data: {
        currency: 'usd',
        unit_amount: request.priceCents,
        recurring: { interval: 'month', interval_count: 1 },
        product_data: { name: `Lumen ${request.plan} plan` },
      },
    }],
    metadata,
    // Session metadata stays on the session; renewal invoices only see the subscription's, as
    // `invoice.parent.subscription_details.metadata`.
    subscription_data: { metadata },
    ...customerParameters(request.customerId, 'subscription'),
    success_url: urls.successUrl,
    cancel_url: urls.cancelUrl,
  };
}

function customerParameters(customerId: string | undefined, mode: 'payment' | 'subscription'): Partial<Stripe.Checkout.SessionCreateParams> {
  if (customerId !== undefined) return { customer: customerId };
  // Subscription mode always creates a customer; `customer_creation` is refused there.
  return mode === 'payment' ? { customer_creation: 'always' } : {};
}
