// The narrow SQL port the ledger needs. Two adapters implement it: node-postgres against a
// server, and PGlite embedded in the process. Both run the same SQL text.

export type SqlRow = Record<string, unknown>;

export interface SqlExecutor {
  /**
   * Runs one statement. A `preparedName` lets a driver that supports it parse and plan the
   * statement once per connection (hot statements only; the text must never vary).
   */
  query<Row extends SqlRow = SqlRow>(text: string, params?: unknown[], preparedName?: string): Promise<Row[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
}

export interface SqlClient extends SqlExecutor {
  readonly kind: 'postgresql' | 'embedded';
  /** Runs fn inside one transaction on one connection; commits when it resolves, else rolls back. */
  transaction<T>(fn: (executor: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A PostgreSQL error's SQLSTATE, whichever driver raised it. */
export function sqlState(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

export const SQLSTATE = {
  uniqueViolation: '23505',
  serializationFailure: '40001',
  deadlockDetected: '40P01',
} as const;

/** Reads a bigint column whichever way the driver returned it (string from pg, number from PGlite). */
export function toBigInt(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' || typeof value === 'string') return BigInt(value);
  throw new Error(`expected an integer column, got ${typeof value}`);
}
