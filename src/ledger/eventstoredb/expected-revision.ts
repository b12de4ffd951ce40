// Lumen's expected versions and EventStoreDB's expected revisions, translated both ways at the
// edge so that no client constant or bigint revision travels further in.
import { ANY, NO_STREAM, STREAM_EXISTS, type AppendExpectedRevision, type CurrentRevision } from '@eventstore/db-client';
import type { ExpectedVersion } from '../event-store.ts';

export function toExpectedRevision(expected: ExpectedVersion): AppendExpectedRevision {
  switch (expected) {
    case 'any': return ANY;
    case 'no_stream': return NO_STREAM;
    case 'exists': return STREAM_EXISTS;
    default: return BigInt(expected);
  }
}

export function fromExpectedRevision(expected: AppendExpectedRevision): ExpectedVersion {
  switch (expected) {
    case ANY: return 'any';
    case NO_STREAM: return 'no_stream';
    case STREAM_EXISTS: return 'exists';
    default: return revisionToVersion(expected);
  }
}

/** The stream's actual version as Lumen reports it in a conflict: null when there is no stream. */
export function fromCurrentRevision(current: CurrentRevision): number | null {
  return current === NO_STREAM ? null : revisionToVersion(current);
}

/**
 * Revisions are 64-bit on the server but Lumen versions are safe integers; a stream with 2^53
 * events is not an operating condition, so going past it is a programmer error and crashes.
 */
export function revisionToVersion(revision: bigint): number {
  if (revision < 0n || revision > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`stream revision ${revision} is outside the range of Lumen versions`);
  }
  return Number(revision);
}
