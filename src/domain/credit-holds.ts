// Credit decisions on an account: holds placed before a provider is called, settled once to the
// actual cost or expired by ledger time, and Stripe top-ups credited once per payment. The
// rules that keep money exact:
//   - a hold is placed only if it fits: credited - charged - held + overdraft >= amount;
//   - a hold resolves at most once (settled or expired; the resolution's event id is fixed);
//   - a settlement charges at most the hold, so charges never pass credits plus the overdraft;
//     what the request cost beyond its hold is recorded as written off, never hidden;
//   - a payment credits once, keyed by its payment key, whatever Stripe resends.
import type { AccountState, DecidedEvent } from './account.ts';
import { AccountRejected } from './account.ts';
import type { Micros } from './money.ts';
import { planNamed } from './plans.ts';

export interface PaymentFacts {
  paymentKey: string;
  amountMicros: Micros;
  stripeEventId: string;
  stripeSessionId: string | null;
  stripePaymentIntentId: string | null;
  stripeInvoiceId: string | null;
  amountPaidCents: number;
  currency: string;
}

export type CreditCommand =
  | { type: 'HoldCredits'; requestId: string; keyId: string; amountMicros: Micros; expiresAt: string; overdraftMicros: Micros;
    /** The calendar month (YYYY-MM) the request falls in, for the plan's monthly spend cap. */
    month: string }
  | { type: 'SettleHold'; requestId: string; costMicros: Micros; day: string }
  | { type: 'ExpireHold'; requestId: string; now: string }
  | { type: 'TopUpCredits'; payment: PaymentFacts }
  | { type: 'LinkStripeCustomer'; customerId: string };

const CREDIT_COMMANDS = new Set(['HoldCredits', 'SettleHold', 'ExpireHold', 'TopUpCredits', 'LinkStripeCustomer']);

export function isCreditCommand(command: { type: string }): command is CreditCommand {
  return CREDIT_COMMANDS.has(command.type);
}

/** What the account could still hold: credits minus charges and open holds, plus the overdraft. */
export function availableMicros(state: AccountState, overdraftMicros: Micros): Micros {
  return state.creditedMicros - state.chargedMicros - state.heldMicros + overdraftMicros;
}

export const holdEventId = (accountId: string, requestId: string) => `${accountId}:hold:${requestId}`;
export const resolutionEventId = (accountId: string, requestId: string) => `${accountId}:hold:${requestId}:resolved`;

export function decideCredits(command: CreditCommand, state: AccountState): DecidedEvent[] {
  const accountId = state.accountId;
  switch (command.type) {
    case 'HoldCredits': {
      if (state.openHolds.has(command.requestId)) return [];
      if (!Number.isSafeInteger(command.amountMicros) || command.amountMicros < 0) {
        throw new AccountRejected('invalid_amount', 'a hold must be a non-negative amount');
      }
      const available = availableMicros(state, command.overdraftMicros);
      if (command.amountMicros > available) {
        throw new AccountRejected('insufficient_credits', 'the account has not enough credit for this request',
          { availableMicros: available, requiredMicros: command.amountMicros });
      }
      const capMicros = planNamed(state.plan).monthlySpendCapMicros;
      if (capMicros !== null) {
        const committed = (state.chargedByMonth.get(command.month) ?? 0) + state.heldMicros;
        if (committed + command.amountMicros > capMicros) {
          throw new AccountRejected('spend_cap_reached', "the plan's monthly spend cap would be passed",
            { capMicros, committedMicros: committed, requiredMicros: command.amountMicros });
        }
      }
      return [{ id: holdEventId(accountId, command.requestId), event: { type: 'CreditsHeld', data: { accountId,
        requestId: command.requestId, keyId: command.keyId, amountMicros: command.amountMicros, expiresAt: command.expiresAt } } }];
    }
    case 'SettleHold': {
      const hold = state.openHolds.get(command.requestId);
      if (hold === undefined) return [];
      const chargedMicros = Math.min(command.costMicros, hold.amountMicros);
      return [{ id: resolutionEventId(accountId, command.requestId), event: { type: 'HoldSettled', data: { accountId,
        requestId: command.requestId, heldMicros: hold.amountMicros, costMicros: command.costMicros, chargedMicros,
        writtenOffMicros: command.costMicros - chargedMicros, day: command.day } } }];
    }
    case 'ExpireHold': {
      const hold = state.openHolds.get(command.requestId);
      if (hold === undefined || hold.expiresAt > command.now) return [];
      return [{ id: resolutionEventId(accountId, command.requestId), event: { type: 'HoldExpired', data: { accountId,
        requestId: command.requestId, amountMicros: hold.amountMicros, expiresAt: hold.expiresAt } } }];
    }
    case 'TopUpCredits': {
      const payment = command.payment;
      if (state.paymentKeys.has(payment.paymentKey)) return [];
      if (!Number.isSafeInteger(payment.amountMicros) || payment.amountMicros <= 0) {
        throw new AccountRejected('invalid_amount', 'a top-up must be a positive amount');
      }
      return [{ id: `${accountId}:payment:${payment.paymentKey}`, event: { type: 'CreditsToppedUp', data: { accountId, ...payment } } }];
    }
    case 'LinkStripeCustomer':
      return state.stripeCustomerId === command.customerId ? [] : [{ id: `${accountId}:stripe-customer:${command.customerId}`,
        event: { type: 'StripeCustomerLinked', data: { accountId, customerId: command.customerId } } }];
    default: {
      const unhandled: never = command;
      throw new Error(`unhandled credit command ${JSON.stringify(unhandled)}`);
    }
  }
}
