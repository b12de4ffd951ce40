// How a Lumen event is laid out in EventStoreDB and how it is checked when it comes back. The
// server keeps stream, revision, type, data and one metadata document per event; everything
// else Lumen hashes (its own event id, schema version, ledger time, both hashes) and the caller's
// metadata travel in that document as an envelope.
import { jsonEvent, type EventData, type RecordedEvent as ServerRecordedEvent } from '@eventstore/db-client';
import { z } from 'zod';
import { canonicalJson, type JsonLimits } from '../canonical.ts';
import { StoreError, type GlobalPosition, type JsonObject, type RecordedEvent } from '../event-store.ts';
import { checkEvent, type HashedFields } from '../hash-chain.ts';
import { eventUuid } from './event-uuid.ts';
import { revisionToVersion } from './expected-revision.ts';
import { toGlobalPosition } from './global-position.ts';

const hex64 = /^[0-9a-f]{64}$/;

/** The envelope is a wire format read from outside the process, so it is parsed, not trusted. */
const envelopeSchema = z.object({
  lumen: z.object({
    envelopeVersion: z.literal(1),
    id: z.string().min(1),
    schemaVersion: z.number().int().positive(),
    recordedAt: z.string(),
    previousHash: z.string().regex(hex64).nullable(),
    hash: z.string().regex(hex64),
  }).strict(),
  metadata: z.record(z.string(), z.unknown()),
}).strict();

export type Envelope = z.infer<typeof envelopeSchema>;

/** A recorded event plus the canonical text of data and metadata that its hash covers. */
export interface StoredEvent extends RecordedEvent {
  dataJson: string;
  metadataJson: string;
}

/** An event ready to send: prepared, placed in its stream and hashed. */
export interface ChainedEvent extends HashedFields {
  hash: string;
}

export function toEventData(event: ChainedEvent): EventData {
  const envelope: Envelope = {
    lumen: { envelopeVersion: 1, id: event.id, schemaVersion: event.schemaVersion, recordedAt: event.recordedAt,
      previousHash: event.previousHash, hash: event.hash },
    metadata: JSON.parse(event.metadataJson) as JsonObject,
  };
  return jsonEvent({ id: eventUuid(event.id), type: event.type, data: JSON.parse(event.dataJson) as JsonObject,
    metadata: envelope });
}

/** Events in streams or of types starting with `$` are the server's own bookkeeping. */
export function isSystemEvent(event: { streamId: string; type: string }): boolean {
  return event.streamId.startsWith('$') || event.type.startsWith('$');
}

/**
 * Decodes one event read from the server and checks it against its own hash. Anything that is
 * not a well-formed Lumen event is reported as a hash mismatch: this adapter owns the database,
 * so a foreign or altered event in a Lumen stream is tampering, not input to skip.
 */
export function fromServerEvent(event: ServerRecordedEvent, limits: JsonLimits): StoredEvent {
  const where = `${event.streamId}@${event.revision}`;
  const refuse = (problem: string): never => {
    throw new StoreError('hash_mismatch', `${where}: ${problem}`, { streamId: event.streamId, problem });
  };
  if (!event.isJson) refuse('is not a JSON event');
  const envelope = envelopeSchema.safeParse(event.metadata);
  if (!envelope.success) return refuse('has no valid Lumen envelope in its metadata');
  const { lumen, metadata } = envelope.data;
  if (event.id !== eventUuid(lumen.id)) refuse(`server id ${event.id} does not derive from event id ${lumen.id}`);
  if (event.position === undefined) refuse('was read without a log position (the server predates 22.6)');
  const data = event.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data) || data instanceof Uint8Array) {
    return refuse('data is not a JSON object');
  }
  let dataJson = '';
  let metadataJson = '';
  try {
    dataJson = canonicalJson(data, limits);
    metadataJson = canonicalJson(metadata, limits);
  } catch (error) {
    refuse((error as Error).message);
  }
  const stored: StoredEvent = {
    id: lumen.id,
    streamId: event.streamId,
    version: revisionToVersion(event.revision),
    type: event.type,
    schemaVersion: lumen.schemaVersion,
    data: data as JsonObject,
    metadata: metadata as JsonObject,
    dataJson,
    metadataJson,
    recordedAt: lumen.recordedAt,
    previousHash: lumen.previousHash,
    hash: lumen.hash,
    global: toGlobalPosition(event.position!) satisfies GlobalPosition,
  };
  return stored;
}

/** Checks hashes and, between neighbours in one stream, links; throws on the first bad event. */
export function verifyChain(events: StoredEvent[], previous?: { version: number; hash: string }): void {
  let before = previous;
  for (const event of events) {
    const problem = checkEvent(event, before);
    if (problem !== null) {
      throw new StoreError('hash_mismatch', `${event.streamId}@${event.version}: ${problem.message}`,
        { streamId: event.streamId, version: event.version, problem: problem.code });
    }
    before = event;
  }
}

/** Drops the stored text so callers get plain RecordedEvents. */
export function toRecorded(event: StoredEvent): RecordedEvent {
  const { dataJson: _data, metadataJson: _metadata, ...recorded } = event;
  return recorded;
}
