// The metadata Lumen writes on its Checkout Sessions (and subscriptions) and reads back from
// webhooks: the one contract between creating a payment and crediting it. Stripe metadata
// values are strings of at most 500 characters.
import { z } from 'zod';
import { MICROS_PER_USD, type Micros } from '../domain/money.ts';
import type { PaymentPurpose } from './billing-types.ts';

const MICROS_PER_CENT = MICROS_PER_USD / 100;

/** US cents (what Stripe charges) to micro-dollars (what the ledger counts). */
export function centsToMicros(cents: number): Micros {
  const micros = cents * MICROS_PER_CENT;
  if (!Number.isSafeInteger(micros)) throw new RangeError(`${cents} cents is not a whole amount within range`);
  return micros;
}

export interface PaymentMetadata {
  accountId: string;
  purpose: PaymentPurpose;
  /** Top-ups only: the credits bought, in micro-dollars. */
  amountMicros: number | null;
  /** Plans only. */
  plan: string | null;
}

export function topUpMetadata(accountId: string, amountMicros: number): Record<string, string> {
  return { account_id: accountId, kind: 'top_up', amount_micros: String(amountMicros) };
}

export function planMetadata(accountId: string, plan: string): Record<string, string> {
  return { account_id: accountId, kind: 'plan', plan };
}

const accountId = z.string().min(1).max(128);
const topUpSchema = z.object({
  account_id: accountId,
  kind: z.literal('top_up'),
  amount_micros: z.string().regex(/^[1-9]\d{0,15}$/).transform(Number).refine(Number.isSafeInteger),
});
const planSchema = z.object({ account_id: accountId, kind: z.literal('plan'), plan: z.string().min(1).max(40) });
const metadataSchema = z.discriminatedUnion('kind', [topUpSchema, planSchema]);

export type MetadataReading =
  | { kind: 'lumen'; metadata: PaymentMetadata }
  /** No account id or kind: the object was not created by Lumen. */
  | { kind: 'foreign' }
  /** Lumen's keys are there but do not fit the contract. */
  | { kind: 'invalid'; message: string };

export function readPaymentMetadata(metadata: Record<string, string> | null | undefined): MetadataReading {
  if (metadata?.account_id === undefined || metadata.kind === undefined) return { kind: 'foreign' };
  const parsed = metadataSchema.safeParse(metadata);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { kind: 'invalid', message: `metadata ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}` };
  }
  const data = parsed.data;
  return data.kind === 'top_up'
    ? { kind: 'lumen', metadata: { accountId: data.account_id, purpose: 'top_up', amountMicros: data.amount_micros, plan: null } }
    : { kind: 'lumen', metadata: { accountId: data.account_id, purpose: 'plan', amountMicros: null, plan: data.plan } };
}
