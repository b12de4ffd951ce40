// The EventStore port on EventStoreDB. Validation and canonical JSON are the same as in the SQL
// stores (prepare-event.ts); the hash chain is kept in an envelope in each event's metadata and
// checked on every read. open-eventstoredb.ts is the entry point the rest of Lumen uses.
import type { EventStoreDBClient } from '@eventstore/db-client';
import {
  compareGlobal, StoreError, type AppendResult, type EventStore, type ExpectedVersion, type GlobalPosition,
  type NewEvent, type ReadAllOptions, type ReadStreamOptions, type RecordedEvent, type StoreHealth,
  type SubscribeOptions, type Subscription,
} from '../event-store.ts';
import { checkStreamId, prepareEvents, type EventValidator } from '../prepare-event.ts';
import { appendEvents } from './append-events.ts';
import { fromServerEvent, isSystemEvent, toRecorded, verifyChain } from './event-envelope.ts';
import { toGlobalPosition } from './global-position.ts';
import type { EventStoreDbLimits } from './limits.ts';
import { readLogForward, readLogTail, readStreamForward } from './server-reads.ts';
import { subscribeToLog } from './subscribe-to-log.ts';

/** Only open-eventstoredb.ts and tests construct this; everyone else holds an EventStore. */
export class EventStoreDbEventStore implements EventStore {
  private closed = false;
  /** The last queued append of each stream with appends in flight; see inStreamOrder. */
  private readonly streamTails = new Map<string, Promise<unknown>>();
  private queuedAppends = 0;

  constructor(
    private readonly client: EventStoreDBClient,
    private readonly validate: EventValidator,
    private readonly limits: EventStoreDbLimits,
    private readonly now: () => Date,
  ) {}

  async append(streamId: string, events: NewEvent[], expectedVersion: ExpectedVersion): Promise<AppendResult> {
    this.assertOpen();
    checkLumenStreamId(streamId, this.limits);
    checkExpectedVersion(expectedVersion);
    const prepared = prepareEvents(events, this.validate, this.limits, this.now);
    if (this.queuedAppends >= this.limits.queuedAppendsMax) {
      throw new StoreError('store_unavailable', 'the append queue is full');
    }
    this.queuedAppends += 1;
    try {
      return await this.inStreamOrder(streamId,
        () => appendEvents(this.client, this.limits, streamId, prepared, expectedVersion));
    } finally {
      this.queuedAppends -= 1;
    }
  }

  /**
   * Runs this process's appends to one stream one after another. Concurrent appends to the same
   * stream would only race each other for the same head and burn their retries on the loser's
   * side; queued, each links to the head its predecessor left. Other processes still race, and
   * the expected revision sent to the server settles those.
   */
  private inStreamOrder<T>(streamId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.streamTails.get(streamId) ?? Promise.resolve();
    const run = previous.then(work);
    const tail = run.catch(() => undefined);
    this.streamTails.set(streamId, tail);
    void tail.then(() => {
      if (this.streamTails.get(streamId) === tail) this.streamTails.delete(streamId);
    });
    return run;
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    checkLumenStreamId(streamId, this.limits);
    const fromVersion = options.fromVersion ?? 0;
    const maxCount = Math.min(options.maxCount ?? this.limits.readCountMax, this.limits.readCountMax);
    if (maxCount <= 0) return [];
    // One event before the requested range is read too, so the first returned event's link
    // to its predecessor is checked as well.
    const readFrom = Math.max(0, fromVersion - 1);
    const events = (await readStreamForward(this.client, streamId, readFrom, maxCount + fromVersion - readFrom,
      this.limits.deadlineMs)).map((event) => fromServerEvent(event, this.limits.json));
    verifyChain(events);
    return events.filter((event) => event.version >= fromVersion).slice(0, maxCount).map(toRecorded);
  }

  /**
   * Pages through $all, skipping the server's own events, until `maxCount` Lumen events are
   * found or the log ends. The server includes the event at the start position, so the
   * position a page ended on is skipped when the next page starts there.
   */
  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const maxCount = Math.min(options.maxCount ?? this.limits.readCountMax, this.limits.readCountMax);
    const pageSize = Math.min(Math.max(maxCount + 1, 64), this.limits.readCountMax);
    const found: RecordedEvent[] = [];
    let cursor: GlobalPosition | undefined = options.after;
    while (found.length < maxCount) {
      const page = await readLogForward(this.client, cursor, pageSize, this.limits.deadlineMs);
      let advanced = false;
      for (const event of page) {
        if (event.position === undefined) continue;
        const position = toGlobalPosition(event.position);
        if (cursor !== undefined && compareGlobal(position, cursor) <= 0) continue;
        cursor = position;
        advanced = true;
        if (isSystemEvent(event)) continue;
        const stored = fromServerEvent(event, this.limits.json);
        verifyChain([stored]);
        found.push(toRecorded(stored));
        if (found.length === maxCount) break;
      }
      if (!advanced || page.length < pageSize) break;
    }
    return found;
  }

  subscribe(options: SubscribeOptions): Subscription {
    this.assertOpen();
    return subscribeToLog(this.client, this.limits, options);
  }

  async health(): Promise<StoreHealth> {
    try {
      await readLogTail(this.client, this.limits.deadlineMs);
      return { kind: 'eventstoredb', ok: true };
    } catch (error) {
      return { kind: 'eventstoredb', ok: false, detail: (error as Error).message };
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.streamTails.values());
    await this.client.dispose();
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreError('store_unavailable', 'the event store is closed');
  }
}

/**
 * Lumen's stream id rules, plus one of the server's: names starting with `$` belong to the
 * server itself (and are filtered out of the global log), so Lumen may not use them.
 */
function checkLumenStreamId(streamId: string, limits: EventStoreDbLimits): void {
  checkStreamId(streamId, limits);
  if (streamId.startsWith('$')) {
    throw new StoreError('invalid_event', 'stream ids starting with $ are reserved by EventStoreDB');
  }
}

function checkExpectedVersion(expected: ExpectedVersion): void {
  const valid = expected === 'any' || expected === 'no_stream' || expected === 'exists'
    || (Number.isSafeInteger(expected) && (expected as number) >= 0);
  if (!valid) throw new StoreError('invalid_event', `invalid expected version ${String(expected)}`);
}
