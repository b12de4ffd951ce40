// Renders an export: the journal, daily statements or the reconciliation, as CSV or JSON lines.
// The first line says what the export is and the checkpoint it ties to. Pure and deterministic:
// rows come in the reconciler's order, numbers are integer micro-dollars.
import type { Range, Reconciliation } from './reconciliation.ts';
import type { NamedCheckpoint } from './run-export.ts';

export const EXPORT_REPORTS = ['journal', 'statements', 'reconciliation'] as const;
export type ExportReport = (typeof EXPORT_REPORTS)[number];
export const EXPORT_FORMATS = ['csv', 'jsonl'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

type Row = Record<string, string | number | boolean | null>;

export function renderReport(request: Range & { report: ExportReport; format: ExportFormat }, result: Reconciliation,
  checkpoint: NamedCheckpoint | null): string {
  const header: Row = { report: request.report, from: request.fromDay, to: request.toDay,
    checkpoint_tree_size: checkpoint?.treeSize ?? null, checkpoint_root_hash: checkpoint?.rootHash ?? null,
    checkpoint_event_hash: checkpoint?.eventHash ?? null, checkpoint_covers_range: checkpoint?.covers ?? false,
    differences: result.differences.length };
  const rows = rowsOf(request.report, result);
  return request.format === 'jsonl' ? [header, ...rows].map((row) => JSON.stringify(row)).join('\n') + '\n' : csv(header, rows);
}

function rowsOf(report: ExportReport, result: Reconciliation): Row[] {
  switch (report) {
    case 'journal':
      return result.journal.map((line) => ({ time: line.time, account: line.account, counter_account: line.counterAccount,
        amount_micros: line.amountMicros, kind: line.kind, reference: line.reference, event_hash: line.eventHash }));
    case 'statements':
      return result.statements.map((line) => ({ account_id: line.accountId, day: line.day, opening_micros: line.openingMicros,
        grants_micros: line.grantsMicros, top_ups_micros: line.topUpsMicros, charges_micros: line.chargesMicros,
        closing_micros: line.closingMicros }));
    case 'reconciliation':
      return [...accountSummaries(result), ...result.differences.map((difference) => ({ type: 'difference', kind: difference.kind,
        account_id: difference.accountId, reference: difference.reference, expected: difference.expected, actual: difference.actual }))];
    default: {
      const unhandled: never = report;
      throw new Error(`unknown report ${String(unhandled)}`);
    }
  }
}

/** Per account over the range: opening + grants + top-ups - charges = closing, and whether it holds. */
function accountSummaries(result: Reconciliation): Row[] {
  const byAccount = new Map<string, Row & { opening_micros: number; grants_micros: number; top_ups_micros: number;
    charges_micros: number; closing_micros: number }>();
  for (const line of result.statements) {
    const current = byAccount.get(line.accountId) ?? { type: 'account', account_id: line.accountId, opening_micros: line.openingMicros,
      grants_micros: 0, top_ups_micros: 0, charges_micros: 0, closing_micros: line.openingMicros };
    current.grants_micros += line.grantsMicros;
    current.top_ups_micros += line.topUpsMicros;
    current.charges_micros += line.chargesMicros;
    current.closing_micros = line.closingMicros;
    byAccount.set(line.accountId, current);
  }
  return [...byAccount.values()].map((row) => ({ ...row,
    difference_micros: row.opening_micros + row.grants_micros + row.top_ups_micros - row.charges_micros - row.closing_micros }));
}

function csv(header: Row, rows: Row[]): string {
  const comment = `# ${Object.entries(header).map(([key, value]) => `${key}=${value ?? ''}`).join(' ')}`;
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const cell = (value: Row[string] | undefined) => {
    const text = value === null || value === undefined ? '' : String(value);
    return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return [comment, columns.join(','), ...rows.map((row) => columns.map((column) => cell(row[column])).join(','))].join('\n') + '\n';
}
