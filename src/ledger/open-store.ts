// Chooses and opens the event store: PostgreSQL when a DATABASE_URL is given, otherwise the
// embedded PGlite store in a data directory. Migrations run before the store is handed out.
import { join } from 'node:path';
import type { EventStore } from './event-store.ts';
import type { EventValidator } from './prepare-event.ts';
import { openPgliteClient } from './embedded/pglite-client.ts';
import { openPgClient } from './postgres/pg-client.ts';
import { migrate } from './sql/migrations.ts';
import type { SqlClient } from './sql/sql-client.ts';
import { DEFAULT_STORE_LIMITS, SqlEventStore, type SqlStoreLimits } from './sql/sql-event-store.ts';

export interface StoreSettings {
  databaseUrl: string | undefined;
  /** Where the embedded store keeps its files; undefined keeps it in memory. */
  dataDir: string | undefined;
  schema: string;
  poolSize: number;
  limits?: Partial<SqlStoreLimits>;
}

export interface OpenedStore {
  store: SqlEventStore;
  /** The same database, for read models and other tables that live beside the log. */
  sql: SqlClient;
}

export async function openSqlClient(settings: StoreSettings): Promise<SqlClient> {
  const client = settings.databaseUrl !== undefined
    ? await openPgClient({ connectionString: settings.databaseUrl, schema: settings.schema, poolSize: settings.poolSize })
    : await openPgliteClient({
      dataDir: settings.dataDir === undefined ? undefined : join(settings.dataDir, 'pglite'),
      schema: settings.schema,
    });
  await migrate(client);
  return client;
}

export async function openStore(settings: StoreSettings, validate: EventValidator): Promise<OpenedStore> {
  const sql = await openSqlClient(settings);
  // PGlite has one connection: a second batch in flight would only wait for the first.
  const concurrency = sql.kind === 'embedded' ? { flushesInFlightMax: 1 } : {};
  const store = new SqlEventStore(sql, validate, { ...DEFAULT_STORE_LIMITS, ...concurrency, ...settings.limits });
  return { store, sql };
}

export type { EventStore };
