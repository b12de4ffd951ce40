// Checks a proposed event before anything is written and turns it into the exact text that will
// be stored and hashed. Every adapter calls this, so bad input is refused the same way everywhere.
import { canonicalJson, type JsonLimits } from './canonical.ts';
import { StoreError, type JsonObject, type NewEvent } from './event-store.ts';
import { ledgerTimeOf } from './hash-chain.ts';

/** Validates a payload against the domain's schema for (type, schemaVersion); throws on failure. */
export type EventValidator = (type: string, schemaVersion: number, data: unknown) => void;

export interface PreparedEvent {
  id: string;
  type: string;
  schemaVersion: number;
  /** The payload as given (already checked to be plain JSON); handed back to the appender. */
  data: JsonObject;
  metadata: JsonObject;
  dataJson: string;
  metadataJson: string;
  recordedAt: string;
}

export interface AppendLimits {
  eventsPerAppendMax: number;
  idLengthMax: number;
  streamIdLengthMax: number;
  json: JsonLimits;
}

const PRINTABLE = /^[\x21-\x7e]+$/;

export function checkStreamId(streamId: unknown, limits: AppendLimits): string {
  if (typeof streamId !== 'string' || streamId.length === 0 || streamId.length > limits.streamIdLengthMax
    || !PRINTABLE.test(streamId)) {
    throw new StoreError('invalid_event',
      `stream id must be 1 to ${limits.streamIdLengthMax} printable ASCII characters without spaces`);
  }
  return streamId;
}

export function prepareEvents(
  events: NewEvent[],
  validate: EventValidator,
  limits: AppendLimits,
  now: () => Date,
): PreparedEvent[] {
  if (!Array.isArray(events) || events.length === 0) {
    throw new StoreError('invalid_event', 'an append needs at least one event');
  }
  if (events.length > limits.eventsPerAppendMax) {
    throw new StoreError('invalid_event', `an append takes at most ${limits.eventsPerAppendMax} events`);
  }
  const ids = new Set<string>();
  return events.map((event, index) => {
    const where = `event ${index}`;
    if (typeof event !== 'object' || event === null) throw new StoreError('invalid_event', `${where} is not an object`);
    if (typeof event.id !== 'string' || event.id.length === 0 || event.id.length > limits.idLengthMax
      || !PRINTABLE.test(event.id)) {
      throw new StoreError('invalid_event', `${where}: id must be 1 to ${limits.idLengthMax} printable ASCII characters`);
    }
    if (ids.has(event.id)) throw new StoreError('invalid_event', `${where}: id ${event.id} appears twice in one append`);
    ids.add(event.id);
    if (typeof event.type !== 'string' || !/^[A-Z][A-Za-z0-9]{0,99}$/.test(event.type)) {
      throw new StoreError('invalid_event', `${where}: type must be a PascalCase name`);
    }
    if (!Number.isSafeInteger(event.schemaVersion) || event.schemaVersion < 1) {
      throw new StoreError('invalid_event', `${where}: schemaVersion must be a positive integer`);
    }
    const recordedAt = event.recordedAt ?? now();
    if (!(recordedAt instanceof Date) || Number.isNaN(recordedAt.getTime())) {
      throw new StoreError('invalid_event', `${where}: recordedAt is not a valid date`);
    }
    const dataJson = canonicalJson(event.data, limits.json, `${where}.data`);
    if (typeof event.data !== 'object' || Array.isArray(event.data) || event.data === null) {
      throw new StoreError('invalid_event', `${where}: data must be a JSON object`);
    }
    const metadata = event.metadata ?? {};
    if (typeof metadata !== 'object' || Array.isArray(metadata) || metadata === null) {
      throw new StoreError('invalid_event', `${where}: metadata must be a JSON object`);
    }
    const metadataJson = canonicalJson(metadata, limits.json, `${where}.metadata`);
    try {
      validate(event.type, event.schemaVersion, event.data);
    } catch (error) {
      throw new StoreError('invalid_event', `${where}: ${(error as Error).message}`);
    }
    return { id: event.id, type: event.type, schemaVersion: event.schemaVersion, data: event.data, metadata, dataJson, metadataJson,
      recordedAt: ledgerTimeOf(recordedAt) };
  });
}

/** Two appends of the same event id are the same event when everything but the time agrees. */
export function sameContent(
  proposed: PreparedEvent,
  stored: { type: string; schemaVersion: number; dataJson: string; metadataJson: string },
): boolean {
  return proposed.type === stored.type && proposed.schemaVersion === stored.schemaVersion
    && proposed.dataJson === stored.dataJson && proposed.metadataJson === stored.metadataJson;
}
