// The parts of Stripe's webhook payloads Lumen reads, checked with zod: an event's object is
// typed by the library for the latest API version only, while the webhook endpoint may be pinned
// to another, so the fields a credit depends on are checked rather than trusted.
import { z } from 'zod';

/** An expandable field: an id, or the expanded object carrying it. */
const reference = z.union([z.string(), z.looseObject({ id: z.string() })]).nullable().optional()
  .transform((value) => (value === null || value === undefined ? null : typeof value === 'string' ? value : value.id));

const metadata = z.record(z.string(), z.string()).nullable().optional();

export const stripeEventSchema = z.looseObject({
  id: z.string().min(1),
  object: z.literal('event'),
  type: z.string().min(1),
  livemode: z.boolean(),
  data: z.looseObject({ object: z.unknown() }),
});
export type StripeEventWire = z.infer<typeof stripeEventSchema>;

export const checkoutSessionSchema = z.looseObject({
  id: z.string().min(1),
  object: z.literal('checkout.session'),
  mode: z.enum(['payment', 'setup', 'subscription']),
  payment_status: z.enum(['paid', 'unpaid', 'no_payment_required']),
  status: z.enum(['open', 'complete', 'expired']).nullable(),
  amount_subtotal: z.number().int().nonnegative().nullable(),
  amount_total: z.number().int().nonnegative().nullable(),
  currency: z.string().nullable(),
  client_reference_id: z.string().nullable().optional(),
  customer: reference,
  payment_intent: reference,
  subscription: reference,
  invoice: reference,
  metadata,
});
export type CheckoutSessionWire = z.infer<typeof checkoutSessionSchema>;

export const invoiceSchema = z.looseObject({
  id: z.string().min(1),
  object: z.literal('invoice'),
  status: z.string().nullable(),
  billing_reason: z.string().nullable(),
  amount_paid: z.number().int().nonnegative(),
  currency: z.string(),
  customer: reference,
  parent: z.looseObject({
    type: z.string(),
    subscription_details: z.looseObject({ subscription: reference, metadata }).nullable().optional(),
  }).nullable().optional(),
});
export type InvoiceWire = z.infer<typeof invoiceSchema>;
