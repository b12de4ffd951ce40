// Positions in EventStoreDB's $all are (commit, prepare) pairs ordered by commit, then prepare;
// Lumen's GlobalPosition is the same kind of pair, so the mapping is a rename both ways.
import { START, type Position, type ReadPosition } from '@eventstore/db-client';
import { compareGlobal, LOG_START, type GlobalPosition } from '../event-store.ts';

export function toGlobalPosition(position: Position): GlobalPosition {
  return { transactionId: position.commit, position: position.prepare };
}

export function toEventStoreDbPosition(position: GlobalPosition): Position {
  return { commit: position.transactionId, prepare: position.position };
}

/** Where a read or subscription after `after` starts; the start of the log is the server's START. */
export function startingPoint(after: GlobalPosition | undefined): ReadPosition {
  return after === undefined || compareGlobal(after, LOG_START) === 0 ? START : toEventStoreDbPosition(after);
}
