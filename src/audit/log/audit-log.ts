// The audit log as the gateway sees it: the signing key, the sealer following the ledger, and
// receipts for entries. server.ts opens it; the HTTP routes and /healthz use it.
import type { EventStore } from '../../ledger/event-store.ts';
import type { SqlClient } from '../../ledger/sql/sql-client.ts';
import type { PublishedCheckpoint } from './checkpoint-stream.ts';
import { EntryReceipts, auditKeyOf, type AuditKey, type EntryAnswer, type Viewer } from './entry-receipts.ts';
import { Sealer, type AuditLogger, type CheckpointOutcome, type SealerLimits } from './sealer.ts';
import { loadAuditSigner, type AuditKeySettings } from './signing-key.ts';

export interface AuditSettings extends AuditKeySettings {
  checkpointIntervalMs: number;
}

export interface AuditHealth {
  ok: boolean;
  status: string;
  tree_size?: number;
  checkpoint_size?: number | null;
  problem?: { code: string; message: string };
  detail?: string;
}

export interface AuditLog {
  readonly key: AuditKey;
  entry(hash: string, viewer: Viewer, fromSize?: number): Promise<EntryAnswer>;
  /** The latest signed checkpoint, its signature checked. */
  latestCheckpoint(): Promise<PublishedCheckpoint | undefined>;
  /** Asks the sealer for a checkpoint soon, e.g. because a receipt is not covered yet. */
  requestCheckpoint(): void;
  /** Seals what is visible and publishes a checkpoint if the tree grew. */
  publishCheckpoint(): Promise<CheckpointOutcome>;
  health(): AuditHealth;
  stop(): Promise<void>;
}

export interface AuditLogDependencies {
  store: Pick<EventStore, 'append'>;
  sql: SqlClient;
  logger: AuditLogger;
  now: () => Date;
  onAppend?: (listener: () => void) => () => void;
}

/** The audit log when it is on (log), and its health either way. */
export interface OpenedAuditLog {
  log: AuditLog | undefined;
  health(): AuditHealth;
  stop(): Promise<void>;
}

/** Opens the audit log, or explains in the log and in health why it is off. */
export function openAuditLog(
  settings: AuditSettings,
  storeSettings: { databaseUrl: string | undefined; dataDir: string | undefined },
  dependencies: AuditLogDependencies,
  limits: Partial<SealerLimits> = {},
): OpenedAuditLog {
  const loaded = loadAuditSigner(settings, storeSettings);
  if (!loaded.ok) {
    dependencies.logger.warn({}, `the audit log is off: ${loaded.reason}`);
    return { log: undefined, health: () => ({ ok: true, status: 'disabled', detail: loaded.reason }), stop: async () => undefined };
  }
  if (loaded.source === 'generated') dependencies.logger.info({ path: loaded.path }, 'generated the audit signing key');
  const sealer = new Sealer({ ...dependencies, signer: loaded.signer },
    { checkpointIntervalMs: settings.checkpointIntervalMs, ...limits });
  const receipts = new EntryReceipts(dependencies.sql, loaded.signer);
  sealer.start();
  const log: AuditLog = {
    key: auditKeyOf(loaded.signer),
    entry: (hash, viewer, fromSize) => receipts.entry(hash, viewer, fromSize),
    latestCheckpoint: () => receipts.latestCheckpoint(),
    requestCheckpoint: () => sealer.requestCheckpoint(),
    publishCheckpoint: () => sealer.publishCheckpoint(),
    health() {
      const health = sealer.health();
      return { ok: health.ok, status: health.status, tree_size: health.treeSize, checkpoint_size: health.checkpointSize,
        ...(health.problem === null ? {} : { problem: health.problem }) };
    },
    stop: () => sealer.stop(),
  };
  return { log, health: () => log.health(), stop: () => sealer.stop() };
}
