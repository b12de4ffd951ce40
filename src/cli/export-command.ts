// `lumen export --from DAY --to DAY [--report journal|statements|reconciliation] [--format csv|jsonl] [--out FILE]`:
// the finance exports straight from the ledger's database, with a progress bar on stderr.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadCatalog } from '../catalog/load-catalog.ts';
import { loadSettings } from '../config/settings.ts';
import { validateEventPayload } from '../domain/events.ts';
import { EXPORT_FORMATS, EXPORT_REPORTS, type ExportFormat, type ExportReport } from '../finance/export-formats.ts';
import { runExport } from '../finance/run-export.ts';
import { openStore } from '../ledger/open-store.ts';
import { progressBar } from './progress.ts';

const USAGE = 'usage: lumen export --from YYYY-MM-DD --to YYYY-MM-DD [--report journal|statements|reconciliation] [--format csv|jsonl] [--out FILE]\n';

export async function exportCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { from: { type: 'string' }, to: { type: 'string' }, report: { type: 'string' },
    format: { type: 'string' }, out: { type: 'string' } } });
  const report = (values.report ?? 'journal') as ExportReport;
  const format = (values.format ?? 'jsonl') as ExportFormat;
  const day = /^\d{4}-\d{2}-\d{2}$/;
  if (!day.test(values.from ?? '') || !day.test(values.to ?? '') || values.from! >= values.to!
    || !EXPORT_REPORTS.includes(report) || !EXPORT_FORMATS.includes(format)) {
    process.stderr.write(USAGE);
    return 2;
  }
  const settings = loadSettings();
  // Prices let the reconciliation recompute costs; without a configured catalog that check is skipped.
  const loaded = await loadCatalog({ environment: settings.environment });
  const { store, sql } = await openStore(settings.store, validateEventPayload);
  try {
    const [{ count }] = await sql.query<{ count: string }>('select count(*)::text as count from lumen_events') as [{ count: string }];
    const bar = progressBar(`export ${report}`);
    const text = await runExport({ store, sql, catalog: loaded.ok ? loaded.catalog : undefined,
      onProgress: (read) => bar.update(read, Number(count)) }, { fromDay: values.from!, toDay: values.to!, report, format });
    bar.finish();
    if (values.out === undefined) process.stdout.write(text);
    else writeFileSync(values.out, text);
    return 0;
  } finally {
    await store.close();
  }
}
