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
import { AccountWriter } from './gateway/account-writer.ts';
import { Billing } from './gateway/billing.ts';
import { HoldSweeper } from './gateway/hold-sweeper.ts';
import { createRateLimiter } from './gateway/rate-limit/create-rate-limiter.ts';
import { StripeBilling } from './stripe/stripe-billing.ts';
import { runExport } from './finance/run-export.ts';
import { KeyIndex } from './gateway/key-index.ts';
import { RequestContentStore } from './gateway/request-content.ts';
import { routerQuality } from './gateway/account-reports.ts';
import { RouterStore } from './gateway/router-store.ts';
import { publishedVersions, RouterVersions } from './gateway/router-versions.ts';
import { StoredResponses } from './gateway/stored-responses.ts';
import { buildApp } from './http/app.ts';
import { openAuditLog } from './audit/log/audit-log.ts';
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
  const routerStore = new RouterStore(sql, (error) => logger.warn({ err: error }, 'keeping prompt features failed'));
  const routerVersions = new RouterVersions(store, routerStore, { pollIntervalMs: settings.routerPollMs,
    onError: (error) => logger.warn({ err: error }, 'loading the latest router version failed') });
  await routerVersions.start();
  // Prompt features serve retunes only; older ones are deleted hourly (and once at start).
  const pruneFeatures = () => void routerStore.pruneFeatures(settings.promptFeaturesDays)
    .catch((error: unknown) => logger.warn({ err: error }, 'deleting old prompt features failed'));
  pruneFeatures();
  const featurePruning = setInterval(pruneFeatures, 3_600_000);
  featurePruning.unref();
  const now = () => new Date();
  const writer = new AccountWriter(store, { now });
  const billing = new Billing(writer, settings.billing, now, logger);
  const limiter = createRateLimiter({ redisUrl: settings.redisUrl,
    onError: (error: Error) => logger.warn({ err: error }, 'the shared rate limiter is unreachable') });
  const sweeper = new HoldSweeper(store, sql, writer, { now, intervalMs: settings.billing.sweepIntervalMs,
    graceMs: settings.billing.sweepGraceMs }, (error) => logger.warn({ err: error }, 'sweeping open holds failed'));
  sweeper.start();
  const accounts = new Accounts({ store, sql, projections, keys, writer, now, settled: () => billing.settled() });
  const audit = openAuditLog(settings.audit, settings.store, { store, sql, logger, now, onAppend: store.onAppend });
  const app = buildApp({
    store, catalog: loaded.catalog, providers: createProviderRegistry(loaded.catalog.providers), accounts, keys, logger, now,
    billing, limiter, writer, stripe: stripeBillingOf(settings),
    runExport: (request) => runExport({ store, sql, catalog: loaded.catalog }, request), lowBalanceMicros: settings.billing.lowBalanceMicros,
    storedResponses: new StoredResponses(sql), content: new RequestContentStore(sql),
    adminKey: settings.adminKey, bodyBytesMax: settings.bodyBytesMax, startedAt: Date.now(), usingSimulator: loaded.usingSimulator,
    audit, router: { versions: routerVersions, store: routerStore }, feedback: { store, sql, routerStore },
    routerQuality: () => routerQuality(sql),
    routerVersions: async () => ({ published: await publishedVersions(store), live: routerVersions.current().version }),
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
      await audit.stop();
      await sweeper.stop();
      await billing.settled();
      routerVersions.close();
      clearInterval(featurePruning);
      await routerStore.flush();
      routerStore.close();
      await limiter.close();
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

/** The Stripe adapter when Stripe is configured; without it the checkout routes answer 503. */
function stripeBillingOf(settings: Settings): StripeBilling | undefined {
  const stripe = settings.stripe;
  if (stripe === undefined) return undefined;
  const base = stripe.apiBase === undefined ? undefined : new URL(stripe.apiBase);
  return new StripeBilling({
    secretKey: stripe.secretKey, webhookSecret: stripe.webhookSecret,
    apiHost: base === undefined ? undefined : { host: base.hostname, port: Number(base.port || (base.protocol === 'https:' ? 443 : 80)),
      protocol: base.protocol === 'https:' ? 'https' : 'http' },
    successUrl: `${stripe.publicUrl}/v1/me/checkout/success?session_id={CHECKOUT_SESSION_ID}`,
    cancelUrl: `${stripe.publicUrl}/v1/me/checkout/cancelled`, portalReturnUrl: `${stripe.publicUrl}/v1/me`,
  });
}
