// Appends that overlap in time: the store may serialise them however it likes, but the chain
// must stay whole and every writer must get an answer that matches what was stored.
import * as assert from 'uvu/assert';
import { StoreError } from '../../../src/ledger/event-store.ts';
import { granted, opened, type ContractCase } from './fixtures.ts';

export const raceCases: ContractCase[] = [{
  title: "given ten writers appending with 'any' at once, then all succeed and the stream is one unbroken chain",
  async run({ store, stream, eventId }) {
    const streamId = stream('any-race');
    await store.append(streamId, [opened(eventId('any-race-open'))], 'no_stream');

    const results = await Promise.all(Array.from({ length: 10 }, (_, index) =>
      store.append(streamId, [granted(eventId(`any-race-${index}`))], 'any')));

    const read = await store.readStream(streamId);
    assert.equal(read.map((event) => event.version), [...Array(11).keys()]);
    read.forEach((event, index) => assert.is(event.previousHash, index === 0 ? null : read[index - 1]!.hash));
    for (const result of results) assert.equal(result.events, [read[result.nextExpectedVersion]!]);
  },
}, {
  title: 'given the same append sent twice at once, then both get the same result and it is stored once',
  async run({ store, stream, eventId }) {
    const streamId = stream('twin');
    const events = [opened(eventId('twin-open')), granted(eventId('twin-1'))];

    const [left, right] = await Promise.all([store.append(streamId, events, 'no_stream'),
      store.append(streamId, events, 'no_stream')]);

    assert.equal(left, right);
    assert.equal(await store.readStream(streamId), left.events);
  },
}, {
  title: 'given two appends with the same ids but different content at once, then one is stored and the other is an idempotency conflict',
  async run({ store, stream, eventId }) {
    const streamId = stream('twin-conflict');

    const settled = await Promise.allSettled([5, 6].map((amount) =>
      store.append(streamId, [granted(eventId('twin-conflict-1'), amount)], 'any')));

    const rejected = settled.filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    assert.is(rejected.length, 1);
    assert.instance(rejected[0]!.reason, StoreError);
    assert.is((rejected[0]!.reason as StoreError).code, 'idempotency_conflict');
    assert.is((await store.readStream(streamId)).length, 1);
  },
}];
