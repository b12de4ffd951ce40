// Prompts and completions kept for requests that opted in with "observability": true. They live
// in their own table beside the ledger, so the content can be deleted (on request, or by a
// retention job) without touching a hash-linked event.
import type { SqlExecutor } from '../ledger/sql/sql-client.ts';

export interface KeptContent {
  requestId: string;
  accountId: string;
  eventHash: string;
  /** The request body as the client sent it. */
  request: unknown;
  /** The answer as Lumen assembled it (for a stream: the folded result). */
  response: unknown;
}

export class RequestContentStore {
  constructor(private readonly sql: SqlExecutor) {}

  async keep(content: KeptContent): Promise<void> {
    await this.sql.query(
      `insert into lumen_request_content (request_id, account_id, event_hash, request, response)
       values ($1, $2, $3, $4, $5) on conflict (request_id) do nothing`,
      [content.requestId, content.accountId, content.eventHash, JSON.stringify(content.request), JSON.stringify(content.response)]);
  }

  /** The content of one of the account's requests; another account's request is not found. */
  async find(accountId: string | null, requestId: string): Promise<KeptContent | undefined> {
    const rows = await this.sql.query(
      `select request_id, account_id, event_hash, request, response from lumen_request_content
       where request_id = $1 and ($2::text is null or account_id = $2)`, [requestId, accountId]);
    const row = rows[0];
    if (row === undefined) return undefined;
    return { requestId: String(row.request_id), accountId: String(row.account_id), eventHash: String(row.event_hash),
      request: JSON.parse(String(row.request)), response: JSON.parse(String(row.response)) };
  }

  async delete(accountId: string | null, requestId: string): Promise<boolean> {
    const rows = await this.sql.query(
      `delete from lumen_request_content where request_id = $1 and ($2::text is null or account_id = $2) returning request_id`,
      [requestId, accountId]);
    return rows.length > 0;
  }
}
