// The EventStoreDB adapter over an in-memory fake of the client (test/support/
// fake-eventstoredb-client.ts): the shared contract, plus races between two processes and
// tampering, which need a hand on the server's side. This exercises the adapter's own logic
// (hash envelope, head reads, relinking retries, repeats the server silently accepted, $all
// paging past system events) without a server; it proves nothing about the real server's
// behaviour, which only the live contract in eventstoredb.test.ts does.
import type { EventStoreDBClient } from '@eventstore/db-client';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { validateEventPayload } from '../../src/domain/events.ts';
import { StoreError, type NewEvent } from '../../src/ledger/event-store.ts';
import { EventStoreDbEventStore } from '../../src/ledger/eventstoredb/eventstoredb-event-store.ts';
import { DEFAULT_EVENTSTOREDB_LIMITS } from '../../src/ledger/eventstoredb/limits.ts';
import { FakeEventStoreDbClient } from '../support/fake-eventstoredb-client.ts';
import { defineEventStoreContract } from './contract.ts';

/** A store as one process would open it; several may share one fake server. */
const storeOver = (server: FakeEventStoreDbClient) =>
  new EventStoreDbEventStore(server as unknown as EventStoreDBClient, validateEventPayload,
    DEFAULT_EVENTSTOREDB_LIMITS, () => new Date());

defineEventStoreContract('event store contract (eventstoredb adapter over a fake client)', async () => {
  const store = storeOver(new FakeEventStoreDbClient());
  return { store, dispose: () => store.close() };
});

const opened = (id: string): NewEvent => ({
  id, type: 'AccountOpened', schemaVersion: 1, data: { accountId: 'a', name: 'Acme', plan: 'free' } });
const granted = (id: string, amountMicros = 1): NewEvent => ({
  id, type: 'CreditsGranted', schemaVersion: 1, data: { accountId: 'a', amountMicros, reason: '' } });

test("given two processes appending with 'any' at once, then both succeed and the chain stays whole", async () => {
  const server = new FakeEventStoreDbClient();
  const [first, second] = [storeOver(server), storeOver(server)];
  await first.append('account-1', [opened('open')], 'no_stream');

  await Promise.all(Array.from({ length: 6 }, (_, index) =>
    (index % 2 === 0 ? first : second).append('account-1', [granted(`grant-${index}`)], 'any')));

  const read = await second.readStream('account-1');
  assert.is(read.length, 7);
  read.forEach((event, index) => assert.is(event.previousHash, index === 0 ? null : read[index - 1]!.hash));
});

test('given two processes sending the same append at once, then the one the server silently dropped returns the original', async () => {
  const server = new FakeEventStoreDbClient();
  const events = [opened('open'), granted('grant')];

  const [left, right] = await Promise.all([storeOver(server).append('account-1', events, 'no_stream'),
    storeOver(server).append('account-1', events, 'no_stream')]);

  assert.equal(left, right);
  assert.is((await storeOver(server).readStream('account-1')).length, 2);
});

test('given two processes sending the same ids with different content at once, then the dropped one is a conflict', async () => {
  const server = new FakeEventStoreDbClient();

  const settled = await Promise.allSettled([5, 6].map((amount) =>
    storeOver(server).append('account-1', [granted('grant', amount)], 'no_stream')));

  const codes = settled.map((outcome) => outcome.status === 'rejected' ? (outcome.reason as StoreError).code : 'ok').sort();
  assert.equal(codes, ['idempotency_conflict', 'ok']);
});

test('given a stored payload changed behind the store, when reading, then the hash check refuses it', async () => {
  const server = new FakeEventStoreDbClient();
  const store = storeOver(server);
  await store.append('account-1', [opened('open'), granted('grant', 5)], 'no_stream');

  server.rewriteData('account-1', 1, { accountId: 'a', amountMicros: 5_000_000, reason: '' });

  for (const read of [() => store.readStream('account-1'), () => store.readAll(),
    () => store.append('account-1', [granted('grant-2')], 'any')]) {
    await read().then(() => assert.unreachable('tampered event accepted'),
      (error) => assert.is((error as StoreError).code, 'hash_mismatch'));
  }
});

test("given a stream id starting with '$', when appending, then it is refused as the server's own namespace", async () => {
  const store = storeOver(new FakeEventStoreDbClient());
  await store.append('$all', [opened('open')], 'any').then(() => assert.unreachable('accepted'),
    (error) => assert.is((error as StoreError).code, 'invalid_event'));
});

test.run();
