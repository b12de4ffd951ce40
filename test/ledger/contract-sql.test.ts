// The EventStore contract against the SQL store: embedded PGlite by default, PostgreSQL when
// DATABASE_URL is set (each run in a schema of its own).
import { test } from 'uvu';
import { defineEventStoreContract } from './contract.ts';
import { openTestStore } from '../support/store.ts';

const kind = process.env.DATABASE_URL ? 'postgresql' : 'embedded';
defineEventStoreContract(`event store contract (${kind})`, async () => {
  const opened = await openTestStore();
  return { store: opened.store, dispose: () => opened.dispose() };
});

test.run();
