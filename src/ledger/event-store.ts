// The event store port. Everything Lumen records goes through this interface; adapters
// (PostgreSQL, the embedded PGlite store, EventStoreDB) implement it and translate their own
// types and errors at the boundary, so nothing outside src/ledger/<adapter>/ sees them.

/** A JSON value as it is hashed and stored: no undefined, no NaN, no bigint, no Date. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** An event as a writer proposes it. Only the store assigns versions, positions and hashes. */
export interface NewEvent {
  /** Idempotency key: appending the same id again with the same content returns the original. */
  id: string;
  type: string;
  schemaVersion: number;
  data: JsonObject;
  metadata?: JsonObject;
  /** Ledger time, supplied by the caller (the domain never reads a clock). Defaults to now. */
  recordedAt?: Date;
}

/**
 * Where an event stands in the global log. Positions come from a sequence, but a sequence alone
 * lets a reader skip a row that a slower transaction commits later, so the global order is the
 * pair (transaction id, position), read only below the oldest running transaction.
 */
export interface GlobalPosition {
  transactionId: bigint;
  position: bigint;
}

export const LOG_START: GlobalPosition = { transactionId: 0n, position: 0n };

export interface RecordedEvent {
  id: string;
  streamId: string;
  /** 0 for a stream's first event. */
  version: number;
  type: string;
  schemaVersion: number;
  data: JsonObject;
  metadata: JsonObject;
  /** ISO 8601, UTC, microseconds: exactly the string that is hashed. */
  recordedAt: string;
  /** Hex SHA-256 of the previous event of this stream, null for the first. */
  previousHash: string | null;
  /** Hex SHA-256 over the canonical (RFC 8785) serialization; see hash-chain.ts. */
  hash: string;
  global: GlobalPosition;
}

/** What the writer expects the stream's current version to be. */
export type ExpectedVersion =
  | number // the version of the stream's last event
  | 'no_stream' // the stream must not exist yet
  | 'exists' // the stream must have at least one event
  | 'any'; // no check

export interface AppendResult {
  streamId: string;
  /** Version of the last event appended (or of the original, for an idempotent repeat). */
  nextExpectedVersion: number;
  /** The recorded events, in order; hashes included. */
  events: RecordedEvent[];
}

export interface ReadStreamOptions {
  fromVersion?: number;
  maxCount?: number;
}

export interface ReadAllOptions {
  /** Read events strictly after this position. */
  after?: GlobalPosition;
  maxCount?: number;
}

export interface Subscription {
  /** Resolves once the subscription stopped (after close() or on a failing handler). */
  readonly done: Promise<void>;
  close(): Promise<void>;
}

export interface SubscribeOptions {
  after?: GlobalPosition;
  batchSize?: number;
  /**
   * How long to wait after a local append before reading: many appends in that window cost one
   * read. 0 reads at once (the default).
   */
  wakeDelayMs?: number;
  /** Called with each batch in global order; the next batch waits for it. */
  onEvents(events: RecordedEvent[]): Promise<void> | void;
}

export interface StoreHealth {
  kind: 'postgresql' | 'embedded' | 'eventstoredb';
  ok: boolean;
  detail?: string;
}

export interface EventStore {
  append(streamId: string, events: NewEvent[], expectedVersion: ExpectedVersion): Promise<AppendResult>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Catch up from `after`, then follow live appends, in global order, never skipping one. */
  subscribe(options: SubscribeOptions): Subscription;
  /**
   * The position of the last committed event, or LOG_START. Readers of the global log may not
   * see it yet (an older transaction still running holds the log back); it tells them how far
   * "everything written so far" reaches.
   */
  lastPosition?(): Promise<GlobalPosition>;
  health(): Promise<StoreHealth>;
  close(): Promise<void>;
}

/** Operating errors of the store: typed values with a stable code, never bare strings. */
export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

export type StoreErrorCode =
  | 'wrong_expected_version'
  | 'idempotency_conflict'
  | 'invalid_event'
  | 'hash_mismatch'
  | 'store_unavailable';

export class WrongExpectedVersion extends StoreError {
  constructor(streamId: string, expected: ExpectedVersion, actual: number | null) {
    super('wrong_expected_version',
      `stream ${streamId}: expected version ${String(expected)}, actual ${actual ?? 'no stream'}`,
      { streamId, expected, actual });
    this.name = 'WrongExpectedVersion';
  }
}

export function compareGlobal(left: GlobalPosition, right: GlobalPosition): number {
  if (left.transactionId !== right.transactionId) return left.transactionId < right.transactionId ? -1 : 1;
  if (left.position !== right.position) return left.position < right.position ? -1 : 1;
  return 0;
}
