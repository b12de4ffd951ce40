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
      if (settings.databaseUrl !== undefined) await dropSchema(settings);
    },
  };
}

async function dropSchema(settings: StoreSettings): Promise<void> {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: settings.databaseUrl });
  await client.connect();
  // The append-only guard refuses DROP's cascade only for row triggers, so a plain drop works.
  await client.query(`drop schema if exists ${settings.schema} cascade`);
  await client.end();
}

export const usingPostgres = () => Boolean(process.env.DATABASE_URL);
