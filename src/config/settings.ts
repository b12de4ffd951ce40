// Every setting and limit in one validated place, read from the environment once at start.
import { z } from 'zod';
import { DEFAULT_STORE_LIMITS } from '../ledger/sql/sql-event-store.ts';
import type { StoreSettings } from '../ledger/open-store.ts';
import type { AuditSettings } from '../audit/log/audit-log.ts';
import { isValidKeyName, parseSignerKey } from '../audit/note-keys.ts';

const environmentSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z.string().url().optional(),
  LUMEN_DATA_DIR: z.string().default('./data'),
  LUMEN_DB_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/).default('lumen'),
  LUMEN_DB_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  LUMEN_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LUMEN_BATCH_EVENTS_MAX: z.coerce.number().int().min(1).max(10_000).default(DEFAULT_STORE_LIMITS.batchEventsMax),
  LUMEN_ADMIN_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  LUMEN_BODY_BYTES_MAX: z.coerce.number().int().min(1024).max(100 * 1024 * 1024).default(8 * 1024 * 1024),
  LUMEN_SIMULATOR_LATENCY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  // Billing: how far below zero available credit may go, and how long a hold may stay open.
  LUMEN_OVERDRAFT_USD: z.coerce.number().min(0).max(1_000_000).default(0),
  LUMEN_HOLD_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(900),
  LUMEN_HOLD_SWEEP_SECONDS: z.coerce.number().int().min(1).max(3_600).default(30),
  LUMEN_HOLD_GRACE_SECONDS: z.coerce.number().int().min(0).max(3_600).default(60),
  LUMEN_LOW_BALANCE_USD: z.coerce.number().min(0).max(1_000_000).default(1),
  // Rate limits are shared through Redis when it is configured, kept per process otherwise.
  REDIS_URL: z.string().url().optional(),
  STRIPE_SECRET_KEY: z.string().optional(),
  STRIPE_WEBHOOK_SECRET: z.string().optional(),
  /** Only for tests and local stand-ins: the Stripe API's base URL instead of https://api.stripe.com. */
  STRIPE_API_BASE: z.string().url().optional(),
  /** Where clients reach Lumen, for Stripe's redirect URLs. */
  LUMEN_PUBLIC_URL: z.string().url().default('http://localhost:8080'),
  // The audit log: its signing key (required on PostgreSQL), a generated key's name, checkpoint interval.
  LUMEN_AUDIT_KEY: z.string().refine((text) => parseSignerKey(text.trim()).ok,
    'must be a signed-note private key, PRIVATE+KEY+<name>+<id>+<key> (make one with `lumen audit keygen`)').optional(),
  LUMEN_AUDIT_ORIGIN: z.string().max(200).refine(isValidKeyName, 'must be a key name (no spaces, no plus signs)').default('lumen.local/ledger'),
  LUMEN_AUDIT_CHECKPOINT_INTERVAL_MS: z.coerce.number().int().min(1000).max(86_400_000).default(60_000),
  // How often each process looks for a newly published router version.
  LUMEN_ROUTER_POLL_MS: z.coerce.number().int().min(200).max(3_600_000).default(5_000),
  // How long each chat request's prompt features are kept for retunes.
  LUMEN_PROMPT_FEATURES_DAYS: z.coerce.number().int().min(1).max(3_650).default(90),
});

export interface Settings {
  port: number;
  host: string;
  logLevel: string;
  store: StoreSettings;
  adminKey: string | undefined;
  bodyBytesMax: number;
  simulatorLatencyMs: number;
  billing: { overdraftMicros: number; holdTtlMs: number; sweepIntervalMs: number; sweepGraceMs: number; lowBalanceMicros: number };
  redisUrl: string | undefined;
  stripe: { secretKey: string; webhookSecret: string; apiBase: string | undefined; publicUrl: string } | undefined;
  audit: AuditSettings;
  routerPollMs: number;
  promptFeaturesDays: number;
  /** The raw environment, for the catalog's provider variables (OPENAI_API_KEY, LUMEN_CONFIG, ...). */
  environment: Readonly<Record<string, string | undefined>>;
}

export function loadSettings(environment: NodeJS.ProcessEnv = process.env): Settings {
  const parsed = environmentSchema.safeParse(Object.fromEntries(
    Object.entries(environment).filter(([, value]) => value !== ''),
  ));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`configuration: ${issue.path.join('.')}: ${issue.message}`);
  }
  const values = parsed.data;
  return {
    port: values.PORT,
    host: values.HOST,
    logLevel: values.LUMEN_LOG_LEVEL,
    adminKey: values.LUMEN_ADMIN_KEY,
    bodyBytesMax: values.LUMEN_BODY_BYTES_MAX,
    simulatorLatencyMs: values.LUMEN_SIMULATOR_LATENCY_MS,
    billing: { overdraftMicros: Math.round(values.LUMEN_OVERDRAFT_USD * 1_000_000), holdTtlMs: values.LUMEN_HOLD_TTL_SECONDS * 1000,
      sweepIntervalMs: values.LUMEN_HOLD_SWEEP_SECONDS * 1000, sweepGraceMs: values.LUMEN_HOLD_GRACE_SECONDS * 1000,
      lowBalanceMicros: Math.round(values.LUMEN_LOW_BALANCE_USD * 1_000_000) },
    redisUrl: values.REDIS_URL,
    stripe: values.STRIPE_SECRET_KEY === undefined || values.STRIPE_WEBHOOK_SECRET === undefined ? undefined
      : { secretKey: values.STRIPE_SECRET_KEY, webhookSecret: values.STRIPE_WEBHOOK_SECRET, apiBase: values.STRIPE_API_BASE,
        publicUrl: values.LUMEN_PUBLIC_URL },
    audit: { signerKey: values.LUMEN_AUDIT_KEY, generatedKeyName: values.LUMEN_AUDIT_ORIGIN,
      checkpointIntervalMs: values.LUMEN_AUDIT_CHECKPOINT_INTERVAL_MS },
    routerPollMs: values.LUMEN_ROUTER_POLL_MS,
    promptFeaturesDays: values.LUMEN_PROMPT_FEATURES_DAYS,
    environment,
    store: {
      databaseUrl: values.DATABASE_URL,
      dataDir: values.LUMEN_DATA_DIR,
      schema: values.LUMEN_DB_SCHEMA,
      poolSize: values.LUMEN_DB_POOL_SIZE,
      limits: { batchEventsMax: values.LUMEN_BATCH_EVENTS_MAX },
    },
  };
}
