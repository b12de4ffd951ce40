// Finance exports for the operator (admin key): the journal, daily statements and the
// reconciliation over a range of days, as CSV or JSON lines (src/finance).
import Router from '@koa/router';
import { z } from 'zod';
import { EXPORT_FORMATS, EXPORT_REPORTS } from '../../finance/export-formats.ts';
import type { ExportRequest } from '../../finance/run-export.ts';
import { authenticateAdmin } from '../middleware/authenticate.ts';
import { parseBody } from '../parse-body.ts';
import { badRequest } from '../errors.ts';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a day, YYYY-MM-DD');
const exportQuery = z.object({
  from: day,
  to: day,
  format: z.enum(EXPORT_FORMATS).default('jsonl'),
  report: z.enum(EXPORT_REPORTS).default('journal'),
});

export function adminExportRoutes(services: { adminKey: string | undefined; runExport: (request: ExportRequest) => Promise<string> }): Router {
  const router = new Router({ prefix: '/v1/admin' });
  router.use(authenticateAdmin(services.adminKey));
  router.get('/exports', async function financeExport(ctx) {
    const query = parseBody(exportQuery, ctx.query);
    if (query.from >= query.to) throw badRequest('from must be before to (to is exclusive)', 'invalid_range', 'to');
    ctx.body = await services.runExport({ fromDay: query.from, toDay: query.to, format: query.format, report: query.report });
    ctx.type = query.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8';
    ctx.set('content-disposition', `attachment; filename="lumen-${query.report}-${query.from}-${query.to}.${query.format}"`);
  });
  return router;
}
