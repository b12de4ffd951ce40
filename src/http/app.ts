// The Koa application: one error middleware first, then request ids, the body reader and the
// routes. Everything it serves comes in through AppServices, built in server.ts.
import { randomUUID } from 'node:crypto';
import Koa from 'koa';
import Router from '@koa/router';
import type { Logger } from 'pino';
import type { Catalog } from '../catalog/catalog.ts';
import type { Accounts } from '../gateway/accounts.ts';
import type { KeyIndex } from '../gateway/key-index.ts';
import type { ModelCallServices } from '../gateway/model-call.ts';
import type { StoredResponses } from '../gateway/stored-responses.ts';
import type { EventStore } from '../ledger/event-store.ts';
import { VERSION } from '../version.ts';
import { errorHandler } from './middleware/error-handler.ts';
import { readJsonBody } from './middleware/read-body.ts';
import { adminRoutes } from './routes/admin.ts';
import { auditRoutes } from './routes/audit.ts';
import type { OpenedAuditLog } from '../audit/log/audit-log.ts';
import { adminCheckoutRoutes, checkoutRoutes, planRoutes, stripeWebhookRoutes } from './routes/billing.ts';
import { selfServiceRoutes } from './routes/self-service.ts';
import { adminExportRoutes } from './routes/admin-exports.ts';
import type { ExportRequest } from '../finance/run-export.ts';
import type { AccountWriter } from '../gateway/account-writer.ts';
import type { StripeBilling } from '../stripe/stripe-billing.ts';
import { anthropicRoutes } from './routes/anthropic.ts';
import { mediaRoutes } from './routes/media.ts';
import { openAIRoutes } from './routes/openai.ts';
import { responsesRoutes } from './routes/responses.ts';
import { routerRoutes } from './routes/router.ts';
import type { FeedbackServices } from '../gateway/feedback.ts';
import type { QualityDocument } from '../../projections/router-quality.ts';
import type { PublishedVersion } from '../gateway/router-versions.ts';

export interface AppServices extends ModelCallServices {
  store: EventStore;
  catalog: Catalog;
  accounts: Accounts;
  keys: KeyIndex;
  storedResponses: StoredResponses;
  logger: Logger;
  adminKey: string | undefined;
  bodyBytesMax: number;
  startedAt: number;
  usingSimulator: boolean;
  writer: AccountWriter;
  stripe: StripeBilling | undefined;
  lowBalanceMicros: number;
  runExport: (request: ExportRequest) => Promise<string>;
  audit: OpenedAuditLog;
  feedback: FeedbackServices;
  routerQuality: () => Promise<QualityDocument[]>;
  routerVersions: () => Promise<{ published: PublishedVersion[]; live: string | null }>;
}

export function buildApp(services: AppServices): Koa {
  const app = new Koa();
  app.silent = true;
  app.use(errorHandler(services.logger));
  app.use(async function assignRequestId(ctx, next) {
    ctx.state.requestId = randomUUID();
    ctx.set('x-request-id', ctx.state.requestId as string);
    await next();
  });
  app.use(readJsonBody(services.bodyBytesMax));
  const health = new Router();
  health.get('/healthz', async function healthz(ctx) {
    const store = await services.store.health();
    const audit = services.audit.health();
    ctx.status = store.ok && audit.ok ? 200 : 503;
    ctx.body = {
      status: store.ok && audit.ok ? 'ok' : 'degraded',
      version: VERSION,
      uptime_sec: Math.round((Date.now() - services.startedAt) / 1000),
      store,
      audit,
      providers: services.catalog.providers.map((provider) => ({ id: provider.id, kind: provider.kind })),
      simulated: services.usingSimulator,
      models_per_tier: services.catalog.modelsPerTier(),
    };
  });
  // Public routes first: the key-checking routers below guard every path under their prefix.
  const routers = [health, auditRoutes({ ...services, audit: services.audit.log }),
    planRoutes(), stripeWebhookRoutes(services), adminCheckoutRoutes(services), adminExportRoutes(services), adminRoutes(services),
    checkoutRoutes(services), selfServiceRoutes(services), openAIRoutes(services, services.keys),
    anthropicRoutes(services, services.keys), responsesRoutes(services, services.keys, services.storedResponses),
    mediaRoutes(services, services.keys), routerRoutes(services, services.keys)];
  for (const router of routers) {
    app.use(router.routes());
    app.use(router.allowedMethods());
  }
  return app;
}
