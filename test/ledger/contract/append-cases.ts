// What every EventStore must do when appending: versions, hash links, expected-version checks,
// races, idempotent repeats and refusing malformed input without writing anything.
import * as assert from 'uvu/assert';
import { WrongExpectedVersion, type NewEvent } from '../../../src/ledger/event-store.ts';
import { granted, opened, refusal, type ContractCase } from './fixtures.ts';

export const appendCases: ContractCase[] = [{
  title: 'given a new stream, when appending twice, then versions start at 0 and every event links to the one before',
  async run({ store, stream, eventId }) {
    const streamId = stream('chain');
    const recordedAt = new Date('2024-05-06T07:08:09.123Z');
    const first = await store.append(streamId,
      [{ ...opened(eventId('chain-open')), recordedAt, metadata: { source: 'contract' } }, granted(eventId('chain-1'))],
      'no_stream');
    const second = await store.append(streamId, [granted(eventId('chain-2'))], 1);

    assert.equal(first.events.map((event) => event.version), [0, 1]);
    assert.is(first.nextExpectedVersion, 1);
    assert.is(second.nextExpectedVersion, 2);
    assert.is(first.events[0]!.previousHash, null);
    assert.is(first.events[1]!.previousHash, first.events[0]!.hash);
    assert.is(second.events[0]!.previousHash, first.events[1]!.hash);
    assert.match(first.events[0]!.hash, /^[0-9a-f]{64}$/);
    assert.is(first.events[0]!.recordedAt, '2024-05-06T07:08:09.123000Z');
    const read = await store.readStream(streamId);
    assert.equal(read, [...first.events, ...second.events]);
    assert.equal(read[0]!.metadata, { source: 'contract' });
    assert.equal(read[1]!.data, { accountId: 'acct-1', amountMicros: 1_000_000, reason: 'contract' });
  },
}, {
  title: 'given a stream at version 1, when appending with a stale expected version, then WrongExpectedVersion names the actual version',
  async run({ store, stream, eventId }) {
    const streamId = stream('stale');
    await store.append(streamId, [opened(eventId('stale-open')), granted(eventId('stale-1'))], 'no_stream');

    const error = await refusal(() => store.append(streamId, [granted(eventId('stale-2'))], 0), 'stale append');

    assert.instance(error, WrongExpectedVersion);
    assert.is(error.code, 'wrong_expected_version');
    assert.equal(error.details, { streamId, expected: 0, actual: 1 });
    assert.is((await store.append(streamId, [granted(eventId('stale-2'))], 1)).nextExpectedVersion, 2);
  },
}, {
  title: "given streams present and absent, when appending with 'no_stream', 'exists', 'any' and numbers, then each holds exactly when it should",
  async run({ store, stream, eventId }) {
    const absent = stream('modes-absent');
    const present = stream('modes-present');
    const conflict = async (streamId: string, expected: 'no_stream' | 'exists' | number, label: string) =>
      (await refusal(() => store.append(streamId, [granted(eventId(`modes-${label}`))], expected), label)).details;

    assert.equal(await conflict(absent, 'exists', 'exists-absent'), { streamId: absent, expected: 'exists', actual: null });
    assert.equal(await conflict(absent, 0, 'number-absent'), { streamId: absent, expected: 0, actual: null });
    assert.is((await store.append(present, [opened(eventId('modes-open'))], 'no_stream')).nextExpectedVersion, 0);
    assert.equal(await conflict(present, 'no_stream', 'no-stream-present'), { streamId: present, expected: 'no_stream', actual: 0 });
    assert.is((await store.append(present, [granted(eventId('modes-exists'))], 'exists')).nextExpectedVersion, 1);
    assert.is((await store.append(present, [granted(eventId('modes-any'))], 'any')).nextExpectedVersion, 2);
    assert.is((await store.append(absent, [opened(eventId('modes-any-new'))], 'any')).nextExpectedVersion, 0);
    assert.is((await store.readStream(present)).length, 3);
  },
}, {
  title: 'given twenty writers appending at the same expected version at once, then exactly one wins and the others conflict',
  async run({ store, stream, eventId }) {
    const streamId = stream('race');
    await store.append(streamId, [opened(eventId('race-open'))], 'no_stream');

    const settled = await Promise.allSettled(Array.from({ length: 20 }, (_, index) =>
      store.append(streamId, [granted(eventId(`race-${index}`))], 0)));

    const lost = settled.filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    assert.is(settled.length - lost.length, 1);
    for (const outcome of lost) assert.instance(outcome.reason, WrongExpectedVersion);
    assert.is((await store.readStream(streamId)).length, 2);
  },
}, {
  title: "given ten writers creating one stream at once with 'no_stream', then exactly one creates it",
  async run({ store, stream, eventId }) {
    const streamId = stream('create-race');

    const settled = await Promise.allSettled(Array.from({ length: 10 }, (_, index) =>
      store.append(streamId, [opened(eventId(`create-race-${index}`))], 'no_stream')));

    assert.is(settled.filter((outcome) => outcome.status === 'fulfilled').length, 1);
    assert.is((await store.readStream(streamId)).length, 1);
  },
}, {
  title: 'given appended events, when the same ids and content are appended again, then the original result returns and nothing is written',
  async run({ store, stream, eventId }) {
    const streamId = stream('repeat');
    const open = opened(eventId('repeat-open'));
    const grants = [granted(eventId('repeat-1')), granted(eventId('repeat-2'), 7)];
    const first = await store.append(streamId, [open], 'no_stream');
    const second = await store.append(streamId, grants, 0);

    // Later ledger times do not make a different event: the time is not part of the content.
    const later = (event: NewEvent) => ({ ...event, recordedAt: new Date(Date.now() + 60_000) });
    assert.equal(await store.append(streamId, [later(open)], 'no_stream'), first);
    assert.equal(await store.append(streamId, grants.map(later), 0), second);
    assert.equal(await store.append(streamId, grants, 'any'), second);
    assert.equal(await store.append(streamId, grants, 'exists'), second);
    assert.is((await store.readStream(streamId)).length, 3);
  },
}, {
  title: 'given an appended event, when its id is appended again with different content, then it is an idempotency conflict and nothing is written',
  async run({ store, stream, eventId }) {
    const streamId = stream('repeat-conflict');
    await store.append(streamId, [opened(eventId('conflict-open')), granted(eventId('conflict-1'), 5)], 'no_stream');

    for (const expected of ['any', 'exists', 0] as const) {
      const error = await refusal(() => store.append(streamId, [granted(eventId('conflict-1'), 6)], expected), String(expected));
      assert.is(error.code, 'idempotency_conflict', String(expected));
    }
    const partial = await refusal(() => store.append(streamId,
      [granted(eventId('conflict-1'), 5), granted(eventId('conflict-new'))], 'any'), 'partial repeat');
    assert.is(partial.code, 'idempotency_conflict');
    assert.is((await store.readStream(streamId)).length, 2);
  },
}, {
  title: 'given malformed events or stream ids, when appending, then each is refused as invalid_event and nothing is written',
  async run({ store, stream, eventId }) {
    const streamId = stream('malformed');
    const account = { accountId: 'acct-1', name: 'Acme', plan: 'free' };
    const malformed: Array<[string, unknown]> = [
      ['no events', []],
      ['unknown type', [{ id: eventId('bad-1'), type: 'NoSuchThing', schemaVersion: 1, data: account }]],
      ['unknown schema version', [{ id: eventId('bad-2'), type: 'AccountOpened', schemaVersion: 9, data: account }]],
      ['payload fails its schema', [{ ...granted(eventId('bad-3')), data: { accountId: 'a', amountMicros: 1.5, reason: '' } }]],
      ['NaN in data', [{ ...granted(eventId('bad-4')), data: { accountId: 'a', amountMicros: Number.NaN, reason: '' } }]],
      ['missing id', [{ type: 'AccountOpened', schemaVersion: 1, data: account }]],
      ['data not an object', [{ id: eventId('bad-5'), type: 'AccountOpened', schemaVersion: 1, data: [1] }]],
      ['the same id twice in one append', [opened(eventId('bad-dup')), granted(eventId('bad-dup'))]],
      ['a Date in metadata', [{ ...opened(eventId('bad-6')), metadata: { at: new Date() } }]],
      ['one bad event among good ones', [opened(eventId('bad-7')), { ...granted(eventId('bad-8')), schemaVersion: 0 }]],
    ];
    for (const [label, events] of malformed) {
      const error = await refusal(() => store.append(streamId, events as NewEvent[], 'any'), label);
      assert.is(error.code, 'invalid_event', label);
      assert.ok(error.message.length > 5, label);
    }
    for (const badStreamId of ['', 'has space', 'x'.repeat(201)]) {
      const error = await refusal(() => store.append(badStreamId, [opened(eventId('bad-stream'))], 'any'), `"${badStreamId}"`);
      assert.is(error.code, 'invalid_event');
    }
    assert.equal(await store.readStream(streamId), []);
  },
}];
