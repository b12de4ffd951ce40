// Statements and reconciliation, folded from the log in global order. Pure: the caller reads
// the events, the price list and the read models and passes them in.
//   - per account and day: opening + grants + top-ups - charges = closing;
//   - every payment booked once (one top-up per payment key and per Stripe session);
//   - every settlement matches its request: the same cost, charged min(cost, hold), and that
//     cost equal to the recorded usage at the catalog's prices of the recorded price version;
//   - the balances read model equals the fold of the log.
// Every difference is listed, never hidden.
import { asLumenEvent } from '../domain/events.ts';
import type { RecordedEvent } from '../ledger/event-store.ts';
import { journalLines, type JournalLine } from './journal.ts';

export interface StatementLine {
  accountId: string;
  day: string;
  openingMicros: number;
  grantsMicros: number;
  topUpsMicros: number;
  chargesMicros: number;
  closingMicros: number;
}

export interface Difference {
  kind: 'payment_booked_twice' | 'session_booked_twice' | 'settlement_without_request' | 'settlement_cost_mismatch'
    | 'charge_not_min_of_cost_and_hold' | 'cost_not_usage_times_price' | 'read_model_balance' | 'statement_unbalanced';
  accountId: string;
  reference: string;
  expected: number | string;
  actual: number | string;
}

/** The cost a request should have had at the catalog's prices; undefined when that price version is not known. */
export type PriceCheck = (request: { model: string; priceVersion: string; inputTokens: number; cachedInputTokens: number;
  outputTokens: number; protocol: string }) => number | undefined;

export interface Range { fromDay: string; toDay: string }

export interface Reconciliation {
  journal: JournalLine[];
  statements: StatementLine[];
  differences: Difference[];
  /** All-time balances per account after the last event read. */
  closingMicros: Map<string, number>;
}

interface RequestCost { costMicros: number; accountId: string }

export class Reconciler {
  private readonly balances = new Map<string, number>();
  private readonly statements = new Map<string, StatementLine>();
  private readonly journal: JournalLine[] = [];
  private readonly differences: Difference[] = [];
  private readonly payments = new Set<string>();
  private readonly sessions = new Set<string>();
  private readonly requests = new Map<string, RequestCost>();
  private readonly holds = new Map<string, number>();

  constructor(private readonly range: Range, private readonly priceCheck: PriceCheck) {}

  add(recorded: RecordedEvent): void {
    this.check(recorded);
    const day = recorded.recordedAt.slice(0, 10);
    for (const line of journalLines(recorded)) {
      if (!line.account.startsWith('customer:')) {
        if (this.inRange(day)) this.journal.push(line);
        continue;
      }
      const before = this.balances.get(line.accountId) ?? 0;
      this.balances.set(line.accountId, before + line.amountMicros);
      if (!this.inRange(day)) continue;
      this.journal.push(line);
      const key = `${line.accountId}/${day}`;
      const statement = this.statements.get(key) ?? { accountId: line.accountId, day, openingMicros: before, grantsMicros: 0,
        topUpsMicros: 0, chargesMicros: 0, closingMicros: before };
      if (line.kind === 'grant') statement.grantsMicros += line.amountMicros;
      if (line.kind === 'top_up') statement.topUpsMicros += line.amountMicros;
      if (line.kind === 'charge') statement.chargesMicros -= line.amountMicros;
      statement.closingMicros = before + line.amountMicros;
      this.statements.set(key, statement);
    }
  }

  /** Compares the balances read model with the fold; call after the last event. */
  compareReadModel(documents: ReadonlyMap<string, number>): void {
    const accounts = [...new Set([...documents.keys(), ...this.balances.keys()])].sort();
    for (const accountId of accounts) {
      const folded = this.balances.get(accountId) ?? 0;
      const kept = documents.get(accountId) ?? 0;
      if (folded !== kept) this.differences.push({ kind: 'read_model_balance', accountId, reference: 'balances', expected: folded, actual: kept });
    }
  }

  finish(): Reconciliation {
    const statements = [...this.statements.values()].sort((left, right) =>
      left.accountId.localeCompare(right.accountId) || left.day.localeCompare(right.day));
    for (const line of statements) {
      const computed = line.openingMicros + line.grantsMicros + line.topUpsMicros - line.chargesMicros;
      if (computed !== line.closingMicros) {
        this.differences.push({ kind: 'statement_unbalanced', accountId: line.accountId, reference: line.day, expected: computed,
          actual: line.closingMicros });
      }
    }
    return { journal: this.journal, statements, differences: this.differences, closingMicros: new Map(this.balances) };
  }

  private inRange(day: string): boolean {
    return day >= this.range.fromDay && day < this.range.toDay;
  }

  private check(recorded: RecordedEvent): void {
    const event = asLumenEvent(recorded);
    switch (event.type) {
      case 'RequestCompleted': {
        this.requests.set(event.data.requestId, { costMicros: event.data.costMicros, accountId: event.data.accountId });
        const expected = this.priceCheck(event.data);
        if (expected !== undefined && expected !== event.data.costMicros) {
          this.note('cost_not_usage_times_price', event.data.accountId, event.data.requestId, expected, event.data.costMicros);
        }
        return;
      }
      case 'CreditsHeld':
        this.holds.set(event.data.requestId, event.data.amountMicros);
        return;
      case 'HoldSettled': {
        const request = this.requests.get(event.data.requestId);
        if (request === undefined) {
          this.note('settlement_without_request', event.data.accountId, event.data.requestId, 'a RequestCompleted', 'none');
        } else if (request.costMicros !== event.data.costMicros) {
          this.note('settlement_cost_mismatch', event.data.accountId, event.data.requestId, request.costMicros, event.data.costMicros);
        }
        const held = this.holds.get(event.data.requestId) ?? event.data.heldMicros;
        const expectedCharge = Math.min(event.data.costMicros, held);
        if (event.data.chargedMicros !== expectedCharge) {
          this.note('charge_not_min_of_cost_and_hold', event.data.accountId, event.data.requestId, expectedCharge, event.data.chargedMicros);
        }
        return;
      }
      case 'CreditsToppedUp': {
        if (this.payments.has(event.data.paymentKey)) {
          this.note('payment_booked_twice', event.data.accountId, event.data.paymentKey, 1, 2);
        }
        this.payments.add(event.data.paymentKey);
        const session = event.data.stripeSessionId ?? event.data.stripeInvoiceId;
        if (session !== null) {
          if (this.sessions.has(session)) this.note('session_booked_twice', event.data.accountId, session, 1, 2);
          this.sessions.add(session);
        }
        return;
      }
      default:
        return;
    }
  }

  private note(kind: Difference['kind'], accountId: string, reference: string, expected: number | string, actual: number | string): void {
    this.differences.push({ kind, accountId, reference, expected, actual });
  }
}
