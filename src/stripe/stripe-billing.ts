// The Stripe adapter: opens hosted Checkout and billing portal pages, and turns signed webhooks
// into Lumen's payments. It wraps the official `stripe` client; callers see only the types in
// billing-types.ts, and every library error leaves as a BillingError.
import Stripe from 'stripe';
import { VERSION } from '../version.ts';
import {
  BillingError, type CheckoutLink, type PlanCheckoutRequest, type PortalLink, type PortalRequest,
  type TopUpCheckoutRequest, type WebhookOutcome,
} from './billing-types.ts';
import { planSessionParameters, topUpSessionParameters } from './checkout-parameters.ts';
import { stripeEventToOutcome } from './stripe-event-to-outcome.ts';
import { stripeBillingConfigSchema, type StripeBillingConfig, type StripeBillingOptions } from './stripe-billing-config.ts';
import { translateStripeError } from './translate-stripe-error.ts';

const PLAN_NAME = /^[A-Za-z0-9][A-Za-z0-9 _.-]{0,39}$/;
const ACCOUNT_ID_LENGTH_MAX = 128;

export class StripeBilling {
  private readonly config: StripeBillingConfig;
  private readonly client: Stripe;

  constructor(options: StripeBillingOptions) {
    this.config = stripeBillingConfigSchema.parse(options);
    this.client = new Stripe(this.config.secretKey, {
      ...(this.config.apiHost ?? {}),
      maxNetworkRetries: this.config.maxNetworkRetries,
      timeout: this.config.requestTimeoutMs,
      telemetry: false,
      appInfo: { name: 'Lumen', version: VERSION },
    });
  }

  async createTopUpCheckout(request: TopUpCheckoutRequest): Promise<CheckoutLink> {
    assertAccountId(request.accountId);
    const { topUpCentsMin, topUpCentsMax } = this.config;
    if (!Number.isSafeInteger(request.amountCents) || request.amountCents < topUpCentsMin || request.amountCents > topUpCentsMax) {
      throw new BillingError('invalid_amount', 400, `a top-up must be a whole number of cents from ${topUpCentsMin} to ${topUpCentsMax}`);
    }
    return this.createCheckout(topUpSessionParameters(request, this.config));
  }

  async createPlanCheckout(request: PlanCheckoutRequest): Promise<CheckoutLink> {
    assertAccountId(request.accountId);
    if (!PLAN_NAME.test(request.plan)) {
      throw new BillingError('invalid_plan', 400, 'a plan name is 1 to 40 letters, digits, spaces, dots, dashes or underscores');
    }
    const { planPriceCentsMax } = this.config;
    if (!Number.isSafeInteger(request.priceCents) || request.priceCents < 50 || request.priceCents > planPriceCentsMax) {
      throw new BillingError('invalid_amount', 400, `a plan price must be a whole number of cents from 50 to ${planPriceCentsMax}`);
    }
    return this.createCheckout(planSessionParameters(request, this.config));
  }

  async createPortalSession(request: PortalRequest): Promise<PortalLink> {
    try {
      const session = await this.client.billingPortal.sessions.create({
        customer: request.customerId,
        return_url: request.returnUrl ?? this.config.portalReturnUrl,
      });
      return { url: session.url };
    } catch (error) {
      throw translateStripeError(error);
    }
  }

  /**
   * Verifies the `Stripe-Signature` header over the raw body exactly as received (any parsing
   * and re-serializing changes the bytes and fails the check), then reads the event.
   * `now` is when the request arrived; deliveries signed longer ago than the tolerance are refused.
   */
  parseWebhook(rawBody: Buffer | string, signatureHeader: string | undefined, now: Date = new Date()): WebhookOutcome {
    if (signatureHeader === undefined || signatureHeader === '') {
      return { kind: 'invalid_signature', message: 'the request has no Stripe-Signature header' };
    }
    let event: unknown;
    try {
      event = this.client.webhooks.constructEvent(rawBody, signatureHeader, this.config.webhookSecret,
        this.config.webhookToleranceSeconds, undefined, now.getTime());
    } catch (error) {
      if (error instanceof Stripe.errors.StripeSignatureVerificationError) return { kind: 'invalid_signature', message: error.message };
      // Correctly signed, yet not a snapshot event in JSON (a thin v2 notification, for one).
      const message = `a signed webhook body cannot be read: ${error instanceof Error ? error.message : String(error)}`;
      return { kind: 'unprocessable', stripeEventId: null, eventType: null, code: 'unreadable_event', message };
    }
    return stripeEventToOutcome(event);
  }

  private async createCheckout(parameters: Stripe.Checkout.SessionCreateParams): Promise<CheckoutLink> {
    let session: Stripe.Checkout.Session;
    try {
      session = await this.client.checkout.sessions.create(parameters);
    } catch (error) {
      throw translateStripeError(error);
    }
    if (session.url === null) {
      throw new BillingError('stripe_request_refused', 502, `Stripe returned checkout session ${session.id} without a hosted page url`);
    }
    return { sessionId: session.id, url: session.url };
  }
}

/** Account ids come from Lumen's own authentication, so a bad one is a programmer error. */
function assertAccountId(accountId: string): void {
  if (accountId.length === 0 || accountId.length > ACCOUNT_ID_LENGTH_MAX) {
    throw new Error(`account id must be 1 to ${ACCOUNT_ID_LENGTH_MAX} characters, got ${accountId.length}`);
  }
}
