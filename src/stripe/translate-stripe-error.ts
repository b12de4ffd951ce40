// Turns the stripe library's errors into BillingError codes. Only a missing customer is the
// caller's business; a refused request is Lumen's misconfiguration or bug, and everything that
// may pass on retry (network, timeouts, Stripe's own failures, rate limits) is "unavailable".
import Stripe from 'stripe';
import { BillingError } from './billing-types.ts';

export function translateStripeError(error: unknown): BillingError {
  if (error instanceof BillingError) return error;
  if (!(error instanceof Stripe.errors.StripeError)) {
    return new BillingError('stripe_unavailable', 502, `calling Stripe failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  const requestId = error.requestId ?? null;
  if (error instanceof Stripe.errors.StripeConnectionError || error instanceof Stripe.errors.StripeAPIError
    || error instanceof Stripe.errors.StripeRateLimitError || (error.statusCode ?? 0) >= 500) {
    return new BillingError('stripe_unavailable', 503, `Stripe is unavailable: ${error.message}`, requestId);
  }
  if (error instanceof Stripe.errors.StripeInvalidRequestError && error.code === 'resource_missing' && error.param === 'customer') {
    return new BillingError('stripe_customer_not_found', 404, `Stripe has no such customer: ${error.message}`, requestId);
  }
  return new BillingError('stripe_request_refused', 502, `Stripe refused the request (${error.type}): ${error.message}`, requestId);
}
