// The EventStoreDB adapter: the shared EventStore contract against a live server when
// EVENTSTORE_URL is set (see docker-compose.yml), and the pure translations at its edge always.
import {
  ANY, DeadlineExceededError, MaxAppendSizeExceededError, NO_STREAM, START, STREAM_EXISTS, UnavailableError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { validateEventPayload } from '../../src/domain/events.ts';
import { compareGlobal, LOG_START, StoreError, WrongExpectedVersion } from '../../src/ledger/event-store.ts';
import { openEventStoreDb } from '../../src/ledger/eventstoredb/open-eventstoredb.ts';
import { eventUuid } from '../../src/ledger/eventstoredb/event-uuid.ts';
import {
  fromCurrentRevision, fromExpectedRevision, toExpectedRevision,
} from '../../src/ledger/eventstoredb/expected-revision.ts';
import { startingPoint, toEventStoreDbPosition, toGlobalPosition } from '../../src/ledger/eventstoredb/global-position.ts';
import { translateError } from '../../src/ledger/eventstoredb/translate-error.ts';
import { defineEventStoreContract, skipEventStoreContract } from './contract.ts';

const connectionString = process.env.EVENTSTORE_URL;
if (connectionString) {
  defineEventStoreContract('event store contract (eventstoredb)', async () => {
    const store = await openEventStoreDb({ connectionString, validate: validateEventPayload });
    return { store, dispose: () => store.close() };
  });
} else {
  console.log('EVENTSTORE_URL is not set: the EventStoreDB contract is skipped '
    + '(docker compose up -d eventstoredb, then EVENTSTORE_URL=esdb://localhost:2113?tls=false)');
  skipEventStoreContract('event store contract (eventstoredb)');
}

test('given each expected version, when mapped to an expected revision and back, then it is unchanged', () => {
  assert.is(toExpectedRevision('any'), ANY);
  assert.is(toExpectedRevision('no_stream'), NO_STREAM);
  assert.is(toExpectedRevision('exists'), STREAM_EXISTS);
  assert.is(toExpectedRevision(0), 0n);
  fc.assert(fc.property(
    fc.oneof(fc.constantFrom('any' as const, 'no_stream' as const, 'exists' as const), fc.nat()),
    (expected) => fromExpectedRevision(toExpectedRevision(expected)) === expected));
});

test('given a current revision from the server, when mapped, then no stream is null and a revision is its number', () => {
  assert.is(fromCurrentRevision(NO_STREAM), null);
  assert.is(fromCurrentRevision(41n), 41);
  assert.throws(() => fromCurrentRevision(2n ** 60n), RangeError);
});

test('given a Lumen event id, when deriving its UUID, then it is a stable RFC 9562 name-based UUID', () => {
  // Pinned: changing the derivation would stop the server recognising repeats of old appends.
  assert.is(eventUuid('open-a1'), eventUuid('open-a1'));
  assert.is(eventUuid('open-a1'), PINNED_OPEN_A1);
  assert.is.not(eventUuid('open-a1'), eventUuid('open-a2'));
  fc.assert(fc.property(fc.string({ minLength: 1, maxLength: 128 }), (id) =>
    /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(eventUuid(id))
    && eventUuid(id) === eventUuid(id)));
});

test('given log positions, when mapped both ways, then they round-trip and keep their order', () => {
  const serverPosition = fc.record({ commit: fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }),
    prepare: fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }) });
  fc.assert(fc.property(serverPosition, serverPosition, (left, right) => {
    const back = toEventStoreDbPosition(toGlobalPosition(left));
    if (back.commit !== left.commit || back.prepare !== left.prepare) return false;
    const serverOrder = left.commit !== right.commit ? Math.sign(Number(left.commit - right.commit))
      : Math.sign(Number(left.prepare - right.prepare));
    return compareGlobal(toGlobalPosition(left), toGlobalPosition(right)) === serverOrder;
  }));
  assert.is(startingPoint(undefined), START);
  assert.is(startingPoint(LOG_START), START);
  assert.equal(startingPoint({ transactionId: 5n, position: 4n }), { commit: 5n, prepare: 4n });
});

test('given a wrong-expected-version error from the client, when translated, then it is a WrongExpectedVersion with the actual version', () => {
  const conflict = new WrongExpectedVersionError(undefined, { streamName: 'account-1', expected: 0n, current: 3n });
  const translated = translateError(conflict, { streamId: 'account-1', expected: 'exists' });
  assert.instance(translated, WrongExpectedVersion);
  assert.equal(translated.details, { streamId: 'account-1', expected: 'exists', actual: 3 });

  const noStream = new WrongExpectedVersionError(undefined, { streamName: 'account-2', expected: 2n, current: NO_STREAM });
  assert.equal(translateError(noStream).details, { streamId: 'account-2', expected: 2, actual: null });
});

test('given connection and server failures, when translated, then they are store_unavailable; an oversized append is invalid_event', () => {
  const unavailable = [new UnavailableError(undefined, 'connect ECONNREFUSED'),
    new DeadlineExceededError(undefined, 'deadline'), new Error('14 UNAVAILABLE: No connection established'), 'boom'];
  for (const error of unavailable) assert.is(translateError(error).code, 'store_unavailable', String(error));
  assert.is(translateError(MaxAppendSizeExceededError.fromMaxAppendSize(1024)).code, 'invalid_event');
  const own = new StoreError('hash_mismatch', 'kept as is');
  assert.is(translateError(own), own);
});

test('given no server at the address, when opening the store, then it fails as store_unavailable', async () => {
  try {
    await openEventStoreDb({ connectionString: 'esdb://127.0.0.1:1?tls=false', validate: validateEventPayload,
      limits: { deadlineMs: 2_000 } });
    assert.unreachable('opened a store without a server');
  } catch (error) {
    assert.instance(error, StoreError);
    assert.is((error as StoreError).code, 'store_unavailable');
  }
});

// Computed independently: first 16 bytes of SHA-256(namespace || 'open-a1'), version 8, RFC variant.
const PINNED_OPEN_A1 = '511fdba8-5a4b-803a-9bc0-8cb263a8e4c2';

test.run();
