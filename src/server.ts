// The composition root: opens the store, starts projections and the key index, loads the
// catalog (or the simulator when no provider is configured), and serves HTTP. The only place
// that knows every concrete adapter.
import type { Server } from 'node:http';
import pino from 'pino';
import { ALL_PROJECTIONS } from '../projections/index.ts';
import { loadCatalog } from './catalog/load-catalog.ts';
import type { Settings } from './config/settings.ts';
import { validateEventPayload } from './domain/events.ts';
import { Accounts } from './gateway/accounts.ts';
import { KeyIndex } from './gateway/key-index.ts';
import { RequestContentStore } from './gateway/request-content.ts';
import { StoredResponses } from './gateway/stored-responses.ts';
import { buildApp } from './http/app.ts';
import { openStore } from './ledger/open-store.ts';
import { ProjectionRunner } from './ledger/sql/projection-runner.ts';
import { createProviderRegistry } from './providers/registry.ts';
import { startSimulator, type RunningSimulator } from './simulator/index.ts';

export interface RunningGateway {
  url: string;
  close(): Promise<void>;
}

export async function startGateway(settings: Settings): Promise<RunningGateway> {
  const logger = pino({ level: settings.logLevel, redact: ['req.headers.authorization', 'req.headers["x-api-key"]'] });
  const { simulator, loaded } = await catalogOrSimulator(settings);
  const { store, sql } = await openStore(settings.store, validateEventPayload);
  const projections = new ProjectionRunner(store, sql, ALL_PROJECTIONS, { batchSize: 2000, pollIntervalMs: 200, wakeDelayMs: 25 },
    store.onAppend);
  await projections.start();
  const keys = new KeyIndex();
  await keys.start(store, sql);
  const now = () => new Date();
  const accounts = new Accounts({ store, sql, projections, keys, now });
  const app = buildApp({
    store, catalog: loaded.catalog, providers: createProviderRegistry(loaded.catalog.providers), accounts, keys, logger, now,
    storedResponses: new StoredResponses(sql), content: new RequestContentStore(sql),
    adminKey: settings.adminKey, bodyBytesMax: settings.bodyBytesMax, startedAt: Date.now(), usingSimulator: loaded.usingSimulator,
  });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(settings.port, settings.host, () => resolve(listening));
  });
  server.keepAliveTimeout = 65_000;
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : settings.port;
  const storeKind = settings.store.databaseUrl === undefined ? `embedded (${settings.store.dataDir})` : 'postgresql';
  logger.info({ port, store: storeKind, sources: loaded.sources, models: loaded.catalog.models.length }, 'lumen listening');
  if (settings.adminKey === undefined) logger.warn('LUMEN_ADMIN_KEY is not set: the admin API is disabled');
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      await closed;
      await keys.stop();
      await projections.stop();
      await store.close();
      await simulator?.close();
    },
  };
}

async function catalogOrSimulator(settings: Settings) {
  let simulator: RunningSimulator | undefined;
  let loaded = await loadCatalog({ environment: settings.environment });
  if (!loaded.ok && loaded.error.code === 'no_provider_configured') {
    simulator = await startSimulator({ port: 0, latencyMs: settings.simulatorLatencyMs });
    loaded = await loadCatalog({ environment: settings.environment, simulatorUrl: simulator.url });
    process.stderr.write(`\n*** No provider is configured (OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY or LUMEN_CONFIG).\n`
      + `*** Lumen is serving SIMULATED models from its built-in provider simulator at ${simulator.url}.\n\n`);
  }
  if (!loaded.ok) throw new Error(`${loaded.error.message}${loaded.error.issues.length > 0 ? `: ${loaded.error.issues.join('; ')}` : ''}`);
  return { simulator, loaded };
}
