// The one write path for account streams: fold, decide, append with the expected version,
// retry on a concurrent write. Because every request places and settles a hold on its account,
// a hot account sees many commands at once; so each process keeps the folded state of recently
// used accounts and, per account, decides every command that arrived while the previous append
// was in flight against that state and appends them as ONE batch with ONE expected version.
// Another process writing the same account makes the append fail; the writer then reads only
// the events it missed and decides again. A rejection or a no-op decided on cached state is
// confirmed against the stream's tail first, so a stale cache can delay but never refuse.
import { asLumenEvent, latestSchemaVersion } from '../domain/events.ts';
import { AccountRejected, decideAccount, evolveAccount, initialAccountState, type AccountCommand, type AccountState,
  type DecidedEvent } from '../domain/account.ts';
import { StoreError, WrongExpectedVersion, type EventStore, type RecordedEvent } from '../ledger/event-store.ts';

export const accountStream = (accountId: string) => `account-${accountId}`;

export interface AccountWriterOptions {
  now: () => Date;
  /** Commands decided together in one append. */
  batchMax?: number;
  /** Attempts per batch when other processes keep writing the same account. */
  attemptsMax?: number;
  /** Accounts whose folded state is kept; the least recently used idle ones are dropped. */
  cachedAccountsMax?: number;
}

export interface Executed {
  state: AccountState;
  /** The events this command appended (empty when it changed nothing). */
  events: RecordedEvent[];
}

interface Job { command: AccountCommand; resolve(result: Executed): void; reject(error: unknown): void }

interface Slot {
  state: AccountState;
  /** Version of the last event folded into `state`; -1 before the stream exists; null until loaded. */
  version: number | null;
  queue: Job[];
  running: boolean;
}

export interface WriterStatistics { batches: number; commands: number; conflicts: number; refreshes: number }

export class AccountWriter {
  private readonly slots = new Map<string, Slot>();
  private readonly batchMax: number;
  private readonly attemptsMax: number;
  private readonly cachedAccountsMax: number;
  readonly statistics: WriterStatistics = { batches: 0, commands: 0, conflicts: 0, refreshes: 0 };

  constructor(private readonly store: EventStore, private readonly options: AccountWriterOptions) {
    this.batchMax = options.batchMax ?? 256;
    this.attemptsMax = options.attemptsMax ?? 64;
    this.cachedAccountsMax = options.cachedAccountsMax ?? 10_000;
  }

  execute(accountId: string, command: AccountCommand): Promise<Executed> {
    const slot = this.slotOf(accountId);
    return new Promise<Executed>((resolve, reject) => {
      slot.queue.push({ command, resolve, reject });
      if (!slot.running) void this.drain(accountId, slot);
    });
  }

  /** The account's state as this process last folded it, refreshed from the stream's tail. */
  async current(accountId: string): Promise<AccountState> {
    const slot = this.slotOf(accountId);
    await this.refresh(accountId, slot);
    return slot.state;
  }

  private slotOf(accountId: string): Slot {
    let slot = this.slots.get(accountId);
    if (slot === undefined) {
      slot = { state: initialAccountState(), version: null, queue: [], running: false };
      this.evictIdle();
    } else {
      this.slots.delete(accountId);
    }
    this.slots.set(accountId, slot);
    return slot;
  }

  private evictIdle(): void {
    for (const [accountId, slot] of this.slots) {
      if (this.slots.size < this.cachedAccountsMax) return;
      if (!slot.running && slot.queue.length === 0) this.slots.delete(accountId);
    }
  }

  private async drain(accountId: string, slot: Slot): Promise<void> {
    slot.running = true;
    try {
      while (slot.queue.length > 0) {
        const jobs = slot.queue.splice(0, this.batchMax);
        await this.runBatch(accountId, slot, jobs).catch((error: unknown) => this.runAlone(accountId, slot, jobs, error));
      }
    } finally {
      slot.running = false;
    }
  }

  /** A batch that failed for a reason other than a conflict: each command alone, so one bad command fails alone. */
  private async runAlone(accountId: string, slot: Slot, jobs: Job[], error: unknown): Promise<void> {
    if (jobs.length === 1) { jobs[0]!.reject(error); return; }
    for (const job of jobs) await this.runBatch(accountId, slot, [job]).catch((failure: unknown) => job.reject(failure));
  }

  private async runBatch(accountId: string, slot: Slot, jobs: Job[]): Promise<void> {
    this.statistics.batches += 1;
    this.statistics.commands += jobs.length;
    let refreshed = false;
    if (slot.version === null) { await this.refresh(accountId, slot); refreshed = true; }
    for (let attempt = 1; ; attempt += 1) {
      const decisions = decideAll(jobs, slot.state);
      if (!refreshed && decisions.some((decision) => decision.events.length === 0)) {
        // A refusal or a no-op may only reflect a stale cache: confirm it against the tail.
        if (await this.refresh(accountId, slot)) { refreshed = true; continue; }
        refreshed = true;
      }
      const events = decisions.flatMap((decision) => decision.events);
      if (events.length === 0) { settleJobs(decisions, slot.state, []); return; }
      try {
        const appended = await this.store.append(accountStream(accountId), events.map(({ id, event }) => ({
          id, type: event.type, schemaVersion: latestSchemaVersion(event.type), data: event.data, recordedAt: this.options.now(),
        })), slot.version === -1 ? 'no_stream' : slot.version!);
        if (appended.events.length === events.length && appended.events[0]!.version === slot.version! + 1) {
          for (const recorded of appended.events) slot.state = evolveAccount(slot.state, asLumenEvent(recorded), recorded.id);
          slot.version = appended.nextExpectedVersion;
        } else {
          await this.refresh(accountId, slot);
        }
        settleJobs(decisions, slot.state, appended.events);
        return;
      } catch (error) {
        const conflict = error instanceof WrongExpectedVersion
          || (error instanceof StoreError && error.code === 'idempotency_conflict');
        if (!conflict || attempt >= this.attemptsMax) throw error;
        this.statistics.conflicts += 1;
        await this.refresh(accountId, slot);
        refreshed = true;
        // Other processes are writing this account too: step aside for a moment, by a random
        // amount, so that the writers do not keep colliding in lockstep.
        if (attempt > 2) await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(attempt, 20)));
      }
    }
  }

  /** Folds the events this process has not seen yet; true when there were any. */
  private async refresh(accountId: string, slot: Slot): Promise<boolean> {
    this.statistics.refreshes += 1;
    const fromVersion = (slot.version ?? -1) + 1;
    const missed = await this.store.readStream(accountStream(accountId), { fromVersion });
    if (slot.version === null) slot.version = -1;
    for (const recorded of missed) {
      if (recorded.version !== slot.version + 1) continue;
      slot.state = evolveAccount(slot.state, asLumenEvent(recorded), recorded.id);
      slot.version = recorded.version;
    }
    return missed.length > 0;
  }
}

interface Decision { job: Job; events: DecidedEvent[]; error?: unknown }

/** Decides each command in order, each against the state the earlier ones leave. */
function decideAll(jobs: Job[], start: AccountState): Decision[] {
  let state = start;
  return jobs.map((job) => {
    try {
      const events = decideAccount(job.command, state);
      for (const { id, event } of events) state = evolveAccount(state, event, id);
      return { job, events };
    } catch (error) {
      if (!(error instanceof AccountRejected)) throw error;
      return { job, events: [], error };
    }
  });
}

function settleJobs(decisions: Decision[], state: AccountState, appended: RecordedEvent[]): void {
  const byId = new Map(appended.map((recorded) => [recorded.id, recorded]));
  for (const decision of decisions) {
    if (decision.error !== undefined) { decision.job.reject(decision.error); continue; }
    decision.job.resolve({ state, events: decision.events.map(({ id }) => byId.get(id)!).filter((event) => event !== undefined) });
  }
}
