// Account balances: credits in, charges out, in micro-dollars. One document per account.
import { asLumenEvent, exhaustive, type EventType } from '../src/domain/events.ts';
import type { Projection } from '../src/ledger/projection.ts';

export interface BalanceDocument {
  [key: string]: string | number;
  accountId: string;
  name: string;
  plan: string;
  grantedMicros: number;
  chargedMicros: number;
  balanceMicros: number;
  requests: number;
}

const handles = ['AccountOpened', 'AccountPlanChanged', 'CreditsGranted', 'RequestCompleted'] as const satisfies readonly EventType[];

export const balancesProjection: Projection<BalanceDocument> = {
  name: 'balances',
  version: 1,
  handles,
  keysOf: (event) => [String(event.data.accountId)],
  evolve(document, recorded) {
    const event = asLumenEvent(recorded);
    const current = document ?? { accountId: '', name: '', plan: '', grantedMicros: 0, chargedMicros: 0, balanceMicros: 0, requests: 0 };
    switch (event.type) {
      case 'AccountOpened':
        return { ...current, accountId: event.data.accountId, name: event.data.name, plan: event.data.plan };
      case 'AccountPlanChanged':
        return { ...current, plan: event.data.plan };
      case 'CreditsGranted': {
        const grantedMicros = current.grantedMicros + event.data.amountMicros;
        return { ...current, grantedMicros, balanceMicros: grantedMicros - current.chargedMicros };
      }
      case 'RequestCompleted': {
        const chargedMicros = current.chargedMicros + event.data.costMicros;
        return { ...current, chargedMicros, balanceMicros: current.grantedMicros - chargedMicros, requests: current.requests + 1 };
      }
      case 'ApiKeyIssued':
      case 'ApiKeyRevoked':
      case 'CreditsHeld': case 'HoldSettled': case 'HoldExpired': case 'CreditsToppedUp': case 'StripeCustomerLinked':
      case 'KeyGroupDefined': case 'ApiKeyGroupAssigned': case 'CheckpointPublished':
        return document;
      default:
        return exhaustive(event);
    }
  },
};
