// Reads for self-service and reports, all from projections: an account's keys, its daily usage,
// and (for the operator) how well each model is rated on each kind of prompt.
import type { SqlExecutor } from '../ledger/sql/sql-client.ts';
import type { ApiKeyDocument } from '../../projections/api-keys.ts';
import type { UsageDocument } from '../../projections/usage-daily.ts';
import type { QualityDocument } from '../../projections/router-quality.ts';

export async function keysOfAccount(sql: SqlExecutor, accountId: string): Promise<ApiKeyDocument[]> {
  const rows = await sql.query(`select document from lumen_read_models where projection = 'api_keys' and key like 'id:%'
    and (document::jsonb ->> 'accountId') = $1 order by key`, [accountId]);
  return rows.map((row) => {
    const { keyHash: _hash, ...document } = JSON.parse(String(row.document)) as ApiKeyDocument & { keyHash?: string };
    return document as ApiKeyDocument;
  });
}

/** Daily rollups from `fromDay` (YYYY-MM-DD) on; keys are `<account>/<day>/<model>/<app>`. */
export async function usageOfAccount(sql: SqlExecutor, accountId: string, fromDay: string): Promise<UsageDocument[]> {
  // Compared as a prefix, not as a range: text ranges follow the database's collation.
  const prefix = `${accountId}/`;
  const rows = await sql.query(`select document from lumen_read_models where projection = 'usage_daily'
    and left(key, length($1)) = $1`, [prefix]);
  return rows.map((row) => JSON.parse(String(row.document)) as UsageDocument)
    .filter((document) => document.day >= fromDay)
    .sort((left, right) => left.day.localeCompare(right.day) || left.model.localeCompare(right.model) || left.appId.localeCompare(right.appId));
}

/** The router-quality read model: per model and prompt kind, the current ratings of every account. */
export async function routerQuality(sql: SqlExecutor): Promise<QualityDocument[]> {
  const rows = await sql.query(`select document from lumen_read_models where projection = 'router_quality'
    and left(key, 8) = 'quality/' order by key`);
  return rows.map((row) => JSON.parse(String(row.document)) as QualityDocument);
}
