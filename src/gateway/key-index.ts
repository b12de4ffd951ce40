// An in-memory index of API keys by hash, so authenticating a request costs no database round
// trip. It starts from the api_keys read model (as of that projection's checkpoint) and then
// follows the log from there, so a key revoked anywhere is refused here within moments. It also
// keeps each account's plan and key groups, which every request is checked against.
import { asLumenEvent, type LumenEvent } from '../domain/events.ts';
import { planNamed, type Plan } from '../domain/plans.ts';
import type { KeyGroup } from '../domain/account.ts';
import { compareGlobal, LOG_START, type EventStore, type GlobalPosition, type Subscription } from '../ledger/event-store.ts';
import { toBigInt, type SqlExecutor } from '../ledger/sql/sql-client.ts';
import type { AccountAccessDocument, ApiKeyDocument } from '../../projections/api-keys.ts';

interface StoredKey {
  keyId: string;
  accountId: string;
  revoked: boolean;
  allowedModels: string[] | null;
  groupId: string | null;
}

interface AccountAccess { plan: string; groups: Map<string, KeyGroup> }

/** A key as a request sees it: whose it is, and what its account's plan and its group allow. */
export interface KeyRecord extends StoredKey {
  plan: Plan;
  group: KeyGroup | null;
}

export class KeyIndex {
  private readonly byHash = new Map<string, StoredKey>();
  private readonly hashById = new Map<string, string>();
  private readonly accounts = new Map<string, AccountAccess>();
  private position: GlobalPosition = LOG_START;
  private subscription: Subscription | undefined;
  private store: EventStore | undefined;
  private readonly waiters = new Set<() => void>();

  async start(store: EventStore, sql: SqlExecutor): Promise<void> {
    this.store = store;
    const checkpoints = await sql.query(
      `select transaction_id::text as transaction_text, position from lumen_projection_checkpoints where projection = 'api_keys'`);
    const checkpoint = checkpoints[0];
    const from = checkpoint === undefined ? LOG_START
      : { transactionId: toBigInt(checkpoint.transaction_text), position: toBigInt(checkpoint.position) };
    // Documents read after the checkpoint may already include later events; replaying those
    // events again from the checkpoint, in order, ends in the same state.
    const documents = await sql.query(
      `select key, document from lumen_read_models where projection = 'api_keys' and (key like 'id:%' or key like 'account:%')`);
    for (const row of documents) {
      if (String(row.key).startsWith('account:')) {
        const account = JSON.parse(String(row.document)) as AccountAccessDocument;
        this.accounts.set(account.accountId, { plan: account.plan, groups: new Map(Object.entries(account.groups)) });
        continue;
      }
      const document = JSON.parse(String(row.document)) as ApiKeyDocument & { keyHash: string };
      this.put(document.keyHash, { keyId: document.keyId, accountId: document.accountId, revoked: document.revoked,
        allowedModels: document.allowedModels ?? null, groupId: document.groupId ?? null });
    }
    this.position = from;
    this.subscription = store.subscribe({ after: from, wakeDelayMs: 25, onEvents: (events) => {
      for (const recorded of events) this.apply(asLumenEvent(recorded));
      this.position = events.at(-1)!.global;
      this.waiters.forEach((wake) => wake());
    } });
  }

  find(keyHash: string): KeyRecord | undefined {
    const stored = this.byHash.get(keyHash);
    if (stored === undefined) return undefined;
    const access = this.accounts.get(stored.accountId);
    const group = stored.groupId === null ? null : (access?.groups.get(stored.groupId) ?? null);
    return { ...stored, plan: planNamed(access?.plan ?? 'free'), group };
  }

  /**
   * Catches up with everything committed so far. A key issued through another process reaches
   * this index a moment later; a key not found is looked up again after this, so it works at
   * once everywhere. Bounded: an unknown key costs one position query and a short wait at most.
   */
  async catchUpWithLog(timeoutMs = 2_000): Promise<void> {
    const last = await this.store?.lastPosition?.();
    if (last !== undefined) await this.waitFor(last, timeoutMs).catch(() => undefined);
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

  private apply(event: LumenEvent): void {
    switch (event.type) {
      case 'ApiKeyIssued':
        this.put(event.data.keyHash, { keyId: event.data.keyId, accountId: event.data.accountId, revoked: false,
          allowedModels: event.data.allowedModels, groupId: null });
        return;
      case 'ApiKeyRevoked': case 'ApiKeyGroupAssigned': {
        const hash = this.hashById.get(event.data.keyId);
        const stored = hash === undefined ? undefined : this.byHash.get(hash);
        if (stored === undefined) return;
        if (event.type === 'ApiKeyRevoked') stored.revoked = true;
        else stored.groupId = event.data.groupId;
        return;
      }
      case 'AccountOpened':
        this.accounts.set(event.data.accountId, { plan: event.data.plan, groups: new Map() });
        return;
      case 'AccountPlanChanged': {
        const access = this.accounts.get(event.data.accountId);
        if (access !== undefined) access.plan = event.data.plan;
        return;
      }
      case 'KeyGroupDefined':
        this.accounts.get(event.data.accountId)?.groups.set(event.data.groupId,
          { name: event.data.name, models: event.data.models, clients: event.data.clients });
        return;
      default:
        return;
    }
  }

  private put(keyHash: string, record: StoredKey): void {
    this.byHash.set(keyHash, record);
    this.hashById.set(record.keyId, keyHash);
  }
}
