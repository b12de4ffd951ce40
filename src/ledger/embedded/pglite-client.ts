// SqlClient over PGlite, PostgreSQL compiled to WebAssembly and run inside this process. PGlite
// serves one connection, so every query and transaction goes through one queue: a transaction
// holds the queue until it ends, and nothing else can interleave with it.
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { SqlClient, SqlExecutor, SqlRow } from '../sql/sql-client.ts';
import { quoteIdentifier } from '../postgres/pg-client.ts';

export interface PgliteClientOptions {
  /** A directory to keep the database in, or undefined for memory only. */
  dataDir: string | undefined;
  schema: string;
}

export async function openPgliteClient(options: PgliteClientOptions): Promise<SqlClient> {
  if (options.dataDir !== undefined) mkdirSync(options.dataDir, { recursive: true });
  const database = new PGlite(options.dataDir);
  await database.waitReady;
  let tail: Promise<unknown> = Promise.resolve();
  const serialize = <T>(work: () => Promise<T>): Promise<T> => {
    const result = tail.then(work, work);
    tail = result.catch(() => undefined);
    return result;
  };
  const schema = quoteIdentifier(options.schema);
  await database.exec(`create schema if not exists ${schema}; set search_path to ${schema};`);

  const run = async <Row extends SqlRow>(text: string, params?: unknown[]) =>
    (await database.query<Row>(text, params)).rows;

  return {
    kind: 'embedded',
    query: (text, params) => serialize(() => run(text, params)),
    transaction<T>(fn: (executor: SqlExecutor) => Promise<T>): Promise<T> {
      return serialize(async () => {
        await database.exec('begin');
        try {
          const result = await fn({ query: run, exec: async (script) => { await database.exec(script); } });
          await database.exec('commit');
          return result;
        } catch (error) {
          await database.exec('rollback').catch(() => undefined);
          throw error;
        }
      });
    },
    exec: (script) => serialize(async () => { await database.exec(script); }),
    close: () => serialize(() => database.close()),
  };
}
