// The holds not yet resolved, one document per request, deleted when the hold settles or
// expires. The hold sweeper reads it to resolve holds a crashed process left open.
import { asLumenEvent, type EventType } from '../src/domain/events.ts';
import type { Projection } from '../src/ledger/projection.ts';

export interface OpenHoldDocument {
  [key: string]: string | number;
  accountId: string;
  requestId: string;
  amountMicros: number;
  /** Ledger time the hold was placed and the time after which it may be expired. */
  heldAt: string;
  expiresAt: string;
}

const handles = ['CreditsHeld', 'HoldSettled', 'HoldExpired'] as const satisfies readonly EventType[];

export const openHoldsProjection: Projection<OpenHoldDocument> = {
  name: 'open_holds',
  version: 1,
  handles,
  keysOf: (event) => [String(event.data.requestId)],
  evolve(document, recorded) {
    const event = asLumenEvent(recorded);
    if (event.type === 'CreditsHeld') {
      return { accountId: event.data.accountId, requestId: event.data.requestId, amountMicros: event.data.amountMicros,
        heldAt: recorded.recordedAt, expiresAt: event.data.expiresAt };
    }
    if (event.type === 'HoldSettled' || event.type === 'HoldExpired') return null;
    return document;
  },
};
