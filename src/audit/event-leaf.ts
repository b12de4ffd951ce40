// How ledger events become leaves of the Merkle log. The leaf of an event is its 32-byte event
// hash (the SHA-256 of its canonical bytes, see src/ledger/hash-chain.ts), so the leaf hash is
// SHA-256(0x00 || event hash), exactly RFC 9162's leaf hash over those 32 bytes. The event hash
// already commits to the payload, the stream, the version and the predecessor, so a verifier
// holding the canonical bytes recomputes the event hash, then the leaf hash; one holding only
// the hash (a receipt without payload) can still check inclusion.
import { hashLeaf } from './merkle-hash.ts';
import { invariant } from './invariant.ts';

/** The stream that holds the log's own signed checkpoints, as CheckpointPublished events. */
export const CHECKPOINT_STREAM = 'audit-checkpoints';

const EVENT_HASH_HEX = /^[0-9a-f]{64}$/;

export function isEventHashHex(text: string): boolean {
  return EVENT_HASH_HEX.test(text);
}

/** The leaf's input bytes: the event hash itself. */
export function leafInputOfEvent(eventHashHex: string): Buffer {
  invariant(isEventHashHex(eventHashHex), 'an event hash is 64 lowercase hex digits');
  return Buffer.from(eventHashHex, 'hex');
}

export function leafHashOfEvent(eventHashHex: string): Buffer {
  return hashLeaf(leafInputOfEvent(eventHashHex));
}

/** One checkpoint per tree size: a second attempt at the same size is the same event id. */
export function checkpointEventId(treeSize: number): string {
  return `audit-checkpoint-${treeSize}`;
}
