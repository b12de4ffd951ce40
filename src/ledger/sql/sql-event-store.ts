// The EventStore on SQL, shared by the PostgreSQL and embedded adapters. Appends queue up and
// are written by a group-commit loop: whatever queued while one transaction ran goes into the
// next, so a busy process pays one commit for many events.
import {
  LOG_START, StoreError, type AppendResult, type GlobalPosition, type EventStore, type ExpectedVersion, type NewEvent,
  type ReadAllOptions, type ReadStreamOptions, type RecordedEvent, type StoreHealth,
  type SubscribeOptions, type Subscription,
} from '../event-store.ts';
import { checkExpected } from '../append-rules.ts';
import { checkEvent } from '../hash-chain.ts';
import { checkStreamId, prepareEvents, type AppendLimits, type EventValidator } from '../prepare-event.ts';
import { subscribeByPolling } from '../subscription.ts';
import {
  appendBatch, headsAfter, loadExisting, readHeads, type AppendOutcome, type Head, type PendingAppend,
} from './append-batch.ts';
import { decodeEventRow, EVENT_COLUMNS, READ_ALL_SQL, readAllParams, toRecorded, type StoredEvent } from './event-rows.ts';
import { sqlState, SQLSTATE, toBigInt, type SqlClient } from './sql-client.ts';

export interface SqlStoreLimits extends AppendLimits {
  /** Most events one group-commit transaction carries. */
  batchEventsMax: number;
  /** Most appends waiting for a transaction; beyond it appends are refused as overload. */
  queueLengthMax: number;
  readCountMax: number;
  /** Retries of a whole batch after a lost race (new stream created concurrently, deadlock). */
  batchRetriesMax: number;
  pollIntervalMs: number;
  /** Batch writes in flight at once (each on its own connection); 1 for the embedded store. */
  flushesInFlightMax: number;
  /** Queued appends needed before a further batch starts beside one already in flight. */
  parallelBatchAppendsMin: number;
  headCacheMax: number;
}

export const DEFAULT_STORE_LIMITS: SqlStoreLimits = {
  eventsPerAppendMax: 1000,
  idLengthMax: 128,
  streamIdLengthMax: 200,
  json: { depthMax: 32, bytesMax: 256 * 1024 },
  batchEventsMax: 2000,
  queueLengthMax: 100_000,
  readCountMax: 10_000,
  batchRetriesMax: 8,
  pollIntervalMs: 200,
  flushesInFlightMax: 3,
  parallelBatchAppendsMin: 16,
  headCacheMax: 100_000,
};

interface QueuedAppend extends PendingAppend {
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

export class SqlEventStore implements EventStore {
  private readonly queue: QueuedAppend[] = [];
  private inflight = 0;
  /** Stream heads this process wrote or read last; a guess that the write statement checks. */
  private readonly headCache = new Map<string, Head>();
  private closed = false;
  private readonly appendListeners = new Set<() => void>();

  constructor(
    private readonly client: SqlClient,
    private readonly validate: EventValidator,
    private readonly limits: SqlStoreLimits = DEFAULT_STORE_LIMITS,
    private readonly now: () => Date = () => new Date(),
  ) {}

  append(streamId: string, events: NewEvent[], expectedVersion: ExpectedVersion): Promise<AppendResult> {
    try {
      if (this.closed) throw new StoreError('store_unavailable', 'the event store is closed');
      checkStreamId(streamId, this.limits);
      checkExpectedVersion(expectedVersion);
      const prepared = prepareEvents(events, this.validate, this.limits, this.now);
      if (this.queue.length >= this.limits.queueLengthMax) {
        throw new StoreError('store_unavailable', 'the append queue is full');
      }
      return new Promise((resolve, reject) => {
        this.queue.push({ streamId, events: prepared, expectedVersion, resolve, reject });
        this.pump();
      });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Starts as many batch writes as the concurrency allows; each takes whatever has queued. */
  /**
   * Starts batch writes. The first starts at once; another only while enough appends wait to
   * fill a worthwhile batch: a small batch in parallel costs a commit for little, and waiting
   * lets the queue grow into the next batch (group commit's whole point).
   */
  private pump(): void {
    while (this.queue.length > 0 && this.inflight < this.limits.flushesInFlightMax
      && (this.inflight === 0 || this.queue.length >= this.limits.parallelBatchAppendsMin)) {
      const batch = this.takeBatch();
      this.inflight += 1;
      void this.writeBatch(batch).finally(() => {
        this.inflight -= 1;
        for (const listener of this.appendListeners) listener();
        this.pump();
      });
    }
  }

  private async writeBatch(batch: QueuedAppend[]): Promise<void> {
    try {
      const outcomes = await this.writeWithRetries(batch);
      outcomes.forEach((outcome, index) => {
        const append = batch[index]!;
        if (outcome.ok) append.resolve(outcome.result);
        else append.reject(outcome.error);
      });
    } catch (error) {
      for (const append of batch) append.reject(error);
    }
  }

  /** Takes queued appends up to the batch size, leaving any that repeat an id already taken. */
  private takeBatch(): QueuedAppend[] {
    const batch: QueuedAppend[] = [];
    const ids = new Set<string>();
    let eventCount = 0;
    for (let index = 0; index < this.queue.length;) {
      const append = this.queue[index]!;
      if (batch.length > 0 && eventCount + append.events.length > this.limits.batchEventsMax) break;
      if (append.events.some((event) => ids.has(event.id))) {
        index += 1;
        continue;
      }
      append.events.forEach((event) => ids.add(event.id));
      eventCount += append.events.length;
      batch.push(append);
      this.queue.splice(index, 1);
    }
    return batch;
  }

  private async writeWithRetries(batch: PendingAppend[]): Promise<AppendOutcome[]> {
    const assumed = await this.assumeHeads(batch);
    let existing = new Map<string, StoredEvent>();
    let checkedIds = false;
    for (let attempt = 0; ; attempt += 1) {
      // An append that looks like a conflict may be the retry of one that succeeded: only then
      // (or after a repeated id surfaced) are ids looked up, so the common path costs nothing.
      if (!checkedIds && batch.some((append) =>
        checkExpected(append.streamId, append.expectedVersion, assumed.get(append.streamId) ?? null) !== undefined)) {
        existing = await loadExisting(this.client, batch);
        checkedIds = true;
      }
      try {
        const outcome = await appendBatch(this.client, batch, assumed, existing);
        if (!('stale' in outcome)) {
          this.remember(headsAfter(outcome));
          return outcome;
        }
        for (const [streamId, head] of outcome.stale) assumed.set(streamId, head);
        this.remember(outcome.stale);
      } catch (error) {
        const state = sqlState(error);
        const retryable = state === SQLSTATE.uniqueViolation || state === SQLSTATE.deadlockDetected
          || state === SQLSTATE.serializationFailure;
        if (!retryable) throw translateError(error);
        // A repeated event id, or a stream created meanwhile by another writer: look again.
        existing = await loadExisting(this.client, batch);
        checkedIds = true;
        const fresh = await readHeads(this.client, [...new Set(batch.map((append) => append.streamId))]);
        for (const [streamId, head] of fresh) assumed.set(streamId, head);
      }
      if (attempt >= this.limits.batchRetriesMax) {
        throw new StoreError('store_unavailable', 'appends kept conflicting with concurrent writers; giving up');
      }
    }
  }

  /**
   * The heads each append is computed against. The cache is trusted only where a wrong guess
   * costs a retry, never a wrong verdict: a stream only grows, so a cached head that does not
   * match a numeric expected version is re-read rather than reported as a conflict.
   */
  private async assumeHeads(batch: PendingAppend[]): Promise<Map<string, Head>> {
    const assumed = new Map<string, Head>();
    const unknown = new Set<string>();
    for (const append of batch) {
      const cached = this.headCache.get(append.streamId);
      const expected = append.expectedVersion;
      if (cached !== undefined && (typeof expected !== 'number' || cached?.version === expected)) {
        assumed.set(append.streamId, cached);
      } else if (cached === undefined && expected === 'no_stream') {
        assumed.set(append.streamId, null);
      } else {
        unknown.add(append.streamId);
      }
    }
    if (unknown.size > 0) {
      const fresh = await readHeads(this.client, [...unknown]);
      for (const [streamId, head] of fresh) assumed.set(streamId, head);
    }
    return assumed;
  }

  /** Records heads seen; a stream only grows, so an older head never replaces a newer one. */
  private remember(heads: Map<string, Head>): void {
    if (this.headCache.size > this.limits.headCacheMax) this.headCache.clear();
    for (const [streamId, head] of heads) {
      const known = this.headCache.get(streamId);
      if (head !== null && (known === undefined || known === null || known.version < head.version)) this.headCache.set(streamId, head);
    }
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    checkStreamId(streamId, this.limits);
    const fromVersion = options.fromVersion ?? 0;
    const maxCount = Math.min(options.maxCount ?? this.limits.readCountMax, this.limits.readCountMax);
    // One event before the requested range is read too, so the first returned event's link
    // to its predecessor is checked as well.
    const rows = await this.client.query(
      `select ${EVENT_COLUMNS} from lumen_events where stream_id = $1 and stream_version >= $2
       order by stream_version limit $3`, [streamId, Math.max(0, fromVersion - 1), maxCount + 1]);
    const events = rows.map(decodeEventRow);
    verifyChain(events);
    const last = events.at(-1);
    if (last !== undefined && rows.length <= maxCount) this.remember(new Map([[streamId, { version: last.version, hash: last.hash }]]));
    return events.filter((event) => event.version >= fromVersion).slice(0, maxCount).map(toRecorded);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const maxCount = Math.min(options.maxCount ?? this.limits.readCountMax, this.limits.readCountMax);
    const rows = await this.client.query(READ_ALL_SQL, readAllParams(options.after ?? LOG_START, maxCount));
    return rows.map((row) => {
      const event = decodeEventRow(row);
      verifyChain([event]);
      return toRecorded(event);
    });
  }

  subscribe(options: SubscribeOptions): Subscription {
    return subscribeByPolling(this, options, this.limits.pollIntervalMs, this.onAppend);
  }

  /** Calls listener after each commit of this process's appends; returns the way to stop. */
  readonly onAppend = (listener: () => void): (() => void) => {
    this.appendListeners.add(listener);
    return () => { this.appendListeners.delete(listener); };
  };

  async lastPosition(): Promise<GlobalPosition> {
    const rows = await this.client.query(`select transaction_id::text as transaction_text, position from lumen_events
      order by transaction_id desc, position desc limit 1`);
    const row = rows[0];
    return row === undefined ? LOG_START : { transactionId: toBigInt(row.transaction_text), position: toBigInt(row.position) };
  }

  async health(): Promise<StoreHealth> {
    try {
      await this.client.query('select 1 from lumen_streams limit 1');
      return { kind: this.client.kind, ok: true };
    } catch (error) {
      return { kind: this.client.kind, ok: false, detail: (error as Error).message };
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    while (this.inflight > 0 || this.queue.length > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await this.client.close();
  }
}

/** Checks hashes and, between neighbours, links; throws on the first bad event. */
function verifyChain(events: StoredEvent[]): void {
  let previous: StoredEvent | undefined;
  for (const event of events) {
    const problem = checkEvent(event, previous);
    if (problem !== null) {
      throw new StoreError('hash_mismatch', `${event.streamId}@${event.version}: ${problem.message}`,
        { streamId: event.streamId, version: event.version, problem: problem.code });
    }
    previous = event;
  }
}

function checkExpectedVersion(expected: ExpectedVersion): void {
  const valid = expected === 'any' || expected === 'no_stream' || expected === 'exists'
    || (Number.isSafeInteger(expected) && (expected as number) >= 0);
  if (!valid) throw new StoreError('invalid_event', `invalid expected version ${String(expected)}`);
}

function translateError(error: unknown): unknown {
  if (error instanceof StoreError) return error;
  return new StoreError('store_unavailable', `the event store failed: ${(error as Error).message}`);
}
