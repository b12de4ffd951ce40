// One group-commit write: many appends, possibly to many streams, in ONE statement (and so one
// implicit transaction and one commit). The writer computes hashes against the stream heads it
// assumes; the statement locks those heads, and writes only if every assumed head is still the
// current one. Otherwise it writes nothing and returns the actual heads, and the writer tries
// again with them. In the steady state that is one round trip per batch.
import {
  StoreError, type AppendResult, type ExpectedVersion,
} from '../event-store.ts';
import { chain, checkExpected, type ChainedEvent } from '../append-rules.ts';
import { sameContent, type PreparedEvent } from '../prepare-event.ts';
import { decodeEventRow, EVENT_COLUMNS, toRecorded, type StoredEvent } from './event-rows.ts';
import { toBigInt, type SqlExecutor } from './sql-client.ts';

export interface PendingAppend {
  streamId: string;
  events: PreparedEvent[];
  expectedVersion: ExpectedVersion;
}

/** `written` is false for an idempotent repeat, whose result is the original one. */
export type AppendOutcome = { ok: true; result: AppendResult; written: boolean } | { ok: false; error: StoreError };

/** A stream's last version and hash; null when the stream has no events. */
export type Head = { version: number; hash: string } | null;

type NewRow = ChainedEvent;

/** The write was not made: some assumed heads were stale. These are the actual ones. */
export interface StaleHeads { stale: Map<string, Head> }

/** Reads the current heads of streams (no lock: the write statement re-checks them). */
export async function readHeads(executor: SqlExecutor, streamIds: string[]): Promise<Map<string, Head>> {
  const rows = await executor.query(
    `select stream_id, version, encode(last_hash, 'hex') as last_hash from lumen_streams where stream_id = any($1::text[])`,
    [streamIds]);
  const heads = new Map<string, Head>(streamIds.map((streamId) => [streamId, null]));
  for (const row of rows) heads.set(String(row.stream_id), { version: Number(row.version), hash: String(row.last_hash) });
  return heads;
}

/**
 * Decides every append against the assumed heads and writes the accepted ones. Appends whose
 * expected version does not match are rejected without touching the others.
 */
export async function appendBatch(
  executor: SqlExecutor,
  pending: PendingAppend[],
  assumedHeads: Map<string, Head>,
  existing: Map<string, StoredEvent>,
): Promise<AppendOutcome[] | StaleHeads> {
  const heads = new Map(assumedHeads);
  const touched = new Map<string, Head>();
  const rows: NewRow[] = [];
  const outcomes = pending.map((append): AppendOutcome | { rows: NewRow[]; streamId: string } => {
    const repeat = resolveRepeat(append, existing);
    if (repeat !== undefined) return repeat;
    const head = heads.get(append.streamId) ?? null;
    const conflict = checkExpected(append.streamId, append.expectedVersion, head);
    if (conflict !== undefined) return { ok: false, error: conflict };
    if (!touched.has(append.streamId)) touched.set(append.streamId, head);
    const appended = chain(append.streamId, append.events, head);
    const last = appended.at(-1)!;
    heads.set(append.streamId, { version: last.version, hash: last.hash });
    rows.push(...appended);
    return { rows: appended, streamId: append.streamId };
  });
  if (rows.length === 0) return outcomes as AppendOutcome[];

  const written = await writeRows(executor, rows, touched, heads);
  if ('stale' in written) return written;
  return outcomes.map((outcome): AppendOutcome => {
    if (!('rows' in outcome)) return outcome;
    const events = outcome.rows.map((row) => toRecorded({ ...row, global: written.positions.get(row.id)! }));
    return { ok: true, written: true, result: { streamId: outcome.streamId, nextExpectedVersion: events.at(-1)!.version, events } };
  });
}

/** The heads the written appends leave behind (repeats say nothing about the head), for a cache. */
export function headsAfter(outcomes: AppendOutcome[]): Map<string, Head> {
  const heads = new Map<string, Head>();
  for (const outcome of outcomes) {
    if (!outcome.ok || !outcome.written) continue;
    const last = outcome.result.events.at(-1)!;
    const known = heads.get(outcome.result.streamId);
    if (known === undefined || known === null || known.version < last.version) {
      heads.set(outcome.result.streamId, { version: last.version, hash: last.hash });
    }
  }
  return heads;
}

export async function loadExisting(executor: SqlExecutor, pending: PendingAppend[]): Promise<Map<string, StoredEvent>> {
  const ids = pending.flatMap((append) => append.events.map((event) => event.id));
  const rows = await executor.query(`select ${EVENT_COLUMNS} from lumen_events where event_id = any($1::text[])`, [ids]);
  return new Map(rows.map((row) => {
    const event = decodeEventRow(row);
    return [event.id, event];
  }));
}

/** An append whose ids were all stored before with the same content returns the original. */
function resolveRepeat(append: PendingAppend, existing: Map<string, StoredEvent>): AppendOutcome | undefined {
  if (existing.size === 0) return undefined;
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
  return { ok: true, written: false, result: { streamId: append.streamId, nextExpectedVersion: events.at(-1)!.version, events } };
}

/**
 * The single write statement. `assumed` lists, per touched stream, the head the hashes were
 * computed against; `after` the head the batch leaves. The heads are locked in stream order
 * (so concurrent writers cannot deadlock), compared, and only if none moved are the events
 * inserted and the heads advanced; otherwise the actual heads come back.
 */
async function writeRows(
  executor: SqlExecutor,
  rows: NewRow[],
  assumed: Map<string, Head>,
  after: Map<string, Head>,
): Promise<{ positions: Map<string, { transactionId: bigint; position: bigint }> } | StaleHeads> {
  // Rows travel as one JSON parameter: serializing it is native, where a text array per column
  // made the driver escape every quote of every payload in JavaScript.
  const batch = JSON.stringify(rows.map((row) => ({ id: row.id, stream: row.streamId, version: row.version, type: row.type,
    schema_version: row.schemaVersion, data: row.dataJson, metadata: row.metadataJson, recorded_at: row.recordedAt,
    previous: row.previousHash, hash: row.hash })));
  const heads = JSON.stringify([...assumed.keys()].sort().map((stream) => ({ stream_id: stream,
    version: assumed.get(stream)?.version ?? -1, hash: assumed.get(stream)?.hash ?? null,
    next_version: after.get(stream)!.version, next_hash: after.get(stream)!.hash })));
  const result = await executor.query(
    `with assumed as (
       select * from json_to_recordset($2::json)
         as assumed(stream_id text, version int4, hash text, next_version int4, next_hash text)
     ), locked as (
       select heads.stream_id, heads.version, heads.last_hash from lumen_streams heads
       where heads.stream_id = any($3::text[]) order by heads.stream_id for update
     ), moved as (
       select assumed.stream_id from assumed left join locked using (stream_id)
       where coalesce(locked.version, -1) <> assumed.version
          or locked.last_hash is distinct from decode(assumed.hash, 'hex')
     ), inserted as (
       insert into lumen_events (event_id, stream_id, stream_version, type, schema_version, data, metadata,
         recorded_at, previous_hash, hash)
       select id, stream, version, type, schema_version, data, metadata, recorded_at, decode(previous, 'hex'), decode(hash, 'hex')
       from json_to_recordset($1::json) as batch(id text, stream text, version int4, type text, schema_version int4,
         data text, metadata text, recorded_at timestamptz, previous text, hash text)
       where not exists (select 1 from moved)
       returning event_id, position, transaction_id
     ), advanced as (
       insert into lumen_streams (stream_id, version, last_hash)
       select stream_id, next_version, decode(next_hash, 'hex') from assumed
       where not exists (select 1 from moved)
       on conflict (stream_id) do update set version = excluded.version, last_hash = excluded.last_hash
     )
     select 'written' as kind, event_id as stream_id, position::text as version, transaction_id::text as hash from inserted
     union all
     select 'actual', assumed.stream_id, locked.version::text, encode(locked.last_hash, 'hex')
     from assumed left join locked using (stream_id) where exists (select 1 from moved)`,
    // The stream ids also travel as an array: "= any(array)" is planned as a primary-key lookup
    // however large lumen_streams grows, where a join against the JSON rows was planned as a
    // scan of the whole table (its row estimate knows nothing of the JSON's size).
    [batch, heads, [...assumed.keys()].sort()], 'lumen_append_batch');
  if (result.some((row) => row.kind === 'actual')) {
    return { stale: new Map(result.map((row) => [String(row.stream_id),
      row.version === null ? null : { version: Number(row.version), hash: String(row.hash) }])) };
  }
  return { positions: new Map(result.map((row) => [String(row.stream_id),
    { transactionId: toBigInt(row.hash), position: toBigInt(row.version) }])) };
}
