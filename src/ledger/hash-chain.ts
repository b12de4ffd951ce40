// The hash of an event and the link to its predecessor. The hashed object holds every field
// that gives the event its meaning and place: id, stream, version, type, schema version, data,
// metadata, timestamp and the previous event's hash, so neither a payload nor the order of a
// stream can change without breaking the chain.
import { createHash } from 'node:crypto';

export interface HashedFields {
  id: string;
  streamId: string;
  version: number;
  type: string;
  schemaVersion: number;
  /** Canonical JSON text of data and metadata, exactly as stored. */
  dataJson: string;
  metadataJson: string;
  recordedAt: string;
  previousHash: string | null;
}

/**
 * The canonical serialization that is hashed. data and metadata are already canonical text, so
 * they are spliced in verbatim: that keeps hashing cheap and makes the stored bytes the hashed
 * bytes. The surrounding keys are in RFC 8785 order (sorted by UTF-16 code units).
 */
export function canonicalEventText(fields: HashedFields): string {
  // Ids, stream ids, types, times and hashes are printable ASCII (checked before append), for
  // which JSON.stringify writes exactly the RFC 8785 form.
  const text = (value: string | null) => JSON.stringify(value);
  return `{"data":${fields.dataJson},"id":${text(fields.id)},"metadata":${fields.metadataJson},`
    + `"previous":${text(fields.previousHash)},"schemaVersion":${fields.schemaVersion},`
    + `"stream":${text(fields.streamId)},"timestamp":${text(fields.recordedAt)},"type":${text(fields.type)},`
    + `"version":${fields.version}}`;
}

export function eventHash(fields: HashedFields): string {
  return createHash('sha256').update(canonicalEventText(fields)).digest('hex');
}

/** Formats a time as the ledger stores it: ISO 8601 UTC with exactly six fractional digits. */
export function formatLedgerTime(epochMicros: bigint): string {
  const millis = epochMicros / 1000n;
  const micros = ((epochMicros % 1_000_000n) + 1_000_000n) % 1_000_000n;
  const iso = new Date(Number(millis)).toISOString();
  return `${iso.slice(0, 19)}.${micros.toString().padStart(6, '0')}Z`;
}

export function ledgerTimeOf(date: Date): string {
  return formatLedgerTime(BigInt(date.getTime()) * 1000n);
}

export interface ChainProblem {
  code: 'hash_mismatch' | 'broken_link' | 'version_gap' | 'not_canonical';
  message: string;
}

/**
 * Checks one event against its own hash and against its predecessor in the stream (undefined
 * when the predecessor was not read). The hash is taken over the stored bytes of data and
 * metadata, so any change to them shows up here as a hash mismatch.
 */
export function checkEvent(
  event: HashedFields & { hash: string },
  previous: { version: number; hash: string } | undefined,
): ChainProblem | null {
  const recomputed = eventHash(event);
  if (recomputed !== event.hash) {
    return { code: 'hash_mismatch', message: `stored hash ${event.hash} but content hashes to ${recomputed}` };
  }
  if (previous === undefined) {
    if (event.version === 0 && event.previousHash !== null) {
      return { code: 'broken_link', message: 'the first event of the stream names a predecessor' };
    }
    return null;
  }
  if (event.version !== previous.version + 1) {
    return { code: 'version_gap', message: `version ${event.version} follows version ${previous.version}` };
  }
  if (event.previousHash !== previous.hash) {
    return { code: 'broken_link', message: `previous hash ${event.previousHash} but the predecessor is ${previous.hash}` };
  }
  return null;
}
