// Turns the client's errors into Lumen's StoreError codes. Only a conflict on the expected
// revision and an oversized append are the caller's business; everything else (unavailable,
// deadline exceeded, not leader, access denied, a deleted stream) means the store cannot serve.
import { ErrorType, isCommandError } from '@eventstore/db-client';
import { StoreError, WrongExpectedVersion, type ExpectedVersion } from '../event-store.ts';
import { fromCurrentRevision, fromExpectedRevision } from './expected-revision.ts';

export interface AppendContext {
  streamId: string;
  /** What the caller expected, which is what a conflict reports (not the revision sent). */
  expected: ExpectedVersion;
}

export function translateError(error: unknown, context?: AppendContext): StoreError {
  if (error instanceof StoreError) return error;
  if (!(error instanceof Error)) return new StoreError('store_unavailable', `EventStoreDB failed: ${String(error)}`);
  if (isCommandError(error)) {
    if (error.type === ErrorType.WRONG_EXPECTED_VERSION) {
      return new WrongExpectedVersion(context?.streamId ?? error.streamName, context?.expected ?? fromExpectedRevision(error.expectedVersion),
        fromCurrentRevision(error.actualVersion));
    }
    if (error.type === ErrorType.MAXIMUM_APPEND_SIZE_EXCEEDED) {
      return new StoreError('invalid_event', `the append is larger than the server accepts (${error.maxAppendSize} bytes)`,
        { maxAppendSize: error.maxAppendSize });
    }
    return new StoreError('store_unavailable', `EventStoreDB failed (${error.type}): ${error.message}`,
      { reason: error.type });
  }
  return new StoreError('store_unavailable', `EventStoreDB failed: ${error.message}`);
}
