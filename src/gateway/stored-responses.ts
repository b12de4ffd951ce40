// Responses a client asked Lumen to keep (`store` on the Responses API), so that a later
// request can continue from them with previous_response_id and GET /v1/responses/{id} can
// return them. They hold conversation content, which the hash-linked ledger never does: this is
// a plain table beside the log, rows can be deleted, and an account only ever sees its own.
import type { CanonicalMessage } from '../protocols/canonical.ts';
import type { SqlExecutor } from '../ledger/sql/sql-client.ts';

export interface StoredResponse {
  /** The conversation up to and including this response's answer, for previous_response_id. */
  turns: CanonicalMessage[];
  /** The response object exactly as it was sent to the client. */
  response: Record<string, unknown>;
}

export class StoredResponses {
  constructor(private readonly sql: SqlExecutor) {}

  async save(responseId: string, accountId: string, stored: StoredResponse): Promise<void> {
    await this.sql.query(
      'insert into lumen_stored_responses (response_id, account_id, turns, response) values ($1, $2, $3, $4)',
      [responseId, accountId, JSON.stringify(stored.turns), JSON.stringify(stored.response)],
    );
  }

  /** Undefined when there is no such response or it belongs to another account: both are a 404. */
  async load(responseId: string, accountId: string): Promise<StoredResponse | undefined> {
    const rows = await this.sql.query<{ turns: string; response: string }>(
      'select turns, response from lumen_stored_responses where response_id = $1 and account_id = $2',
      [responseId, accountId],
    );
    const row = rows[0];
    if (row === undefined) return undefined;
    const stored = { turns: JSON.parse(row.turns) as unknown, response: JSON.parse(row.response) as unknown };
    // Checked again after reading: a row that is not what save() wrote is a bug or tampering.
    if (!Array.isArray(stored.turns) || typeof stored.response !== 'object' || stored.response === null) {
      throw new Error(`stored response ${responseId} is malformed`);
    }
    return stored as StoredResponse;
  }

  /** False when there was nothing of this account's to delete. */
  async remove(responseId: string, accountId: string): Promise<boolean> {
    const rows = await this.sql.query(
      'delete from lumen_stored_responses where response_id = $1 and account_id = $2 returning response_id',
      [responseId, accountId],
    );
    return rows.length > 0;
  }
}
