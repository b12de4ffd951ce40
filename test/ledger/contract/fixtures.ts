// Events and names for the contract suite. Every run draws a fresh prefix, so the suite also
// works against a server that keeps the streams of earlier runs (EventStoreDB has no schemas).
import { randomBytes } from 'node:crypto';
import * as assert from 'uvu/assert';
import { StoreError, type EventStore, type NewEvent, type RecordedEvent } from '../../../src/ledger/event-store.ts';

export interface ContractContext {
  store: EventStore;
  /** A stream id that no other case and no other run uses. */
  stream(label: string): string;
  /** An event id that no other case and no other run uses. */
  eventId(label: string): string;
}

export interface ContractCase {
  title: string;
  run(context: ContractContext): Promise<void>;
}

export function contractContext(store: EventStore): ContractContext {
  const run = randomBytes(5).toString('hex');
  return {
    store,
    stream: (label) => `contract-${run}-${label}`,
    eventId: (label) => `${run}-${label}`,
  };
}

export const opened = (id: string, accountId = 'acct-1'): NewEvent => ({
  id, type: 'AccountOpened', schemaVersion: 1, data: { accountId, name: 'Acme', plan: 'free' },
});

export const granted = (id: string, amountMicros = 1_000_000, accountId = 'acct-1'): NewEvent => ({
  id, type: 'CreditsGranted', schemaVersion: 1, data: { accountId, amountMicros, reason: 'contract' },
});

/** Runs an operation that must fail and returns its StoreError. */
export async function refusal(operation: () => Promise<unknown>, label = 'operation'): Promise<StoreError> {
  try {
    await operation();
  } catch (error) {
    assert.instance(error, StoreError, `${label} failed with something other than a StoreError`);
    return error as StoreError;
  }
  assert.unreachable(`${label} succeeded`);
  throw new Error('unreachable');
}

export const idsOf = (events: RecordedEvent[]) => events.map((event) => event.id);

/** Polls until `ready` holds or about five seconds passed; tests never assert on time itself. */
export async function eventually(ready: () => boolean): Promise<void> {
  for (let tries = 0; tries < 500 && !ready(); tries += 1) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
