// A stand-in for the part of Stripe's REST API that Lumen uses, served on loopback so the real
// `stripe` client can be pointed at it ({ host: '127.0.0.1', port, protocol: 'http' }). It reads
// form bodies the way Stripe does, answers with Stripe-shaped objects and errors, records every
// request, and plays the customer's side: completing a session, settling a delayed payment,
// renewing a subscription, each producing the webhook event Stripe would send.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FormValue = string | FormValue[] | { [key: string]: FormValue };
type Form = { [key: string]: FormValue };
type StripeObject = Record<string, unknown>;

export interface RecordedRequest {
  method: string;
  path: string;
  headers: { authorization?: string; idempotencyKey?: string; stripeVersion?: string; contentType?: string };
  rawBody: string;
  form: Form;
}

export interface StripeEventJson {
  id: string;
  object: 'event';
  api_version: string;
  created: number;
  data: { object: StripeObject };
  livemode: false;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: string;
}

export const STAND_IN_API_VERSION = '2026-10-28.endive';
const BODY_BYTES_MAX = 1_000_000;

/** Decodes `a[b][0][c]=1` form bodies into nested objects and arrays; values stay strings, as Stripe receives them. */
export function decodeStripeForm(body: string): Form {
  const root: Form = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
    if (match === null) throw new Error(`malformed form key ${key}`);
    const path = [match[1]!, ...[...match[2]!.matchAll(/\[([^[\]]*)\]/g)].map((part) => part[1]!)];
    let container: FormValue = root;
    path.forEach((segment, index) => {
      const slots = container as Record<string, FormValue>;
      if (index === path.length - 1) {
        slots[segment] = value;
        return;
      }
      slots[segment] ??= /^\d+$/.test(path[index + 1]!) ? [] : {};
      container = slots[segment]!;
    });
  }
  return root;
}

/** The body Stripe delivers: the event as pretty-printed JSON, which is what gets signed. */
export function eventBody(event: StripeEventJson): string {
  return JSON.stringify(event, null, 2);
}

class StripeApiError extends Error {
  constructor(readonly status: number, readonly type: string, message: string, readonly code?: string, readonly param?: string) {
    super(message);
  }
}

const text = (value: FormValue | undefined): string | undefined => (typeof value === 'string' ? value : undefined);
const record = (value: FormValue | undefined): Form => (value !== undefined && typeof value === 'object' && !Array.isArray(value) ? value : {});
const list = (value: FormValue | undefined): FormValue[] => (Array.isArray(value) ? value : []);

export class StripeStandIn {
  readonly requests: RecordedRequest[] = [];
  /** Every event Stripe would have sent, in order. */
  readonly events: StripeEventJson[] = [];
  readonly sessions = new Map<string, StripeObject>();
  private readonly customers = new Set<string>();
  private readonly subscriptions = new Map<string, { customer: string; metadata: Form; amountCents: number; currency: string; name: string }>();
  // What Stripe keeps beside a session but does not show on it.
  private readonly sessionExtras = new Map<string, { subscriptionMetadata: Form; customerCreation: string | undefined; productName: string }>();
  private failures: number[] = [];
  private readonly server = createServer((request, response) => void this.handle(request, response));

  private constructor(private readonly nowSeconds: () => number) {}

  static async start(options: { nowSeconds?: () => number } = {}): Promise<StripeStandIn> {
    const standIn = new StripeStandIn(options.nowSeconds ?? (() => Math.floor(Date.now() / 1000)));
    await new Promise<void>((resolve) => standIn.server.listen(0, '127.0.0.1', resolve));
    return standIn;
  }

  get apiHost(): { host: string; port: number; protocol: 'http' } {
    return { host: '127.0.0.1', port: (this.server.address() as AddressInfo).port, protocol: 'http' };
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  /** The next requests are answered with these statuses (Stripe's api_error shape) instead. */
  failNext(...statuses: number[]): void {
    this.failures.push(...statuses);
  }

  createCustomer(): string {
    const id = newId('cus');
    this.customers.add(id);
    return id;
  }

  requestsTo(method: string, path: string): RecordedRequest[] {
    return this.requests.filter((request) => request.method === method && request.path === path);
  }

  /** The customer pays: by card (paid now) or by a delayed method such as a bank debit (paid later). */
  completeSession(sessionId: string, options: { payment: 'card' | 'delayed' } = { payment: 'card' }): StripeEventJson {
    const session = this.openSession(sessionId);
    const extras = this.sessionExtras.get(sessionId)!;
    const mode = session.mode as string;
    const wantsCustomer = mode === 'subscription' || extras.customerCreation === 'always';
    if (session.customer === null && wantsCustomer) session.customer = this.createCustomer();
    Object.assign(session, {
      status: 'complete',
      payment_status: options.payment === 'card' ? 'paid' : 'unpaid',
      customer_details: { address: null, email: 'buyer@example.com', name: 'Test Buyer', phone: null, tax_exempt: 'none', tax_ids: [] },
    });
    if (mode === 'payment') session.payment_intent = newId('pi');
    if (mode === 'subscription') {
      const subscriptionId = newId('sub');
      this.subscriptions.set(subscriptionId, {
        customer: session.customer as string, metadata: extras.subscriptionMetadata, amountCents: session.amount_total as number,
        currency: session.currency as string, name: extras.productName,
      });
      session.subscription = subscriptionId;
      if (options.payment === 'card') session.invoice = this.payInvoice(subscriptionId, 'subscription_create').data.object.id;
    }
    return this.emit('checkout.session.completed', session);
  }

  /** A delayed payment settles: Stripe sends async_payment_succeeded or async_payment_failed. */
  settleDelayedPayment(sessionId: string, result: 'succeeded' | 'failed'): StripeEventJson {
    const session = this.sessions.get(sessionId);
    if (session?.status !== 'complete' || session.payment_status !== 'unpaid') throw new Error(`${sessionId} has no pending payment`);
    if (result === 'succeeded') {
      session.payment_status = 'paid';
      if (typeof session.subscription === 'string') session.invoice = this.payInvoice(session.subscription, 'subscription_create').data.object.id;
    }
    return this.emit(`checkout.session.async_payment_${result}`, session);
  }

  /** A month passes and the subscription's renewal invoice is paid. */
  renewSubscription(subscriptionId: string): StripeEventJson {
    return this.payInvoice(subscriptionId, 'subscription_cycle');
  }

  private emit(type: string, object: StripeObject): StripeEventJson {
    const event: StripeEventJson = {
      id: newId('evt'), object: 'event', api_version: STAND_IN_API_VERSION, created: this.nowSeconds(),
      data: { object: structuredClone(object) }, livemode: false, pending_webhooks: 1,
      request: { id: null, idempotency_key: null }, type,
    };
    this.events.push(event);
    return event;
  }

  private payInvoice(subscriptionId: string, billingReason: string): StripeEventJson {
    const subscription = this.subscriptions.get(subscriptionId);
    if (subscription === undefined) throw new Error(`no subscription ${subscriptionId}`);
    const now = this.nowSeconds();
    const id = newId('in');
    const amount = subscription.amountCents;
    const invoice: StripeObject = {
      id, object: 'invoice', account_country: 'US', account_name: 'Lumen (stand-in)', amount_due: amount, amount_overpaid: 0,
      amount_paid: amount, amount_remaining: 0, amount_shipping: 0, attempt_count: 1, attempted: true,
      automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
      billing_reason: billingReason, collection_method: 'charge_automatically', created: now, currency: subscription.currency,
      customer: subscription.customer, customer_email: 'buyer@example.com', default_payment_method: null, description: null,
      discounts: [], due_date: null, hosted_invoice_url: `https://invoice.stripe.com/i/${id}`, invoice_pdf: `https://pay.stripe.com/invoice/${id}/pdf`,
      lines: {
        object: 'list', has_more: false, total_count: 1, url: `/v1/invoices/${id}/lines`,
        data: [{ id: newId('il'), object: 'line_item', amount, currency: subscription.currency, description: `1 × ${subscription.name}`,
          metadata: structuredClone(subscription.metadata), period: { start: now, end: now + 30 * 86_400 }, quantity: 1 }],
      },
      livemode: false, metadata: {}, number: `LUMEN-${String(this.events.length + 1).padStart(4, '0')}`,
      parent: { type: 'subscription_details', quote_details: null,
        subscription_details: { metadata: structuredClone(subscription.metadata), subscription: subscriptionId } },
      period_end: now, period_start: now - 30 * 86_400, status: 'paid',
      status_transitions: { finalized_at: now, marked_uncollectible_at: null, paid_at: now, voided_at: null },
      subtotal: amount, subtotal_excluding_tax: amount, total: amount, total_excluding_tax: amount,
    };
    return this.emit('invoice.paid', invoice);
  }

  private openSession(sessionId: string): StripeObject {
    const session = this.sessions.get(sessionId);
    if (session?.status !== 'open') throw new Error(`${sessionId} is not an open session`);
    return session;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > BODY_BYTES_MAX) return void response.writeHead(413).end();
      chunks.push(chunk);
    }
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const url = new URL(request.url ?? '/', 'http://stand-in');
    const method = request.method ?? 'GET';
    const header = (name: string) => (typeof request.headers[name] === 'string' ? request.headers[name] : undefined);
    let status = 200;
    let body: unknown;
    try {
      const form = decodeStripeForm(method === 'GET' ? url.search.slice(1) : rawBody);
      this.requests.push({
        method, path: url.pathname, rawBody, form,
        headers: { authorization: header('authorization'), idempotencyKey: header('idempotency-key'),
          stripeVersion: header('stripe-version'), contentType: header('content-type') },
      });
      const failure = this.failures.shift();
      if (failure !== undefined) throw new StripeApiError(failure, 'api_error', 'An unknown error occurred (stand-in failure).');
      if (!/^Bearer (sk|rk)_test_\w+$/.test(header('authorization') ?? '')) {
        throw new StripeApiError(401, 'invalid_request_error', 'Invalid API Key provided.');
      }
      body = this.route(method, url.pathname, form);
    } catch (error) {
      if (!(error instanceof StripeApiError)) throw error;
      status = error.status;
      body = { error: { type: error.type, message: error.message, code: error.code, param: error.param,
        doc_url: error.code === undefined ? undefined : `https://stripe.com/docs/error-codes/${error.code.replace(/_/g, '-')}` } };
    }
    response.writeHead(status, { 'content-type': 'application/json', 'request-id': newId('req'), 'stripe-version': STAND_IN_API_VERSION });
    response.end(JSON.stringify(body, null, 2));
  }

  private route(method: string, path: string, form: Form): unknown {
    if (method === 'POST' && path === '/v1/checkout/sessions') return this.createSession(form);
    const sessionMatch = /^\/v1\/checkout\/sessions\/([\w]+)$/.exec(path);
    if (method === 'GET' && sessionMatch !== null) {
      const session = this.sessions.get(sessionMatch[1]!);
      if (session === undefined) throw missing('checkout session', sessionMatch[1]!, 'session');
      return session;
    }
    if (method === 'POST' && path === '/v1/billing_portal/sessions') return this.createPortalSession(form);
    if (method === 'POST' && path === '/v1/customers') return this.customerObject(this.createCustomer(), form);
    throw new StripeApiError(404, 'invalid_request_error', `Unrecognized request URL (${method}: ${path}).`);
  }

  private createSession(form: Form): StripeObject {
    const mode = text(form.mode);
    if (mode !== 'payment' && mode !== 'subscription') throw invalid('Missing required param: mode.', 'mode');
    const items = list(form.line_items).map(record);
    if (items.length === 0) throw invalid('Missing required param: line_items.', 'line_items');
    let amountCents = 0;
    const currencies = new Set<string>();
    items.forEach((item, index) => {
      const price = record(item.price_data);
      const unitAmount = Number(text(price.unit_amount));
      if (!Number.isInteger(unitAmount) || unitAmount < 0) throw invalid('Invalid integer.', `line_items[${index}][price_data][unit_amount]`);
      if (text(record(price.product_data).name) === undefined) throw invalid('Missing required param: product_data[name].', `line_items[${index}][price_data][product_data][name]`);
      const recurring = text(record(price.recurring).interval) !== undefined;
      if (recurring !== (mode === 'subscription')) {
        throw invalid(mode === 'payment' ? 'You specified `payment` mode but passed a recurring price.'
          : 'You must provide at least one recurring price in `subscription` mode when using prices.', `line_items[${index}]`);
      }
      currencies.add(text(price.currency) ?? '');
      amountCents += unitAmount * Number(text(item.quantity) ?? '1');
    });
    if (form.customer_creation !== undefined && mode !== 'payment') throw invalid('`customer_creation` can only be used in `payment` mode.', 'customer_creation');
    const customer = text(form.customer) ?? null;
    if (customer !== null && !this.customers.has(customer)) throw missing('customer', customer, 'customer');
    if (text(form.success_url) === undefined) throw invalid('Missing required param: success_url.', 'success_url');
    const id = `cs_test_${randomText(48)}`;
    const now = this.nowSeconds();
    const session: StripeObject = {
      id, object: 'checkout.session', adaptive_pricing: { enabled: false }, after_expiration: null, allow_promotion_codes: null,
      amount_subtotal: amountCents, amount_total: amountCents,
      automatic_tax: { enabled: false, liability: null, provider: null, status: null }, billing_address_collection: null,
      cancel_url: text(form.cancel_url) ?? null, client_reference_id: text(form.client_reference_id) ?? null, client_secret: null,
      collected_information: null, consent: null, consent_collection: null, created: now, currency: [...currencies][0] ?? null,
      currency_conversion: null, custom_fields: [], custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
      customer, customer_creation: mode === 'payment' ? text(form.customer_creation) ?? 'if_required' : null, customer_details: null,
      customer_email: null, discounts: [], expires_at: now + 86_400, invoice: null, livemode: false, locale: null,
      metadata: record(form.metadata), mode, payment_intent: null, payment_link: null,
      payment_method_collection: mode === 'subscription' ? 'always' : null, payment_method_configuration_details: null,
      payment_method_options: { card: { request_three_d_secure: 'automatic' } }, payment_method_types: ['card'],
      payment_status: 'unpaid', phone_number_collection: { enabled: false }, recovered_from: null, saved_payment_method_options: null,
      setup_intent: null, shipping_address_collection: null, shipping_cost: null, shipping_options: [], status: 'open',
      submit_type: null, subscription: null, success_url: text(form.success_url) ?? null,
      total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 }, ui_mode: 'hosted',
      url: `https://checkout.stripe.com/c/pay/${id}`, wallet_options: null,
    };
    this.sessions.set(id, session);
    this.sessionExtras.set(id, {
      subscriptionMetadata: record(record(form.subscription_data).metadata), customerCreation: text(form.customer_creation),
      productName: text(record(record(record(items[0]).price_data).product_data).name) ?? 'plan',
    });
    return session;
  }

  private createPortalSession(form: Form): StripeObject {
    const customer = text(form.customer);
    if (customer === undefined) throw invalid('Missing required param: customer.', 'customer');
    if (!this.customers.has(customer)) throw missing('customer', customer, 'customer');
    return {
      id: `bps_${randomText(24)}`, object: 'billing_portal.session', configuration: 'bpc_standin', created: this.nowSeconds(),
      customer, flow: null, livemode: false, locale: null, on_behalf_of: null, return_url: text(form.return_url) ?? null,
      url: `https://billing.stripe.com/p/session/test_${randomText(32)}`,
    };
  }

  private customerObject(id: string, form: Form): StripeObject {
    return { id, object: 'customer', created: this.nowSeconds(), email: text(form.email) ?? null, livemode: false, metadata: record(form.metadata), name: text(form.name) ?? null };
  }
}

function invalid(message: string, param: string): StripeApiError {
  return new StripeApiError(400, 'invalid_request_error', message, 'parameter_invalid', param);
}

function missing(what: string, id: string, param: string): StripeApiError {
  return new StripeApiError(what === 'customer' ? 400 : 404, 'invalid_request_error', `No such ${what}: '${id}'`, 'resource_missing', param);
}

function randomText(length: number): string {
  return randomBytes(length * 2).toString('base64').replace(/[^A-Za-z0-9]/g, '').slice(0, length);
}

function newId(prefix: string): string {
  return `${prefix}_${randomText(24)}`;
}
