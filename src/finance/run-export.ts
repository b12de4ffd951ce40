// Runs a finance export: reads the log in global order up to where the balances read model
// stands (so the two can be compared), folds it through the reconciler, and renders one of the
// reports as CSV or JSON lines. The export names the first signed checkpoint that covers the
// last event of its range, so an auditor can tie it to the Merkle log; the same range over the
// same ledger gives the same bytes.
import { readLatestCheckpoint } from '../audit/log/checkpoint-stream.ts';
import { CHECKPOINT_STREAM } from '../audit/event-leaf.ts';
import { costBreakdownMicros } from '../catalog/model-cost.ts';
import type { Catalog } from '../catalog/catalog.ts';
import { compareGlobal, LOG_START, type EventStore, type GlobalPosition } from '../ledger/event-store.ts';
import { toBigInt, type SqlExecutor } from '../ledger/sql/sql-client.ts';
import { Reconciler, type PriceCheck, type Range, type Reconciliation } from './reconciliation.ts';
import { renderReport, type ExportFormat, type ExportReport } from './export-formats.ts';

export interface ExportRequest extends Range {
  report: ExportReport;
  format: ExportFormat;
}

export interface ExportSources {
  store: EventStore;
  sql: SqlExecutor;
  catalog?: Catalog;
  /** Called with events read so far, for progress bars. */
  onProgress?: (eventsRead: number) => void;
}

const PAGE_EVENTS = 5_000;

/** Costs recomputed from recorded usage, for models whose recorded price version is the catalog's. */
export function catalogPriceCheck(catalog: Catalog | undefined): PriceCheck {
  return (request) => {
    if (catalog === undefined || request.protocol === 'openai-images' || request.protocol === 'openai-audio') return undefined;
    const model = catalog.model(request.model);
    if (model === undefined || model.priceVersion !== request.priceVersion) return undefined;
    return costBreakdownMicros(request, model).totalMicros;
  };
}

export async function runExport(sources: ExportSources, request: ExportRequest): Promise<string> {
  const { until, documents } = await balancesSnapshot(sources.sql);
  const reconciler = new Reconciler(request, catalogPriceCheck(sources.catalog));
  let after: GlobalPosition = LOG_START;
  let eventsRead = 0;
  let lastInRange = -1;
  for (;;) {
    const page = await sources.store.readAll({ after, maxCount: PAGE_EVENTS });
    const inside = page.filter((event) => compareGlobal(event.global, until) <= 0);
    for (const event of inside) {
      reconciler.add(event);
      if (event.recordedAt.slice(0, 10) < request.toDay) lastInRange = eventsRead;
      eventsRead += 1;
    }
    sources.onProgress?.(eventsRead);
    if (inside.length < page.length || page.length < PAGE_EVENTS) break;
    after = page.at(-1)!.global;
  }
  reconciler.compareReadModel(documents);
  const result: Reconciliation = reconciler.finish();
  const checkpoint = await coveringCheckpoint(sources.sql, lastInRange + 1);
  return renderReport(request, result, checkpoint);
}

/** The balances read model and the log position it reflects, read consistently (retried if it moved). */
async function balancesSnapshot(sql: SqlExecutor): Promise<{ until: GlobalPosition; documents: Map<string, number> }> {
  for (;;) {
    const before = await balancesCheckpoint(sql);
    const rows = await sql.query(`select key, document from lumen_read_models where projection = 'balances'`);
    const after = await balancesCheckpoint(sql);
    if (compareGlobal(before, after) !== 0) continue;
    return { until: after, documents: new Map(rows.map((row) => [String(row.key),
      (JSON.parse(String(row.document)) as { balanceMicros: number }).balanceMicros])) };
  }
}

async function balancesCheckpoint(sql: SqlExecutor): Promise<GlobalPosition> {
  const rows = await sql.query(`select transaction_id::text as transaction_text, position from lumen_projection_checkpoints
    where projection = 'balances'`);
  const row = rows[0];
  return row === undefined ? LOG_START : { transactionId: toBigInt(row.transaction_text), position: toBigInt(row.position) };
}

export interface NamedCheckpoint { treeSize: number; rootHash: string; eventHash: string; covers: boolean }

/**
 * The earliest published checkpoint whose tree holds the first `eventsInRange` events. Only the
 * latest checkpoint is at hand cheaply; an earlier covering one is found by walking the
 * checkpoint stream back from it.
 */
async function coveringCheckpoint(sql: SqlExecutor, eventsInRange: number): Promise<NamedCheckpoint | null> {
  const latest = await readLatestCheckpoint(sql);
  if (latest === undefined) return null;
  if (latest.treeSize < eventsInRange) {
    return { treeSize: latest.treeSize, rootHash: latest.rootHash.toString('hex'), eventHash: latest.eventHash, covers: false };
  }
  const rows = await sql.query(`select encode(hash, 'hex') as hash, data from lumen_events where stream_id = $1
    order by stream_version`, [CHECKPOINT_STREAM]);
  for (const row of rows) {
    const data = (typeof row.data === 'string' ? JSON.parse(row.data) : row.data) as { treeSize: number; rootHash: string };
    if (data.treeSize >= eventsInRange) return { treeSize: data.treeSize, rootHash: data.rootHash, eventHash: String(row.hash), covers: true };
  }
  return { treeSize: latest.treeSize, rootHash: latest.rootHash.toString('hex'), eventHash: latest.eventHash, covers: true };
}
