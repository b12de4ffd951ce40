import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { StoreError, WrongExpectedVersion, type NewEvent } from '../../src/ledger/event-store.ts';
import { openTestStore, type TestStore } from '../support/store.ts';
import { readAllOnceVisible } from '../support/visible.ts';

let store: TestStore;
test.before(async () => { store = await openTestStore(); });
test.after(async () => { await store.dispose(); });

const opened = (accountId: string, id = `open-${accountId}`): NewEvent => ({
  id, type: 'AccountOpened', schemaVersion: 1, data: { accountId, name: 'Acme', plan: 'free' },
});
const granted = (accountId: string, id: string, amountMicros = 1_000_000): NewEvent => ({
  id, type: 'CreditsGranted', schemaVersion: 1, data: { accountId, amountMicros, reason: 'test' },
});

test('given a new stream, when appending, then versions start at 0 and events chain by hash', async () => {
  const result = await store.store.append('account-a1', [opened('a1'), granted('a1', 'g-a1-1')], 'no_stream');
  assert.is(result.nextExpectedVersion, 1);
  const [first, second] = result.events;
  assert.is(first!.previousHash, null);
  assert.is(second!.previousHash, first!.hash);
  assert.match(first!.hash, /^[0-9a-f]{64}$/);
  const read = await store.store.readStream('account-a1');
  assert.equal(read.map((event) => event.hash), result.events.map((event) => event.hash));
  assert.equal(read[1]!.data, { accountId: 'a1', amountMicros: 1_000_000, reason: 'test' });
});

test('given a stream at version 1, when appending with a stale expected version, then a typed conflict is raised', async () => {
  await store.store.append('account-a2', [opened('a2'), granted('a2', 'g-a2-1')], 'no_stream');
  try {
    await store.store.append('account-a2', [granted('a2', 'g-a2-2')], 0);
    assert.unreachable('stale append succeeded');
  } catch (error) {
    assert.instance(error, WrongExpectedVersion);
    assert.is((error as StoreError).code, 'wrong_expected_version');
    assert.equal((error as StoreError).details.actual, 1);
  }
  const ok = await store.store.append('account-a2', [granted('a2', 'g-a2-2')], 1);
  assert.is(ok.nextExpectedVersion, 2);
});

test('given concurrent writers at the same expected version, then exactly one wins', async () => {
  await store.store.append('account-a3', [opened('a3')], 'no_stream');
  const writers = Array.from({ length: 20 }, (_, index) =>
    store.store.append('account-a3', [granted('a3', `g-a3-${index}`)], 0));
  const settled = await Promise.allSettled(writers);
  const won = settled.filter((outcome) => outcome.status === 'fulfilled');
  const lost = settled.filter((outcome) => outcome.status === 'rejected');
  assert.is(won.length, 1);
  assert.is(lost.length, 19);
  for (const outcome of lost) assert.instance((outcome as PromiseRejectedResult).reason, WrongExpectedVersion);
  assert.is((await store.store.readStream('account-a3')).length, 2);
});

test('given concurrent creators of one new stream, then exactly one creates it', async () => {
  const writers = Array.from({ length: 10 }, (_, index) =>
    store.store.append('account-a4', [opened('a4', `open-a4-${index}`)], 'no_stream'));
  const settled = await Promise.allSettled(writers);
  assert.is(settled.filter((outcome) => outcome.status === 'fulfilled').length, 1);
});

test('given an appended event, when the same id is appended again with the same content, then the original result returns', async () => {
  const first = await store.store.append('account-a5', [opened('a5')], 'no_stream');
  const again = await store.store.append('account-a5', [opened('a5')], 'no_stream');
  assert.equal(again.events.map((event) => event.hash), first.events.map((event) => event.hash));
  assert.is((await store.store.readStream('account-a5')).length, 1);
});

test('given an appended event, when the same id is appended with different content, then it is an idempotency conflict', async () => {
  await store.store.append('account-a6', [granted('a6', 'g-a6', 5)], 'any');
  try {
    await store.store.append('account-a6', [granted('a6', 'g-a6', 6)], 'any');
    assert.unreachable('conflicting repeat succeeded');
  } catch (error) {
    assert.is((error as StoreError).code, 'idempotency_conflict');
  }
  assert.is((await store.store.readStream('account-a6')).length, 1);
});

test('given malformed events, when appending, then each is refused with a clear error and nothing is written', async () => {
  const bad: Array<[string, NewEvent[] | unknown]> = [
    ['no events', []],
    ['unknown type', [{ id: 'x1', type: 'Nope', schemaVersion: 1, data: {} }]],
    ['bad schema version', [{ id: 'x2', type: 'AccountOpened', schemaVersion: 9, data: { accountId: 'a', name: 'n', plan: 'p' } }]],
    ['payload fails schema', [{ id: 'x3', type: 'CreditsGranted', schemaVersion: 1, data: { accountId: 'a', amountMicros: 1.5, reason: '' } }]],
    ['NaN in data', [{ id: 'x4', type: 'CreditsGranted', schemaVersion: 1, data: { accountId: 'a', amountMicros: Number.NaN, reason: '' } }]],
    ['undefined id', [{ type: 'AccountOpened', schemaVersion: 1, data: { accountId: 'a', name: 'n', plan: 'p' } }]],
    ['data not an object', [{ id: 'x5', type: 'AccountOpened', schemaVersion: 1, data: [1] }]],
    ['duplicate ids', [opened('z', 'dup'), opened('z', 'dup')]],
    ['a Date in metadata', [{ ...opened('z', 'x6'), metadata: { at: new Date() } }]],
  ];
  for (const [label, events] of bad) {
    try {
      await store.store.append('account-bad', events as NewEvent[], 'any');
      assert.unreachable(`${label} was accepted`);
    } catch (error) {
      assert.instance(error, StoreError, label);
      assert.is((error as StoreError).code, 'invalid_event', label);
      assert.ok((error as Error).message.length > 5, label);
    }
  }
  for (const streamId of ['', 'has space', 'x'.repeat(201)]) {
    await store.store.append(streamId, [opened('q')], 'any').then(
      () => assert.unreachable(`stream id "${streamId}" accepted`),
      (error) => assert.is((error as StoreError).code, 'invalid_event'));
  }
  assert.is((await store.store.readStream('account-bad')).length, 0);
});

test('given events in several streams, when reading the global log from a checkpoint, then it continues exactly after it', async () => {
  const all = await readAllOnceVisible(store.store);
  assert.ok(all.length >= 8);
  const middle = all[3]!.global;
  const rest = await store.store.readAll({ after: middle });
  assert.equal(rest.map((event) => event.id), all.slice(4).map((event) => event.id));
  const firstTwo = await store.store.readAll({ maxCount: 2 });
  assert.equal(firstTwo.map((event) => event.id), all.slice(0, 2).map((event) => event.id));
});

test('given the events table, when a client tries UPDATE, DELETE or TRUNCATE, then the database refuses', async () => {
  for (const statement of ['update lumen_events set type = type', 'delete from lumen_events', 'truncate lumen_events']) {
    try {
      await store.sql.query(statement);
      assert.unreachable(`${statement} was allowed`);
    } catch (error) {
      assert.match((error as Error).message, /append-only/);
    }
  }
});

test('given a subscriber, when events are appended, then it sees each once and in order', async () => {
  const seen: string[] = [];
  const subscription = store.store.subscribe({ onEvents: (events) => { seen.push(...events.map((event) => event.id)); } });
  await store.store.append('account-a7', [opened('a7')], 'no_stream');
  await store.store.append('account-a7', [granted('a7', 'g-a7-1')], 0);
  const expected = (await readAllOnceVisible(store.store)).map((event) => event.id);
  for (let tries = 0; tries < 200 && seen.length < expected.length; tries += 1) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await subscription.close();
  assert.equal(seen, expected);
});

test.run();
