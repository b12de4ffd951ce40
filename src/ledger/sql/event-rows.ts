// How events come back out of SQL: one column list and one decoder shared by every read.
import type { GlobalPosition, JsonObject, RecordedEvent } from '../event-store.ts';
import { toBigInt, type SqlExecutor, type SqlRow } from './sql-client.ts';

export const EVENT_COLUMNS = `position, transaction_id::text as transaction_text, event_id, stream_id, stream_version,
  type, schema_version, data, metadata,
  to_char(recorded_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as recorded_text,
  encode(previous_hash, 'hex') as previous_hash, encode(hash, 'hex') as hash`;

/** A recorded event plus its stored payload text, which the hash is computed over. */
export interface StoredEvent extends RecordedEvent {
  dataJson: string;
  metadataJson: string;
}

export function decodeEventRow(row: SqlRow): StoredEvent {
  const dataJson = String(row.data);
  const metadataJson = String(row.metadata);
  return {
    id: String(row.event_id),
    streamId: String(row.stream_id),
    version: Number(row.stream_version),
    type: String(row.type),
    schemaVersion: Number(row.schema_version),
    data: JSON.parse(dataJson) as JsonObject,
    // Most events carry no metadata: skip the parse for the empty object.
    metadata: metadataJson === '{}' ? {} : JSON.parse(metadataJson) as JsonObject,
    dataJson,
    metadataJson,
    // Formatted by the database, exactly as ledgerTimeOf() writes it: ISO 8601 UTC, six decimals.
    recordedAt: String(row.recorded_text),
    previousHash: row.previous_hash === null ? null : String(row.previous_hash),
    hash: String(row.hash),
    global: { transactionId: toBigInt(row.transaction_text), position: toBigInt(row.position) },
  };
}

/** The event whose hash is this (64 hex digits), or undefined. */
export async function findEventByHash(sql: SqlExecutor, hash: string): Promise<StoredEvent | undefined> {
  const rows = await sql.query(`select ${EVENT_COLUMNS} from lumen_events where hash = decode($1, 'hex')`, [hash]);
  return rows[0] === undefined ? undefined : decodeEventRow(rows[0]);
}

/** Drops the stored text so callers get plain RecordedEvents. */
export function toRecorded(event: StoredEvent): RecordedEvent {
  const { dataJson: _data, metadataJson: _metadata, ...recorded } = event;
  return recorded;
}

/**
 * The global log after a position, oldest first. Only transactions older than the oldest one
 * still running are read: none of those can still commit, so nothing can later appear behind
 * a position a reader has passed.
 */
export const READ_ALL_SQL = `select ${EVENT_COLUMNS} from lumen_events
  where (transaction_id, position) > ($1::text::xid8, $2::int8)
    and transaction_id < pg_snapshot_xmin(pg_current_snapshot())
  order by transaction_id, position
  limit $3`;

export function readAllParams(after: GlobalPosition, maxCount: number): unknown[] {
  return [after.transactionId.toString(), after.position.toString(), maxCount];
}
