// The write path on EventStoreDB. The server checks expected revisions and drops repeated event
// UUIDs, but it knows nothing of Lumen's hash chain: so an append first reads the stream's head
// to link to, sends the exact revision it linked to, and reads back what was written to confirm
// it (and to tell its own write from one the server silently took as a repeat).
import type { EventStoreDBClient } from '@eventstore/db-client';
import {
  StoreError, WrongExpectedVersion, type AppendResult, type ExpectedVersion,
} from '../event-store.ts';
import { chain, checkExpected } from '../append-rules.ts';
import { sameContent, type PreparedEvent } from '../prepare-event.ts';
import {
  fromServerEvent, toEventData, toRecorded, verifyChain, type ChainedEvent, type StoredEvent,
} from './event-envelope.ts';
import { toExpectedRevision } from './expected-revision.ts';
import type { EventStoreDbLimits } from './limits.ts';
import { readStreamBackward, readStreamForward } from './server-reads.ts';
import { translateError } from './translate-error.ts';

interface Head { version: number; hash: string }

export async function appendEvents(
  client: EventStoreDBClient,
  limits: EventStoreDbLimits,
  streamId: string,
  events: PreparedEvent[],
  expected: ExpectedVersion,
): Promise<AppendResult> {
  const loose = expected === 'any' || expected === 'exists';
  for (let attempt = 0; ; attempt += 1) {
    const recent = await readRecent(client, limits, streamId, loose ? limits.repeatWindowEvents : 1);
    const head = recent.at(-1);
    const repeat = await findRepeat(client, limits, streamId, events, expected, recent);
    if (repeat !== undefined) return repeat;
    const conflict = checkExpected(streamId, expected, head);
    if (conflict !== undefined) throw conflict;
    const chained = chain(streamId, events, head);
    try {
      await client.appendToStream(streamId, chained.map(toEventData), {
        expectedRevision: toExpectedRevision(head === undefined ? 'no_stream' : head.version),
        deadline: limits.deadlineMs,
      });
    } catch (error) {
      const translated = translateError(error, { streamId, expected });
      if (loose && translated instanceof WrongExpectedVersion && attempt < limits.appendRetriesMax) continue;
      throw translated;
    }
    return confirmWritten(client, limits, streamId, events, chained, head);
  }
}

/** The newest `count` events of the stream, oldest first, checked hash by hash and link by link. */
async function readRecent(
  client: EventStoreDBClient, limits: EventStoreDbLimits, streamId: string, count: number,
): Promise<StoredEvent[]> {
  const newestFirst = await readStreamBackward(client, streamId, count, limits.deadlineMs);
  const events = newestFirst.reverse().map((event) => fromServerEvent(event, limits.json));
  verifyChain(events);
  return events;
}

/**
 * Looks for an earlier append of the same ids. A caller expecting an exact version retries to
 * exactly the place its first attempt went, so that place is read; 'any' and 'exists' could have
 * landed anywhere, so the newest events of the stream are searched.
 */
async function findRepeat(
  client: EventStoreDBClient,
  limits: EventStoreDbLimits,
  streamId: string,
  events: PreparedEvent[],
  expected: ExpectedVersion,
  recent: StoredEvent[],
): Promise<AppendResult | undefined> {
  if (expected === 'any' || expected === 'exists') return resolveRepeat(streamId, events, recent);
  const head = recent.at(-1);
  // The stream is where the caller expected it, so nothing of theirs was written past it.
  if (checkExpected(streamId, expected, head) === undefined) return undefined;
  const start = expected === 'no_stream' ? 0 : expected + 1;
  if (head === undefined || head.version < start) return undefined;
  const candidates = (await readStreamForward(client, streamId, start, events.length, limits.deadlineMs))
    .map((event) => fromServerEvent(event, limits.json));
  verifyChain(candidates);
  return resolveRepeat(streamId, events, candidates);
}

/** An append whose ids were all stored before with the same content returns the original. */
function resolveRepeat(streamId: string, events: PreparedEvent[], candidates: StoredEvent[]): AppendResult | undefined {
  const byId = new Map(candidates.map((event) => [event.id, event]));
  const found = events.map((event) => byId.get(event.id));
  if (found.every((stored) => stored === undefined)) return undefined;
  const matches = events.every((event, index) => {
    const stored = found[index];
    return stored !== undefined && stored.streamId === streamId && sameContent(event, stored);
  });
  if (!matches) {
    throw new StoreError('idempotency_conflict', `stream ${streamId}: event ids were used before with different content`,
      { eventIds: events.map((event) => event.id) });
  }
  const originals = (found as StoredEvent[]).sort((left, right) => left.version - right.version).map(toRecorded);
  return { streamId, nextExpectedVersion: originals.at(-1)!.version, events: originals };
}

/**
 * Reads the appended range back. When the hashes are the ones just computed, this append wrote
 * them; otherwise the server found the same UUIDs already right after the sent revision and
 * reported success without writing, and the stored originals decide between repeat and conflict.
 */
async function confirmWritten(
  client: EventStoreDBClient,
  limits: EventStoreDbLimits,
  streamId: string,
  events: PreparedEvent[],
  chained: ChainedEvent[],
  head: Head | undefined,
): Promise<AppendResult> {
  const stored = (await readStreamForward(client, streamId, chained[0]!.version, chained.length, limits.deadlineMs))
    .map((event) => fromServerEvent(event, limits.json));
  verifyChain(stored, head);
  const ours = stored.length === chained.length
    && stored.every((event, index) => event.hash === chained[index]!.hash);
  if (ours) {
    return { streamId, nextExpectedVersion: stored.at(-1)!.version, events: stored.map(toRecorded) };
  }
  const repeat = resolveRepeat(streamId, events, stored);
  if (repeat !== undefined) return repeat;
  throw new StoreError('store_unavailable',
    `stream ${streamId}: the server acknowledged the append but the events read back are different ones`);
}

