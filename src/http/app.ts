// The Koa application: middleware and routes, wired to the services built in server.ts.
import Koa from 'koa';
import Router from '@koa/router';
import type { EventStore } from '../ledger/event-store.ts';
import { VERSION } from '../version.ts';

export interface AppServices {
  store: EventStore;
  startedAt: number;
}

export function buildApp(services: AppServices): Koa {
  const app = new Koa();
  const router = new Router();
  router.get('/healthz', async function healthz(ctx) {
    const store = await services.store.health();
    ctx.status = store.ok ? 200 : 503;
    ctx.body = {
      status: store.ok ? 'ok' : 'degraded',
      version: VERSION,
      uptime_sec: Math.round((Date.now() - services.startedAt) / 1000),
      store,
    };
  });
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
