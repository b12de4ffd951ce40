// Opens the EventStoreDB store. This is the adapter's public face: settings in, the EventStore
// port out, so no type of the client library reaches the rest of Lumen.
import { EventStoreDBClient } from '@eventstore/db-client';
import { StoreError, type EventStore } from '../event-store.ts';
import type { EventValidator } from '../prepare-event.ts';
import { EventStoreDbEventStore } from './eventstoredb-event-store.ts';
import { DEFAULT_EVENTSTOREDB_LIMITS, type EventStoreDbLimits } from './limits.ts';
import { translateError } from './translate-error.ts';

export { DEFAULT_EVENTSTOREDB_LIMITS, type EventStoreDbLimits } from './limits.ts';

export interface EventStoreDbSettings {
  /** For example `esdb://localhost:2113?tls=false`. */
  connectionString: string;
  validate: EventValidator;
  limits?: Partial<EventStoreDbLimits>;
  /** Ledger time for events that bring none; the domain never reads a clock itself. */
  now?: () => Date;
}

/**
 * Opens the store and checks that the server answers, so a wrong address fails here rather
 * than on the first append.
 */
export async function openEventStoreDb(settings: EventStoreDbSettings): Promise<EventStore> {
  let client: EventStoreDBClient;
  try {
    client = EventStoreDBClient.connectionString(settings.connectionString);
  } catch (error) {
    throw translateError(error);
  }
  const store = new EventStoreDbEventStore(client, settings.validate,
    { ...DEFAULT_EVENTSTOREDB_LIMITS, ...settings.limits }, settings.now ?? (() => new Date()));
  const health = await store.health();
  if (!health.ok) {
    await store.close();
    throw new StoreError('store_unavailable', `EventStoreDB does not answer: ${health.detail ?? 'no detail'}`);
  }
  return store;
}
