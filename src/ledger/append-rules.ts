// The two rules every adapter applies to an append, whatever its storage: does the expected
// version hold against the stream's head, and how new events chain onto that head.
import { WrongExpectedVersion, type ExpectedVersion, type StoreError } from './event-store.ts';
import { eventHash } from './hash-chain.ts';
import type { PreparedEvent } from './prepare-event.ts';

/** A stream's last version and hash; null or undefined when the stream has no events. */
export type StreamHead = { version: number; hash: string } | null | undefined;

export interface ChainedEvent extends PreparedEvent {
  streamId: string;
  version: number;
  previousHash: string | null;
  hash: string;
}

export function checkExpected(streamId: string, expected: ExpectedVersion, head: StreamHead): StoreError | undefined {
  const actual = head?.version ?? null;
  const fits = expected === 'any'
    || (expected === 'no_stream' && actual === null)
    || (expected === 'exists' && actual !== null)
    || (typeof expected === 'number' && expected === actual);
  return fits ? undefined : new WrongExpectedVersion(streamId, expected, actual);
}

/** Numbers the events after the head and links each to its predecessor by hash. */
export function chain(streamId: string, events: readonly PreparedEvent[], head: StreamHead): ChainedEvent[] {
  let version = head?.version ?? -1;
  let previousHash = head?.hash ?? null;
  return events.map((event) => {
    version += 1;
    const fields = { ...event, streamId, version, previousHash };
    const hash = eventHash(fields);
    previousHash = hash;
    return { ...fields, hash };
  });
}
