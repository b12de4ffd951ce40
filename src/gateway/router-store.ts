// What the router keeps beside the ledger: the parameters of each router version (too large
// for an event; the RouterVersionPublished event names their SHA-256, checked on every load)
// and each chat request's hashed prompt features and prompt kind, which a rating is joined with
// when history is replayed into a fit. Feature rows are written in batches off the request
// path: losing the last few on a crash loses training data, never money or ledger facts.
import { createHash } from 'node:crypto';
import type { PromptFeatures } from '../routing/features.ts';
import type { RouterParameters } from '../routing/parameters.ts';
import type { SqlExecutor } from '../ledger/sql/sql-client.ts';

export interface PromptFeatureRow {
  requestId: string;
  accountId: string;
  featureVersion: string;
  promptKind: string;
  /** The router version that assessed the prompt. */
  routerVersion: string | null;
  features: PromptFeatures;
}

export const featureBufferLimits = { rowsPerInsert: 200, flushDelayMs: 50, queuedRowsMax: 20_000, queuedTermsMax: 4_000_000,
  pruneBatchRows: 2_000 } as const;

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The digest RoutingDecided records for the features it was decided on: over the ids as 32-bit little-endian words. */
export function featuresSha256(features: PromptFeatures): string {
  const words = Uint32Array.from(features.termIndices);
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('feature digests assume a little-endian machine');
  return createHash('sha256').update(new Uint8Array(words.buffer)).digest('hex');
}

export class RouterVersionConflict extends Error {
  readonly code = 'router_version_conflict';
  constructor(version: string) {
    super(`router version ${version} is already stored with other parameters (the same history fitted with other options)`);
  }
}

/**
 * Term ids are sorted and unique, so they are stored as LEB128 varints of their gaps, in
 * base64: about three times smaller than decimal text for a long prompt's ten thousand terms.
 */
export function encodeTermIds(termIndices: readonly number[]): string {
  const bytes: number[] = [];
  let previous = 0;
  for (const term of termIndices) {
    let gap = term - previous;
    previous = term;
    while (gap >= 0x80) {
      bytes.push((gap & 0x7f) | 0x80);
      gap >>>= 7;
    }
    bytes.push(gap);
  }
  return Buffer.from(bytes).toString('base64');
}

export function decodeTermIds(text: string): number[] {
  const bytes = Buffer.from(text, 'base64');
  const terms: number[] = [];
  let previous = 0;
  let gap = 0;
  let shift = 0;
  for (const byte of bytes) {
    gap += (byte & 0x7f) * 2 ** shift;
    if (byte & 0x80) {
      shift += 7;
      continue;
    }
    previous += gap;
    terms.push(previous);
    gap = 0;
    shift = 0;
  }
  return terms;
}

export class RouterStore {
  private queued: PromptFeatureRow[] = [];
  private queuedTerms = 0;
  private closed = false;
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly sql: SqlExecutor, private readonly onError: (error: unknown) => void = () => undefined) {}

  /** Stores a version's parameters under the SHA-256 of their JSON text; returns that digest and size. */
  async saveParameters(parameters: RouterParameters): Promise<{ sha256: string; bytes: number }> {
    const body = JSON.stringify(parameters);
    const sha256 = sha256Hex(body);
    await this.sql.query(
      'insert into lumen_router_parameters (sha256, version, body) values ($1, $2, $3) on conflict do nothing',
      [sha256, parameters.version, body]);
    // Names are unique and come from the history alone, so the same history fitted with other
    // options has the same name: without this check its insert would be dropped in silence and
    // the version published without parameters any gateway could load.
    const stored = await this.sql.query('select sha256 from lumen_router_parameters where version = $1', [parameters.version]);
    if (stored[0]?.sha256 !== sha256) throw new RouterVersionConflict(parameters.version);
    return { sha256, bytes: Buffer.byteLength(body) };
  }

  /** The parameters stored under a digest, checked against it; undefined when absent or altered. */
  async loadParameters(sha256: string): Promise<RouterParameters | undefined> {
    const rows = await this.sql.query('select body from lumen_router_parameters where sha256 = $1', [sha256]);
    const body = rows[0]?.body;
    if (typeof body !== 'string' || sha256Hex(body) !== sha256) return undefined;
    return JSON.parse(body) as RouterParameters;
  }

  /**
   * Queues a request's features; written within `flushDelayMs`. A full queue (by rows or by
   * terms, so a stalled database cannot grow it without bound) or a closed store drops the row.
   */
  keepFeatures(row: PromptFeatureRow): void {
    if (this.closed || this.queued.length >= featureBufferLimits.queuedRowsMax
      || this.queuedTerms + row.features.termIndices.length > featureBufferLimits.queuedTermsMax) return;
    this.queued.push(row);
    this.queuedTerms += row.features.termIndices.length;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, featureBufferLimits.flushDelayMs);
  }

  /** Writes everything queued so far. */
  async flush(): Promise<void> {
    while (this.flushing !== undefined) await this.flushing;
    if (this.queued.length === 0) return;
    const batch = this.queued.splice(0, featureBufferLimits.rowsPerInsert);
    for (const row of batch) this.queuedTerms -= row.features.termIndices.length;
    this.flushing = this.insert(batch).catch(this.onError).finally(() => { this.flushing = undefined; });
    await this.flushing;
    if (this.queued.length > 0) await this.flush();
  }

  private async insert(rows: readonly PromptFeatureRow[]): Promise<void> {
    const values: string[] = [];
    const parameters: unknown[] = [];
    for (const row of rows) {
      const at = parameters.length;
      values.push(`($${at + 1}, $${at + 2}, $${at + 3}, $${at + 4}, $${at + 5}, $${at + 6})`);
      parameters.push(row.requestId, row.accountId, row.featureVersion, row.promptKind, row.routerVersion, encodeTermIds(row.features.termIndices));
    }
    await this.sql.query(`insert into lumen_prompt_features (request_id, account_id, feature_version, prompt_kind, router_version, term_ids)
      values ${values.join(', ')} on conflict (request_id) do nothing`, parameters);
  }

  /** The kept features of these requests (queued rows are flushed first). */
  async featuresOf(requestIds: readonly string[]): Promise<Map<string, PromptFeatureRow>> {
    await this.flush();
    const found = new Map<string, PromptFeatureRow>();
    for (let start = 0; start < requestIds.length; start += 1_000) {
      const rows = await this.sql.query(
        `select request_id, account_id, feature_version, prompt_kind, router_version, term_ids from lumen_prompt_features
         where request_id = any($1::text[])`, [requestIds.slice(start, start + 1_000)]);
      for (const row of rows) {
        found.set(String(row.request_id), { requestId: String(row.request_id), accountId: String(row.account_id),
          featureVersion: String(row.feature_version), promptKind: String(row.prompt_kind),
          routerVersion: row.router_version === null ? null : String(row.router_version),
          features: { termIndices: decodeTermIds(String(row.term_ids)) } });
      }
    }
    return found;
  }

  /**
   * Deletes feature rows older than the retention (by the database's clock): they only serve
   * retunes, and ratings of older requests then count as ratings without features.
   */
  async pruneFeatures(retentionDays: number): Promise<number> {
    let deleted = 0;
    // In batches, so the embedded store's one connection is never held for long.
    for (;;) {
      const rows = await this.sql.query(`with old as (select request_id from lumen_prompt_features
          where created_at < now() - make_interval(days => $1) limit $2)
        delete from lumen_prompt_features where request_id in (select request_id from old) returning 1 as gone`,
        [retentionDays, featureBufferLimits.pruneBatchRows]);
      deleted += rows.length;
      if (rows.length < featureBufferLimits.pruneBatchRows) return deleted;
    }
  }

  /** After the last flush: later rows are dropped rather than left to a timer. */
  close(): void {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
