// The composition root: opens the store, starts the projections and the HTTP server. The only
// place that knows every concrete adapter.
import type { Server } from 'node:http';
import pino from 'pino';
import { ALL_PROJECTIONS } from '../projections/index.ts';
import type { Settings } from './config/settings.ts';
import { validateEventPayload } from './domain/events.ts';
import { buildApp } from './http/app.ts';
import { openStore } from './ledger/open-store.ts';
import { ProjectionRunner } from './ledger/sql/projection-runner.ts';

export interface RunningGateway {
  url: string;
  close(): Promise<void>;
}

export async function startGateway(settings: Settings): Promise<RunningGateway> {
  const logger = pino({ level: settings.logLevel });
  const { store, sql } = await openStore(settings.store, validateEventPayload);
  const projections = new ProjectionRunner(store, sql, ALL_PROJECTIONS, undefined, store.onAppend);
  await projections.start();
  const app = buildApp({ store, startedAt: Date.now() });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(settings.port, settings.host, () => resolve(listening));
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : settings.port;
  const storeKind = settings.store.databaseUrl === undefined ? `embedded (${settings.store.dataDir})` : 'postgresql';
  logger.info({ port, store: storeKind }, 'lumen listening');
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      await closed;
      await projections.stop();
      await store.close();
    },
  };
}
