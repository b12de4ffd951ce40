// The ledger's bytes on disk, per table, and the number of RequestCompleted events written,
// read straight from the database (PostgreSQL) or from the embedded store's files once Lumen
// has closed them (PGlite serves one process at a time).
import { dropSchema } from '../../test/support/store.ts';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface LedgerSize {
  events_bytes: number;
  streams_bytes: number;
  read_models_bytes: number;
  checkpoints_bytes: number;
  events_written: number;
  requests_completed: number;
}

const SIZE_QUERY = `
  select pg_total_relation_size('lumen_events')::text as events_bytes,
         pg_total_relation_size('lumen_streams')::text as streams_bytes,
         pg_total_relation_size('lumen_read_models')::text as read_models_bytes,
         pg_total_relation_size('lumen_projection_checkpoints')::text as checkpoints_bytes,
         (select count(*) from lumen_events)::text as events_written,
         (select count(*) from lumen_events where type = 'RequestCompleted')::text as requests_completed`;

// Read models are written by projections shortly after the append; give them time to catch up.
const CATCH_UP_QUERY = `
  select coalesce((select max(position) from lumen_events), 0)::text as head,
         coalesce((select min(position) from lumen_projection_checkpoints), 0)::text as slowest`;

type Row = Record<keyof LedgerSize, string>;

/** What the gateway did to each ledger table, from the statistics views (per table, so per schema). */
export interface TableActivity {
  table: string; seq_scan: number; seq_tup_read: number; idx_scan: number; n_tup_ins: number; n_tup_upd: number;
}

const ACTIVITY_QUERY = `
  select relname as table, seq_scan::text, seq_tup_read::text, coalesce(idx_scan, 0)::text as idx_scan,
         n_tup_ins::text, n_tup_upd::text
  from pg_stat_user_tables where schemaname = current_schema() order by relname`;

const toActivity = (rows: Array<Record<string, string>>): TableActivity[] => rows.map((row) => ({
  table: row.table!, seq_scan: Number(row.seq_scan), seq_tup_read: Number(row.seq_tup_read), idx_scan: Number(row.idx_scan),
  n_tup_ins: Number(row.n_tup_ins), n_tup_upd: Number(row.n_tup_upd),
}));

const toSize = (row: Row): LedgerSize => Object.fromEntries(
  Object.entries(row).map(([name, value]) => [name, Number(value)])) as unknown as LedgerSize;

async function waitForProjections(query: (text: string) => Promise<Array<{ head: string; slowest: string }>>): Promise<boolean> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const [row] = await query(CATCH_UP_QUERY);
    if (row !== undefined && Number(row.slowest) >= Number(row.head)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

export async function postgresLedgerSize(databaseUrl: string, schema: string): Promise<LedgerSize & { projections_caught_up: boolean }> {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`set search_path to ${schema}`);
    const caughtUp = await waitForProjections(async (text) => (await client.query(text)).rows);
    const { rows } = await client.query<Row>(SIZE_QUERY);
    return { ...toSize(rows[0]!), projections_caught_up: caughtUp };
  } finally {
    await client.end();
  }
}

/** Table statistics of the schema now (PostgreSQL only: PGlite runs single-user and keeps none). */
export async function postgresTableActivity(databaseUrl: string, schema: string, settleMs: number): Promise<TableActivity[]> {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`set search_path to ${schema}`);
    // An idle backend reports its table statistics up to 10 s late (PostgreSQL 15+), an exiting one at once.
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    return toActivity((await client.query<Record<string, string>>(ACTIVITY_QUERY)).rows);
  } finally {
    await client.end();
  }
}

/**
 * Table work per appended event between two snapshots, for the tables the gateway touched. Each
 * request appends one event, so this is work per request.
 */
export function activityPerEvent(before: TableActivity[], after: TableActivity[]) {
  const deltaOf = (table: TableActivity, field: keyof Omit<TableActivity, 'table'>) =>
    table[field] - (before.find((candidate) => candidate.table === table.table)?.[field] ?? 0);
  const events = after.find((table) => table.table === 'lumen_events');
  const appended = events === undefined ? 0 : deltaOf(events, 'n_tup_ins');
  const perRequest = (value: number) => +(value / appended).toFixed(2);
  const tables = Object.fromEntries(after.flatMap((table) => {
    const delta = (field: keyof Omit<TableActivity, 'table'>) => deltaOf(table, field);
    const figures = { seq_scan: perRequest(delta('seq_scan')), seq_rows_read: perRequest(delta('seq_tup_read')),
      idx_scan: perRequest(delta('idx_scan')), rows_inserted: perRequest(delta('n_tup_ins')), rows_updated: perRequest(delta('n_tup_upd')) };
    return Object.values(figures).every((value) => value === 0) ? [] : [[table.table, figures]];
  }));
  return { events_appended: appended, ...tables };
}

export async function embeddedLedgerSize(pgliteDirectory: string, schema: string): Promise<LedgerSize> {
  const { PGlite } = await import('@electric-sql/pglite');
  const database = new PGlite(pgliteDirectory);
  await database.waitReady;
  try {
    await database.exec(`set search_path to ${schema}`);
    const { rows } = await database.query<Row>(SIZE_QUERY);
    return toSize(rows[0]!);
  } finally {
    await database.close();
  }
}

/** Bytes of every file under a directory, for the embedded store's whole footprint. */
export function directoryBytes(directory: string): number {
  let total = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) total += directoryBytes(path);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}

export { dropSchema };
