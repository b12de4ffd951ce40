// SqlClient over node-postgres. Everything pg-specific stays in this file.
import pg from 'pg';
import type { SqlClient, SqlExecutor, SqlRow } from '../sql/sql-client.ts';

export interface PgClientOptions {
  connectionString: string;
  /** Tables live in this schema (tests give each suite its own). */
  schema: string;
  poolSize: number;
}

export async function openPgClient(options: PgClientOptions): Promise<SqlClient> {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.poolSize,
    // The schema is chosen per connection so that the ledger's SQL never names it.
    options: `-c search_path=${options.schema}`,
  });
  pool.on('error', () => {
    // An idle client lost its connection; the pool replaces it on the next checkout.
  });
  await pool.query(`create schema if not exists ${quoteIdentifier(options.schema)}`);

  const run = async <Row extends SqlRow>(executor: pg.Pool | pg.PoolClient, text: string, params?: unknown[], preparedName?: string) =>
    (await executor.query<Row>(preparedName === undefined ? { text, values: params } : { name: preparedName, text, values: params })).rows;

  return {
    kind: 'postgresql',
    query: (text, params, preparedName) => run(pool, text, params, preparedName),
    async transaction<T>(fn: (executor: SqlExecutor) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const result = await fn({
          query: (text, params, preparedName) => run(client, text, params, preparedName),
          exec: async (script) => { await client.query(script); },
        });
        await client.query('commit');
        return result;
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async exec(script) {
      await pool.query(script);
    },
    close: () => pool.end(),
  };
}

export function quoteIdentifier(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`invalid schema name ${name}`);
  return `"${name}"`;
}
