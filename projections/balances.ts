// Account balances in micro-dollars, one document per account: credits in (grants and Stripe
// top-ups), settled charges out, and the open holds that reserve credit for calls in flight.
// balance = granted + toppedUp - charged; available = balance - held (+ the overdraft).
import { asLumenEvent, type EventType } from '../src/domain/events.ts';
import type { Projection } from '../src/ledger/projection.ts';

export interface BalanceDocument {
  [key: string]: string | number;
  accountId: string;
  name: string;
  plan: string;
  grantedMicros: number;
  toppedUpMicros: number;
  chargedMicros: number;
  writtenOffMicros: number;
  heldMicros: number;
  openHolds: number;
  balanceMicros: number;
  requests: number;
}

const handles = ['AccountOpened', 'AccountPlanChanged', 'CreditsGranted', 'CreditsToppedUp', 'CreditsHeld', 'HoldSettled',
  'HoldExpired', 'RequestCompleted'] as const satisfies readonly EventType[];

function emptyBalance(): BalanceDocument {
  return { accountId: '', name: '', plan: '', grantedMicros: 0, toppedUpMicros: 0, chargedMicros: 0, writtenOffMicros: 0,
    heldMicros: 0, openHolds: 0, balanceMicros: 0, requests: 0 };
}

function withBalance(document: BalanceDocument): BalanceDocument {
  return { ...document, balanceMicros: document.grantedMicros + document.toppedUpMicros - document.chargedMicros };
}

export const balancesProjection: Projection<BalanceDocument> = {
  name: 'balances',
  version: 2,
  handles,
  keysOf: (event) => [String(event.data.accountId)],
  evolve(document, recorded) {
    const event = asLumenEvent(recorded);
    const current = document ?? emptyBalance();
    switch (event.type) {
      case 'AccountOpened':
        return { ...current, accountId: event.data.accountId, name: event.data.name, plan: event.data.plan };
      case 'AccountPlanChanged':
        return { ...current, plan: event.data.plan };
      case 'CreditsGranted':
        return withBalance({ ...current, grantedMicros: current.grantedMicros + event.data.amountMicros });
      case 'CreditsToppedUp':
        return withBalance({ ...current, toppedUpMicros: current.toppedUpMicros + event.data.amountMicros });
      case 'CreditsHeld':
        return { ...current, heldMicros: current.heldMicros + event.data.amountMicros, openHolds: current.openHolds + 1 };
      case 'HoldSettled':
        return withBalance({ ...current, chargedMicros: current.chargedMicros + event.data.chargedMicros,
          writtenOffMicros: current.writtenOffMicros + event.data.writtenOffMicros,
          heldMicros: current.heldMicros - event.data.heldMicros, openHolds: current.openHolds - 1 });
      case 'HoldExpired':
        return { ...current, heldMicros: current.heldMicros - event.data.amountMicros, openHolds: current.openHolds - 1 };
      case 'RequestCompleted':
        return { ...current, requests: current.requests + 1 };
      default:
        return document;
    }
  },
};
