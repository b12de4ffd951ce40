// Opens a fresh, isolated store for a test file: a schema of its own on the PostgreSQL server
// named by DATABASE_URL, or an in-memory embedded store when DATABASE_URL is not set.
import { randomBytes } from 'node:crypto';
import { validateEventPayload } from '../../src/domain/events.ts';
import { openStore, type OpenedStore, type StoreSettings } from '../../src/ledger/open-store.ts';

export interface TestStore extends OpenedStore {
  settings: StoreSettings;
  dispose(): Promise<void>;
}

export function testStoreSettings(): StoreSettings {
  return {
    databaseUrl: process.env.DATABASE_URL || undefined,
    dataDir: undefined,
    schema: `test_${randomBytes(6).toString('hex')}`,
    poolSize: 8,
  };
}

export async function openTestStore(settings: StoreSettings = testStoreSettings()): Promise<TestStore> {
  const opened = await openStore(settings, validateEventPayload);
  return {
    ...opened,
    settings,
    async dispose() {
      await opened.store.close();
      if (settings.databaseUrl !== undefined) await dropSchema(settings.databaseUrl, settings.schema);
    },
  };
}

/** Drops a test's or benchmark's schema from the PostgreSQL server, tables, guard and all. */
export async function dropSchema(databaseUrl: string, schema: string): Promise<void> {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`drop schema if exists ${schema} cascade`);
  } finally {
    await client.end();
  }
}

export const usingPostgres = () => Boolean(process.env.DATABASE_URL);
