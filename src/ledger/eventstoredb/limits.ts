// Every bound the EventStoreDB adapter works within, in one place, validated with the rest of
// the configuration by whoever opens the store.
import type { AppendLimits } from '../prepare-event.ts';

export interface EventStoreDbLimits extends AppendLimits {
  /** Most events one readStream or readAll call returns. */
  readCountMax: number;
  /**
   * Re-reads of the stream head after losing a race, for appends expecting 'any' or 'exists'
   * (those expectations still hold, only the hash link went stale).
   */
  appendRetriesMax: number;
  /**
   * How many of a stream's newest events an 'any' or 'exists' append searches for its own ids.
   * The server keeps no index by id, so a repeat older than this window is not recognised.
   */
  repeatWindowEvents: number;
  /** Most appends waiting in this process; beyond it appends are refused as overload. */
  queuedAppendsMax: number;
  /** Deadline of every single call to the server; subscriptions are not bounded by it. */
  deadlineMs: number;
}

export const DEFAULT_EVENTSTOREDB_LIMITS: EventStoreDbLimits = {
  eventsPerAppendMax: 1000,
  idLengthMax: 128,
  streamIdLengthMax: 200,
  json: { depthMax: 32, bytesMax: 256 * 1024 },
  readCountMax: 10_000,
  appendRetriesMax: 8,
  repeatWindowEvents: 100,
  queuedAppendsMax: 10_000,
  deadlineMs: 10_000,
};
