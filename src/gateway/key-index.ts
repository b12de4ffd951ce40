// An in-memory index of API keys by hash, so authenticating a request costs no database round
// trip. It starts from the api_keys read model (as of that projection's checkpoint) and then
// follows the log from there, so a key revoked anywhere is refused here within moments.
import { asLumenEvent } from '../domain/events.ts';
import { compareGlobal, LOG_START, type EventStore, type GlobalPosition, type Subscription } from '../ledger/event-store.ts';
import { toBigInt, type SqlExecutor } from '../ledger/sql/sql-client.ts';

export interface KeyRecord {
  keyId: string;
  accountId: string;
  revoked: boolean;
  allowedModels: string[] | null;
}

export class KeyIndex {
  private readonly byHash = new Map<string, KeyRecord>();
  private readonly hashById = new Map<string, string>();
  private position: GlobalPosition = LOG_START;
  private subscription: Subscription | undefined;
  private readonly waiters = new Set<() => void>();

  async start(store: EventStore, sql: SqlExecutor): Promise<void> {
    const checkpoints = await sql.query(
      `select transaction_id::text as transaction_text, position from lumen_projection_checkpoints where projection = 'api_keys'`);
    const checkpoint = checkpoints[0];
    const from = checkpoint === undefined ? LOG_START
      : { transactionId: toBigInt(checkpoint.transaction_text), position: toBigInt(checkpoint.position) };
    // Documents read after the checkpoint may already include later events; replaying those
    // events again from the checkpoint, in order, ends in the same state.
    const documents = await sql.query(`select document from lumen_read_models where projection = 'api_keys' and key like 'id:%'`);
    for (const row of documents) {
      const document = JSON.parse(String(row.document)) as KeyRecord & { keyHash: string };
      this.put(document.keyHash, { keyId: document.keyId, accountId: document.accountId, revoked: document.revoked,
        allowedModels: document.allowedModels ?? null });
    }
    this.position = from;
    this.subscription = store.subscribe({ after: from, wakeDelayMs: 25, onEvents: (events) => {
      for (const recorded of events) {
        const event = asLumenEvent(recorded);
        if (event.type === 'ApiKeyIssued') {
          this.put(event.data.keyHash, { keyId: event.data.keyId, accountId: event.data.accountId, revoked: false,
            allowedModels: event.data.allowedModels });
        } else if (event.type === 'ApiKeyRevoked') {
          const hash = this.hashById.get(event.data.keyId);
          const record = hash === undefined ? undefined : this.byHash.get(hash);
          if (record !== undefined) record.revoked = true;
        }
      }
      this.position = events.at(-1)!.global;
      this.waiters.forEach((wake) => wake());
    } });
  }

  find(keyHash: string): KeyRecord | undefined {
    return this.byHash.get(keyHash);
  }

  /** Resolves once the index has seen the log up to `position` (an append this process made). */
  async waitFor(position: GlobalPosition, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (compareGlobal(this.position, position) < 0) {
      if (Date.now() > deadline) throw new Error('the key index did not catch up in time');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => { this.waiters.delete(wake); resolve(); }, 20);
        const wake = () => { clearTimeout(timer); this.waiters.delete(wake); resolve(); };
        this.waiters.add(wake);
      });
    }
  }

  async stop(): Promise<void> {
    await this.subscription?.close();
  }

  private put(keyHash: string, record: KeyRecord): void {
    this.byHash.set(keyHash, record);
    this.hashById.set(record.keyId, keyHash);
  }
}
