// The journal of money movements in double-entry form: every line moves an amount between a
// customer's prepaid-credit account and a counter-account, so each line balances by itself and
// all lines together sum to zero. Pure: it reads recorded events, nothing else.
import { asLumenEvent } from '../domain/events.ts';
import type { RecordedEvent } from '../ledger/event-store.ts';

export type CounterAccount = 'grants' | 'stripe' | 'usage_revenue';

export interface JournalLine {
  time: string;
  accountId: string;
  /** `customer:<account id>`: the prepaid credit Lumen owes the customer; or `written_off`. */
  account: string;
  counterAccount: CounterAccount;
  /** Signed, in micro-dollars, from the customer account's side: credits in are positive. */
  amountMicros: number;
  kind: 'grant' | 'top_up' | 'charge' | 'write_off';
  /** What names the movement: the request or the payment. */
  reference: string;
  eventHash: string;
}

export function journalLines(recorded: RecordedEvent): JournalLine[] {
  const event = asLumenEvent(recorded);
  const base = { time: recorded.recordedAt, eventHash: recorded.hash };
  switch (event.type) {
    case 'CreditsGranted':
      return [{ ...base, accountId: event.data.accountId, account: `customer:${event.data.accountId}`, counterAccount: 'grants',
        amountMicros: event.data.amountMicros, kind: 'grant', reference: recorded.id }];
    case 'CreditsToppedUp':
      return [{ ...base, accountId: event.data.accountId, account: `customer:${event.data.accountId}`, counterAccount: 'stripe',
        amountMicros: event.data.amountMicros, kind: 'top_up', reference: event.data.paymentKey }];
    case 'HoldSettled': {
      const lines: JournalLine[] = [];
      const account = `customer:${event.data.accountId}`;
      if (event.data.chargedMicros > 0) {
        lines.push({ ...base, accountId: event.data.accountId, account, counterAccount: 'usage_revenue',
          amountMicros: -event.data.chargedMicros, kind: 'charge', reference: event.data.requestId });
      }
      // Usage past the hold was not charged: the operator bears it, between its own accounts;
      // the customer's balance does not move.
      if (event.data.writtenOffMicros > 0) {
        lines.push({ ...base, accountId: event.data.accountId, account: 'written_off', counterAccount: 'usage_revenue',
          amountMicros: event.data.writtenOffMicros, kind: 'write_off', reference: event.data.requestId });
      }
      return lines;
    }
    default:
      return [];
  }
}
