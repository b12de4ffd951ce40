// Plans and payments: the public plan list, Stripe Checkout for top-ups and plans, the billing
// portal, and Stripe's webhook, whose signature is checked over the raw body before anything
// in it is believed. A confirmed payment credits its account once (src/gateway/payments.ts).
import Router from '@koa/router';
import type { Logger } from 'pino';
import { z } from 'zod';
import { isPlanName, planNamed, PLANS, PLAN_NAMES } from '../../domain/plans.ts';
import { usdToMicros } from '../../domain/money.ts';
import { AccountRejected } from '../../domain/account.ts';
import type { Accounts } from '../../gateway/accounts.ts';
import type { KeyIndex, KeyRecord } from '../../gateway/key-index.ts';
import { BillingError } from '../../stripe/billing-types.ts';
import type { StripeBilling } from '../../stripe/stripe-billing.ts';
import { authenticateAdmin, authenticateKey } from '../middleware/authenticate.ts';
import { badRequest, GatewayError, notFound } from '../errors.ts';
import { parseBody } from '../parse-body.ts';
import { presentPlan } from './self-service.ts';

export interface BillingRouteServices {
  accounts: Accounts;
  keys: KeyIndex;
  stripe: StripeBilling | undefined;
  adminKey: string | undefined;
  logger: Logger;
}

const checkoutSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('top_up'), amount_usd: z.union([z.number(), z.string()]) }).strict(),
  z.object({ kind: z.literal('plan'), plan: z.enum(PLAN_NAMES) }).strict(),
]);
const adminCheckoutSchema = z.object({ account_id: z.string().min(1).max(128) }).passthrough();

export function planRoutes(): Router {
  const router = new Router({ prefix: '/v1' });
  router.get('/plans', async function listPlans(ctx) {
    ctx.body = { object: 'list', data: PLANS.map(presentPlan) };
  });
  return router;
}

/** Stripe's webhook: no API key, the signature is the authentication. */
export function stripeWebhookRoutes(services: BillingRouteServices): Router {
  const router = new Router({ prefix: '/v1/stripe' });
  router.post('/webhook', async function stripeWebhook(ctx) {
    const stripe = requireStripe(services.stripe);
    const outcome = stripe.parseWebhook(ctx.state.rawBody as Buffer, ctx.get('stripe-signature') || undefined);
    switch (outcome.kind) {
      case 'invalid_signature':
        throw badRequest(`webhook signature rejected: ${outcome.message}`, 'invalid_signature');
      case 'unprocessable':
        services.logger.error({ stripeEventId: outcome.stripeEventId, code: outcome.code }, outcome.message);
        // A 5xx makes Stripe retry and flag the endpoint, which is right for a payment Lumen cannot book.
        throw new GatewayError(500, 'server_error', outcome.code, outcome.message);
      case 'ignored':
        services.logger.info({ stripeEventId: outcome.stripeEventId, type: outcome.eventType, reason: outcome.reason }, 'stripe event ignored');
        ctx.body = { received: true, credited: false, reason: outcome.reason };
        return;
      case 'payment': {
        try {
          const events = await services.accounts.bookPayment(outcome.payment);
          ctx.body = { received: true, credited: events.some((event) => event.type === 'CreditsToppedUp'),
            payment_key: outcome.payment.paymentKey };
        } catch (error) {
          if (!(error instanceof AccountRejected) || error.code !== 'account_not_found') throw error;
          services.logger.error({ paymentKey: outcome.payment.paymentKey }, 'a Stripe payment names an unknown account');
          ctx.body = { received: true, credited: false, reason: 'account_not_found' };
        }
        return;
      }
      default: {
        const unhandled: never = outcome;
        throw new Error(`unhandled webhook outcome ${JSON.stringify(unhandled)}`);
      }
    }
  });
  return router;
}

export function checkoutRoutes(services: BillingRouteServices): Router {
  const router = new Router({ prefix: '/v1/me' });
  router.use(authenticateKey(services.keys));
  router.post('/checkout', async function checkout(ctx) {
    const principal = ctx.state.principal as KeyRecord;
    ctx.status = 201;
    ctx.body = await createCheckout(services, principal.accountId, ctx.state.body);
  });
  router.post('/portal', async function portal(ctx) {
    const principal = ctx.state.principal as KeyRecord;
    const stripe = requireStripe(services.stripe);
    const state = await services.accounts.state(principal.accountId);
    if (state.stripeCustomerId === null) {
      throw new GatewayError(409, 'invalid_request_error', 'no_stripe_customer', 'this account has made no payment yet: check out first');
    }
    ctx.body = { object: 'billing_portal.session', ...(await stripeCall(() => stripe.createPortalSession({ customerId: state.stripeCustomerId! }))) };
  });
  return router;
}

export function adminCheckoutRoutes(services: BillingRouteServices): Router {
  const router = new Router({ prefix: '/v1/checkout' });
  router.use(authenticateAdmin(services.adminKey));
  router.post('/session', async function adminCheckout(ctx) {
    const { account_id: accountId, ...rest } = parseBody(adminCheckoutSchema, ctx.state.body);
    if ((await services.accounts.balance(accountId)) === undefined) throw notFound(`no account ${accountId}`, 'account_not_found');
    ctx.status = 201;
    ctx.body = await createCheckout(services, accountId, rest);
  });
  return router;
}

async function createCheckout(services: BillingRouteServices, accountId: string, body: unknown) {
  const stripe = requireStripe(services.stripe);
  const input = parseBody(checkoutSchema, body);
  const customerId = (await services.accounts.state(accountId)).stripeCustomerId ?? undefined;
  if (input.kind === 'top_up') {
    let micros: number;
    try {
      micros = usdToMicros(input.amount_usd);
    } catch (error) {
      throw badRequest(`amount_usd: ${(error as Error).message}`, 'invalid_amount', 'amount_usd');
    }
    if (micros % 10_000 !== 0) throw badRequest('amount_usd must be whole cents', 'invalid_amount', 'amount_usd');
    const link = await stripeCall(() => stripe.createTopUpCheckout({ accountId, amountCents: micros / 10_000, customerId }));
    return { object: 'checkout.session', id: link.sessionId, url: link.url, kind: 'top_up', amount_usd: micros / 1_000_000 };
  }
  const plan = planNamed(input.plan);
  if (!isPlanName(input.plan) || plan.priceCentsMonthly === null || plan.priceCentsMonthly === 0) {
    throw badRequest(`the ${plan.title} plan cannot be bought by checkout`, 'invalid_plan', 'plan');
  }
  const link = await stripeCall(() => stripe.createPlanCheckout({ accountId, plan: plan.name, priceCents: plan.priceCentsMonthly!, customerId }));
  return { object: 'checkout.session', id: link.sessionId, url: link.url, kind: 'plan', plan: plan.name };
}

function requireStripe(stripe: StripeBilling | undefined): StripeBilling {
  if (stripe === undefined) {
    throw new GatewayError(503, 'server_error', 'stripe_not_configured', 'payments are not configured: set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET');
  }
  return stripe;
}

async function stripeCall<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof BillingError) throw new GatewayError(error.status, error.status >= 500 ? 'server_error' : 'invalid_request_error', error.code, error.message);
    throw error;
  }
}
