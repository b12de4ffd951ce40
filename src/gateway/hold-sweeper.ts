// Resolves holds that their own process will never resolve, because it crashed (or lost the
// database) between placing a hold and settling it. The policy, applied by every process on
// start and then periodically, and safe to run in many processes at once (a hold's resolution
// has one fixed event id, and the decider ignores a hold that is no longer open):
//   1. a hold whose request has its RequestCompleted on the ledger is settled to that event's
//      cost, as its own process would have done; the sweeper leaves a grace period first;
//   2. a hold with no RequestCompleted is expired (released, nothing charged) once the ledger
//      time it carries, placement + LUMEN_HOLD_TTL_SECONDS, has passed. The expiry event
//      carries that time, so a replay reaches the same balances whatever the clock says.
// A request that still completes after its hold expired is recorded but not charged; the
// finance reconciliation lists it as a difference.
import { asLumenEvent } from '../domain/events.ts';
import type { EventStore } from '../ledger/event-store.ts';
import { ledgerTimeOf } from '../ledger/hash-chain.ts';
import type { SqlExecutor } from '../ledger/sql/sql-client.ts';
import type { OpenHoldDocument } from '../../projections/open-holds.ts';
import type { AccountWriter } from './account-writer.ts';

export interface HoldSweeperOptions {
  now: () => Date;
  intervalMs: number;
  /** Holds younger than this are left to the process that placed them. */
  graceMs: number;
  /** Holds looked at per sweep. */
  batchMax?: number;
}

export interface SweepResult { settled: number; expired: number; looked: number }

export class HoldSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<SweepResult> | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly sql: SqlExecutor,
    private readonly writer: AccountWriter,
    private readonly options: HoldSweeperOptions,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  start(): void {
    const tick = () => {
      void this.sweep().catch(this.onError).finally(() => {
        if (this.timer !== undefined) this.timer = setTimeout(tick, this.options.intervalMs).unref();
      });
    };
    this.timer = setTimeout(tick, 0).unref();
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /** One pass over the open holds old enough to be looked at. */
  sweep(): Promise<SweepResult> {
    this.running ??= this.sweepOnce().finally(() => { this.running = undefined; });
    return this.running;
  }

  private async sweepOnce(): Promise<SweepResult> {
    const now = this.options.now();
    const before = ledgerTimeOf(new Date(now.getTime() - this.options.graceMs));
    const rows = await this.sql.query(
      // Oldest first, so that a crowd of young holds never hides an old one past the batch limit.
      `select document from lumen_read_models where projection = 'open_holds'
       order by (document::jsonb ->> 'heldAt'), key limit $1`, [this.options.batchMax ?? 500]);
    const result: SweepResult = { settled: 0, expired: 0, looked: 0 };
    for (const row of rows) {
      const hold = JSON.parse(String(row.document)) as OpenHoldDocument;
      if (hold.heldAt > before) continue;
      result.looked += 1;
      const completed = (await this.store.readStream(`request-${hold.requestId}`, { maxCount: 1 }))
        .map(asLumenEvent).find((event) => event.type === 'RequestCompleted');
      if (completed !== undefined && completed.type === 'RequestCompleted') {
        const { events } = await this.writer.execute(hold.accountId, { type: 'SettleHold', requestId: hold.requestId,
          costMicros: completed.data.costMicros, day: completed.data.day });
        result.settled += events.length;
      } else {
        const { events } = await this.writer.execute(hold.accountId, { type: 'ExpireHold', requestId: hold.requestId,
          now: ledgerTimeOf(now) });
        result.expired += events.length;
      }
    }
    return result;
  }
}
