// The EventStore contract against the EventStoreDB adapter over an in-memory fake of the client
// (test/support/fake-eventstoredb-client.ts). This exercises the adapter's own logic (hash
// envelope, head reads, relinking retries, repeats the server silently accepted, $all paging
// past system events) without a server; it proves nothing about the server's real behaviour,
// which only the live contract in eventstoredb.test.ts does.
import type { EventStoreDBClient } from '@eventstore/db-client';
import { test } from 'uvu';
import { validateEventPayload } from '../../src/domain/events.ts';
import { EventStoreDbEventStore } from '../../src/ledger/eventstoredb/eventstoredb-event-store.ts';
import { DEFAULT_EVENTSTOREDB_LIMITS } from '../../src/ledger/eventstoredb/limits.ts';
import { FakeEventStoreDbClient } from '../support/fake-eventstoredb-client.ts';
import { defineEventStoreContract } from './contract.ts';

defineEventStoreContract('event store contract (eventstoredb adapter over a fake client)', async () => {
  const client = new FakeEventStoreDbClient() as unknown as EventStoreDBClient;
  const store = new EventStoreDbEventStore(client, validateEventPayload, DEFAULT_EVENTSTOREDB_LIMITS, () => new Date());
  return { store, dispose: () => store.close() };
});

test.run();
