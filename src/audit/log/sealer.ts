// The sealer: appends every ledger event, in global order, as a leaf of the Merkle log, and
// publishes signed checkpoints (CheckpointPublished events) at an interval and on demand. It
// checks the stored tree when it starts (deeply) and before every checkpoint (leaves against the
// log, tree against the last checkpoint); if a check fails it refuses, loudly and for good: it
// logs the problem, reports it in health, and neither seals nor signs again until restarted.
import type { CompactRange } from '../compact-range.ts';
import { createNoteVerifier } from '../note-keys.ts';
import type { NoteSigner, NoteVerifier } from '../note-keys.ts';
import type { EventStore } from '../../ledger/event-store.ts';
import { debounce, FollowPacer } from '../../ledger/subscription.ts';
import type { SqlClient, SqlExecutor } from '../../ledger/sql/sql-client.ts';
import type { PublishedCheckpoint } from './checkpoint-stream.ts';
import { publishCheckpoint, type CheckpointOutcome } from './publish-checkpoint.ts';
import { checkSealedLog, type LogProblem } from './log-checks.ts';
import { checkNodesMatchLeaves } from './rebuild-check.ts';
import {
  copyRange, findingOf, LogRefusal, lockSealer, prepareCheckpoint, sealNextEvents, type CheckpointMode, type LockMode,
} from './seal-steps.ts';
import { loadRange, readTreeState, type TreeState } from './sql-tree.ts';

export type { CheckpointOutcome } from './publish-checkpoint.ts';

export interface SealerLimits {
  /** Events sealed per transaction. */
  batchEventsMax: number;
  /** A checkpoint at least this often while the log grows. */
  checkpointIntervalMs: number;
  /** Least time between two checkpoints asked for on demand (by a receipt not yet covered). */
  onDemandSpacingMs: number;
  pollIntervalMs: number;
  /** Delay between a local append and the seal it triggers; appends meanwhile share it. */
  wakeDelayMs: number;
  /** Longest wait for another process's sealer lock before an explicit call gives up. */
  lockWaitMs: number;
  /** Most batches one catch-up (before a checkpoint, or an explicit call) seals. */
  catchUpBatchesMax: number;
  /** On-demand checkpoints compare only new leaves with the log while the last full comparison is this recent. */
  fullCheckIntervalMs: number;
}

export const DEFAULT_SEALER_LIMITS: SealerLimits = {
  batchEventsMax: 2000,
  checkpointIntervalMs: 60_000,
  onDemandSpacingMs: 1000,
  pollIntervalMs: 500,
  wakeDelayMs: 50,
  lockWaitMs: 10_000,
  catchUpBatchesMax: 500,
  fullCheckIntervalMs: 60_000,
};

/** The few logger methods the sealer uses; pino's logger has them. */
export interface AuditLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface SealerDependencies {
  store: Pick<EventStore, 'append'>;
  sql: SqlClient;
  signer: NoteSigner;
  logger: AuditLogger;
  now: () => Date;
  /** Wakes the sealer after this process's appends (SqlEventStore.onAppend). */
  onAppend?: (listener: () => void) => () => void;
}

export type SealerStatus = 'starting' | 'sealing' | 'refusing' | 'stopped';

export interface SealerHealth {
  ok: boolean;
  status: SealerStatus;
  treeSize: number;
  checkpointSize: number | null;
  problem: LogProblem | null;
  warnings: string[];
}

export class Sealer {
  private status: SealerStatus = 'starting';
  private problem: LogProblem | null = null;
  private warnings: string[] = [];
  private range: CompactRange | undefined;
  private checkpointSize: number | null = null;
  private lastFullCheck: { state: TreeState; atMs: number } | undefined;
  private ready: Promise<void> = Promise.resolve();
  private markReady: () => void = () => undefined;
  private loop: Promise<void> = Promise.resolve();
  private tail: Promise<unknown> = Promise.resolve();
  private demanded = false;
  private lastDemandAt = 0;
  private wake: (() => void) | undefined;
  private woken = false;
  private unlisten: () => void = () => undefined;
  private readonly limits: SealerLimits;
  private readonly verifier: NoteVerifier;

  constructor(private readonly dependencies: SealerDependencies, limits: Partial<SealerLimits> = {}) {
    this.limits = { ...DEFAULT_SEALER_LIMITS, ...limits };
    this.verifier = createNoteVerifier(dependencies.signer.keyName, dependencies.signer.publicKey);
  }

  get origin(): string {
    return this.dependencies.signer.keyName;
  }

  /** Checks the stored tree (in the background), then follows the log. */
  start(): void {
    this.ready = new Promise((resolve) => { this.markReady = resolve; });
    this.unlisten = this.dependencies.onAppend?.(debounce(this.limits.wakeDelayMs, () => this.wakeUp())) ?? (() => undefined);
    this.loop = this.follow();
  }

  async stop(): Promise<void> {
    if (this.status !== 'refusing') this.status = 'stopped';
    this.unlisten();
    this.wakeUp();
    await this.loop;
    await this.tail.catch(() => undefined);
  }

  health(): SealerHealth {
    return { ok: this.status !== 'refusing', status: this.status, treeSize: this.range?.size ?? 0,
      checkpointSize: this.checkpointSize, problem: this.problem, warnings: [...this.warnings] };
  }

  /** Asks for a checkpoint soon (coalesced and spaced), e.g. for a receipt that is not yet covered. */
  requestCheckpoint(): void {
    this.demanded = true;
    this.wakeUp();
  }

  /** Seals every event visible now, waiting for another process's sealer if need be; returns how many. */
  async sealAvailable(): Promise<number> {
    await this.whenSealing();
    return this.exclusive(() => this.sealUntilCaughtUp('wait'));
  }

  /** Seals what is visible, checks, and publishes a checkpoint if the tree grew since the last one. */
  async publishCheckpoint(): Promise<CheckpointOutcome> {
    await this.whenSealing();
    const outcome = await this.exclusive(() => this.checkpoint('now', 'wait')).catch((error: unknown) => {
      this.fail(error);
      throw error;
    });
    return outcome ?? { checkpoint: undefined, published: false };
  }

  private async follow(): Promise<void> {
    // A failed first check is retried while it is an operating error (the database away);
    // a finding (a LogRefusal) ends the loop for good.
    while (this.status === 'starting') {
      try {
        await this.exclusive(() => this.initialCheck());
      } catch (error) {
        this.fail(error);
        if (this.status === 'starting') await this.sleep(this.limits.pollIntervalMs);
      }
    }
    this.markReady();
    const pacer = new FollowPacer(this.limits.pollIntervalMs);
    let nextIntervalAt = Date.now() + this.limits.checkpointIntervalMs;
    while (this.status === 'sealing') {
      const wasWoken = this.woken;
      this.woken = false;
      let sealed = 0;
      try {
        sealed = await this.exclusive(() => this.sealOnce('try'));
        if (Date.now() >= nextIntervalAt) {
          nextIntervalAt = Date.now() + this.limits.checkpointIntervalMs;
          await this.exclusive(() => this.checkpoint('interval', 'try'));
        }
        if (this.demanded && Date.now() >= this.lastDemandAt + this.limits.onDemandSpacingMs) {
          this.lastDemandAt = Date.now();
          const outcome = await this.exclusive(() => this.checkpoint('demand', 'try'));
          if (outcome !== undefined) this.demanded = false;
        }
      } catch (error) {
        this.fail(error);
      }
      if (this.status !== 'sealing') break;
      let delayMs = pacer.next(sealed, this.limits.batchEventsMax, wasWoken);
      if (this.demanded) delayMs = Math.max(1, Math.min(delayMs, this.lastDemandAt + this.limits.onDemandSpacingMs - Date.now()));
      if (delayMs > 0) await this.sleep(delayMs);
    }
  }

  /** Waits for the first check; explicit calls on a refusing sealer fail with its finding. */
  private async whenSealing(): Promise<void> {
    await this.ready;
    if (this.status === 'refusing' && this.problem !== null) throw new LogRefusal(this.problem);
    if (this.status !== 'sealing') throw new Error('the audit sealer is not running');
  }

  private async initialCheck(): Promise<void> {
    // The deep check reads page by page outside the lock, so a large tree does not hold the
    // lock (or the embedded store's one connection) for seconds; it covers the tree as it was.
    const size = (await readTreeState(this.dependencies.sql)).treeSize;
    const deep = await checkNodesMatchLeaves(this.dependencies.sql, size);
    if (deep !== null) throw new LogRefusal(deep);
    await this.dependencies.sql.transaction(async (executor) => {
      await lockSealer(executor, 'wait', this.limits.lockWaitMs);
      const state = await readTreeState(executor);
      const range = await loadRange(executor, state.treeSize);
      const report = await checkSealedLog(executor, state, range.root(), this.verifier);
      this.noteWarnings(report.warnings);
      if (report.problem !== null) throw new LogRefusal(report.problem);
      this.range = range;
      this.checkpointSize = report.lastCheckpoint?.treeSize ?? null;
      this.lastFullCheck = { state, atMs: Date.now() };
    });
    this.status = 'sealing';
    this.dependencies.logger.info({ treeSize: this.range?.size, checkpointSize: this.checkpointSize }, 'audit log checked; sealing');
  }

  /** Seals batches until one is short; under a log that never pauses, at most catchUpBatchesMax of them. */
  private async sealUntilCaughtUp(lock: LockMode): Promise<number> {
    let total = 0;
    for (let batch = 0; batch < this.limits.catchUpBatchesMax; batch += 1) {
      const sealed = await this.sealOnce(lock);
      total += sealed;
      if (sealed < this.limits.batchEventsMax) break;
    }
    return total;
  }

  /** One batch under the lock; 0 when there was nothing to seal or another process holds the lock. */
  private async sealOnce(lock: LockMode): Promise<number> {
    const result = await this.dependencies.sql.transaction(async (executor) => {
      if (!(await lockSealer(executor, lock, this.limits.lockWaitMs))) return undefined;
      const state = await readTreeState(executor);
      const range = await this.rangeFor(executor, state);
      const after = await sealNextEvents(executor, state, range, this.limits.batchEventsMax);
      return { range, sealed: after.treeSize - state.treeSize };
    });
    if (result === undefined) return 0;
    this.range = result.range;
    return result.sealed;
  }

  /** The cached range when it is at the stored size (a tree of one size has one frontier), else loaded. */
  private async rangeFor(executor: SqlExecutor, state: TreeState): Promise<CompactRange> {
    if (this.range !== undefined && this.range.size === state.treeSize) return copyRange(this.range);
    return loadRange(executor, state.treeSize);
  }

  private async checkpoint(mode: CheckpointMode, lock: LockMode): Promise<CheckpointOutcome | undefined> {
    await this.sealUntilCaughtUp(lock);
    const prepared = await this.dependencies.sql.transaction(async (executor) => {
      if (!(await lockSealer(executor, lock, this.limits.lockWaitMs))) return undefined;
      const state = await readTreeState(executor);
      const range = await this.rangeFor(executor, state);
      const since = this.incrementalBase(mode);
      const checked = await prepareCheckpoint(executor, state, range.root(), this.verifier, mode, since);
      this.noteWarnings(checked.warnings);
      if (checked.problem !== null) throw new LogRefusal(checked.problem);
      if (checked.grown && since === undefined) this.lastFullCheck = { state, atMs: Date.now() };
      return { treeSize: state.treeSize, root: range.root(), ...checked };
    });
    if (prepared === undefined) return undefined;
    this.checkpointSize = prepared.last?.treeSize ?? this.checkpointSize;
    if (!prepared.grown) return { checkpoint: prepared.last, published: false };
    return this.publish(prepared.treeSize, prepared.root, prepared.last);
  }

  /**
   * Checkpoints asked for on demand compare only the leaves sealed since the last full check,
   * while that is recent: a client asking for fresh receipts in a loop must not make every
   * checkpoint read the whole events table. Interval and explicit checkpoints check everything.
   */
  private incrementalBase(mode: CheckpointMode): TreeState | undefined {
    const recent = this.lastFullCheck !== undefined && Date.now() - this.lastFullCheck.atMs < this.limits.fullCheckIntervalMs;
    return mode === 'demand' && recent ? this.lastFullCheck?.state : undefined;
  }

  private async publish(treeSize: number, root: Buffer, last: PublishedCheckpoint | undefined): Promise<CheckpointOutcome> {
    const outcome = await publishCheckpoint(this.dependencies, treeSize, root, last);
    this.checkpointSize = outcome.checkpoint?.treeSize ?? this.checkpointSize;
    if (outcome.published) this.dependencies.logger.info({ treeSize, rootHash: root.toString('hex') }, 'audit checkpoint published');
    return outcome;
  }

  private fail(error: unknown): void {
    const problem = findingOf(error);
    if (problem !== undefined) {
      this.status = 'refusing';
      this.problem = problem;
      this.dependencies.logger.error({ problem }, `AUDIT LOG REFUSES TO SEAL OR SIGN: ${problem.code}: ${problem.message}`);
      return;
    }
    // Anything else (the database away for a moment) is retried on the next round.
    this.dependencies.logger.warn({ err: error }, `audit sealer: ${(error as Error).message}`);
  }

  private noteWarnings(warnings: string[]): void {
    for (const warning of warnings) {
      if (!this.warnings.includes(warning)) this.dependencies.logger.warn({}, `audit log: ${warning}`);
    }
    this.warnings = warnings;
  }

  /** Runs work after everything this process started before it: the loop and explicit calls never interleave. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work, work);
    this.tail = result.catch(() => undefined);
    return result;
  }

  private wakeUp(): void {
    this.woken = true;
    this.wake?.();
  }

  private sleep(milliseconds: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.woken || this.status === 'stopped' || this.status === 'refusing') return resolve();
      const timer = setTimeout(resolve, milliseconds);
      this.wake = () => { clearTimeout(timer); resolve(); };
    });
  }
}
