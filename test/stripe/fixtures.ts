// Shared setup for the Stripe adapter tests: an adapter pointed at the stand-in, and webhook
// bodies signed the way Stripe signs them, with the stripe library's own test helper.
import Stripe from 'stripe';
import { StripeBilling } from '../../src/stripe/stripe-billing.ts';
import type { StripeBillingOptions } from '../../src/stripe/stripe-billing-config.ts';
import { eventBody, type StripeEventJson, type StripeStandIn } from '../support/stripe-stand-in.ts';

export const SECRET_KEY = 'sk_test_lumen0123456789';
export const WEBHOOK_SECRET = 'whsec_lumen_test_0123456789abcdef';

export function billingFor(standIn: StripeStandIn, overrides: Partial<StripeBillingOptions> = {}): StripeBilling {
  return new StripeBilling({
    secretKey: SECRET_KEY,
    webhookSecret: WEBHOOK_SECRET,
    apiHost: standIn.apiHost,
    successUrl: 'https://lumen.test/billing/done?session={CHECKOUT_SESSION_ID}',
    cancelUrl: 'https://lumen.test/billing',
    portalReturnUrl: 'https://lumen.test/account',
    maxNetworkRetries: 0,
    ...overrides,
  });
}

export interface SignedDelivery {
  body: string;
  signature: string;
}

/** The body and Stripe-Signature header of a delivery, signed at `timestampSeconds` (now by default). */
export function signed(event: StripeEventJson, options: SigningOptions = {}): SignedDelivery {
  const body = eventBody(event);
  return { body, signature: signText(body, options) };
}

export interface SigningOptions {
  secret?: string;
  timestampSeconds?: number;
}

/** A Stripe-Signature header for any text, made by the stripe library's own test helper. */
export function signText(body: string, options: SigningOptions = {}): string {
  return Stripe.webhooks.generateTestHeaderString({
    payload: body,
    secret: options.secret ?? WEBHOOK_SECRET,
    ...(options.timestampSeconds === undefined ? {} : { timestamp: options.timestampSeconds }),
  });
}
