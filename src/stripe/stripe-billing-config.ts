// The Stripe adapter's configuration and limits, validated once when the adapter is built.
import { z } from 'zod';

const urlText = z.string().url().max(2000);

export const stripeBillingConfigSchema = z.object({
  secretKey: z.string().regex(/^(sk|rk)_(test|live)_\w+$/, 'must be a Stripe secret or restricted key'),
  webhookSecret: z.string().regex(/^whsec_\S+$/, 'must be a Stripe webhook signing secret (whsec_...)'),
  /** Only for tests and local stand-ins: where the Stripe API is served instead of api.stripe.com. */
  apiHost: z.object({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65_535),
    protocol: z.enum(['http', 'https']),
  }).strict().optional(),
  /** May contain Stripe's `{CHECKOUT_SESSION_ID}` template, which Stripe fills in on redirect. */
  successUrl: urlText,
  cancelUrl: urlText,
  portalReturnUrl: urlText,
  requestTimeoutMs: z.number().int().min(1_000).max(120_000).default(20_000),
  /** Retries reuse one idempotency key, so a retried create never makes two sessions. */
  maxNetworkRetries: z.number().int().min(0).max(5).default(2),
  /** How old a signed webhook may be; older deliveries are refused as possible replays. */
  webhookToleranceSeconds: z.number().int().min(1).max(3_600).default(300),
  // Stripe refuses US dollar charges under 50 cents; the upper bound limits what one mistake costs.
  topUpCentsMin: z.number().int().min(50).default(500),
  topUpCentsMax: z.number().int().max(10_000_000).default(100_000),
  planPriceCentsMax: z.number().int().max(10_000_000).default(1_000_000),
}).strict().refine((config) => config.topUpCentsMin <= config.topUpCentsMax, 'topUpCentsMin must not exceed topUpCentsMax');

/** What callers pass (limits optional). */
export type StripeBillingOptions = z.input<typeof stripeBillingConfigSchema>;
/** What the adapter keeps (limits filled in). */
export type StripeBillingConfig = z.infer<typeof stripeBillingConfigSchema>;
