// One group-commit transaction: many appends, possibly to many streams, share one round of
// locking, one multi-row INSERT and one commit. Each append is still checked on its own
// (expected version, idempotency); a failed check rejects that append only.
import {
  StoreError, WrongExpectedVersion, type AppendResult, type ExpectedVersion,
} from '../event-store.ts';
import { eventHash } from '../hash-chain.ts';
import { sameContent, type PreparedEvent } from '../prepare-event.ts';
import { decodeEventRow, EVENT_COLUMNS, toRecorded, type StoredEvent } from './event-rows.ts';
import { toBigInt, type SqlExecutor } from './sql-client.ts';

export interface PendingAppend {
  streamId: string;
  events: PreparedEvent[];
  expectedVersion: ExpectedVersion;
}

export type AppendOutcome = { ok: true; result: AppendResult } | { ok: false; error: StoreError };

interface Head { version: number; hash: string }

interface NewRow extends PreparedEvent {
  streamId: string;
  version: number;
  previousHash: string | null;
  hash: string;
}

/**
 * Writes a batch inside the given transaction. With `checkExisting`, event ids are first looked
 * up so that repeated appends return their original result; without it a repeated id surfaces
 * as a unique violation and the caller retries the batch with the check on (repeats are rare).
 */
export async function appendBatch(
  executor: SqlExecutor,
  pending: PendingAppend[],
  checkExisting: boolean,
): Promise<AppendOutcome[]> {
  const streamIds = [...new Set(pending.map((append) => append.streamId))].sort();
  const headRows = await executor.query(
    `select stream_id, version, encode(last_hash, 'hex') as last_hash from lumen_streams
     where stream_id = any($1::text[]) order by stream_id for update`, [streamIds]);
  const heads = new Map<string, Head>(headRows.map((row) => [String(row.stream_id),
    { version: Number(row.version), hash: String(row.last_hash) }]));
  // A conflicting append may be a retry of one that already succeeded; only then (or when
  // asked) are ids looked up, so the common path costs no extra query.
  const mayRepeat = checkExisting ? pending : pending.filter((append) =>
    checkExpected(append.streamId, append.expectedVersion, heads.get(append.streamId)) !== undefined);
  const existing = mayRepeat.length > 0 ? await loadExisting(executor, mayRepeat) : new Map<string, StoredEvent>();

  const rows: NewRow[] = [];
  const outcomes: Array<AppendOutcome | { ok: true; rows: NewRow[]; streamId: string }> = pending.map((append) => {
    const repeat = resolveRepeat(append, existing);
    if (repeat !== undefined) return repeat;
    const head = heads.get(append.streamId);
    const conflict = checkExpected(append.streamId, append.expectedVersion, head);
    if (conflict !== undefined) return { ok: false, error: conflict };
    const appended = chain(append, head);
    heads.set(append.streamId, { version: appended.at(-1)!.version, hash: appended.at(-1)!.hash });
    rows.push(...appended);
    return { ok: true, rows: appended, streamId: append.streamId };
  });
  if (rows.length === 0) return outcomes as AppendOutcome[];

  const inserted = await insertRows(executor, rows);
  await saveHeads(executor, rows);
  return outcomes.map((outcome) => {
    if (!('rows' in outcome)) return outcome;
    const events = outcome.rows.map((row) => toRecorded({ ...row, data: JSON.parse(row.dataJson),
      metadata: JSON.parse(row.metadataJson), global: inserted.get(row.id)! }));
    return { ok: true, result: { streamId: outcome.streamId, nextExpectedVersion: events.at(-1)!.version, events } };
  });
}

function checkExpected(streamId: string, expected: ExpectedVersion, head: Head | undefined): StoreError | undefined {
  const actual = head?.version ?? null;
  const fits = expected === 'any'
    || (expected === 'no_stream' && actual === null)
    || (expected === 'exists' && actual !== null)
    || (typeof expected === 'number' && expected === actual);
  return fits ? undefined : new WrongExpectedVersion(streamId, expected, actual);
}

function chain(append: PendingAppend, head: Head | undefined): NewRow[] {
  let version = head?.version ?? -1;
  let previousHash = head?.hash ?? null;
  return append.events.map((event) => {
    version += 1;
    const fields = { ...event, streamId: append.streamId, version, previousHash };
    const hash = eventHash(fields);
    previousHash = hash;
    return { ...fields, hash };
  });
}

async function loadExisting(executor: SqlExecutor, pending: PendingAppend[]): Promise<Map<string, StoredEvent>> {
  const ids = pending.flatMap((append) => append.events.map((event) => event.id));
  const rows = await executor.query(`select ${EVENT_COLUMNS} from lumen_events where event_id = any($1::text[])`, [ids]);
  return new Map(rows.map((row) => {
    const event = decodeEventRow(row);
    return [event.id, event];
  }));
}

/** An append whose ids were all stored before with the same content returns the original. */
function resolveRepeat(append: PendingAppend, existing: Map<string, StoredEvent>): AppendOutcome | undefined {
  const found = append.events.map((event) => existing.get(event.id));
  if (found.every((stored) => stored === undefined)) return undefined;
  const matches = append.events.every((event, index) => {
    const stored = found[index];
    return stored !== undefined && stored.streamId === append.streamId && sameContent(event, stored);
  });
  if (!matches) {
    return { ok: false, error: new StoreError('idempotency_conflict',
      `stream ${append.streamId}: event ids were used before with different content`,
      { eventIds: append.events.map((event) => event.id) }) };
  }
  const events = (found as StoredEvent[]).sort((left, right) => left.version - right.version).map(toRecorded);
  return { ok: true, result: { streamId: append.streamId, nextExpectedVersion: events.at(-1)!.version, events } };
}

async function insertRows(executor: SqlExecutor, rows: NewRow[]) {
  const column = <K extends keyof NewRow>(key: K) => rows.map((row) => row[key]);
  const inserted = await executor.query(
    `insert into lumen_events (event_id, stream_id, stream_version, type, schema_version, data, metadata,
       recorded_at, previous_hash, hash)
     select id, stream, version, type, schema_version, data, metadata, recorded_at, decode(previous, 'hex'), decode(hash, 'hex')
     from unnest($1::text[], $2::text[], $3::int4[], $4::text[], $5::int4[], $6::text[], $7::text[],
       $8::timestamptz[], $9::text[], $10::text[])
       as batch(id, stream, version, type, schema_version, data, metadata, recorded_at, previous, hash)
     returning event_id, position, transaction_id::text as transaction_id`,
    [column('id'), column('streamId'), column('version'), column('type'), column('schemaVersion'),
      column('dataJson'), column('metadataJson'), column('recordedAt'), column('previousHash'), column('hash')]);
  return new Map(inserted.map((row) => [String(row.event_id),
    { transactionId: toBigInt(row.transaction_id), position: toBigInt(row.position) }]));
}

async function saveHeads(executor: SqlExecutor, rows: NewRow[]): Promise<void> {
  const lastByStream = new Map<string, NewRow>();
  for (const row of rows) lastByStream.set(row.streamId, row);
  const heads = [...lastByStream.values()];
  await executor.query(
    `insert into lumen_streams (stream_id, version, last_hash)
     select stream, version, decode(hash, 'hex') from unnest($1::text[], $2::int4[], $3::text[]) as heads(stream, version, hash)
     on conflict (stream_id) do update set version = excluded.version, last_hash = excluded.last_hash`,
    [heads.map((row) => row.streamId), heads.map((row) => row.version), heads.map((row) => row.hash)]);
}
