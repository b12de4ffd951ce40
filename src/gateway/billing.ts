// Holds and settlements for model calls, through the account writer. A hold is committed to
// the ledger before any provider is called; its settlement is queued once the call's
// RequestCompleted is committed and need not delay the answer: until it lands the hold keeps
// covering the request, and if this process dies first the hold sweeper settles it from that
// RequestCompleted (src/gateway/hold-sweeper.ts).
import { AccountRejected } from '../domain/account.ts';
import { microsToUsdString, type Micros } from '../domain/money.ts';
import { ledgerTimeOf } from '../ledger/hash-chain.ts';
import { GatewayError } from '../http/errors.ts';
import type { AccountWriter } from './account-writer.ts';

export interface BillingSettings {
  /** How far below zero an account's available credit may go (0: prepaid only). */
  overdraftMicros: Micros;
  /** After this long (ledger time) an unresolved hold may be expired by any process. */
  holdTtlMs: number;
}

export interface PlacedHold {
  accountId: string;
  requestId: string;
  amountMicros: Micros;
}

export interface BillingLogger { warn(details: object, message: string): void }

export class Billing {
  private readonly outstanding = new Set<Promise<void>>();

  constructor(
    private readonly writer: AccountWriter,
    readonly settings: BillingSettings,
    private readonly now: () => Date,
    private readonly logger?: BillingLogger,
  ) {}

  /** Reserves the call's maximum cost, or refuses it with 402 before any provider is called. */
  async hold(input: { accountId: string; keyId: string; requestId: string; amountMicros: Micros }): Promise<PlacedHold> {
    const at = this.now();
    try {
      await this.writer.execute(input.accountId, { type: 'HoldCredits', requestId: input.requestId, keyId: input.keyId,
        amountMicros: input.amountMicros, expiresAt: ledgerTimeOf(new Date(at.getTime() + this.settings.holdTtlMs)),
        overdraftMicros: this.settings.overdraftMicros, month: at.toISOString().slice(0, 7) });
    } catch (error) {
      throw refusal(error);
    }
    return { accountId: input.accountId, requestId: input.requestId, amountMicros: input.amountMicros };
  }

  /** Queues the settlement; a failure is logged and left to the sweeper, never lost. */
  settle(hold: PlacedHold, costMicros: Micros, day: string): void {
    const settling = this.writer.execute(hold.accountId, { type: 'SettleHold', requestId: hold.requestId, costMicros, day }).then(() => undefined, (error: unknown) => {
      this.logger?.warn({ err: error, requestId: hold.requestId }, 'settling a hold failed; the sweeper will settle it');
    });
    this.outstanding.add(settling);
    void settling.finally(() => this.outstanding.delete(settling));
  }

  /** Resolves once every settlement queued so far has landed (for reads that must see them). */
  async settled(): Promise<void> {
    await Promise.all([...this.outstanding]);
  }
}

function refusal(error: unknown): unknown {
  if (!(error instanceof AccountRejected)) return error;
  if (error.code === 'insufficient_credits') {
    const { availableMicros = 0, requiredMicros = 0 } = error.details;
    return new GatewayError(402, 'insufficient_quota', 'insufficient_credits',
      `insufficient credits: this request may cost up to $${microsToUsdString(requiredMicros)} and the account has `
      + `$${microsToUsdString(Math.max(0, availableMicros))} available; top up, or lower max_tokens or max_cost_usd`);
  }
  if (error.code === 'spend_cap_reached') {
    return new GatewayError(402, 'insufficient_quota', 'spend_cap_reached',
      `this request would pass the plan's monthly spend cap of $${microsToUsdString(error.details.capMicros ?? 0)}`);
  }
  if (error.code === 'account_not_found') return new GatewayError(401, 'authentication_error', 'account_not_found', 'no such account');
  return error;
}
