// Runs projections: catches each up from its checkpoint, then follows the live log. Each batch
// of events is applied in one transaction that also moves the checkpoint, so a read model is
// never ahead of or behind its checkpoint. An advisory lock per projection lets several
// gateway processes run the same projections without applying an event twice.
import { canonicalJson } from '../canonical.ts';
import {
  compareGlobal, LOG_START, type EventStore, type GlobalPosition, type JsonObject, type RecordedEvent,
} from '../event-store.ts';
import type { AnyProjection } from '../projection.ts';
import { debounce, FollowPacer } from '../subscription.ts';
import { toBigInt, type SqlExecutor, type SqlClient, type SqlRow } from './sql-client.ts';

export interface RunnerOptions {
  batchSize: number;
  pollIntervalMs: number;
  /** Delay between a local append and the catch-up it triggers; appends meanwhile share it. */
  wakeDelayMs?: number;
}

interface Checkpoint { position: GlobalPosition; eventsApplied: number; version: number }

export class ProjectionRunner {
  private readonly positions = new Map<string, GlobalPosition>();
  private readonly waiters = new Set<() => void>();
  private stopped = false;
  private loops: Promise<void>[] = [];
  private wake: Array<() => void> = [];
  private wakePending = false;
  private readonly unlisten: () => void;

  constructor(
    private readonly store: EventStore,
    private readonly sql: SqlClient,
    private readonly projections: AnyProjection[],
    private readonly options: RunnerOptions = { batchSize: 2000, pollIntervalMs: 200 },
    onAppend: (listener: () => void) => () => void = () => () => undefined,
  ) {
    // Appends wake the runner a moment later, so a busy gateway pays one catch-up step for many
    // requests rather than a dozen statements per request; waitFor() wakes it at once.
    this.unlisten = onAppend(debounce(options.wakeDelayMs ?? 0, () => this.wakeUp()));
  }

  /** Starts following; projections whose version changed are rebuilt first. */
  async start(): Promise<void> {
    for (const projection of this.projections) {
      const checkpoint = await loadCheckpoint(this.sql, projection.name);
      if (checkpoint === undefined || checkpoint.version !== projection.version) await this.reset(projection);
    }
    this.loops = [this.follow()];
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unlisten();
    this.wakeUp();
    await Promise.all(this.loops);
  }

  /**
   * Applies every event up to the end of the log now, to the given projections (default all);
   * used by rebuilds and tests. onProgress receives the number of log events read so far.
   */
  async catchUp(only?: AnyProjection | AnyProjection[], onProgress: (read: number) => void = () => undefined): Promise<void> {
    const chosen = only === undefined ? this.projections : Array.isArray(only) ? only : [only];
    // Everything committed when the catch-up starts must be applied before it ends, also when an
    // unrelated long transaction keeps part of the log invisible for a while.
    const target = this.store.lastPosition === undefined ? undefined : await this.store.lastPosition();
    const reached = () => target === undefined || chosen.every((projection) =>
      compareGlobal(this.positions.get(projection.name) ?? LOG_START, target) >= 0);
    let read = 0;
    for (let idleMs = 1; ;) {
      const count = await this.step(chosen);
      read += count;
      if (count > 0) { onProgress(read); idleMs = 1; continue; }
      if (reached()) return;
      await new Promise((resolve) => setTimeout(resolve, idleMs));
      idleMs = Math.min(idleMs * 2, this.options.pollIntervalMs);
    }
  }

  /** Drops a projection's documents and checkpoint so that it replays from zero. */
  async reset(projection: AnyProjection): Promise<void> {
    await this.sql.transaction(async (executor) => {
      await lockProjection(executor, projection.name);
      await executor.query('delete from lumen_read_models where projection = $1', [projection.name]);
      await executor.query(
        `insert into lumen_projection_checkpoints (projection, projection_version, transaction_id, position, events_applied)
         values ($1, $2, '0', 0, 0) on conflict (projection) do update
         set projection_version = excluded.projection_version, transaction_id = '0', position = 0, events_applied = 0`,
        [projection.name, projection.version]);
    });
    this.positions.set(projection.name, LOG_START);
  }

  /** Resolves once every projection has applied the log up to and including `position`. */
  async waitFor(position: GlobalPosition, timeoutMs = 10_000): Promise<void> {
    const reached = () => this.projections.every((projection) =>
      compareGlobal(this.positions.get(projection.name) ?? LOG_START, position) >= 0);
    const deadline = Date.now() + timeoutMs;
    while (!reached()) {
      if (Date.now() > deadline) throw new Error('projections did not catch up in time');
      this.wakeUp();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 5);
        this.waiters.add(() => { clearTimeout(timer); resolve(); });
      });
    }
  }

  private async follow(): Promise<void> {
    const pacer = new FollowPacer(this.options.pollIntervalMs);
    let woken = false;
    while (!this.stopped) {
      const count = await this.step(this.projections).catch((error: unknown) => {
        // A failing projection must not stop the gateway; it retries after a pause.
        process.emitWarning(`projections: ${(error as Error).message}`);
        return 0;
      });
      const delayMs = pacer.next(count, this.options.batchSize, woken);
      woken = this.wakePending;
      this.wakePending = false;
      if (delayMs === 0 || woken) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delayMs);
        this.wake.push(() => { clearTimeout(timer); woken = true; this.wakePending = false; resolve(); });
      });
    }
  }

  /** Wakes the follow loop now, or, while it is reading, as soon as that read ends. */
  private wakeUp(): void {
    this.wakePending = true;
    this.wake.splice(0).forEach((resolve) => resolve());
  }


  /**
   * Reads one batch after the earliest of the projections' checkpoints and applies it to each
   * of them in one transaction; returns how many log events it read.
   */
  private async step(projections: AnyProjection[]): Promise<number> {
    const checkpoints = await loadCheckpoints(this.sql, projections.map((projection) => projection.name));
    const stored = projections.map((projection) => checkpoints.get(projection.name));
    const after = stored.map((checkpoint) => checkpoint?.position ?? LOG_START)
      .reduce((earliest, position) => (compareGlobal(position, earliest) < 0 ? position : earliest));
    const events = await this.store.readAll({ after, maxCount: this.options.batchSize });
    if (events.length === 0) {
      projections.forEach((projection, index) => this.advance(projection.name, stored[index]?.position ?? LOG_START));
      return 0;
    }
    await this.sql.transaction(async (executor) => {
      for (const projection of projections) await applyToProjection(executor, projection, events);
    });
    for (const projection of projections) this.advance(projection.name, events.at(-1)!.global);
    return events.length;
  }

  private advance(name: string, position: GlobalPosition): void {
    const known = this.positions.get(name) ?? LOG_START;
    if (compareGlobal(position, known) > 0) this.positions.set(name, position);
    this.waiters.forEach((resolve) => resolve());
    this.waiters.clear();
  }
}

/** Applies the events this projection has not seen yet and moves its checkpoint, under its lock. */
async function applyToProjection(executor: SqlExecutor, projection: AnyProjection, events: RecordedEvent[]): Promise<void> {
  await lockProjection(executor, projection.name);
  const checkpoint = await loadCheckpoint(executor, projection.name);
  // A process running another version of this projection (during an upgrade) leaves it alone.
  if (checkpoint !== undefined && checkpoint.version !== projection.version) return;
  const current = checkpoint?.position ?? LOG_START;
  // Another process may have applied part of this batch meanwhile: skip what it did.
  const fresh = events.filter((event) => compareGlobal(event.global, current) > 0);
  if (fresh.length === 0) return;
  const applied = await applyBatch(executor, projection, fresh);
  const last = fresh.at(-1)!.global;
  await executor.query(
    `update lumen_projection_checkpoints set transaction_id = $2::text::xid8, position = $3,
       events_applied = events_applied + $4 where projection = $1`,
    [projection.name, last.transactionId.toString(), last.position.toString(), applied]);
}

async function applyBatch(executor: SqlExecutor, projection: AnyProjection, events: RecordedEvent[]): Promise<number> {
  const handled = new Set(projection.handles);
  const relevant = events.filter((event) => handled.has(event.type));
  if (relevant.length === 0) return 0;
  const keysByEvent = relevant.map((event) => projection.keysOf(event));
  const keys = [...new Set(keysByEvent.flat())];
  const rows = await executor.query('select key, document from lumen_read_models where projection = $1 and key = any($2::text[])',
    [projection.name, keys]);
  const documents = new Map<string, JsonObject | null>(rows.map((row) => [String(row.key), JSON.parse(String(row.document))]));
  relevant.forEach((event, index) => {
    const eventKeys = keysByEvent[index]!;
    const before = new Map(eventKeys.map((key) => [key, documents.get(key) ?? null]));
    const sibling = (key: string): JsonObject | null => {
      if (!before.has(key)) throw new Error(`projection ${projection.name}: ${key} is not a key of ${event.type} ${event.id}`);
      return before.get(key) ?? null;
    };
    for (const key of eventKeys) {
      documents.set(key, projection.evolve(documents.get(key) ?? null, event, key, sibling));
    }
  });
  const kept = [...documents].filter(([, document]) => document !== null);
  const removed = [...documents].filter(([, document]) => document === null).map(([key]) => key);
  if (kept.length > 0) {
    await executor.query(
      `insert into lumen_read_models (projection, key, document)
       select $1, key, document from unnest($2::text[], $3::text[]) as docs(key, document)
       on conflict (projection, key) do update set document = excluded.document`,
      [projection.name, kept.map(([key]) => key), kept.map(([, document]) => canonicalJson(document))]);
  }
  if (removed.length > 0) {
    await executor.query('delete from lumen_read_models where projection = $1 and key = any($2::text[])', [projection.name, removed]);
  }
  return relevant.length;
}

async function lockProjection(executor: SqlExecutor, name: string): Promise<void> {
  await executor.query(`select pg_advisory_xact_lock(hashtext('lumen_projection:' || $1))`, [name]);
}

/** The checkpoints of several projections in one query. */
async function loadCheckpoints(executor: SqlExecutor, names: string[]): Promise<Map<string, Checkpoint>> {
  const rows = await executor.query(
    `select projection, projection_version, transaction_id::text as transaction_text, position, events_applied
     from lumen_projection_checkpoints where projection = any($1::text[])`, [names]);
  return new Map(rows.map((row) => [String(row.projection), checkpointOf(row)]));
}

function checkpointOf(row: SqlRow): Checkpoint {
  return {
    position: { transactionId: toBigInt(row.transaction_text), position: toBigInt(row.position) },
    eventsApplied: Number(row.events_applied),
    version: Number(row.projection_version),
  };
}

async function loadCheckpoint(executor: SqlExecutor, name: string): Promise<Checkpoint | undefined> {
  return (await loadCheckpoints(executor, [name])).get(name);
}

/** Every document of a projection as one canonical text, for byte-for-byte comparison. */
export async function dumpReadModel(sql: SqlExecutor, projection: string): Promise<string> {
  const rows = await sql.query('select key, document from lumen_read_models where projection = $1 order by key collate "C"', [projection]);
  return rows.map((row) => `${String(row.key)}\t${String(row.document)}`).join('\n');
}

/** One document of a read model, or undefined. */
export async function readDocument<T extends JsonObject>(sql: SqlExecutor, projection: string, key: string): Promise<T | undefined> {
  const rows = await sql.query('select document from lumen_read_models where projection = $1 and key = $2', [projection, key]);
  return rows[0] === undefined ? undefined : JSON.parse(String(rows[0].document)) as T;
}
