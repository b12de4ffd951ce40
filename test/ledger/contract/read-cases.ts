// What every EventStore must do when reading: ranges of one stream, the global log continued
// from a checkpoint, subscriptions that catch up and then follow, and a health answer.
import { readAllOnceVisible } from '../../support/visible.ts';
import * as assert from 'uvu/assert';
import { compareGlobal, type RecordedEvent } from '../../../src/ledger/event-store.ts';
import { eventually, granted, idsOf, opened, type ContractCase } from './fixtures.ts';

const ascending = (events: RecordedEvent[]) =>
  events.every((event, index) => index === 0 || compareGlobal(events[index - 1]!.global, event.global) < 0);

export const readCases: ContractCase[] = [{
  title: 'given a stream of five events, when reading with fromVersion and maxCount, then exactly that range returns',
  async run({ store, stream, eventId }) {
    const streamId = stream('range');
    await store.append(streamId, [opened(eventId('range-0')),
      ...[1, 2, 3, 4].map((index) => granted(eventId(`range-${index}`)))], 'no_stream');
    const versions = async (options: { fromVersion?: number; maxCount?: number }) =>
      (await store.readStream(streamId, options)).map((event) => event.version);

    assert.equal(await versions({}), [0, 1, 2, 3, 4]);
    assert.equal(await versions({ fromVersion: 2 }), [2, 3, 4]);
    assert.equal(await versions({ maxCount: 2 }), [0, 1]);
    assert.equal(await versions({ fromVersion: 1, maxCount: 2 }), [1, 2]);
    assert.equal(await versions({ fromVersion: 4, maxCount: 10 }), [4]);
    assert.equal(await versions({ fromVersion: 9 }), []);
    assert.equal(await store.readStream(stream('range-never-written')), []);
  },
}, {
  title: 'given events in several streams after a checkpoint, when reading the global log in pages, then each page continues exactly after the last',
  async run({ store, stream, eventId }) {
    const mine = new Set([stream('log-a'), stream('log-b'), stream('log-c')]);
    const checkpoint = (await store.append(stream('log-marker'), [opened(eventId('log-marker'))], 'no_stream')).events[0]!.global;
    const appended: string[] = [];
    for (const [index, streamId] of [...mine, ...mine].entries()) {
      const result = await store.append(streamId, [granted(eventId(`log-${index}`))], 'any');
      appended.push(...idsOf(result.events));
    }

    // Other writers may share the log (a server is not a schema), so only this case's streams count.
    const whole = (await readAllOnceVisible(store, { after: checkpoint })).filter((event) => mine.has(event.streamId));
    assert.equal(idsOf(whole), appended);
    assert.ok(whole.every((event) => compareGlobal(event.global, checkpoint) > 0), 'an event at or before the checkpoint returned');
    assert.ok(ascending(whole), 'the log is not in ascending global order');

    const paged: RecordedEvent[] = [];
    let after = checkpoint;
    for (let pages = 0; pages < 50 && paged.filter((event) => mine.has(event.streamId)).length < appended.length; pages += 1) {
      const page = await store.readAll({ after, maxCount: 2 });
      assert.ok(page.length > 0 && page.length <= 2, `page of ${page.length} events`);
      paged.push(...page);
      after = page.at(-1)!.global;
    }
    assert.equal(idsOf(paged.filter((event) => mine.has(event.streamId))), appended);
    assert.ok(ascending(paged), 'pages overlap or go backwards');
  },
}, {
  title: 'given a subscriber started after a checkpoint, when events are appended before and after it starts, then it sees each once and in order',
  async run({ store, stream, eventId }) {
    const streamId = stream('follow');
    const first = await store.append(streamId, [opened(eventId('follow-0'))], 'no_stream');
    const before = await store.append(streamId, [granted(eventId('follow-1'))], 0);
    const seen: RecordedEvent[] = [];
    const batchSizes: number[] = [];
    const subscription = store.subscribe({
      after: first.events[0]!.global,
      batchSize: 2,
      onEvents: (events) => { batchSizes.push(events.length); seen.push(...events); },
    });

    const live = [await store.append(streamId, [granted(eventId('follow-2'))], 1),
      await store.append(streamId, [granted(eventId('follow-3')), granted(eventId('follow-4'))], 2)];
    const expected = [...before.events, ...live.flatMap((result) => result.events)];
    const mineSeen = () => seen.filter((event) => event.streamId === streamId);
    await eventually(() => mineSeen().length >= expected.length);
    await subscription.close();

    assert.equal(mineSeen(), expected);
    assert.ok(ascending(seen), 'an event was delivered twice or out of order');
    assert.ok(batchSizes.every((size) => size >= 1 && size <= 2), `batch sizes ${batchSizes.join(', ')}`);
    await subscription.done;
  },
}, {
  title: 'given an open store, when asked for its health, then it answers ok',
  async run({ store }) {
    const health = await store.health();
    assert.is(health.ok, true, health.detail);
    assert.ok(['postgresql', 'embedded', 'eventstoredb'].includes(health.kind));
  },
}];
