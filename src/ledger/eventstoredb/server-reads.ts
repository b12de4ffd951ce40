// The few reads this adapter makes, each bounded by a count and a deadline, collected into arrays
// of the server's own event type. Only this folder sees that type; callers decode right away.
import {
  BACKWARDS, END, ErrorType, FORWARDS, isCommandError,
  type EventStoreDBClient, type RecordedEvent as ServerRecordedEvent,
} from '@eventstore/db-client';
import type { GlobalPosition } from '../event-store.ts';
import { startingPoint } from './global-position.ts';
import { translateError } from './translate-error.ts';

async function collect(read: AsyncIterable<{ event?: ServerRecordedEvent }>): Promise<ServerRecordedEvent[]> {
  const events: ServerRecordedEvent[] = [];
  try {
    for await (const resolved of read) {
      if (resolved.event !== undefined) events.push(resolved.event);
    }
  } catch (error) {
    // A stream nobody wrote to yet reads as empty, as it does in the SQL stores.
    if (error instanceof Error && isCommandError(error) && error.type === ErrorType.STREAM_NOT_FOUND) return [];
    throw translateError(error);
  }
  return events;
}

export function readStreamForward(
  client: EventStoreDBClient, streamId: string, fromVersion: number, maxCount: number, deadlineMs: number,
): Promise<ServerRecordedEvent[]> {
  return collect(client.readStream(streamId,
    { direction: FORWARDS, fromRevision: BigInt(fromVersion), maxCount, deadline: deadlineMs }));
}

/** The newest `maxCount` events of a stream, newest first. */
export function readStreamBackward(
  client: EventStoreDBClient, streamId: string, maxCount: number, deadlineMs: number,
): Promise<ServerRecordedEvent[]> {
  return collect(client.readStream(streamId,
    { direction: BACKWARDS, fromRevision: END, maxCount, deadline: deadlineMs }));
}

/** $all from a position; the event at that position itself is included when it exists. */
export function readLogForward(
  client: EventStoreDBClient, from: GlobalPosition | undefined, maxCount: number, deadlineMs: number,
): Promise<ServerRecordedEvent[]> {
  return collect(client.readAll({ direction: FORWARDS, fromPosition: startingPoint(from), maxCount, deadline: deadlineMs }));
}

/** The cheapest read that proves the server answers: the newest record of $all. */
export async function readLogTail(client: EventStoreDBClient, deadlineMs: number): Promise<void> {
  await collect(client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1, deadline: deadlineMs }));
}
