// Every setting and limit in one validated place, read from the environment once at start.
import { z } from 'zod';
import { DEFAULT_STORE_LIMITS } from '../ledger/sql/sql-event-store.ts';
import type { StoreSettings } from '../ledger/open-store.ts';

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
});

export interface Settings {
  port: number;
  host: string;
  logLevel: string;
  store: StoreSettings;
  adminKey: string | undefined;
  bodyBytesMax: number;
  simulatorLatencyMs: number;
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
